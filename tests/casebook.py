"""Rule fixtures as data: small variations of a few realistic base projects.

`tests/cases/<RULE>.yaml` lists cases; each names a base project in `tests/cases/bases/`, the keys
it sets or removes (dotted paths, `project.products[0].unit_energy_kgce`), an optional check date,
and the exact status it expects of that rule. Keeping fixtures as deltas keeps them small and
makes the one fact that decides each case visible.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CASES_DIR = Path(__file__).parent / "cases"
DEFAULT_AS_OF = dt.date(2026, 1, 1)


@dataclass(frozen=True)
class Case:
    rule: str
    name: str
    base: str
    expect: str
    set: dict[str, Any] = field(default_factory=dict)
    unset: tuple[str, ...] = ()
    as_of: dt.date = DEFAULT_AS_OF

    def project_data(self) -> dict[str, Any]:
        data = copy.deepcopy(base_project(self.base))
        for path in self.unset:
            parent, last = _walk(data, path, create=False)
            if isinstance(parent, list):
                parent.pop(int(last))
            else:
                parent.pop(last, None)
        for path, value in self.set.items():
            parent, last = _walk(data, path, create=True)
            if isinstance(parent, list):
                parent[int(last)] = value
            else:
                parent[last] = value
        return data


def _parts(path: str) -> list[str | int]:
    parts: list[str | int] = []
    for piece in path.split("."):
        match = re.fullmatch(r"([^\[]+)((?:\[\d+\])*)", piece)
        assert match, f"bad path {path}"
        parts.append(match.group(1))
        parts += [int(i) for i in re.findall(r"\[(\d+)\]", match.group(2))]
    return parts


def _walk(data: Any, path: str, create: bool) -> tuple[Any, Any]:
    parts = _parts(path)
    node = data
    for part in parts[:-1]:
        if isinstance(part, int):
            node = node[part]
        else:
            if part not in node and create:
                node[part] = {}
            node = node[part]
    return node, parts[-1]


@cache
def base_project(name: str) -> dict[str, Any]:
    with open(CASES_DIR / "bases" / f"{name}.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_cases() -> list[Case]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in raw["cases"]:
            cases.append(Case(
                rule=raw["rule"], name=entry["name"], base=entry["base"], expect=entry["expect"],
                set=entry.get("set", {}), unset=tuple(entry.get("unset", [])),
                as_of=entry.get("as_of", DEFAULT_AS_OF),
            ))
    return cases


def write_case(case: Case, directory: Path) -> Path:
    target = directory / f"{case.rule}-{abs(hash(case.name))}.yaml"
    target.write_text(yaml.safe_dump(case.project_data(), allow_unicode=True), encoding="utf-8")
    return target


def deep_merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """`base` with `patch` laid over it, mappings merged key by key (neither is modified)."""
    out = copy.deepcopy(base)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out
