"""Turning the command line's paths into the list of project files to check, in a stable order.

A reviewer points the checker at a folder of applications; the order of the results must not depend
on the file system's listing order (so two runs, or `-j 1` and `-j 4`, print the same thing), and a
typo in a path must be refused before any work starts rather than discovered at the end.
"""

from __future__ import annotations

import os

from checker.errors import UsageError, shown

SUFFIXES = (".yaml", ".yml")


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def find_projects(directory: str | os.PathLike[str]) -> list[str]:
    """Every *.yaml / *.yml file under `directory`, in the order of their sorted path components.

    Hidden files and folders (`.git`, `.github`, editor backups) are skipped: they hold workflow
    files and the like, never project applications. Paths stay strings, and each folder is
    listed and sorted on its own: a folder of 100 000 applications then costs the parent (and
    the workers forked from it) a few MB rather than a Path object and a sort key per file.

    What cannot be looked at (a folder that cannot be listed, a symlink loop, a name too long
    for the file system) is kept in the list, in its place: reading it then reports the problem
    for that path, and the batch goes on with the rest.
    """
    found: list[str] = []
    _walk(os.fspath(directory), found)
    return found


def _walk(folder: str, found: list[str]) -> None:
    try:
        with os.scandir(folder) as listing:
            entries = sorted((e for e in listing if not _is_hidden(e.name)), key=lambda e: e.name)
    except OSError:
        found.append(folder)  # reading it says why it cannot be listed
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):  # no loops through linked folders
                _walk(entry.path, found)
            elif entry.name.lower().endswith(SUFFIXES) and not entry.is_dir():
                # a dangling link or a FIFO named *.yaml is reported by reading it, never skipped
                found.append(entry.path)
        except OSError:  # a symlink loop, a name too long: a project file that cannot be read
            if entry.name.lower().endswith(SUFFIXES):
                found.append(entry.path)


def _kind(path: str) -> str | None:
    """'dir', 'file' (or something to read and report on) or None (nothing there)."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, ValueError):  # a name too long, a folder on the way we may not enter
        return "file"
    return "dir" if os.path.isdir(path) and not _is_unlistable(path) else "file"


def _is_unlistable(path: str) -> bool:
    try:
        with os.scandir(path):
            return False
    except OSError:
        return True


def expand_paths(paths: list[str]) -> list[str]:
    """Files as given, folders replaced by the project files they contain, in input order.

    Raises UsageError for a path that does not exist or a folder without any project file: both
    are mistakes on the command line, not problems of one application. A path that exists but
    cannot be looked at (a link loop, a name too long, a folder that cannot be listed) is kept:
    reading it reports the problem for that path alone.
    """
    files: list[str] = []
    for given in paths:
        kind = _kind(given)
        if kind == "dir":
            inside = find_projects(given)
            if not inside:
                raise UsageError(f"{shown(given)}: no *.yaml or *.yml file in this folder")
            files.extend(inside)
        elif kind is not None:
            files.append(given)
        else:
            raise UsageError(f"{shown(given)}: no such file or folder")
    return files
