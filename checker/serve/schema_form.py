"""A project form generated from the project JSON Schema, and the YAML a filled form makes.

No field is written by hand here: the keys, titles, help texts, allowed values and types come from
`checker.project.schema` (the schema `checker schema` prints), so the form follows the format as
the models define it. The form is plain HTML, filled and sent without JavaScript; what it makes is
a project file, which the checker then reads like any other — so a value typed wrongly gets the
CLI's own message naming the key, never a silent correction.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml

# rows offered for each list of the format (a list longer than this is written in YAML directly)
LIST_ROWS = {"products": 3, "boilers": 2, "units_mw": 4, "waivers": 1}
DEFAULT_ROWS = 1
_INDEX = re.compile(r"^[0-9]+$")


@cache
def schema_for(lang: str) -> dict[str, Any]:
    from checker.project.schema import project_schema
    from checker.rules.ruleset import load_ruleset

    return project_schema(load_ruleset(), lang)


@dataclass
class Field:
    """One input of the form: its key path (`project.products.0.product`) and how to ask for it."""

    name: str
    title: str
    help: str
    kind: str  # text, number, integer, boolean, choice, const
    choices: tuple[Any, ...] = ()
    required: bool = False
    example: Any = None


@dataclass
class Group:
    """A fieldset: an object of the format (or one row of a list of objects)."""

    name: str
    title: str
    help: str
    fields: list[Field] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    required: bool = False


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    """The node itself, its $ref target, or the non-null branch of an optional value; keeps the
    outer title and description (the schema puts them beside the $ref)."""
    merged = dict(node)
    while True:
        if "$ref" in merged:
            target = root["definitions"][merged.pop("$ref").rsplit("/", 1)[-1]]
            merged = {**target, **merged}
            continue
        branches = [b for b in merged.get("anyOf", []) if b.get("type") != "null"]
        if "anyOf" in merged and len(branches) == 1:
            outer = {k: v for k, v in merged.items() if k != "anyOf"}
            merged = {**branches[0], **outer}
            continue
        return merged


def _kind(node: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
    if "const" in node:
        return "const", (node["const"],)
    for candidate in [node, *node.get("anyOf", [])]:
        if "enum" in candidate:
            return "choice", tuple(candidate["enum"])
    types = node.get("type")
    names = set(types) if isinstance(types, list) else {types}
    for branch in node.get("anyOf", []):
        names.add(branch.get("type"))
    names.discard("null")
    if names == {"boolean"}:
        return "boolean", ()
    if names == {"integer"}:
        return "integer", ()
    if "number" in names or names == {"integer", "number"}:
        return "number", ()
    return "text", ()


def _group(name: str, node: dict[str, Any], root: dict[str, Any], required: bool) -> Group:
    node = _resolve(node, root)
    group = Group(name, node.get("title", name), node.get("description", ""), required=required)
    needed = set(node.get("required", []))
    for key, child in node.get("properties", {}).items():
        path = f"{name}.{key}" if name else key
        resolved = _resolve(child, root)
        if resolved.get("type") == "object" or "properties" in resolved:
            group.groups.append(_group(path, child, root, key in needed))
        elif resolved.get("type") == "array" and isinstance(resolved.get("items"), dict):
            items = _resolve(resolved["items"], root)
            rows = Group(path, resolved.get("title", key), resolved.get("description", ""), required=key in needed)
            for index in range(LIST_ROWS.get(key, DEFAULT_ROWS)):
                if items.get("type") == "object" or "properties" in items:
                    row = _group(f"{path}.{index}", items, root, False)
                    row.title = f"{rows.title} {index + 1}"
                    row.help = ""
                    rows.groups.append(row)
                else:  # a list of numbers or texts: one input per value
                    kind, choices = _kind(items)
                    rows.fields.append(Field(f"{path}.{index}", f"{rows.title} {index + 1}", "", kind, choices))
            group.groups.append(rows)
        else:
            kind, choices = _kind(resolved)
            examples = resolved.get("examples") or [None]
            group.fields.append(
                Field(
                    path,
                    resolved.get("title", key),
                    resolved.get("description", ""),
                    kind,
                    choices,
                    key in needed,
                    examples[0],
                )
            )
    return group


@cache
def form(lang: str) -> Group:
    """The whole form for the project format, in `lang`."""
    schema = schema_for(lang)
    return _group("", schema, schema, True)


def _leaves(group: Group) -> dict[str, Field]:
    found = {f.name: f for f in group.fields}
    for child in group.groups:
        found.update(_leaves(child))
    return found


def _value(text: str, spec: Field) -> Any:
    """A typed value from what was typed: a number or flag when it reads as one, otherwise the
    text as written, so the checker names the key and says what is wrong with it."""
    text = text.strip()
    if spec.kind == "const":
        return spec.choices[0]
    if spec.kind == "boolean":
        return {"true": True, "false": False}.get(text, text)
    if spec.kind in ("integer", "number"):
        try:
            return int(text) if re.fullmatch(r"[-+]?[0-9]+", text) else float(text)
        except ValueError:
            return text
    return text


def project_from_form(lang: str, fields: list[tuple[str, str]]) -> dict[str, Any]:
    """The project a filled form describes: empty inputs are left out (absence is never a "no"),
    as are rows of a list and sections left wholly empty. Unknown field names are ignored."""
    leaves = _leaves(form(lang))
    project: dict[str, Any] = {}
    for name, text in fields:
        spec = leaves.get(name)
        if spec is None or (text.strip() == "" and spec.kind != "const"):
            continue
        node: Any = project
        parts = name.split(".")
        for part, following in itertools.pairwise(parts):
            if isinstance(node, list):
                index = int(part)
                while len(node) <= index:
                    node.append(None)
                if node[index] is None:
                    node[index] = [] if _INDEX.match(following) else {}
                node = node[index]
            else:
                node = node.setdefault(part, [] if _INDEX.match(following) else {})
        last = parts[-1]
        node[last] = _value(text, spec)
    compacted: dict[str, Any] = _compact(project)
    return compacted


def _compact(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items() if _compact(v) not in (None, {}, [])}
    if isinstance(value, list):
        return [_compact(v) for v in value if _compact(v) not in (None, {}, [])]
    return value


def project_yaml(project: dict[str, Any]) -> str:
    """The project as a YAML file in the format's key order, Chinese kept readable."""
    return "# yaml-language-server: $schema=project.schema.json\n" + yaml.safe_dump(
        project, allow_unicode=True, sort_keys=False, default_flow_style=False
    )
