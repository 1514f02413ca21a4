"""From what matched to one status: the precedence policy of a rule, in one place.

The engine reports which of a rule's conditions held for a subject (the project, or one product);
this module turns that into the rule's status. Policy: if `applies_when` does not hold, the rule is
`not_applicable`; else if a required fact is absent, `missing_info`; else the first outcome that
holds, in the order the rule file lists them (a decision table with a first-hit policy); else the
rule's `otherwise` status. Before all of these, a rule whose `effective` dates exclude the check
date is `not_applicable`. A per-item rule takes the most severe status over its items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from checker.rules import conditions as cond
from checker.rules.ruleset import Rule, RuleOutcome
from checker.vocabulary import DECISION_SEVERITY, Status


@dataclass
class SubjectResult:
    """What held for one subject of one rule, as the engine reported it."""

    index: int | None  # item index for per-item rules, None for the project
    applies: bool = False
    missing: list[str] = field(default_factory=list)  # required facts found absent
    outcomes: set[int] = field(default_factory=set)  # indexes of outcomes whose condition held
    # outcome index → the facts whose absence leaves its condition undecided (`when_unknown`)
    unknown: dict[int, set[str]] = field(default_factory=dict)
    in_force: bool = True  # false: the rule's `effective` dates exclude the check date
    gates: set[int] = field(default_factory=set)  # the labelled applies_when conditions that held


class Decision(NamedTuple):
    """A subject's status and why. A named tuple: one is made per rule and subject, ~60 a project,
    and a frozen dataclass pays an `object.__setattr__` per field."""

    status: str
    outcome: int | None  # the outcome that decided, if any
    missing_facts: tuple[str, ...]
    binding: bool
    # which branch of the rule decided: effective (not in force on the check date), applies_when,
    # requires, outcome (its condition held), unknown (its condition could not be decided:
    # `when_unknown`), otherwise, no_items
    branch: str = "outcome"
    gate: int | None = None  # not_applicable: the labelled applies_when condition that did not hold


def decide(rule: Rule, subject: SubjectResult) -> Decision:
    spec = rule.spec
    if not subject.in_force:
        return Decision(Status.NOT_APPLICABLE, None, (), spec.binding, "effective")
    if not subject.applies:
        last = len(spec.applies_labels) - 1  # the engine tests the others; the last is then the one
        gate = next((i for i in range(last) if i not in subject.gates), last) if spec.applies_labels else None
        return Decision(Status.NOT_APPLICABLE, None, (), spec.binding, "applies_when", gate)
    if subject.missing:
        ordered = tuple(f for f in spec.requires if f in subject.missing)
        return Decision(Status.MISSING_INFO, None, ordered, spec.binding, "requires")
    for index, outcome in enumerate(spec.outcomes):
        if index in subject.outcomes:
            binding = spec.binding if outcome.binding is None else outcome.binding
            return Decision(outcome.status, index, tuple(outcome.missing), binding, "outcome")
        if index in subject.unknown:
            return Decision(
                outcome.when_unknown or Status.MISSING_INFO,
                index,
                asked(outcome, subject.unknown[index]),
                spec.binding,
                "unknown",
            )
    return Decision(spec.otherwise, None, (), spec.binding, "otherwise")


def asked(outcome: RuleOutcome, absent: set[str]) -> tuple[str, ...]:
    """The keys to ask for when an outcome's condition is undecided: each absent fact that keeps
    it so, in the order the condition names them, as the outcome's `ask` spells it for the
    applicant (a derived fact is asked for by the key it comes from)."""
    keys = (outcome.ask.get(fact, fact) for fact in cond.unknown_facts(outcome.when) if fact in absent)
    return tuple(dict.fromkeys(keys))


def fired(rule: Rule, decision: Decision) -> dict[str, Any]:
    """Which branch of the rule decided, as reports and the ledger record it, so that an auditor
    sees the exact branch: `{"branch": "outcome", "index": 2, "reason": "too_short"}` (the
    outcome's position in the file, from 0, and its `reason` if it has one); `unknown` with the
    index of the outcome whose condition was undecided; `applies_when` (with `condition`, the
    index of the labelled applies_when condition that did not hold); `requires`, `otherwise`,
    `no_items` (a per-item rule with nothing to judge), `effective` (not in force on the check
    date) alone."""
    record: dict[str, Any] = {"branch": decision.branch}
    if decision.gate is not None:
        record["condition"] = decision.gate  # which labelled applies_when condition, from 0
    if decision.outcome is not None:
        record["index"] = decision.outcome
        reason = rule.spec.outcomes[decision.outcome].reason
        if decision.branch == "outcome" and reason is not None:
            record["reason"] = reason
    return record


# most severe first: a binding failure on one product decides the rule
_RANK: dict[str, int] = {status: rank for rank, status in enumerate(DECISION_SEVERITY)}


def most_severe(decisions: list[Decision]) -> Decision | None:
    if len(decisions) <= 1:
        return decisions[0] if decisions else None
    return min(decisions, key=lambda d: _RANK[d.status])
