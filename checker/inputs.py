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


def find_projects(directory: Path) -> list[Path]:
    """Every *.yaml / *.yml file under `directory`, sorted by path components.

    Hidden files and folders (`.git`, `.github`, editor backups) are skipped: they hold workflow
    files and the like, never project applications.
    """
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(directory):
        dirnames[:] = [d for d in dirnames if not _is_hidden(d)]
        base = Path(dirpath)
        found.extend(
            base / name for name in filenames
            if not _is_hidden(name) and name.lower().endswith(SUFFIXES)
        )
    found.sort(key=lambda p: p.relative_to(directory).parts)
    return found


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
            files.extend(str(p) for p in inside)
        elif path.exists():
            files.append(given)
        else:
            raise UsageError(f"{given}: no such file or folder")
    return files
