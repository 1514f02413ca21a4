"""A cache, between runs, of the shipped rule data as the loaders left it: read, validated, checked.

`check FILE` would otherwise read and validate some hundred YAML files (the rules, the parameters)
on every start, which costs more than checking the project. The cache holds only what a loader
returned successfully (a broken rule file raises, as without a cache, and nothing is written), and
is keyed by a fingerprint of everything the result depends on: the path, size, inode, modification
and change times of every file under `rules/`, of every message template, and of the checker's own modules, plus the
Python, PyYAML, pydantic and checker versions. Any difference, or a cache file that is missing,
unreadable, corrupt or of another shape, means the data is loaded from the files as usual (and the
cache rewritten), so the cache can make a start faster but never change a verdict.

The files live next to the Jinja bytecode cache (`$XDG_CACHE_HOME` or `~/.cache`, then
`nm-project-checker/`), one per checkout, written atomically. They are pickles, which can run code
when loaded: a file, or any folder from `nm-project-checker/` down to it, that another user owns
or that group or others may write is ignored, and nothing is written there (`trusted_folder`);
and a file that is read resolves only the checker's own data classes and a few standard types
(`_DataOnlyUnpickler`), so even a file planted past those checks cannot call a function.
The template cache holds compiled code and follows the same rule (`report.bytecode_cache`).
`NM_PROJECT_CHECKER_NO_CACHE=1` turns every cache of the checker off.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from checker import __version__
from checker.resources import rules_dir

DISABLE_VARIABLE = "NM_PROJECT_CHECKER_NO_CACHE"
_FORMAT = 1  # bump when the layout of a cache file changes
_PACKAGE = Path(__file__).resolve().parent.parent  # the whole checker package, every subpackage
RACY_SECONDS = 2.0  # files changed more recently than this are read, never cached

T = TypeVar("T")


def disabled() -> bool:
    """Whether the user turned the checker's caches off (any value but empty, 0, false, no)."""
    return os.environ.get(DISABLE_VARIABLE, "").strip().lower() not in ("", "0", "false", "no")


def user_cache_folder() -> Path | None:
    """The checker's folder in the user's cache (not created here), or None without a home.

    A relative `XDG_CACHE_HOME` is ignored, as the XDG specification asks, and so is a home that
    cannot be found (`~` unexpanded): neither may scatter cache folders in the working directory."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "nm-project-checker" if os.path.isabs(base) else None


def _versions() -> str:
    import pydantic_core
    import yaml

    return "\0".join((str(_FORMAT), __version__, sys.version, yaml.__version__, pydantic_core.__version__))


def _stats(folder: Path, recursive: bool, suffix: str, newest: list[int]) -> list[str]:
    """`relative path, size, inode, mtime_ns, ctime_ns` of every file in `folder`, in a stable
    order; `newest[0]` is raised to the latest of those times."""
    found: list[str] = []

    def scan(current: str, prefix: str) -> None:
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError:
            found.append(f"{prefix}?")  # unreadable: still a stable (and differing) key
            return
        for entry in entries:
            if entry.is_dir():
                if recursive and entry.name != "__pycache__":
                    scan(entry.path, f"{prefix}{entry.name}/")
            elif entry.name.endswith(suffix):
                info = entry.stat()
                newest[0] = max(newest[0], info.st_mtime_ns, info.st_ctime_ns)
                found.append(
                    f"{prefix}{entry.name}\0{info.st_size}\0{info.st_ino}\0{info.st_mtime_ns}\0{info.st_ctime_ns}"
                )

    scan(str(folder), "")
    return found


def fingerprint() -> str | None:
    """A hash of everything a load of the shipped rule data depends on (see the module docstring),
    or None while any of those files changed less than `RACY_SECONDS` ago.

    The change time (`ctime`) is in the key because no copy or archive tool can set it: an edit
    that keeps the size and restores the modification time (`cp -p`, `rsync -a`, `touch -r`)
    still changes it. Two edits within one tick of the file system's clock can leave both times
    equal, so a file that recent is never trusted to the cache, as git treats "racily clean" files.
    Computed anew on every call: it is a few hundred `stat`s, and a file edited while a process
    runs must count.
    """
    digest = hashlib.sha256(_versions().encode())
    newest = [0]
    for label, folder, recursive, suffix in (
        ("rules", rules_dir(), True, ""),
        ("code", _PACKAGE, True, ".py"),
    ):
        digest.update(f"\0\0{label}\0{folder}\0".encode())
        digest.update("\0\0".join(_stats(folder, recursive, suffix, newest)).encode())
    if newest[0] > time.time_ns() - int(RACY_SECONDS * 1e9):
        return None
    return digest.hexdigest()


def trusted(stat: os.stat_result) -> bool:
    """Whether this user owns it and nobody else may write it: a pickle, or a template's compiled
    code, runs when loaded, so whoever may write the file or its folder chooses what runs."""
    if not hasattr(os, "geteuid"):  # pragma: no cover - not on POSIX
        return True
    return stat.st_uid == os.geteuid() and not stat.st_mode & 0o022


_owned = trusted


def trusted_folder(folder: Path) -> bool:
    """Whether `folder` and every folder between it and the checker's cache folder are this
    user's and writable by nobody else (whoever may write a folder may replace what is in it)."""
    base = user_cache_folder()
    chain = [folder]
    if base is not None and base in folder.parents:
        chain += [p for p in folder.parents if p == base or base in p.parents]
    try:
        return all(trusted(os.stat(p)) for p in chain)
    except OSError:
        return False


def private_folder(folder: Path) -> bool:
    """Create `folder` (and the checker's cache folder above it) readable and writable by this
    user only, and say whether it may be trusted; a folder someone else made first is not."""
    base = user_cache_folder()
    try:
        if base is not None and base in folder.parents:
            base.parent.mkdir(parents=True, exist_ok=True)  # the user's cache home: not ours
            ours = [p for p in reversed(folder.parents) if p == base or base in p.parents]
            for part in [*ours, folder]:
                part.mkdir(mode=0o700, exist_ok=True)
        else:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return False
    return trusted_folder(folder)


def cache_file(name: str) -> Path | None:
    """Where the entry `name` of this checkout's data lives (one file per checkout and entry)."""
    folder = user_cache_folder()
    if folder is None:
        return None
    checkout = hashlib.sha256(str(rules_dir()).encode()).hexdigest()[:16]
    return folder / f"data-{__version__}" / f"{name}-{checkout}.pickle"


# What a cache file may name besides the checker's own data classes: the standard containers and
# dates the loaders build. Anything else (os.system, builtins.eval, a module's function) is refused.
_ALLOWED_GLOBALS = frozenset(
    {
        ("datetime", "date"),
        ("datetime", "datetime"),
        ("datetime", "timedelta"),
        ("builtins", "set"),
        ("builtins", "frozenset"),
        ("builtins", "tuple"),
        ("builtins", "list"),
        ("builtins", "dict"),
        ("builtins", "object"),
        ("copyreg", "_reconstructor"),
    }
)


class _DataOnlyUnpickler(pickle.Unpickler):
    """An unpickler that builds data, never runs code: beside the ownership checks (a file another
    user could have written is never opened), it resolves only the checker's own data classes
    (dataclasses, pydantic models and enums defined in `checker.*`) and `_ALLOWED_GLOBALS`, so a
    planted file naming any function or other class is refused like a corrupt one: a miss."""

    def find_class(self, module: str, name: str) -> object:
        if (module, name) in _ALLOWED_GLOBALS:
            return super().find_class(module, name)
        if module == "checker" or module.startswith("checker."):
            found = super().find_class(module, name)
            if isinstance(found, type) and _is_data_class(found):
                return found
        raise pickle.UnpicklingError(f"a cache file may not name {module}.{name}")


def _is_data_class(cls: type) -> bool:
    import dataclasses
    import enum

    from pydantic import BaseModel

    return dataclasses.is_dataclass(cls) or issubclass(cls, (BaseModel, enum.Enum))


def read(name: str, key: str, expected: type[T]) -> T | None:
    """The cached value of entry `name` if it was stored under `key` and is an `expected`; else None.

    Whatever is wrong with the file (absent, truncated, garbage, written by an older layout or
    naming a class that no longer exists) only means a miss.
    """
    path = cache_file(name)
    if path is None:
        return None
    try:
        if not trusted_folder(path.parent):
            return None
        with open(path, "rb") as fh:
            if not _owned(os.fstat(fh.fileno())):
                return None
            stored = _DataOnlyUnpickler(fh).load()
    except Exception:  # a cache must never be the reason a check fails
        return None
    if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == key):
        return None
    value = stored[1]
    return value if isinstance(value, expected) else None


def write(name: str, key: str, value: object) -> None:
    """Store `value` under `key`, atomically (a temporary file renamed over the old one).

    Without a writable cache folder, or if the value cannot be pickled, nothing is stored.
    """
    target = cache_file(name)
    if target is None:
        return
    if not private_folder(target.parent):
        return
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{name}-", suffix=".tmp", dir=target.parent)
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as fh:
            pickle.dump((key, value), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, target)
    except Exception:  # unpicklable, disk full: the next run loads from the files again
        with contextlib.suppress(OSError):
            os.unlink(temporary)


# the fingerprint of the files for the loads within `one_fingerprint`, once the first computed it
_pinned: contextvars.ContextVar[list[str | None] | None] = contextvars.ContextVar("nmck_fingerprint", default=None)


@contextlib.contextmanager
def one_fingerprint() -> Iterator[None]:
    """Within the block, every `cached` entry is keyed by one fingerprint, computed at the first
    use: building one Checker reads the ruleset and then the parameter definitions, and scanning
    every rule file twice cost a single check ~1 % of its start.

    Outside a block every call computes its own, so a long-running process sees files edited
    since its last load. Within one, an edit after the fingerprint was taken is read by a load
    that misses and stored under the older key, where no later fingerprint can find it (an edit
    changes a file's change time), so the cache still never serves data for other files.
    A context variable: each thread (and task) has its own block.
    """
    token = _pinned.set([])
    try:
        yield
    finally:
        _pinned.reset(token)


def _key() -> str | None:
    pinned = _pinned.get()
    if pinned is None:
        return fingerprint()
    if not pinned:
        pinned.append(fingerprint())
    return pinned[0]


def cached(name: str, expected: type[T], load: Callable[[], T]) -> T:
    """The value `load()` returns for the shipped data as it is now, from the cache when it holds
    one for exactly these files; `load`'s errors propagate and leave the cache as it was."""
    if disabled():
        return load()
    key = _key()
    if key is None:  # a file changed just now: load it, and trust no cache with it yet
        return load()
    found = read(name, key, expected)
    if found is not None:
        return found
    value = load()
    write(name, key, value)
    return value
