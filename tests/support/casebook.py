"""The shipped pack's rule cases for the tests, read by the same code as `checker test`
(`checker.audit.cases`): one file per case in each rule's `cases/` folder, as deltas of the base
projects in `rules/bases/`."""

from __future__ import annotations

import copy
from typing import Any

from checker.audit.cases import DEFAULT_AS_OF, Case, base_project, rule_cases, write_case
from checker.resources import rules_dir
from checker.rules.ruleset import load_ruleset

BASES_DIR = rules_dir() / "bases"

__all__ = ["BASES_DIR", "DEFAULT_AS_OF", "Case", "base_project", "deep_merge", "load_cases", "write_case"]


def load_cases() -> list[Case]:
    return rule_cases(load_ruleset())


def deep_merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """`base` with `patch` laid over it, mappings merged key by key (neither is modified)."""
    out = copy.deepcopy(base)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out
