"""The JSON Schema of project.yaml as a reviewer's editor uses it: the models' constraints, named.

The pydantic models are the contract, so the schema's keys, types and limits come from them; this
module only adds what an editor shows — a title and description in the reviewer's language, the
unit, the meaning of each enumerated value, examples — from data (`templates/fields.yaml`, the
facts' labels in `rules/facts.yaml`, the vocabularies), and the two value sets the models check
in code: the names of the 盟市 (official, or an alias as `checker.project.vocabulary` matches it) and the
rule IDs a claimed waiver may name.

It is imported only by `checker schema` and `checker init`, never on the path of a check.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import yaml

from checker.errors import RuleDataError
from checker.project import vocabulary
from checker.project.model import NEVER_FEEDSTOCK, ONE_LINE_SCHEMA
from checker.resources import templates_dir

if TYPE_CHECKING:
    from checker.rules.ruleset import Ruleset

# Draft 7: the newest draft the YAML language server (VS Code's YAML extension, yamlls) validates
# by; it warns that 2020-12 "is not yet fully supported". Only draft-7 keywords are used.
JSON_SCHEMA_DIALECT = "http://json-schema.org/draft-07/schema#"
FIELDS_FILE = "fields.yaml"
LANGS = ("zh", "en")

JsonDict = dict[str, Any]

# The character sets below are looked for in the Basic Multilingual Plane: none of their members
# lies beyond it (tests/test_project_schema.py scans the rest), and `\uXXXX` reaches no further.
_PLANE_0 = range(0x10000)


@cache
def _fields() -> JsonDict:
    with open(templates_dir() / FIELDS_FILE, encoding="utf-8") as fh:
        fields: JsonDict = yaml.safe_load(fh)
    return fields


@cache
def _terms() -> JsonDict:
    with open(templates_dir() / "terms.yaml", encoding="utf-8") as fh:
        terms: JsonDict = yaml.safe_load(fh)
    return terms


# ---- the names of the 盟市 ------------------------------------------------------------------------

# What the alias match ignores (`vocabulary.ALIAS_IGNORED`: Python's `\s`, hyphen, underscore,
# both apostrophes) is spelled out character by character: ECMA-262's `\s` is another set.
_SEPARATOR = vocabulary.ALIAS_IGNORED


def _escape(char: str) -> str:
    """One character for a regex class or sequence, readable by Python's `re` and by ECMA-262."""
    if char.isascii() and char.isalnum():
        return char
    if ord(char) > 0xFFFF:  # `\u` takes four hex digits
        raise ValueError(f"U+{ord(char):X} cannot be written as \\uXXXX")
    return f"\\u{ord(char):04x}"


def _char_class(chars: list[str]) -> str:
    """A regex character class of `chars`, runs of consecutive code points written as ranges."""
    codes = sorted(ord(c) for c in chars)
    runs: list[list[int]] = []
    for code in codes:
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    parts = []
    for first, last in runs:
        parts.append(_escape(chr(first)))
        if last > first + 1:
            parts.append("-" + _escape(chr(last)))
        elif last == first + 1:
            parts.append(_escape(chr(last)))
    return "[" + "".join(parts) + "]"


@cache
def _forbidden() -> tuple[str, ...]:
    """The characters the reader refuses in any text value (`checker.input.source.TEXT_FORBIDDEN`),
    lone surrogates aside: no YAML an editor holds can carry one, and an ECMA-262 regex engine
    may refuse them in a pattern."""
    from checker.input.source import TEXT_FORBIDDEN

    return tuple(chr(c) for c in _PLANE_0 if not 0xD800 <= c <= 0xDFFF and TEXT_FORBIDDEN.fullmatch(chr(c)))


@cache
def _separator_class() -> str:
    """What the alias match skips, less what the reader refuses before the match is made."""
    refused = set(_forbidden())
    chars = [chr(c) for c in _PLANE_0 if _SEPARATOR.fullmatch(chr(c)) and chr(c) not in refused]
    return _char_class(chars) + "*"


def _refuse_forbidden(node: Any) -> None:
    """Every text of the schema refuses what the reader refuses; a one-line text (`not` a line
    feed, from the models) also the line feed."""
    if isinstance(node, list):
        for item in node:
            _refuse_forbidden(item)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "string" and "enum" not in node:
        one_line = node.get("not") == ONE_LINE_SCHEMA["not"]
        node["not"] = {"pattern": _char_class(["\n", *_forbidden()] if one_line else list(_forbidden()))}
    for key, value in node.items():
        if key != "not":
            _refuse_forbidden(value)


@cache
def _folds() -> dict[str, tuple[str, ...]]:
    """Every character by what it case-folds to, for the folds made only of ASCII letters and
    digits (the aliases' letters): `K` (Kelvin sign) folds to `k`, `ﬁ` to `fi`."""
    table: dict[str, list[str]] = {}
    for code in _PLANE_0:
        char = chr(code)
        if _SEPARATOR.fullmatch(char):
            continue
        folded = char.casefold()
        if folded.isascii() and folded.isalnum():
            table.setdefault(folded, []).append(char)
    return {folded: tuple(chars) for folded, chars in table.items()}


def _alias_regex(key: str) -> str:
    """A regex of every text an alias match reads as `key` (ignored characters anywhere, any
    characters that case-fold to the key's letters, one or several at a time)."""
    separators = _separator_class()
    folds = _folds()

    @cache
    def rest(start: int) -> str:
        if start == len(key):
            return ""
        options = []
        for end in range(start + 1, len(key) + 1):
            chars = folds.get(key[start:end])
            if chars:
                one = _char_class(list(chars))
                options.append(one + separators + rest(end))
        if not options:
            raise RuleDataError(
                "rules/vocabulary/league_cities.yaml",
                key,
                f"an alias holds {key[start]!r}: only letters and digits can be matched",
            )
        return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"

    return rest(0)


def league_city_schema() -> JsonDict:
    """The 盟市 names the checker accepts: the 12 official names exactly (offered for completion)
    or an English or pinyin alias, matched as `checker.project.vocabulary.normalise_league_city` does."""
    aliases = vocabulary.league_city_aliases()
    pattern = "^" + _separator_class() + "(?:" + "|".join(_alias_regex(a) for a in aliases) + ")$"
    return {"type": "string", "anyOf": [{"enum": list(vocabulary.league_cities())}, {"pattern": pattern}]}


# ---- titles and descriptions ----------------------------------------------------------------------


def _fact_labels(ruleset: Ruleset) -> dict[str, JsonDict]:
    """Each key's label from the facts catalogue: a fact named by its key, or an item fact's key
    (`project.products[].product`); other facts merely derived from a key name it less well."""
    facts = ruleset.facts
    labels: dict[str, JsonDict] = {}
    for fact in facts.values():
        if fact.key and (fact.name == fact.key or "[]" in fact.key):
            labels.setdefault(fact.key, {"zh": fact.label.zh, "en": fact.label.en})
    return labels


def _refs(schema: JsonDict) -> list[tuple[str, str]]:
    """The definitions a property's schema points at: (definition name, path suffix)."""
    found = []
    if "$ref" in schema:
        found.append((schema["$ref"].rsplit("/", 1)[-1], ""))
    for branch in schema.get("anyOf", []):
        found += _refs(branch)
    items = schema.get("items")
    if isinstance(items, dict):
        found += [(name, "[]" + suffix) for name, suffix in _refs(items)]
    return found


def _enum(schema: JsonDict) -> list[Any] | None:
    if "enum" in schema:
        values: list[Any] = schema["enum"]
        return values
    if "const" in schema:
        return [schema["const"]]
    for branch in schema.get("anyOf", []):
        found = _enum(branch)
        if found is not None:
            return found
    return None


def _set_enum(schema: JsonDict, values: list[str]) -> None:
    """Put an enum on the string branch of `schema` (itself, or its non-null anyOf branch)."""
    if schema.get("type") == "string":
        schema["enum"] = values
        return
    for branch in schema.get("anyOf", []):
        if branch.get("type") == "string":
            branch["enum"] = values
            return
    raise RuleDataError("templates/fields.yaml", "", "no string schema to hold the rule IDs")


class _Annotator:
    def __init__(self, base: JsonDict, lang: str, ruleset: Ruleset) -> None:
        self.schema = base
        self.lang = lang
        self.ruleset = ruleset
        data = _fields()
        self.fields: dict[str, JsonDict] = data["fields"]
        self.units: dict[str, JsonDict] = data["units"]
        self.phrases: dict[str, JsonDict] = data["phrases"]
        self.labels = _fact_labels(ruleset)
        self.values = _terms()["value"]
        self.seen: set[str] = set()
        self.defs_at: dict[str, str] = {}

    def phrase(self, name: str, **kwargs: str) -> str:
        phrase: str = self.phrases[name][self.lang]
        return phrase.format(**kwargs)

    def entry(self, path: str) -> JsonDict:
        entry = self.fields.get(path)
        if entry is None:
            raise RuleDataError("templates/fields.yaml", path, "no entry for this key of project.yaml")
        self.seen.add(path)
        return entry

    def title(self, path: str, entry: JsonDict) -> str:
        own = entry.get("title")
        label = self.labels.get(path)
        if own is not None and label is not None:
            raise RuleDataError(
                "templates/fields.yaml", path, "has a title, but rules/facts.yaml labels this key: keep one"
            )
        chosen = own or label
        if chosen is None:
            raise RuleDataError("templates/fields.yaml", path, "needs a title (no fact labels this key)")
        title: str = chosen[self.lang]
        return title

    def describe(self, path: str, schema: JsonDict) -> None:
        entry = self.entry(path)
        if path == "project.league_city":  # the names `model._league_city` accepts, listed first
            names = league_city_schema()
            merged = {"anyOf": names["anyOf"], **schema, "type": names["type"]}
            schema.clear()
            schema.update(merged)
        schema["title"] = self.title(path, entry)
        parts = [entry["description"][self.lang]]
        values = self.value_list(path, schema)
        if values:
            parts.append(values)
        if "unit" in entry:
            parts.append(self.phrase("unit", unit=self.units[entry["unit"]][self.lang]))
        schema["description"] = "".join(parts) if self.lang == "zh" else " ".join(parts)
        if "examples" in entry:
            schema["examples"] = entry["examples"]

    def value_list(self, path: str, schema: JsonDict) -> str:
        separator = self.phrase("value_separator")
        if path == "project.league_city":
            return self.phrase("league_city_values", values=separator.join(vocabulary.league_cities()))
        if path == "waivers[].rule":
            rules = self.ruleset.rules
            _set_enum(schema, [rule.id for rule in rules])
            return self.phrase("rule_values", values=separator.join(rule.id for rule in rules))
        values = _enum(schema)
        if not values or path == "format":
            return ""
        if path == "project.products[].product":
            products = vocabulary.products()
            names = {key: getattr(products[key], self.lang) for key in values}
        else:
            names = {key: self.values[key][self.lang] for key in values}
        listed = separator.join(self.phrase("value", key=key, label=names[key]) for key in values)
        return self.phrase("values", values=listed)

    def feedstock(self, carrier: str, schema: JsonDict) -> None:
        """`energy.feedstock.<carrier>`: named after the carrier of `energy` it is part of."""
        path = f"energy.{carrier}"
        entry = self.fields[path]
        title = self.title(path, entry)
        schema["title"] = self.phrase("feedstock_title", title=title)
        parts = [self.phrase("feedstock_description", key=carrier)]
        if carrier in NEVER_FEEDSTOCK:
            parts.append(self.phrase("never_feedstock"))
        parts.append(self.phrase("unit", unit=self.units[entry["unit"]][self.lang]))
        schema["description"] = "".join(parts) if self.lang == "zh" else " ".join(parts)
        schema["examples"] = [0]
        self.seen.add(f"energy.feedstock.{carrier}")

    def walk(self, definition: JsonDict, prefix: str) -> None:
        for name, prop in definition.get("properties", {}).items():
            path = f"{prefix}.{name}" if prefix else name
            if prefix == "energy.feedstock":
                self.feedstock(name, prop)
            else:
                self.describe(path, prop)
            for target, suffix in _refs(prop):
                self.enter(target, path + suffix)

    def enter(self, name: str, path: str) -> None:
        known = self.defs_at.setdefault(name, path)
        if known != path:
            raise RuleDataError(
                "templates/fields.yaml", path, f"the section {name} is also used at {known}: give it one place"
            )
        definition = self.schema["$defs"][name]
        entry = self.entry(path)
        definition["title"] = self.title(path, entry)
        definition["description"] = entry["description"][self.lang]
        self.walk(definition, path)

    def run(self) -> JsonDict:
        root = _fields()["root"]
        self.walk(self.schema, "")
        unused = sorted(set(self.fields) - self.seen)
        if unused:
            raise RuleDataError("templates/fields.yaml", unused[0], "names no key of project.yaml")
        unreached = sorted(set(self.schema.get("$defs", {})) - set(self.defs_at))
        if unreached:
            raise RuleDataError("templates/fields.yaml", unreached[0], "a section never reached")
        self.schema["title"] = root["title"][self.lang]
        self.schema["description"] = root["description"][self.lang]
        return self.schema


def _draft7_refs(node: Any) -> None:
    """pydantic's `$defs` are draft 7's `definitions`: point every reference there."""
    if isinstance(node, list):
        for item in node:
            _draft7_refs(item)
    elif isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            node["$ref"] = node["$ref"].replace("#/$defs/", "#/definitions/", 1)
        for value in node.values():
            _draft7_refs(value)


def _number_branch(prop: JsonDict) -> JsonDict:
    if prop.get("type") == "number" or prop.get("type") == ["number", "null"]:
        return prop
    return next(b for b in prop.get("anyOf", []) if b.get("type") == "number")


_NULL = {"type": "null"}


def _fold_nullable(node: Any) -> None:
    """`anyOf: [{number, minimum 0}, {null}]` written `type: [number, null], minimum: 0`, which
    validates alike (a bound only applies to numbers), and `anyOf: [{enum}, {null}]` as an enum
    that holds null: the YAML language server shows a key's title once for these, twice for the
    anyOf. Not a text's: its `not` pattern would refuse null."""
    if isinstance(node, list):
        for item in node:
            _fold_nullable(item)
        return
    if not isinstance(node, dict):
        return
    if "default" in node and node["default"] is None:
        del node["default"]  # an editor would offer "null" as a value to complete with
    branches = node.get("anyOf")
    if isinstance(branches, list) and len(branches) == 2 and _NULL in branches:
        other = branches[1 - branches.index(_NULL)]
        if other.get("type") in ("number", "integer", "boolean") and set(other) <= {"type", "minimum", "maximum"}:
            del node["anyOf"]
            node.update({**other, "type": [other["type"], "null"]})
        elif other.get("type") == "string" and set(other) == {"type", "enum"}:
            del node["anyOf"]
            node.update({"type": ["string", "null"], "enum": [*other["enum"], None]})
    for value in node.values():
        _fold_nullable(value)


def _refuse_contradictions(schema: JsonDict, defs_at: dict[str, str]) -> None:
    """The contradictions of `Project.contradictions` that a schema can state: electricity or heat
    declared as feedstock, and a new or expanded plant declared as adding no capacity. (Feedstock
    above its carrier's consumption, and fuel coal that differs from the balance, compare two
    numbers: JSON Schema cannot; the checker says so with the key and line.)"""
    defs = {path: name for name, path in defs_at.items()}
    feedstock = schema["$defs"][defs["energy.feedstock"]]["properties"]
    for carrier in NEVER_FEEDSTOCK:
        _number_branch(feedstock[carrier])["maximum"] = 0
    project = schema["$defs"][defs["project"]]
    project["if"] = {
        "properties": {"construction_type": {"enum": ["new", "expansion"]}},
        "required": ["construction_type"],
    }
    project["then"] = {"properties": {"adds_capacity": {"not": {"const": False}}}}


def project_schema(ruleset: Ruleset, lang: str = "zh") -> JsonDict:
    """The JSON Schema of project.yaml, from the pydantic models, titled and described in `lang`;
    keys are labelled from `ruleset`'s facts catalogue and a waiver names one of its rules (the
    rules are passed in: this layer sits below them)."""
    from checker.project.model import Project

    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    base = Project.model_json_schema()
    annotator = _Annotator(base, lang, ruleset)
    annotated = annotator.run()
    _refuse_forbidden(annotated)
    _fold_nullable(annotated)
    _refuse_contradictions(annotated, annotator.defs_at)
    annotated["definitions"] = annotated.pop("$defs")
    _draft7_refs(annotated)
    # what a reader looks for first comes first; the sections' definitions last
    first = ("title", "description", "type", "required", "properties", "additionalProperties")
    ordered = {key: annotated[key] for key in first if key in annotated}
    return {"$schema": JSON_SCHEMA_DIALECT, **ordered, **{k: v for k, v in annotated.items() if k not in ordered}}
