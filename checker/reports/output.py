"""Every file and stream the checker writes goes through here: whole or not at all, never over
what it reads.

The rules, the same for a report (`--output`), a template (`checker init`) and standard output:

- **Only a regular file or a new path.** A device, FIFO, socket or directory is refused (exit 2):
  a report renamed over /dev/null would replace the device with a file.
- **Symlinks are written through.** A link is resolved to its final target and that file is
  replaced; the link itself stays a link. Every check below applies to the resolved target.
- **Never over a protected file.** The caller names what the run reads or keeps (the input files,
  the ledger, the policy file, the waiver register); a target that is one of them, by path or by
  identity (a hard link, a symlink), is refused.
- **Whole or not at all.** A file is written to a temporary file beside it, every byte checked
  (a short write is continued, a failing one raises), synced, then renamed over the target: a
  full disk or an I/O error leaves the previous file as it was and no temporary behind.
- **Standard output** is written with `os.write` until every byte is out, with SIGINT, SIGTERM
  and SIGHUP held back meanwhile, so a signal never cuts a line; a closed pipe, a full disk or an
  I/O error is an `OutputError` (exit 2, one line), never a traceback and never a silent exit 0.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from checker.errors import OutputError, UsageError, shown

# (what it is, its path), e.g. ("the input file", "project.yaml")
Protected = tuple[str, str]

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)
_HELD_SIGNALS = frozenset(
    s for s in (getattr(signal, n, None) for n in ("SIGINT", "SIGTERM", "SIGHUP")) if s is not None
)


def _reason(exc: OSError) -> str:
    if exc.errno == errno.EPIPE:
        return "the reading end was closed (broken pipe)"
    if exc.errno == errno.EBADF:
        return "it is closed"
    return exc.strerror or type(exc).__name__


def _kind(mode: int) -> str | None:
    for test, name in _KINDS:
        if test(mode):
            return name
    return None if stat.S_ISREG(mode) else "not a regular file"


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def _real(path: str) -> str:
    """`path` with every symlink resolved; an OutputError when it cannot be (a loop, a working
    directory that was deleted under a relative path)."""
    try:
        if not os.path.isabs(path):
            os.getcwd()
    except FileNotFoundError:
        raise OutputError(
            f"cannot write {shown(path)}: the working directory no longer exists (give an absolute path)"
        ) from None
    try:
        return os.path.realpath(path, strict=False)
    except (OSError, ValueError) as exc:
        detail = _reason(exc) if isinstance(exc, OSError) else str(exc)
        raise OutputError(f"cannot write {shown(path)}: {detail}") from None


def _is_same(real: str, identity: tuple[int, int] | None, other: str) -> bool:
    try:
        if os.path.realpath(other) == real:
            return True
    except (OSError, ValueError):
        pass
    return identity is not None and _identity(other) == identity


def writable_target(path: str, protected: Iterable[Protected] = (), option: str = "--output") -> str:
    """The file to replace for `path` (symlinks resolved), or an OutputError saying why not."""
    if not path:
        raise OutputError(f"{option}: the file name is empty")
    if "\0" in path:
        raise OutputError(f"{option}: the file name holds a NUL character")
    real = _real(path)
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    except OSError as exc:  # a symlink loop, a name too long, a folder we may not enter
        raise OutputError(f"cannot write {shown(path)}: {_reason(exc)}") from None
    if st is not None and (kind := _kind(st.st_mode)) is not None:
        raise OutputError(f"refusing to write to {shown(path)}: it is {kind}, not a regular file")
    identity = (st.st_dev, st.st_ino) if st is not None else None
    for what, other in protected:
        if other and _is_same(real, identity, other):
            raise OutputError(f"refusing to write the report over {what} {shown(other)}: choose another {option}")
    directory = os.path.dirname(real)
    if not os.path.isdir(directory):
        raise OutputError(f"cannot write {shown(path)}: the directory {shown(directory)} does not exist")
    return real


def _mode_for(target: str) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0666 less the umask
    (mkstemp creates 0600, which would hide a report from the colleagues it is written for)."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of `data` to `fd`: a short write is continued, a failed one raises."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:  # pragma: no cover - write(2) reports a failure with an errno instead
            raise OSError(errno.EIO, "nothing written")
        view = view[written:]


def write_atomically(
    path: str, text: str | bytes, protected: Iterable[Protected] = (), option: str = "--output"
) -> None:
    """Write `text` (UTF-8 as written: a file name's undecodable bytes as given) to `path` through
    a temporary file beside its final target; OutputError, and the old file intact, on failure."""
    real = writable_target(path, protected, option)
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogateescape")
    # the temporary name within the file system's 255 bytes, whatever the report's name is written in
    name = os.fsdecode(os.fsencode(os.path.basename(real))[:100])
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=os.path.dirname(real))
    except OSError as exc:
        raise OutputError(f"cannot write {shown(path)}: {_reason(exc)}") from None
    try:
        try:
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(temp, _mode_for(real))
        os.replace(temp, real)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {shown(path)}: {_reason(exc)}") from None
        raise


def create_new(path: Path, text: str) -> None:
    """Write a new file, never replacing one (`checker init`): refused if anything is at `path`."""
    if os.path.lexists(path):
        raise UsageError(f"{shown(path)} already exists: refusing to overwrite it")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    except FileExistsError:
        raise UsageError(f"{shown(path)} already exists: refusing to overwrite it") from None
    except FileNotFoundError:
        raise OutputError(f"cannot write {shown(path)}: the directory does not exist") from None
    except OSError as exc:
        raise OutputError(f"cannot write {shown(path)}: {_reason(exc)}") from None
    try:
        try:
            write_all(fd, text.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(path)  # never half a template
        raise OutputError(f"cannot write {shown(path)}: {_reason(exc)}") from None


# ---------------------------------------------------------------- standard output


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP wait until the bytes in hand are written (POSIX; elsewhere,
    and outside the main thread, nothing is held)."""
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None or not _HELD_SIGNALS:
        yield
        return
    previous = mask(signal.SIG_BLOCK, _HELD_SIGNALS)
    try:
        yield
    finally:
        mask(signal.SIG_SETMASK, previous)


def _stdout_fd() -> int | None:
    stream = sys.stdout
    if stream is None:
        return None
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):
        return None


def stdout_failure(exc: OSError) -> OutputError:
    return OutputError(f"cannot write to standard output: {_reason(exc)}")


def write_stdout(data: bytes) -> None:
    """Write encoded output to standard output, whole: OutputError if it cannot be.

    A stream without a file descriptor (an in-memory one, in tests) takes the bytes through its
    binary layer, or decoded as UTF-8 when it has none.
    """
    stream = sys.stdout
    if stream is None:  # started with standard output closed
        raise OutputError("cannot write to standard output: it is closed")
    try:
        stream.flush()  # whatever was written as text before goes first
        fd = _stdout_fd()
        if fd is None:
            binary = getattr(stream, "buffer", None)
            if binary is None:
                stream.write(data.decode("utf-8", "surrogateescape"))
                stream.flush()
            else:
                binary.write(data)
                binary.flush()
            return
        with _signals_held():
            write_all(fd, data)
    except OSError as exc:
        raise stdout_failure(exc) from None
