"""Turning the command line's paths into the list of project files to check, in a stable order.

A reviewer points the checker at a folder of applications; the order of the results must not depend
on the file system's listing order (so two runs, or `-j 1` and `-j 4`, print the same thing), and a
typo in a path must be refused before any work starts rather than discovered at the end.
"""

from __future__ import annotations

import os
from pathlib import Path

from checker.errors import UsageError

SUFFIXES = (".yaml", ".yml")


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def find_projects(directory: str | os.PathLike[str]) -> list[str]:
    """Every *.yaml / *.yml file under `directory`, in the order of their sorted path components.

    Hidden files and folders (`.git`, `.github`, editor backups) are skipped: they hold workflow
    files and the like, never project applications. Paths stay strings, and each folder is
    listed and sorted on its own: a folder of 100 000 applications then costs the parent (and
    the workers forked from it) a few MB rather than a Path object and a sort key per file.
    """
    found: list[str] = []
    _walk(os.fspath(directory), found)
    return found


def _walk(folder: str, found: list[str]) -> None:
    with os.scandir(folder) as listing:
        entries = sorted((e for e in listing if not _is_hidden(e.name)), key=lambda e: e.name)
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):  # no loops through linked folders
            _walk(entry.path, found)
        elif entry.name.lower().endswith(SUFFIXES) and entry.is_file():
            found.append(entry.path)


def expand_paths(paths: list[str]) -> list[str]:
    """Files as given, folders replaced by the project files they contain, in input order.

    Raises UsageError for a path that does not exist or a folder without any project file: both
    are mistakes on the command line, not problems of one application.
    """
    files: list[str] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            inside = find_projects(path)
            if not inside:
                raise UsageError(f"{given}: no *.yaml or *.yml file in this folder")
            files.extend(inside)
        elif path.exists():
            files.append(given)
        else:
            raise UsageError(f"{given}: no such file or folder")
    return files
