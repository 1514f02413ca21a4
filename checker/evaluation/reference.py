"""The reference evaluator: the rule language evaluated in plain Python, from its documented meaning.

`docs/rule-language.md` defines what a condition means; this module reads a rule's conditions as
a tree and computes that meaning for one subject directly, with no compilation and no engine. It
is slower than the durable engine and meant to be obviously right: the oracle the differential
tests (`tests/test_evaluator_agreement.py`) hold the durable adapter against, and an engine of
its own for `--engine reference`.

Every condition gets a `Truth` on a subject. A condition is true, false or undecided: undecided
when a fact it needs is absent, so that it holds neither way (a comparison on an absent fact is
false, and so is its negation). A comparison whose operands are all known but that has no value
(a per-product parameter with no entry for the item's product, a text compared in order with a
number) is "void": it holds neither way either, but not for want of a fact, so it asks for
nothing; it also counts as decided in the sense below (it can neither make an `all` nor an `any`
undecided). For `when_unknown`, `asks` are the absent facts whose absence is one reason the
condition is undecided: an `all` asks for a part's facts only while no other part is known false
(or void), an `any` only while no other part is known true (or void): "a fact a decided part
reads is not asked for".
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from checker.evaluation.decision import SubjectResult
from checker.evaluation.protocol import Facts, Items, StageMatches
from checker.evaluation.staging import Staging
from checker.rules import conditions as cond
from checker.rules.parameters import ParameterSet
from checker.rules.ruleset import Rule, Ruleset

_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
    "eq": operator.eq,
    "ne": operator.ne,
}


@dataclass(frozen=True, slots=True)
class Truth:
    """What a condition is on one subject.

    `holds`: known true; `fails`: known false (its negation holds); `may_hold`: true or undecided
    (not known false, not void); `may_fail`: false or undecided (not known true, not void);
    `asks`: the absent facts each of which leaves it undecided."""

    holds: bool
    fails: bool
    may_hold: bool
    may_fail: bool
    asks: frozenset[str] = frozenset()


_TRUE = Truth(True, False, True, False)
_FALSE = Truth(False, True, False, True)
_VOID = Truth(False, False, False, False)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _known(value: Any) -> bool:
    """Whether a fact's value is a value a condition can read: a text, a truth value or a number
    (not NaN). None, lists and mappings are no value: the fact is absent."""
    if isinstance(value, str | bool):
        return True
    if isinstance(value, int | float):
        return not (isinstance(value, float) and math.isnan(value))
    return False


class _Subject:
    """The facts of one subject: the project's, and for a per-item rule the item's as `item.*`;
    and the statuses decided for the rules of earlier stages."""

    def __init__(self, facts: Facts, item: Mapping[str, Any] | None, statuses: Mapping[str, str]) -> None:
        self._facts = facts
        self._item = item
        self.statuses = statuses

    def get(self, name: str) -> Any:
        """The fact's value, or None when it is absent."""
        if self._item is not None and name.startswith("item."):
            value = self._item.get(name[5:])
        else:
            value = self._facts.get(name)
        return value if _known(value) else None


def truth(condition: cond.Condition, subject: _Subject, params: ParameterSet) -> Truth:
    """The truth of a condition on a subject, from the rule language's meaning."""
    if isinstance(condition, cond.All):
        parts = [truth(c, subject, params) for c in condition.items]
        return Truth(
            all(p.holds for p in parts),
            any(p.fails for p in parts),
            all(p.may_hold for p in parts),
            any(p.may_fail for p in parts),
            _asked(parts, lambda other: other.may_hold),
        )
    if isinstance(condition, cond.AnyOf):
        parts = [truth(c, subject, params) for c in condition.items]
        return Truth(
            any(p.holds for p in parts),
            all(p.fails for p in parts),
            any(p.may_hold for p in parts),
            all(p.may_fail for p in parts),
            _asked(parts, lambda other: other.may_fail),
        )
    if isinstance(condition, cond.Not):
        inner = truth(condition.item, subject, params)
        return Truth(inner.fails, inner.holds, inner.may_fail, inner.may_hold, inner.asks)
    if isinstance(condition, cond.Present):
        return _TRUE if subject.get(condition.fact) is not None else _FALSE
    if isinstance(condition, cond.Absent):
        return _TRUE if subject.get(condition.fact) is None else _FALSE
    if isinstance(condition, cond.RuleStatus):
        return _TRUE if subject.statuses.get(condition.rule) in condition.statuses else _FALSE
    if isinstance(condition, cond.Compare):
        return _compare(condition, subject, params)
    raise TypeError(condition)  # pragma: no cover - the parser makes no other node


def _asked(parts: list[Truth], open_beside: Callable[[Truth], bool]) -> frozenset[str]:
    """The facts a combination asks for: a part's, while every other part leaves it open."""
    asks: set[str] = set()
    for index, part in enumerate(parts):
        if part.asks and all(open_beside(other) for i, other in enumerate(parts) if i != index):
            asks |= part.asks
    return frozenset(asks)


def _compare(condition: cond.Compare, subject: _Subject, params: ParameterSet) -> Truth:
    """`{fact: F, OP: operand}`: undecided when F or a fact the operand names is absent; void
    when the operand has no value; else the comparison, true or false."""
    operand = condition.operand
    needed = [condition.fact]
    if isinstance(operand, cond.FactRef):
        needed.append(operand.name)
    if isinstance(operand, cond.ParamRef) and operand.key:
        needed.append(operand.key)
    absent = frozenset(name for name in needed if subject.get(name) is None)
    if absent:
        return Truth(False, False, True, True, absent)
    value = subject.get(condition.fact)
    rhs: Any
    if isinstance(operand, cond.ParamRef) and operand.key:
        table = params[operand.name].value
        key = subject.get(operand.key)
        if not isinstance(table, Mapping) or key not in table:
            return _VOID  # no entry for this product: no limit to compare with
        rhs = table[key]
    elif isinstance(operand, cond.ParamRef):
        rhs = params[operand.name].value
    elif isinstance(operand, cond.FactRef):
        rhs = subject.get(operand.name)
        times = operand.times
        if isinstance(times, cond.ParamRef):
            times = params[times.name].value
        if times is not None:
            if not _number(rhs) or not _number(times):
                return _VOID  # only a number scales
            rhs = rhs * times
    else:
        rhs = operand
    if condition.op in ("in", "not_in"):
        inside = any(value == member for member in rhs)
        result = inside if condition.op == "in" else not inside
    else:
        try:
            result = bool(_ORDER[condition.op](value, rhs))
        except TypeError:  # a text against a number: no order, no value
            return _VOID
    return _TRUE if result else _FALSE


class _Session:
    """One project: every condition evaluated when its stage is asked for."""

    def __init__(self, evaluator: ReferenceEvaluator, facts: Facts, items: Items) -> None:
        self._evaluator = evaluator
        self._facts = facts
        self._items = items

    def match(self, stage: int, statuses: Mapping[str, str]) -> StageMatches:
        results: dict[str, list[SubjectResult]] = {}
        params = self._evaluator.params
        for rule in self._evaluator.staging.stages[stage]:
            subjects: list[tuple[int | None, _Subject]]
            if rule.spec.for_each is None:
                subjects = [(None, _Subject(self._facts, None, statuses))]
            else:
                items = self._items.get(rule.spec.for_each, ())
                subjects = [(index, _Subject(self._facts, item, statuses)) for index, item in enumerate(items)]
            results[rule.id] = [match_subject(rule, index, subject, params) for index, subject in subjects]
        return results


def match_subject(rule: Rule, index: int | None, subject: _Subject, params: ParameterSet) -> SubjectResult:
    """What matched for one subject of a rule, as `protocol` defines it."""
    spec = rule.spec
    found = SubjectResult(index=index)
    found.applies = spec.applies_when is None or truth(spec.applies_when, subject, params).holds
    if len(spec.applies_labels) > 1 and isinstance(spec.applies_when, cond.All):
        conditions = spec.applies_when.items[:-1]  # the last is the one when all before it hold
        found.gates = {i for i, gate in enumerate(conditions) if truth(gate, subject, params).holds}
    if not found.applies:
        return found
    found.missing = [fact for fact in spec.requires if subject.get(fact) is None]
    for number, outcome in enumerate(spec.outcomes):
        value = truth(outcome.when, subject, params)
        if value.holds:
            found.outcomes.add(number)
        if outcome.when_unknown and value.asks:
            found.unknown[number] = set(value.asks)
    return found


class ReferenceEvaluator:
    """The reference evaluator prepared for a ruleset and parameter set (`protocol.Evaluator`):
    it keeps them; there is nothing to compile."""

    def __init__(self, ruleset: Ruleset, params: ParameterSet, staging: Staging) -> None:
        self.ruleset = ruleset
        self.params = params
        self.staging = staging

    @contextmanager
    def session(self, facts: Facts, items: Items) -> Iterator[_Session]:
        yield _Session(self, facts, items)
