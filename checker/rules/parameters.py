"""Parameters: every number a rule compares against, dated and cited, outside the rule logic.

One YAML file per parameter under `rules/parameters/` (as OpenFisca does): a unit, a type, an
optional range, and values keyed by the dates they are in force, each value with its own source and
its provenance: what kind of number it is (catalogue amendment 8). A check picks the values in force
on its check date (`--as-of`); a review authority overrides values with a policy file (`--params`)
without touching the rules.

Provenance, from the most to the least settled:
- `cited`: a named document gives the number, and it was checked against that document's text;
- `secondary`: a named document gives it, but it is known only from a secondary report;
- `authority_reference`: the review authority adapted it from a cited document (a level of another
  measure reused, a national figure applied to this region, a later limit applied earlier);
- `authority_default`: no document gives a number; it is the authority's working assumption.
The older `verified` mark is derived from it (true exactly when `cited`), so the JSON keeps it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from checker.errors import InputError, Problem, RuleDataError, UsageError
from checker.input.hints import bool_hint, number_hint, suggest
from checker.input.source import (
    DEFAULT_LIMITS,
    Limits,
    SourceDocument,
    format_key_path,
    read_document,
)
from checker.input.validation import as_written, message_for, too_large, validate_document
from checker.project import vocabulary
from checker.project.model import CalendarDate, FormatNumber, Text
from checker.resources import rules_dir
from checker.rules import datacache

ParameterType = Literal["number", "boolean", "product_list", "product_map", "text_list"]
Provenance = Literal["cited", "secondary", "authority_reference", "authority_default"]
# from the most to the least settled: a table whose entries differ is as settled as its weakest entry
PROVENANCES: tuple[str, ...] = ("cited", "secondary", "authority_reference", "authority_default")
# a policy file's values are the review authority's own, unless the file says otherwise per value
POLICY_PROVENANCE: Provenance = "authority_default"
_OPEN_END = dt.date.max


class _Strict(BaseModel):
    """Unknown keys are errors. Validators are built on first use (`defer_build`), not at import:
    a start that finds the loaded data in the cache (`checker.rules.datacache`) never validates with them."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class DatedValue(_Strict):
    """One value of a parameter, in force from `from` to `to` (both inclusive; `to` open if absent)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    effective_from: CalendarDate = Field(alias="from")
    effective_to: CalendarDate | None = Field(default=None, alias="to")
    value: Any
    source: Annotated[str, Field(min_length=1)]
    # one provenance for the whole value; for a list or map whose entries differ, one per entry
    # (every entry listed)
    provenance: Provenance | dict[str, Provenance]
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _provenance_replaces_verified(cls, data: Any) -> Any:
        """Every value says what kind of number it is; a file written for the older format says
        `verified` instead: name what replaces it."""
        if isinstance(data, dict) and "provenance" not in data:
            kinds = ", ".join(PROVENANCES)
            if "verified" in data:
                raise ValueError(f"`verified` is replaced by `provenance`: one of {kinds} (catalogue amendment 8)")
            raise ValueError(
                f"missing `provenance`: say what kind of number this is, one of {kinds} (catalogue amendment 8)"
            )
        return data

    @model_validator(mode="after")
    def _dates_in_order(self) -> DatedValue:
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError("`to` is before `from`")
        return self


class Localised(_Strict):
    zh: Annotated[str, Field(min_length=1)]
    en: Annotated[str, Field(min_length=1)]


class ParameterDefinition(_Strict):
    """The contents of one `rules/parameters/<name>.yaml` file."""

    description: Localised
    unit: str
    type: ParameterType = "number"
    min: float | None = None
    max: float | None = None
    # the parameter this one never exceeds on any date: numbers directly, maps entry by entry and
    # naming the same entries (a product's benchmark level is at or below its base level)
    at_most: str | None = None
    values: list[DatedValue] = Field(min_length=1)


@dataclass(frozen=True)
class ParameterValue:
    """A parameter as it stands on one check date: what a finding cites."""

    name: str
    value: Any
    unit: str
    effective_from: dt.date
    effective_to: dt.date | None
    source: str
    verified: bool  # the whole value was checked against the primary text (provenance `cited`)
    origin: Literal["shipped", "policy"]
    description: Localised
    # of a list or map not verified as a whole, the entries that were (none: the whole is not)
    verified_entries: tuple[str, ...] = ()
    # what kind of number it is (`PROVENANCES`); None only in a parameter set a ledger recorded
    # before provenance existed, so that its findings re-run to the very same JSON
    provenance: str | None = None
    # of a list or map whose entries differ, each entry's provenance (`provenance` is the weakest)
    provenance_entries: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        json_value = {
            "value": self.value,
            "unit": self.unit,
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "source": self.source,
            "verified": self.verified,
            "origin": self.origin,
        }
        if self.verified_entries:
            json_value["verified_entries"] = list(self.verified_entries)
        if self.provenance is not None:
            json_value["provenance"] = self.provenance
        if self.provenance_entries:
            json_value["provenance_entries"] = dict(self.provenance_entries)
        return json_value

    def entry_verified(self, entry: str) -> bool:
        """Whether this entry of a list or map was checked against the primary text."""
        return self.verified or entry in self.verified_entries

    def entry_provenance(self, entry: str) -> str | None:
        """The provenance of one entry of a list or map (the whole value's if they agree)."""
        return dict(self.provenance_entries).get(str(entry), self.provenance)


def check_value(definition: ParameterDefinition, value: Any) -> str | None:
    """Why `value` is not a valid value of this parameter, or None if it is."""
    found = locate_problem(definition, value)
    if found is None:
        return None
    where, message = found
    return f"{where[0]}: {message}" if where else message


def locate_problem(definition: ParameterDefinition, value: Any) -> tuple[tuple[str, ...], str] | None:
    """Where inside `value` (a key of a product map, or nowhere) it is invalid, and why."""
    kind = definition.type
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return (), _with_hint(f"must be a number, got {as_written(value)}", number_hint(value))
        if value != value or value in (float("inf"), float("-inf")):
            return (), f"must be a finite number, got {as_written(value)}"
        if isinstance(value, int) and _unfloatable(value):
            return (), too_large(value)
        if definition.min is not None and value < definition.min:
            return (), f"must be >= {definition.min:g}, got {value:g}"
        if definition.max is not None and value > definition.max:
            return (), f"must be <= {definition.max:g}, got {value:g}"
        return None
    if kind == "boolean":
        if isinstance(value, bool):
            return None
        return (), _with_hint(f"must be true or false, got {as_written(value)}", bool_hint(value))
    if kind in ("product_list", "text_list"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return (), "must be a list of names"
        if kind == "product_list":
            unknown = [v for v in value if v not in vocabulary.products()]
            if unknown:
                return (), "unknown product keys: " + ", ".join(_with_hint(v, _did_you_mean(v)) for v in unknown)
        return None
    if kind == "product_map":
        if not isinstance(value, dict):
            return (), "must be a mapping of product key to number"
        for key, number in value.items():
            if key not in vocabulary.products():
                return (str(key),), _with_hint("unknown product key", _did_you_mean(str(key)))
            if isinstance(number, bool) or not isinstance(number, int | float):
                return (str(key),), _with_hint(f"must be a number, got {as_written(number)}", number_hint(number))
            if isinstance(number, int) and _unfloatable(number):
                return (str(key),), too_large(number)
            if number != number or number in (float("inf"), float("-inf")) or number < 0:
                return (str(key),), f"must be a finite number >= 0, got {as_written(number)}"
        return None
    return (), f"unknown parameter type {kind}"  # pragma: no cover - Literal guards it


def _unfloatable(value: int) -> bool:
    """An integer no float can hold (10**400 is an int to YAML): every report formats it as one."""
    try:
        float(value)
    except OverflowError:
        return True
    return False


def _with_hint(message: str, hint: str) -> str:
    return f"{message} ({hint})" if hint else message


def _did_you_mean(name: str) -> str:
    hint = suggest(name, list(vocabulary.products()))
    return f"did you mean {hint}?" if hint else ""


def _load_definition(path: Path) -> ParameterDefinition:
    # the shipped files by their place in the checkout; a pack's own by their path
    shipped = path.parent.parent.resolve() == rules_dir().resolve()
    shown = f"rules/parameters/{path.name}" if shipped else str(path)
    try:
        doc = read_document(path)
        definition = validate_document(doc, ParameterDefinition)
    except InputError as exc:
        if shipped:
            raise RuleDataError(shown, "", str(exc)) from None
        first = exc.problems[0]
        raise RuleDataError(f"{shown}:{first.line}" if first.line else shown, first.key_path, first.message) from None
    previous_end: dt.date | None = None
    for index, dated in enumerate(sorted(definition.values, key=lambda v: v.effective_from)):
        problem = check_value(definition, dated.value)
        if problem:
            raise RuleDataError(shown, f"values[{index}].value", problem)
        if isinstance(dated.provenance, dict):
            entries = list(dated.value) if isinstance(dated.value, dict | list) else None
            if entries is None or sorted(dated.provenance) != sorted(map(str, entries)):
                raise RuleDataError(
                    shown,
                    f"values[{index}].provenance",
                    "per entry, `provenance` lists every entry of the value, each one of " + ", ".join(PROVENANCES),
                )
        if previous_end is not None and dated.effective_from <= previous_end:
            raise RuleDataError(shown, f"values[{index}].from", "overlaps the previous value")
        previous_end = dated.effective_to or _OPEN_END
    return definition


@cache
def shipped_definitions(directory: Path | None = None) -> dict[str, ParameterDefinition]:
    """All shipped parameter definitions, by name (the file name without `.yaml`).

    The shipped folder's come from the data cache when it holds them for these very files
    (`checker.rules.datacache`); a `directory` (a ledger snapshot's) is always read."""
    if directory is None:
        return datacache.cached("parameters", dict, lambda: _load_definitions(rules_dir() / "parameters"))
    return _load_definitions(directory)


def _load_definitions(folder: Path) -> dict[str, ParameterDefinition]:
    return {path.stem: _load_definition(path) for path in sorted(folder.glob("*.yaml"))}


def _in_force(values: list[DatedValue], on: dt.date) -> DatedValue | None:
    for dated in values:
        if dated.effective_from <= on <= (dated.effective_to or _OPEN_END):
            return dated
    return None


def weakest(provenances: Iterable[str]) -> str:
    """The least settled of some provenances: what a table is as a whole."""
    return max(provenances, key=PROVENANCES.index)


def _provenance(provenance: str | Mapping[str, str]) -> str:
    return weakest(provenance.values()) if isinstance(provenance, Mapping) else provenance


def _provenance_entries(provenance: str | Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """Each entry's provenance, when the entries of a list or map differ."""
    if not isinstance(provenance, Mapping) or len(set(provenance.values())) == 1:
        return ()
    return tuple((entry, kind) for entry, kind in provenance.items())


def _verified_entries(provenance: str | Mapping[str, str]) -> tuple[str, ...]:
    """The entries checked against the primary text (`cited`), when only some of them were."""
    if not isinstance(provenance, Mapping) or _provenance(provenance) == "cited":
        return ()
    return tuple(entry for entry, kind in provenance.items() if kind == "cited")


@dataclass(frozen=True)
class ParameterSet:
    """The parameter values in force on one check date, after any policy file."""

    as_of: dt.date
    values: dict[str, ParameterValue]
    policy_path: str | None = None

    def __getitem__(self, name: str) -> ParameterValue:
        return self.values[name]

    def fingerprint(self) -> str:
        """A hash of the values (not the dates or sources): equal values compile to one ruleset."""
        canonical = json.dumps(
            {name: p.value for name, p in sorted(self.values.items())},
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


class PolicyFile(_Strict):
    """A review authority's `--params` file."""

    format: FormatNumber
    source: Text | None = None
    parameters: dict[str, Any]


class _PolicyDated(_Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    effective_from: CalendarDate = Field(alias="from")
    effective_to: CalendarDate | None = Field(default=None, alias="to")
    value: Any
    # optional: what kind of number the authority's value is, when it is more than its own choice
    provenance: Provenance = POLICY_PROVENANCE

    @model_validator(mode="after")
    def _dates_in_order(self) -> _PolicyDated:
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError("`to` is before `from`")
        return self


def _policy_values(
    doc: SourceDocument, name: str, raw: Any, definition: ParameterDefinition, source: str
) -> list[DatedValue]:
    key = ("parameters", name)
    problems: list[Problem] = []

    def problem(path: tuple[Any, ...], message: str) -> None:
        problems.append(Problem(doc.path, format_key_path(path), doc.line_of(path), message))

    # a list holding any mapping is a list of dated values, whatever else it holds: an entry that
    # is not a mapping is that entry's error, not a reason to read the whole list as one value
    if isinstance(raw, list) and any(isinstance(entry, dict) for entry in raw):
        dated: list[DatedValue] = []
        for index, entry in enumerate(raw):
            if not isinstance(entry, dict):
                problem((*key, index), "must be a dated value like the others: a mapping with `from` and `value`")
                continue
            try:
                parsed = _PolicyDated.model_validate(entry)
            except ValidationError as exc:
                for err in exc.errors():
                    problem((*key, index, *err["loc"]), message_for(err, _PolicyDated))
                continue
            found = locate_problem(definition, parsed.value)
            if found:
                problem((*key, index, "value", *found[0]), found[1])
                continue
            dated.append(
                DatedValue(
                    effective_from=parsed.effective_from,
                    effective_to=parsed.effective_to,
                    value=parsed.value,
                    source=source,
                    provenance=parsed.provenance,
                )
            )
        ordered = sorted(dated, key=lambda v: v.effective_from)
        for before, after in itertools.pairwise(ordered):
            if (before.effective_to or _OPEN_END) >= after.effective_from:
                problem(key, "dated values overlap")
        if problems:
            raise InputError(problems)
        return ordered
    found = locate_problem(definition, raw)
    if found:
        problem((*key, *found[0]), found[1])
        raise InputError(problems)
    return [
        DatedValue(
            effective_from=dt.date.min,
            value=raw,
            source=source,
            provenance=POLICY_PROVENANCE,
        )
    ]


# the source of a policy file's values when the file names none: the file itself
POLICY_SOURCE_PREFIX = "policy file "


def load_policy(
    path: str | Path,
    limits: Limits = DEFAULT_LIMITS,
    definitions: dict[str, ParameterDefinition] | None = None,
) -> tuple[str, dict[str, list[DatedValue]]]:
    """Read a policy file; each parameter name, type and range is checked against the
    definitions of the rules in use (the shipped ones by default)."""
    doc = read_document(path, limits)
    policy = validate_document(doc, PolicyFile)
    source = policy.source or f"{POLICY_SOURCE_PREFIX}{path}"
    return str(path), _overrides(doc, policy.parameters, definitions or shipped_definitions(), source)


def pack_values(
    path: Path, shown: str, definitions: dict[str, ParameterDefinition], source: str
) -> dict[str, list[DatedValue]]:
    """The parameter values a pack's `pack.yaml` sets, checked as a policy file's are."""
    doc = read_document(path)
    doc.path = shown
    try:
        return _overrides(doc, doc.data["parameters"], definitions, source)
    except InputError as exc:
        first = exc.problems[0]
        raise RuleDataError(
            f"{first.path}:{first.line}" if first.line else first.path, first.key_path, first.message
        ) from None


def _overrides(
    doc: SourceDocument, parameters: dict[str, Any], definitions: dict[str, ParameterDefinition], source: str
) -> dict[str, list[DatedValue]]:
    overrides: dict[str, list[DatedValue]] = {}
    problems: list[Problem] = []
    for name, raw in parameters.items():
        definition = definitions.get(name)
        if definition is None:
            hint = suggest(name, list(definitions))
            key = ("parameters", name)
            problems.append(
                Problem(
                    doc.path,
                    format_key_path(key),
                    doc.line_of(key),
                    "unknown parameter" + (f" (did you mean {hint}?)" if hint else ""),
                )
            )
            continue
        try:
            overrides[name] = _policy_values(doc, name, raw, definition, source)
        except InputError as exc:
            problems.extend(exc.problems)
    if not problems:
        for name, message in pair_problems(definitions, overrides):
            key = ("parameters", name)
            problems.append(Problem(doc.path, format_key_path(key), doc.line_of(key), message))
    if problems:
        raise InputError(problems)
    return overrides


def pair_problems(
    definitions: Mapping[str, ParameterDefinition], overrides: Mapping[str, list[DatedValue]]
) -> list[tuple[str, str]]:
    """(the overridden parameter, why) for each `at_most` pair the overrides break on some date.

    A policy value replaces the shipped one whole: a benchmark table naming one product would
    silently leave every other product without a benchmark beside a base-level table that still
    names them, and a benchmark above the base level inverts the rule's sense. Both are
    contradictions in the authority's file, refused like any other (never a silent drop)."""
    found: list[tuple[str, str]] = []
    for name, definition in definitions.items():
        other = definition.at_most
        if other is None or other not in definitions or (name not in overrides and other not in overrides):
            continue
        mine, theirs = overrides.get(name, []), overrides.get(other, [])
        spans = [*mine, *theirs, *definition.values, *definitions[other].values]
        days = {d.effective_from for d in spans} | {
            d.effective_to + dt.timedelta(days=1) for d in spans if d.effective_to and d.effective_to < dt.date.max
        }
        for day in sorted(days):
            low = _in_force(mine, day) or _in_force(definition.values, day)
            high = _in_force(theirs, day) or _in_force(definitions[other].values, day)
            if low is None or high is None:
                continue
            # said of the parameter the file sets (the lower one where it sets both)
            why = (
                _exceeds(low.value, other, high.value)
                if name in overrides
                else _exceeds(high.value, name, low.value, above=False)
            )
            if why:
                since = "" if day == dt.date.min else f" (on and after {day.isoformat()})"
                found.append((name if name in overrides else other, f"{why}{since}"))
                break
    return found


def _exceeds(value: Any, other: str, bound: Any, above: bool = True) -> str | None:
    """Why `value` is not at most `bound` (`other`'s value; with `above` false, not at least:
    `value` is then the upper of the pair), or None, said of the parameter holding `value`."""
    low, high = (value, bound) if above else (bound, value)
    if isinstance(low, dict) and isinstance(high, dict):
        left_out = sorted(set(bound) - set(value))
        extra = sorted(set(value) - set(bound))
        if left_out or extra:
            named = "; ".join(
                part
                for part in (
                    f"leaves out {', '.join(left_out)}, which {other} names" if left_out else "",
                    f"names {', '.join(extra)}, which {other} does not" if extra else "",
                )
                if part
            )
            return (
                f"{named}: a table set here replaces the shipped table whole, so both tables must name the same entries"
            )
        side = "above" if above else "below"
        broken = [f"{entry}: {value[entry]:g} against {bound[entry]:g}" for entry in low if low[entry] > high[entry]]
        return f"is {side} {other} for {'; '.join(broken)}" if broken else None
    if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
        return f"is {'above' if above else 'below'} {other}: {value:g} against {bound:g}"
    return None


def resolve(
    as_of: dt.date,
    policy: tuple[str, dict[str, list[DatedValue]]] | None = None,
    definitions: dict[str, ParameterDefinition] | None = None,
) -> ParameterSet:
    """The value of every parameter in force on `as_of`, policy values taking precedence
    (`definitions`: those of the rules in use, the shipped ones by default)."""
    definitions = definitions or shipped_definitions()
    policy_path, overrides = policy if policy else (None, {})
    values: dict[str, ParameterValue] = {}
    for name, definition in definitions.items():
        origin: Literal["shipped", "policy"] = "shipped"
        dated = _in_force(overrides.get(name, []), as_of)
        if dated is not None:
            origin = "policy"
        else:
            dated = _in_force(definition.values, as_of)
        if dated is None:
            raise UsageError(
                f"parameter {name} has no value in force on {as_of.isoformat()}; "
                "choose another --as-of date or set it in a --params file"
            )
        values[name] = ParameterValue(
            name=name,
            value=dated.value,
            unit=definition.unit,
            effective_from=dated.effective_from,
            effective_to=dated.effective_to,
            source=dated.source,
            verified=_provenance(dated.provenance) == "cited",
            origin=origin,
            description=definition.description,
            verified_entries=_verified_entries(dated.provenance),
            provenance=_provenance(dated.provenance),
            provenance_entries=_provenance_entries(dated.provenance),
        )
    return ParameterSet(as_of=as_of, values=values, policy_path=policy_path)
