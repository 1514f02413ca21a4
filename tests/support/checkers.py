"""Checkers built once per session: the shipped pack or an example pack on a date, with or without
a waiver register."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import yaml

from checker.check import Checker
from checker.rules.parameters import resolve
from checker.rules.ruleset import load_ruleset
from checker.verdict.waivers import load_register
from tests.support import REPO

# Every rule pack of the repository: the shipped one (None) and each example under examples/packs/.
# The property tests (metamorphic, message figures) run against each of them.
PACKS: list[str | None] = [
    None,
    *sorted(str(p) for p in (REPO / "examples" / "packs").glob("*") if (p / "pack.yaml").is_file()),
]
PACK_IDS = ["nm-14th-fyp" if p is None else Path(p).name for p in PACKS]


@cache
def checker_on(as_of: dt.date, pack: str | None = None) -> Checker:
    """The checker for `as_of` with the shipped pack, or the pack in the folder `pack`."""
    if pack is None:
        return Checker(load_ruleset(), resolve(as_of))
    ruleset = load_ruleset(Path(pack))
    return Checker(ruleset, resolve(as_of, None, ruleset.definitions))


def write_register(
    directory: Path, entries: list[dict], authority: str = "自治区能源局", name: str = "register.yaml"
) -> Path:
    """A waiver register (format 1) holding `entries`, written to `directory/name`."""
    path = directory / name
    body = {"format": 1, "authority": authority, "waivers": entries}
    path.write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def checker_with_register(as_of: dt.date, register: Path) -> Checker:
    """A checker for `as_of` that applies the waiver register at `register`."""
    ruleset = load_ruleset()
    return Checker(ruleset, resolve(as_of), load_register(register, ruleset))
