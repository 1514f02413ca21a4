"""The closed word lists of the project format: the 12 盟市 and the product keys.

They are data (`rules/vocabulary/`), so that the list of products can grow without code changes;
this module loads them once and answers the two questions the models ask: is this a known name,
and what did the user probably mean if not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any

import yaml

from checker.errors import RuleDataError
from checker.resources import rules_dir


@dataclass(frozen=True)
class Product:
    key: str
    zh: str
    en: str
    unit: str


# libyaml when PyYAML has it: the same values as yaml.safe_load, read several times faster (these
# lists are read on every start, by the project models' definitions)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load(name: str) -> object:
    path = rules_dir() / "vocabulary" / name
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_SAFE_LOADER)


@cache
def products() -> dict[str, Product]:
    raw = _load("products.yaml")
    if not isinstance(raw, dict):
        raise RuleDataError("rules/vocabulary/products.yaml", "", "must be a mapping")
    return {key: Product(key, v["zh"], v["en"], v.get("unit", "")) for key, v in raw.items()}


# what a unit spelling match ignores: spaces; a full-width slash is read as a slash
_UNIT_SPACES = re.compile(r"\s+")


def unit_key(text: str) -> str:
    """A unit as matched against `capacity_units.yaml`: without spaces, ／ read as /."""
    return _UNIT_SPACES.sub("", text).replace("／", "/")


@dataclass(frozen=True)
class CapacityUnit:
    """A usual unit of capacity: the quantity the energy per unit of product is counted per, and
    the spellings a product line may write the capacity in, each with its factor to the unit."""

    per: str
    spellings: dict[str, float]


@cache
def capacity_units() -> dict[str, CapacityUnit]:
    """The usual units of capacity (`rules/vocabulary/capacity_units.yaml`)."""
    where = "rules/vocabulary/capacity_units.yaml"
    raw = _load("capacity_units.yaml")
    if not isinstance(raw, dict):
        raise RuleDataError(where, "", "must map each usual unit to its `per` and `spellings`")
    table: dict[str, CapacityUnit] = {}
    for usual, entry in raw.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("spellings"), dict) or "per" not in entry:
            raise RuleDataError(where, str(usual), "must give `per` and `spellings`")
        spellings = {str(k): float(f) for k, f in entry["spellings"].items()}
        if spellings.get(str(usual)) != 1.0:
            raise RuleDataError(where, str(usual), "must list itself with factor 1")
        table[str(usual)] = CapacityUnit(str(entry["per"]), spellings)
    for product in products().values():
        if product.unit and product.unit not in table:
            raise RuleDataError(where, product.unit, f"the usual unit of {product.key} has no spellings")
    return table


@cache
def _unit_lookup() -> dict[str, dict[str, float]]:
    return {usual: {unit_key(k): f for k, f in unit.spellings.items()} for usual, unit in capacity_units().items()}


def capacity_factor(product: str, unit: str | None) -> float | None:
    """The factor that turns a capacity of `product` written in `unit` into the product's usual
    unit: 1 for no unit (the usual one is meant); None for a spelling not accepted for the
    product, and for a product without a usual unit (it takes any unit and converts none)."""
    usual = products()[product].unit
    if not usual:
        return None
    if unit is None:
        return 1.0
    return _unit_lookup()[usual].get(unit_key(unit))


_SECTION = re.compile(r"[A-T]")
_DIVISION = re.compile(r"[0-9]{2}")


@cache
def industry_sections() -> dict[str, tuple[int, int]]:
    """Each section letter of GB/T 4754-2017 and the first and last of its divisions
    (`rules/vocabulary/industry_sections.yaml`): data, so that the table is cited where it lives
    and read by the model and the JSON Schema alike."""
    where = "rules/vocabulary/industry_sections.yaml"
    raw = _load("industry_sections.yaml")
    if not isinstance(raw, dict):
        raise RuleDataError(where, "", "must map each section letter to its first and last division")
    table: dict[str, tuple[int, int]] = {}
    for letter, span in raw.items():
        if (
            not isinstance(letter, str)
            or not _SECTION.fullmatch(letter)
            or not isinstance(span, list)
            or len(span) != 2
            or not all(isinstance(d, str) and _DIVISION.fullmatch(d) for d in span)
            or int(span[0]) > int(span[1])
        ):
            raise RuleDataError(where, str(letter), 'must be a letter A-T with ["first", "last"] two-digit divisions')
        table[letter] = (int(span[0]), int(span[1]))
    spans = sorted(table.values())
    if any(after[0] != before[1] + 1 for before, after in pairwise(spans)):
        # the standard numbers its divisions on from section to section, without gap or overlap
        raise RuleDataError(where, "", "the sections' divisions must follow on, none shared and none left out")
    return table


# what an alias match ignores (`Xing'an`, `Hulun Buir`, `Ordos-City`); case is ignored too
ALIAS_IGNORED = re.compile(r"[\s\-_'’]")


def _alias_key(text: str) -> str:
    return ALIAS_IGNORED.sub("", text).casefold()


def _league_entries() -> list[dict[str, Any]]:
    raw = _load("league_cities.yaml")
    if not isinstance(raw, list):
        raise RuleDataError("rules/vocabulary/league_cities.yaml", "", "must be a list")
    return raw


@cache
def league_cities() -> tuple[str, ...]:
    return tuple(entry["name"] for entry in _league_entries())


@cache
def _league_aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    for entry in _league_entries():
        for alias in entry.get("aliases", []):
            table[_alias_key(alias)] = entry["name"]
    return table


@cache
def border_league_cities() -> frozenset[str]:
    """The 盟市 on the national border (`border: true`): a site "in a border area" can be there only."""
    found = set()
    for entry in _league_entries():
        if not isinstance(entry.get("border"), bool):
            raise RuleDataError(
                "rules/vocabulary/league_cities.yaml", entry.get("name", ""), "needs border: true or false"
            )
        if entry["border"]:
            found.add(entry["name"])
    return frozenset(found)


def league_city_aliases() -> tuple[str, ...]:
    """Every alias as matched: without what the match ignores, case-folded."""
    return tuple(sorted(_league_aliases()))


def normalise_league_city(value: str) -> str | None:
    """The official name for `value` (itself, or an English/pinyin alias), or None if unknown."""
    if value in league_cities():
        return value
    return _league_aliases().get(_alias_key(value))
