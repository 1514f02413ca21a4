"""The closed word lists of the project format: the 12 盟市 and the product keys.

They are data (`rules/vocabulary/`), so that the list of products can grow without code changes;
this module loads them once and answers the two questions the models ask: is this a known name,
and what did the user probably mean if not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
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


def league_city_aliases() -> tuple[str, ...]:
    """Every alias as matched: without what the match ignores, case-folded."""
    return tuple(sorted(_league_aliases()))


def normalise_league_city(value: str) -> str | None:
    """The official name for `value` (itself, or an English/pinyin alias), or None if unknown."""
    if value in league_cities():
        return value
    return _league_aliases().get(_alias_key(value))
