"""Reading user YAML files: decoding, parsing with libyaml, and remembering where every key stands.

Validation errors must name the line of the offending key, and duplicate keys must be refused (YAML
parsers silently keep the last one, which would lose what the user wrote). We therefore compose the
node tree with libyaml (C) when available and build plain Python values from it ourselves, recording
the line of every key path on the way.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from checker.errors import InputError

try:  # libyaml: several times faster than the pure-Python parser
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

KeyPath = tuple[str | int, ...]

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_NODES = 100_000  # a real application has a few hundred; an alias bomb has billions
MAX_DEPTH = 40


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader that also reads YAML 1.2 floats such as `1.2e9` (YAML 1.1 wants `1.2e+9`)."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


@dataclass
class SourceDocument:
    """A parsed YAML file with the line of every key path, for error messages and locations."""

    path: str
    data: Any
    sha256: str
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line_of(self, key_path: KeyPath) -> int | None:
        """The line of `key_path`, or of its nearest ancestor that exists in the file."""
        probe = tuple(key_path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get((), None)


def format_key_path(key_path: KeyPath) -> str:
    """`("project", "products", 0, "unit")` → `project.products[0].unit`."""
    out = ""
    for part in key_path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def decode(raw: bytes, path: str) -> str:
    """Decode UTF-8 (with or without BOM) or GB18030, what Chinese Windows editors save."""
    if b"\x00" in raw:
        raise InputError.single(path, "", None, "this is a binary file, not a YAML text file")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError.single(
            path, "", line, "cannot decode the file: save it as UTF-8 (or GBK/GB18030)"
        ) from None


def read_document(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> SourceDocument:
    """Read and parse one YAML file; raise InputError naming the file and line on any problem."""
    shown = str(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(max_bytes + 1)
    except IsADirectoryError:
        raise InputError.single(shown, "", None, "is a directory, not a YAML file") from None
    except FileNotFoundError:
        raise InputError.single(shown, "", None, "no such file") from None
    except PermissionError:
        raise InputError.single(shown, "", None, "cannot read the file: permission denied") from None
    except OSError as exc:
        raise InputError.single(shown, "", None, f"cannot read the file: {exc.strerror}") from None
    if len(raw) > max_bytes:
        raise InputError.single(
            shown, "", None, f"the file is larger than the limit of {max_bytes} bytes"
        )
    return parse_document(raw, shown)


def parse_document(raw: bytes, path: str) -> SourceDocument:
    """Parse YAML bytes into plain values plus a key-path → line map."""
    digest = hashlib.sha256(raw).hexdigest()
    text = decode(raw, path)
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise InputError.single(path, "", None, "the file is empty")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        builder = _Builder(loader, path)
        data = builder.build(node, (), 0) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = f", column {mark.column + 1}" if mark else ""
        what = exc.problem or "invalid YAML"
        raise InputError.single(path, "", line, f"YAML syntax error{column}: {what}") from None
    except yaml.YAMLError as exc:
        raise InputError.single(path, "", None, f"YAML error: {exc}") from None
    finally:
        loader.dispose()
    if data is None:
        raise InputError.single(path, "", None, "the file is empty")
    return SourceDocument(path=path, data=data, sha256=digest, lines=builder.lines)


class _Builder:
    """Turns a composed node tree into dicts, lists and scalars, recording key lines."""

    def __init__(self, loader: _Loader, path: str) -> None:
        self.loader = loader
        self.path = path
        self.lines: dict[KeyPath, int] = {(): 1}
        self.visited = 0

    def _error(self, key_path: KeyPath, node: yaml.Node, message: str) -> InputError:
        return InputError.single(
            self.path, format_key_path(key_path), node.start_mark.line + 1, message
        )

    def build(self, node: yaml.Node, key_path: KeyPath, depth: int) -> Any:
        self.visited += 1
        if self.visited > MAX_NODES:
            raise self._error(
                key_path, node, f"the document expands to more than {MAX_NODES} values "
                "(too many aliases or too large): refused"
            )
        if depth > MAX_DEPTH:
            raise self._error(key_path, node, f"nesting deeper than {MAX_DEPTH} levels: refused")
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP_TAG:
                raise self._error(key_path, node, f"the tag {node.tag} is not allowed")
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise self._error(key_path, key_node, "merge keys (<<) are not supported")
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self._error(key_path, key_node, "a key must be a plain name")
                key = self.loader.construct_object(key_node)
                if not isinstance(key, str):
                    key = str(key_node.value)
                child = (*key_path, key)
                line = key_node.start_mark.line + 1
                if key in result:
                    first = self.lines.get(child)
                    raise InputError.single(
                        self.path, format_key_path(child), line,
                        f"duplicate key (first given on line {first})",
                    )
                self.lines[child] = line
                result[key] = self.build(value_node, child, depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                raise self._error(key_path, node, f"the tag {node.tag} is not allowed")
            items = []
            for index, item in enumerate(node.value):
                child = (*key_path, index)
                self.lines[child] = item.start_mark.line + 1
                items.append(self.build(item, child, depth + 1))
            return items
        try:
            return self.loader.construct_object(node)
        except yaml.constructor.ConstructorError as exc:
            raise self._error(key_path, node, f"not allowed here: {exc.problem}") from None
        except ValueError as exc:  # e.g. 2026-13-45 looks like a date but is none
            raise self._error(key_path, node, f"invalid value {node.value!r}: {exc}") from None
