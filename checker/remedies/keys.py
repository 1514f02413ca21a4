"""Key paths of a project file as remedies name them, and what kind of value each one holds.

A remedy names the key an applicant edits (`data_center.pue`, `project.products[0].unit_energy_kgce`),
never a derived figure; to apply it, the checker sets that key in a copy of the file's data. What
a key may hold (a number and its lower limit, a yes/no, one of a list of words, free text) is read
from the project format's models (`checker/project/model.py`), so a new field needs no table here.
"""

from __future__ import annotations

import itertools
import re
import types
import typing
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel

from checker.project.model import Project

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parts(key: str) -> list[str | int]:
    """`project.products[0].unit` → ["project", "products", 0, "unit"]."""
    return [int(index) if index else name for name, index in _PART.findall(key)]


def get(data: Any, key: str) -> Any:
    """The value at `key` in the file's data, or None where any step of the path is absent."""
    node = data
    for part in parts(key):
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return None
            node = node[part]
        else:
            if not isinstance(node, dict):
                return None
            node = node.get(part)
        if node is None:
            return None
    return node


def put(data: dict[str, Any], key: str, value: Any) -> None:
    """Set `key` in the file's data (a copy the caller owns), making the sections it needs."""
    steps = parts(key)
    node: Any = data
    for part, following in itertools.pairwise(steps):
        if isinstance(part, int):
            node = node[part]
            continue
        if node.get(part) is None:
            node[part] = [] if isinstance(following, int) else {}
        node = node[part]
    node[steps[-1]] = value


@dataclass(frozen=True)
class Field:
    """What a key may hold: `number` (with its least value), `flag`, `word` (one of `words`),
    `text` (a declaration: a permit, a document), or `other` (a list or a section)."""

    kind: str
    minimum: float | None = None
    maximum: float | None = None
    words: tuple[Any, ...] = ()


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """The type inside Optional and Annotated, with the Annotated metadata met on the way."""
    metadata: list[Any] = []
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *more = typing.get_args(annotation)
            metadata += more
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) == 1:
                annotation = args[0]
                continue
        return annotation, metadata


def _bounds(metadata: list[Any]) -> tuple[float | None, float | None]:
    low = high = None
    for item in metadata:
        for constraint in getattr(item, "metadata", [item]):
            low = getattr(constraint, "ge", None) if getattr(constraint, "ge", None) is not None else low
            high = getattr(constraint, "le", None) if getattr(constraint, "le", None) is not None else high
    return low, high


@cache
def field(key: str) -> Field:
    """The kind of value `key` holds in the project format (`other` for an unknown path)."""
    current: Any = Project
    annotation: Any = None
    metadata: list[Any] = []
    for part in parts(key):
        if isinstance(part, int):
            if typing.get_origin(annotation) is not list:
                return Field("other")
            annotation, metadata = _unwrap(typing.get_args(annotation)[0])
            current = annotation
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return Field("other")
        info = current.model_fields[part]
        annotation, metadata = _unwrap(info.annotation)
        metadata += list(info.metadata)
        current = annotation
    if annotation is bool:
        return Field("flag", words=(True, False))
    if annotation in (float, int):
        low, high = _bounds(metadata)
        return Field("number", low, high)
    if typing.get_origin(annotation) is typing.Literal:
        return Field("word", words=typing.get_args(annotation))
    if annotation is str:
        return Field("text")
    return Field("other")
