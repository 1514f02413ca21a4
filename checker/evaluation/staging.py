"""The rules in dependency stages: a rule that reads another rule's status is evaluated after it.

Kept apart from `stages` (which runs the stages with an engine) because every engine compiles or
walks the rules stage by stage, and the engines must not import what imports them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from checker.errors import RuleDataError
from checker.rules.ruleset import Rule


@dataclass(frozen=True)
class Staging:
    """The rules by dependency stage, in catalogue order within each: stage 0 reads no other
    rule's status; a rule of stage n reads statuses of stages before n only."""

    stages: tuple[tuple[Rule, ...], ...]

    def stage_of(self) -> dict[str, int]:
        return {rule.id: number for number, rules in enumerate(self.stages) for rule in rules}


def stage_rules(rules: Iterable[Rule]) -> Staging:
    """The dependency depth of every rule, as stages; a circular dependency is rule data that
    cannot be evaluated: refused, naming the rule file and the cycle."""
    ordered = list(rules)
    by_id = {rule.id: rule for rule in ordered}
    depth: dict[str, int] = {}

    def visit(rule_id: str, trail: tuple[str, ...]) -> int:
        if rule_id in trail:
            raise RuleDataError(by_id[rule_id].path, "", f"circular dependency {' → '.join(trail)}")
        if rule_id not in depth:
            deps = by_id[rule_id].depends_on
            depth[rule_id] = 1 + max((visit(d, (*trail, rule_id)) for d in deps), default=-1)
        return depth[rule_id]

    for rule_id in by_id:
        visit(rule_id, ())
    count = max(depth.values(), default=-1) + 1
    return Staging(tuple(tuple(r for r in ordered if depth[r.id] == stage) for stage in range(count)))
