"""Reading user YAML files: decoding, parsing with libyaml, and remembering where every key stands.

Validation errors must name the line of the offending key, and duplicate keys must be refused (YAML
parsers silently keep the last one, which would lose what the user wrote). We therefore read the
event stream of libyaml (C) and build plain Python values from it ourselves, recording the line of
every key path on the way.

Building from events rather than from a composed node tree is what keeps hostile files cheap: the
node limit is enforced while the file is being read, so a 10 MB flat list or an alias bomb ("billion
laughs") is refused after at most `max_nodes` events, in bounded memory, instead of first being
composed into millions of node objects. An alias counts as many values as its anchor holds (the
value itself is shared, not copied), so expansion is measured without being performed.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import yaml
from yaml import events

from checker.errors import InputError

try:  # libyaml: several times faster than the pure-Python parser
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]  # the same parser API, in Python

KeyPath = tuple[str | int, ...]

MAX_FILE_BYTES = 1024 * 1024  # a real project file is a few KB; --max-bytes raises the limit
MAX_NODES = 100_000  # a real application has a few hundred values; an alias bomb has billions
MAX_DEPTH = 40  # format 1 nests four levels deep


@dataclass(frozen=True)
class Limits:
    """How much a user file may hold before it is refused: bytes, values, nesting levels."""

    max_bytes: int = MAX_FILE_BYTES
    max_nodes: int = MAX_NODES
    max_depth: int = MAX_DEPTH


DEFAULT_LIMITS = Limits()


class _Loader(_BaseLoader):
    """libyaml's parser; the values are resolved by the YAML 1.2 core schema below, not by it."""


# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1023-core-schema). PyYAML resolves YAML 1.1,
# which silently misreads what people type: `1:0.8` is the sexagesimal 60.8, `0042` the octal 34,
# `yes`/`no`/`on`/`off` booleans. Here those stay text, so a number or flag written that way is a
# type error naming its key, never a different figure.
_TAG_PREFIX = "tag:yaml.org,2002:"
_NULL = _TAG_PREFIX + "null"
_BOOL = _TAG_PREFIX + "bool"
_INT = _TAG_PREFIX + "int"
_FLOAT = _TAG_PREFIX + "float"
_STR = _TAG_PREFIX + "str"
_TIMESTAMP = _TAG_PREFIX + "timestamp"
_CORE_NULL = frozenset(("", "~", "null", "Null", "NULL"))
_CORE_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_CORE_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_CORE_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
# digits with a leading zero: an identifier as written (`id: 0042`), never octal, never 42
_LEADING_ZERO = re.compile(r"[-+]?0[0-9]+")
# a date (or date and time) as the format writes it, YYYY-MM-DD, kept as a date. YAML 1.1 also
# took 2030-1-1, which JSON Schema's `date` refuses: such text stays text, and validation asks
# for 2030-01-01, as it does when the same date is quoted
_DATE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?"
)


# What no text value may hold, however it was written (a YAML escape such as "\0", "\e", "\x85",
# "\uFFFE" reaches the value even though the file's bytes are clean): C0 controls other than tab
# and line feed (a carriage return rewrites a terminal line), DEL, C1 controls (ESC-like terminal
# sequences), lone surrogates (not encodable), U+FFFE/U+FFFF (not characters; XML 1.0 refuses them),
# the line and paragraph separators (a second line in a one-line field) and the bidirectional
# overrides and isolates (text that reads differently from what it holds).
TEXT_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def forbidden_character(text: str) -> str | None:
    """`U+001B` for the first character of `text` that no text value may hold, else None."""
    found = TEXT_FORBIDDEN.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def resolve_plain(text: str) -> str:
    """The tag the YAML 1.2 core schema gives an untagged plain scalar (plus dates, as dates)."""
    if text in _CORE_NULL:
        return _NULL
    if text in _CORE_BOOL:
        return _BOOL
    first = text[0]
    if first in "0123456789-+.":
        if _LEADING_ZERO.fullmatch(text):
            return _STR
        if _CORE_INT.fullmatch(text):
            return _INT
        if _CORE_FLOAT.fullmatch(text):
            return _FLOAT
        if _DATE.fullmatch(text):
            return _TIMESTAMP
    return _STR


class WrittenInt(int):
    """An integer written other than in plain decimal (`0x2A`, `0o17`, `+42`, `-0`): its value, and
    the text as written, for a key that keeps text as written (`project.id: 0x2A` is "0x2A", not "42")."""

    written: str

    def __new__(cls, value: int, written: str | None = None) -> WrittenInt:
        made = super().__new__(cls, value)
        made.written = str(value) if written is None else written
        return made


def _construct_int(text: str) -> int:
    if text.startswith("0o"):
        value = int(text[2:], 8)
    elif text.startswith("0x"):
        value = int(text[2:], 16)
    elif not _CORE_INT.fullmatch(text):
        raise ValueError("not an integer")
    else:
        value = int(text)
    return value if str(value) == text else WrittenInt(value, text)


def _construct_float(text: str) -> float:
    if not _CORE_FLOAT.fullmatch(text):
        raise ValueError("not a number")
    lowered = text.lower()
    if lowered.endswith(".inf"):
        return float("-inf") if lowered.startswith("-") else float("inf")
    if lowered == ".nan":
        return float("nan")
    return float(text)


def _construct_bool(text: str) -> bool:
    if text not in _CORE_BOOL:
        raise ValueError("not true or false")
    return _CORE_BOOL[text]


def _construct_null(text: str) -> None:
    if text not in _CORE_NULL:
        raise ValueError("not null")
    return None


_CONSTRUCTORS: dict[str, Callable[[str], Any]] = {
    _NULL: _construct_null,
    _BOOL: _construct_bool,
    _INT: _construct_int,
    _FLOAT: _construct_float,
    _STR: str,
}

_MAP_TAG = _TAG_PREFIX + "map"
_SEQ_TAG = _TAG_PREFIX + "seq"
# The only explicit tags a file may carry: `!!str` (to keep `!!str 1:0.8` as text) and the
# structural ones. Every other tag is refused by name: no `!!binary`, `!!set`, `!!python/...`,
# and no `!!int ''` or `!!timestamp x` to construct.
_ALLOWED_SCALAR_TAGS = frozenset((_STR,))
# the 1.2 float form, anchored, for writers that must quote what this reader takes as a number
YAML12_FLOAT = re.compile(rf"^(?:{_CORE_FLOAT.pattern})$")


@dataclass
class SourceDocument:
    """A parsed YAML file with the line of every key path, for error messages and locations."""

    path: str
    data: Any
    sha256: str
    lines: dict[KeyPath, int] = field(default_factory=dict)
    # the bytes parsed, for the ledger: recorded as read, never read a second time
    raw: bytes | None = field(default=None, repr=False, compare=False)

    def line_of(self, key_path: KeyPath) -> int | None:
        """The line of `key_path`, or of its nearest ancestor that exists in the file."""
        probe = tuple(key_path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get((), None)


_KEY_SHOWN_MAX = 60  # a pasted paragraph used as a key need not be echoed whole


def format_key_path(key_path: KeyPath) -> str:
    """`("project", "products", 0, "unit")` → `project.products[0].unit`."""
    out = ""
    for part in key_path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = str(part)
            if len(name) > _KEY_SHOWN_MAX:
                name = name[: _KEY_SHOWN_MAX - 1] + "…"
            if not name or name != name.strip() or any(c in name for c in ".[]'\"") or not name.isprintable():
                name = repr(name)  # `project.'\x1e'`, `energy.''`: visibly not a plain key
            out += ("." if out else "") + name
    return out


# ---------------------------------------------------------------- decoding

# YAML forbids C0 controls other than tab, LF and CR, DEL, C1 controls other than NEL, and U+FFFE/F
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
_SEPARATORS = re.compile("[\x85\u2028\u2029]")
_REFUSED = re.compile(f"{_FORBIDDEN.pattern}|{_SEPARATORS.pattern}")
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _line_at(raw: bytes, offset: int) -> int:
    """The 1-based line of a byte offset, a lone CR (old Mac files) ending a line as libyaml's does."""
    head = raw[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def _text_line_column(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of `text[index]`, lines ended by LF, CRLF or a lone CR."""
    head = text[:index]
    line = head.count("\n") + head.count("\r") - head.count("\r\n") + 1
    start = max(head.rfind("\n"), head.rfind("\r")) + 1
    return line, index - start + 1


def _mostly_utf8(raw: bytes) -> bool:
    """A UTF-8 file with a few stray bytes, rather than GBK text.

    Decoding such a file as GB18030 would succeed and turn every Chinese character into nonsense,
    silently; better to say which line is broken. GBK text forms valid UTF-8 sequences only by
    accident, far less often than it forms invalid ones.
    """
    valid = len(_UTF8_MULTIBYTE.findall(raw))
    invalid = raw.decode("utf-8", "replace").count("\ufffd")
    return valid > 2 * invalid


def _decode_error(path: str, raw: bytes, exc: UnicodeDecodeError, what: str) -> InputError:
    line = _line_at(raw, exc.start)
    byte = raw[exc.start : exc.start + 1].hex().upper()
    return InputError.single(path, "", line, f"{what} (byte 0x{byte} cannot be decoded): save the file as UTF-8")


# what people send instead of a project file, by its first bytes
_KNOWN_BINARIES = (
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx or Word .docx file?)"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (Excel .xls or Word .doc?)"),
    (b"%PDF", "a PDF"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)


def _binary_error(raw: bytes, path: str) -> InputError:
    kind = next((name for magic, name in _KNOWN_BINARIES if raw.startswith(magic)), None)
    what = f"this is {kind}" if kind else "this is a binary file"
    return InputError.single(
        path,
        "",
        None,
        f"{what}, not a YAML text file: a project is described in a text file (project.yaml)",
    )


def decode(raw: bytes, path: str) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030 (what Chinese Windows
    editors save); refuse binary files and text that would only decode into nonsense."""
    if raw.startswith(codecs.BOM_UTF8):
        try:
            text = raw[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            exc.start += 3
            raise _decode_error(path, raw, exc, "the file starts as UTF-8 but is not") from None
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError.single(path, "", None, "the file starts as UTF-16 but is not: save it as UTF-8") from None
        text = text.lstrip("\ufeff")
    elif b"\x00" in raw:
        if any(raw.startswith(magic) for magic, _ in _KNOWN_BINARIES):
            raise _binary_error(raw, path)
        raise InputError.single(
            path,
            "",
            None,
            "this is a binary file, not a YAML text file (if it is UTF-16 text, save it as UTF-8)",
        )
    elif any(raw.startswith(magic) for magic, _ in _KNOWN_BINARIES):
        raise _binary_error(raw, path)
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            if _mostly_utf8(raw):
                raise _decode_error(path, raw, exc, "the file is UTF-8 except here") from None
            try:
                text = raw.decode("gb18030")
            except UnicodeDecodeError as gb_exc:
                raise _decode_error(path, raw, gb_exc, "the file is neither UTF-8 nor GBK/GB18030") from None
    _refuse_control_characters(text, raw, path)
    return text


def _refuse_control_characters(text: str, raw: bytes, path: str) -> None:
    # one scan of a file that holds neither (every file read); then a control character before
    # a line separator, as the two messages rank
    if _REFUSED.search(text) is None:
        return
    found = _FORBIDDEN.search(text)
    if found is not None:
        if "\x00" in text or len(_FORBIDDEN.findall(text[:4096])) > 8:
            raise _binary_error(raw, path)
        line, column = _text_line_column(text, found.start())
        raise InputError.single(
            path,
            "",
            line,
            f"column {column}: the control character U+{ord(found.group()):04X} is not allowed in YAML",
        )
    # NEL, LS and PS: libyaml ends a line at each (YAML 1.1), which an editor does not show, so a
    # value loses the character silently ("a\x85b" is read "a b") or the lines after it shift;
    # no text value may hold one anyway (TEXT_FORBIDDEN)
    separator = _SEPARATORS.search(text)
    assert separator is not None  # _REFUSED found one of the two kinds
    line, column = _text_line_column(text, separator.start())
    raise InputError.single(
        path,
        "",
        line,
        f"column {column}: the line separator U+{ord(separator.group()):04X} is not allowed: "
        "remove it or start a new line",
    )


# ---------------------------------------------------------------- reading and parsing


def _open_regular(path: str | Path, shown: str) -> BinaryIO:
    """Open a file for reading, refusing anything but a regular file before reading a byte.

    Opened without blocking: a FIFO would otherwise wait for a writer forever, and a device
    (/dev/zero, /dev/stdin) is no project file either. A directory is left to `open`'s own error.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            try:  # a folder found while walking that could not be listed: say why
                os.close(os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)))
                with os.scandir(path):
                    pass
            except OSError as exc:
                raise InputError.single(shown, "", None, f"cannot list the folder: {exc.strerror}") from None
            raise IsADirectoryError(21, "Is a directory", shown)
        if not stat.S_ISREG(mode):
            kind = "a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a device or socket"
            raise InputError.single(shown, "", None, f"is {kind}, not a regular file: save the project as a file")
        if flags & getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_document(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> SourceDocument:
    """Read and parse one YAML file; raise InputError naming the file and line on any problem."""
    shown = str(path)
    try:
        with _open_regular(path, shown) as fh:
            raw = fh.read(limits.max_bytes + 1)
    except IsADirectoryError:
        raise InputError.single(shown, "", None, "is a directory, not a YAML file") from None
    except FileNotFoundError:
        raise InputError.single(shown, "", None, "no such file") from None
    except PermissionError:
        raise InputError.single(shown, "", None, "cannot read the file: permission denied") from None
    except OSError as exc:
        raise InputError.single(shown, "", None, f"cannot read the file: {exc.strerror}") from None
    if len(raw) > limits.max_bytes:
        raise InputError.single(
            shown,
            "",
            None,
            f"the file is larger than the limit of {limits.max_bytes} bytes "
            "(a project file is a few KB; --max-bytes raises the limit)",
        )
    return parse_document(raw, shown, limits)


def _is_blank(text: str) -> bool:
    return all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines())


def parse_document(raw: bytes, path: str, limits: Limits = DEFAULT_LIMITS) -> SourceDocument:
    """Parse YAML bytes into plain values plus a key-path → line map."""
    digest = hashlib.sha256(raw).hexdigest()
    text = decode(raw, path)
    if _is_blank(text):
        raise InputError.single(path, "", None, "the file is empty")
    loader = _Loader(text)
    builder = _Builder(loader, path, limits)
    try:
        data = builder.document()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = f", column {mark.column + 1}" if mark else ""
        what = (exc.problem or "invalid YAML") + _syntax_hint(text, line)
        raise InputError.single(path, "", line, f"YAML syntax error{column}: {what}") from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise InputError.single(path, "", line, f"YAML error: {exc.reason}") from None
    except yaml.YAMLError as exc:
        raise InputError.single(path, "", None, f"YAML error: {exc}") from None
    finally:
        loader.dispose()
    if data is None:
        raise InputError.single(path, "", None, "the file is empty")
    return SourceDocument(path=path, data=data, sha256=digest, lines=builder.lines, raw=raw)


def _syntax_hint(text: str, line: int | None) -> str:
    """The usual cause of a syntax error near `line`, when it is one typed in a Chinese editor."""
    if line is None:
        return ""
    lines = text.splitlines()
    for number in range(max(1, line - 2), min(len(lines), line) + 1):
        text_line = lines[number - 1]
        indent = text_line[: len(text_line) - len(text_line.lstrip())]
        # a full-width colon where the key's colon should be: not one inside a value or comment
        if "：" in text_line and ":" not in text_line.split("：", 1)[0] and not text_line.lstrip().startswith("#"):
            return f" (line {number} has a full-width colon ：; YAML needs : followed by a space)"
        if "\t" in indent:
            return f" (line {number} is indented with a tab; indent with spaces)"
    return ""


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG_PREFIX) :] if tag.startswith(_TAG_PREFIX) else tag


# Untagged scalars already read in this process, (text, implicit) → (value,). Keys repeat in every
# file and many values do (true, enum names, small numbers), and resolving a plain scalar runs
# PyYAML's implicit resolver (Python regexes) and constructor. Only values that were accepted are
# kept, all of them immutable (str, int, float, bool, None, dates); bounded, cleared when full.
_RESOLVED: dict[tuple[str, Any, bool], tuple[Any]] = {}
_RESOLVED_MAX = 4096
_RESOLVED_TEXT_MAX = 64


class _Builder:
    """Turns libyaml's event stream into dicts, lists and scalars, recording key lines.

    Every value costs one unit of the node budget as its event arrives, and an alias costs as many
    units as its anchor holds, so nothing is ever expanded before the budget is checked.
    """

    def __init__(self, loader: _Loader, path: str, limits: Limits) -> None:
        self.loader = loader
        self.path = path
        self.limits = limits
        self.lines: dict[KeyPath, int] = {(): 1}
        self.visited = 0
        self.anchors: dict[str, tuple[Any, int]] = {}  # anchor → (value, values it holds)

    def _error(self, key_path: KeyPath, mark: Any, message: str) -> InputError:
        return InputError.single(self.path, format_key_path(key_path), mark.line + 1 if mark else None, message)

    def _spend(self, units: int, key_path: KeyPath, mark: Any) -> None:
        self.visited += units
        if self.visited > self.limits.max_nodes:
            raise self._error(
                key_path,
                mark,
                f"the document holds more than {self.limits.max_nodes} values "
                "(too large, or too many aliases): refused",
            )

    def _next_event(self, key_path: KeyPath) -> events.Event:
        event = self.loader.get_event()
        if event is None:  # pragma: no cover - libyaml raises a parser error before the stream runs dry
            raise self._error(key_path, None, "the YAML stream ends inside its document")
        return event

    def _line_of(self, event: events.Event | None, key_path: KeyPath) -> int:
        """The 1-based line an event starts on (libyaml marks every event it emits)."""
        mark = event.start_mark if event is not None else None
        if mark is None:  # pragma: no cover - as above
            raise self._error(key_path, None, "the YAML stream ends inside its document")
        return int(mark.line) + 1

    def document(self) -> Any:
        """The single document of the stream, or None if there is none."""
        loader = self.loader
        loader.get_event()  # stream start
        if loader.check_event(events.StreamEndEvent):
            return None
        loader.get_event()  # document start
        value = self.node((), 0)
        loader.get_event()  # document end
        if not loader.check_event(events.StreamEndEvent):
            second = self._next_event(())
            raise self._error(
                (),
                second.start_mark,
                "a second YAML document starts here (---): a file holds one project",
            )
        return value

    def node(self, key_path: KeyPath, depth: int) -> Any:
        event = self._next_event(key_path)
        if isinstance(event, events.AliasEvent):
            if event.anchor not in self.anchors:
                raise self._error(
                    key_path,
                    event.start_mark,
                    f"the alias *{event.anchor} names no anchor defined before it",
                )
            value, size = self.anchors[event.anchor]
            self._spend(size, key_path, event.start_mark)
            return value
        start = self.visited
        self._spend(1, key_path, event.start_mark)
        if depth > self.limits.max_depth:
            raise self._error(
                key_path,
                event.start_mark,
                f"nesting deeper than {self.limits.max_depth} levels: refused",
            )
        if isinstance(event, events.ScalarEvent):
            value = self._scalar(event, key_path)
        elif isinstance(event, events.SequenceStartEvent):
            value = self._sequence(event, key_path, depth)
        elif isinstance(event, events.MappingStartEvent):
            value = self._mapping(event, key_path, depth)
        else:  # pragma: no cover - libyaml only emits the events above here
            raise self._error(key_path, event.start_mark, "unexpected YAML structure")
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, self.visited - start)
        return value

    def _check_tag(self, event: Any, expected: str, key_path: KeyPath) -> None:
        if event.tag not in (None, "!", expected):
            raise self._error(
                key_path,
                event.start_mark,
                f"the tag {_short_tag(event.tag)} is not allowed (plain values only; write the value without a tag)",
            )

    def _mapping(self, start: Any, key_path: KeyPath, depth: int) -> dict[str, Any]:
        self._check_tag(start, _MAP_TAG, key_path)
        loader = self.loader
        result: dict[str, Any] = {}
        while not loader.check_event(events.MappingEndEvent):
            key_event = self._next_event(key_path)
            if not isinstance(key_event, events.ScalarEvent):
                raise self._error(
                    key_path,
                    key_event.start_mark,
                    "a key must be a plain name, not a list, a mapping or an alias",
                )
            self._spend(1, key_path, key_event.start_mark)
            key = self._scalar(key_event, key_path, is_key=True)
            if not isinstance(key, str):
                key = str(key_event.value)
            child = (*key_path, key)
            line = self._line_of(key_event, key_path)
            if key in result:
                raise InputError.single(
                    self.path,
                    format_key_path(child),
                    line,
                    f"duplicate key (first given on line {self.lines.get(child)})",
                )
            self.lines[child] = line
            result[key] = self.node(child, depth + 1)
        loader.get_event()
        return result

    def _sequence(self, start: Any, key_path: KeyPath, depth: int) -> list[Any]:
        self._check_tag(start, _SEQ_TAG, key_path)
        loader = self.loader
        items: list[Any] = []
        while not loader.check_event(events.SequenceEndEvent):
            child = (*key_path, len(items))
            self.lines[child] = self._line_of(loader.peek_event(), child)
            items.append(self.node(child, depth + 1))
        loader.get_event()
        return items

    def _scalar(self, event: Any, key_path: KeyPath, is_key: bool = False) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            plain = tag is None and event.implicit[0]
            # a key skips the text check (it is escaped when shown) and is where `<<` is refused:
            # what a key resolved to must never be handed to a value, nor a value's to a key
            memo_key = (event.value, plain, is_key)
            known = _RESOLVED.get(memo_key)
            if known is not None:
                return known[0]
            value = self._construct(event, key_path, resolve_plain(event.value) if plain else _STR, is_key)
            if len(event.value) <= _RESOLVED_TEXT_MAX:
                if len(_RESOLVED) >= _RESOLVED_MAX:
                    _RESOLVED.clear()
                _RESOLVED[memo_key] = (value,)
            return value
        if tag not in _ALLOWED_SCALAR_TAGS:
            raise self._error(
                key_path,
                event.start_mark,
                f"the tag {_short_tag(tag)} is not allowed (plain values only; "
                "write the value without a tag, or quote it to keep it as text)",
            )
        return self._construct(event, key_path, tag, is_key)

    def _construct(self, event: Any, key_path: KeyPath, tag: str, is_key: bool) -> Any:
        if is_key and event.value == "<<" and tag == _STR and event.implicit[0]:
            raise self._error(key_path, event.start_mark, "merge keys (<<) are not supported")
        if tag == _TIMESTAMP:
            node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
            try:
                return self.loader.construct_yaml_timestamp(node)
            except ValueError:
                # 2026-13-45 looks like a date but is none: keep the text as written and let
                # validation say, with every other problem, what was expected
                return event.value
        if tag == _STR and not is_key:  # a key is checked against the known names, and shown
            shown = forbidden_character(event.value)  # escaped (format_key_path) when unknown
            if shown is not None:
                raise self._error(
                    key_path,
                    event.start_mark,
                    f"the control or formatting character {shown} is not allowed in text: remove it",
                )
        try:
            return _CONSTRUCTORS[tag](event.value)
        except ValueError:
            # an integer of 5000 digits (Python refuses to convert it): the text as written, which
            # validation then reports as not a number
            return event.value
