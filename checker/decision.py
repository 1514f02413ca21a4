"""From what matched to one status: the precedence policy of a rule, in one place.

The engine reports which of a rule's conditions held for a subject (the project, or one product);
this module turns that into the rule's status. Policy: if `applies_when` does not hold, the rule is
`not_applicable`; else if a required fact is absent, `missing_info`; else the first outcome that
holds, in the order the rule file lists them (a decision table with a first-hit policy); else the
rule's `otherwise` status. A per-item rule takes the most severe status over its items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from checker.ruleset import Rule

# most severe first: a binding failure on one product decides the rule
SEVERITY = ("fail", "missing_info", "review", "warn", "pass", "not_applicable")


@dataclass
class SubjectResult:
    """What held for one subject of one rule, as the engine reported it."""

    index: int | None  # item index for per-item rules, None for the project
    applies: bool = False
    missing: list[str] = field(default_factory=list)  # required facts found absent
    outcomes: set[int] = field(default_factory=set)  # indexes of outcomes whose condition held


class Decision(NamedTuple):
    """A subject's status and why. A named tuple: one is made per rule and subject, ~60 a project,
    and a frozen dataclass pays an `object.__setattr__` per field."""

    status: str
    outcome: int | None  # the outcome that decided, if any
    missing_facts: tuple[str, ...]
    binding: bool


def decide(rule: Rule, subject: SubjectResult) -> Decision:
    spec = rule.spec
    if not subject.applies:
        return Decision("not_applicable", None, (), spec.binding)
    if subject.missing:
        ordered = tuple(f for f in spec.requires if f in subject.missing)
        return Decision("missing_info", None, ordered, spec.binding)
    for index, outcome in enumerate(spec.outcomes):
        if index in subject.outcomes:
            binding = spec.binding if outcome.binding is None else outcome.binding
            return Decision(outcome.status, index, tuple(outcome.missing), binding)
    return Decision(spec.otherwise, None, (), spec.binding)


_RANK = {status: rank for rank, status in enumerate(SEVERITY)}


def most_severe(decisions: list[Decision]) -> Decision | None:
    if len(decisions) <= 1:
        return decisions[0] if decisions else None
    return min(decisions, key=lambda d: _RANK[d.status])
