"""Writing a report file safely: never half a file, never over the project it reports on.

A report written in place could leave a truncated file if the process dies halfway, and CI
systems pick up whatever is there; so the text goes to a temporary file in the same directory
(same file system) and `os.replace` swaps it in, which is atomic on POSIX and Windows.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from checker.errors import UsageError


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def refuse_input_as_output(input_path: str, output_path: str) -> None:
    """UsageError when the report would overwrite the project file it reports on."""
    source, target = Path(input_path), Path(output_path)
    if _same_file(source, target) or source.resolve() == target.resolve():
        raise UsageError(
            f"refusing to write the report over the input file {input_path}: "
            "choose another --output"
        )


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0666 less the umask
    (mkstemp creates 0600, which would hide a report from the colleagues it is written for)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomically(path: str, text: str) -> None:
    """Write `text` (UTF-8) to `path` through a temporary file in the same directory."""
    target = Path(path)
    directory = target.parent
    if not directory.is_dir():
        raise UsageError(f"cannot write {path}: the directory {directory} does not exist")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temp, _mode_for(target))
        os.replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise UsageError(f"cannot write {path}: {exc.strerror}") from None
        raise
