"""The condition language of rule files, parsed from YAML into a small typed tree.

A condition is one of:
  {all: [c, ...]}            every condition holds
  {any: [c, ...]}            at least one holds
  {not: c}                   the condition does not hold (see "unknown facts" below)
  {present: FACT}            the fact is known        {absent: FACT}   the fact is not known
  {fact: FACT, OP: OPERAND}  OP one of gt, gte, lt, lte, eq, ne, in, not_in
  {rule: ID, status: [S]}    another rule's finding has one of these statuses (evaluated first)
An OPERAND is a literal (number, text, true/false, list), {param: NAME} (a dated parameter),
{param: NAME, key: FACT} (the entry of a per-product parameter for the product in FACT), or
{fact: FACT} with an optional `times: NUMBER` or `times: {param: NAME}`.

Unknown facts: a comparison on a fact that is absent is false, and so is its negation (`not` is
pushed down to the comparisons), so a rule never reaches `fail` or `pass` on a guess; it says
`missing_info` through its `requires` list or a `missing_info` outcome instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Union

from checker.vocabulary import RULE_STATUSES, Status

COMPARISONS = ("gt", "gte", "lt", "lte", "eq", "ne", "in", "not_in")
INVERSE = {
    "gt": "lte",
    "lte": "gt",
    "gte": "lt",
    "lt": "gte",
    "eq": "ne",
    "ne": "eq",
    "in": "not_in",
    "not_in": "in",
}
STATUSES = tuple(status.value for status in RULE_STATUSES)  # plain text: shown in errors, stored in the cache


class ConditionError(ValueError):
    """A malformed condition; `key_path` says where inside the rule file."""

    def __init__(self, key_path: str, message: str) -> None:
        self.key_path = key_path
        super().__init__(message)


@dataclass(frozen=True)
class ParamRef:
    name: str
    key: str | None = None  # a fact holding the product key, for per-product parameters


@dataclass(frozen=True)
class FactRef:
    name: str
    times: float | ParamRef | None = None


Operand = Union[float, int, str, bool, list[Any], ParamRef, FactRef]  # noqa: UP007


@dataclass(frozen=True)
class All:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


@dataclass(frozen=True)
class Compare:
    fact: str
    op: str
    operand: Operand


@dataclass(frozen=True)
class Present:
    fact: str


@dataclass(frozen=True)
class Absent:
    fact: str


@dataclass(frozen=True)
class RuleStatus:
    rule: str
    statuses: tuple[str, ...]


Condition = Union[All, AnyOf, Not, Compare, Present, Absent, RuleStatus]  # noqa: UP007


def _expect_keys(raw: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = set(raw) - allowed
    if unknown:
        raise ConditionError(where, f"unknown key(s) {sorted(unknown)}; allowed: {sorted(allowed)}")


def _parse_operand(raw: Any, where: str) -> Operand:
    if isinstance(raw, dict):
        if "param" in raw:
            _expect_keys(raw, {"param", "key"}, where)
            return ParamRef(str(raw["param"]), raw.get("key"))
        if "fact" in raw:
            _expect_keys(raw, {"fact", "times"}, where)
            times = raw.get("times")
            if isinstance(times, dict):
                times_ref = _parse_operand(times, f"{where}.times")
                if not isinstance(times_ref, ParamRef) or times_ref.key:
                    raise ConditionError(f"{where}.times", "must be a number or {param: NAME}")
                return FactRef(str(raw["fact"]), times_ref)
            if times is not None and (isinstance(times, bool) or not isinstance(times, int | float)):
                raise ConditionError(f"{where}.times", "must be a number or {param: NAME}")
            return FactRef(str(raw["fact"]), times)
        raise ConditionError(where, "an operand mapping needs `param` or `fact`")
    if isinstance(raw, str | int | float | bool | list):
        return raw
    raise ConditionError(where, f"unsupported operand {raw!r}")


def parse(raw: Any, where: str) -> Condition:
    """Parse one condition from its YAML form; `where` is the key path for error messages."""
    if not isinstance(raw, dict) or not raw:
        raise ConditionError(where, "a condition must be a mapping (all/any/not/fact/...)")
    if "all" in raw or "any" in raw:
        key = "all" if "all" in raw else "any"
        _expect_keys(raw, {key}, where)
        items = raw[key]
        if not isinstance(items, list) or not items:
            raise ConditionError(f"{where}.{key}", "must be a non-empty list of conditions")
        parsed = tuple(parse(item, f"{where}.{key}[{i}]") for i, item in enumerate(items))
        return All(parsed) if key == "all" else AnyOf(parsed)
    if "not" in raw:
        _expect_keys(raw, {"not"}, where)
        return Not(parse(raw["not"], f"{where}.not"))
    if "present" in raw:
        _expect_keys(raw, {"present"}, where)
        return Present(str(raw["present"]))
    if "absent" in raw:
        _expect_keys(raw, {"absent"}, where)
        return Absent(str(raw["absent"]))
    if "rule" in raw:
        _expect_keys(raw, {"rule", "status"}, where)
        statuses = raw.get("status")
        if isinstance(statuses, str):
            statuses = [statuses]
        if not statuses or any(s not in STATUSES for s in statuses):
            raise ConditionError(f"{where}.status", f"must list statuses from {STATUSES}")
        return RuleStatus(str(raw["rule"]), tuple(statuses))
    if "fact" in raw:
        ops = [k for k in raw if k != "fact"]
        if len(ops) != 1 or ops[0] not in COMPARISONS:
            raise ConditionError(where, f"a comparison needs exactly one of {COMPARISONS}")
        op = ops[0]
        operand = _parse_operand(raw[op], f"{where}.{op}")
        if op in ("in", "not_in") and not isinstance(operand, list | ParamRef):
            raise ConditionError(f"{where}.{op}", "`in` needs a list or a list parameter")
        return Compare(str(raw["fact"]), op, operand)
    raise ConditionError(where, "unknown condition; use all, any, not, present, absent, fact, rule")


def negate(condition: Condition) -> Condition:
    """Push `not` down to comparisons (De Morgan), keeping 'unknown is false' on both sides."""
    if isinstance(condition, All):
        return AnyOf(tuple(negate(c) for c in condition.items))
    if isinstance(condition, AnyOf):
        return All(tuple(negate(c) for c in condition.items))
    if isinstance(condition, Not):
        return condition.item
    if isinstance(condition, Compare):
        return Compare(condition.fact, INVERSE[condition.op], condition.operand)
    if isinstance(condition, Present):
        return Absent(condition.fact)
    if isinstance(condition, Absent):
        return Present(condition.fact)
    if isinstance(condition, RuleStatus):
        rest = tuple(s.value for s in Status if s not in condition.statuses)
        return RuleStatus(condition.rule, rest)
    raise TypeError(condition)  # pragma: no cover


def walk(condition: Condition) -> Iterator[Condition]:
    """Every node of a condition tree, for collecting the facts, parameters and rules it names."""
    yield condition
    if isinstance(condition, All | AnyOf):
        for item in condition.items:
            yield from walk(item)
    elif isinstance(condition, Not):
        yield from walk(condition.item)


def facts_named(condition: Condition) -> list[str]:
    names: list[str] = []
    for node in walk(condition):
        if isinstance(node, Compare | Present | Absent):
            names.append(node.fact)
        if isinstance(node, Compare):
            if isinstance(node.operand, FactRef):
                names.append(node.operand.name)
            if isinstance(node.operand, ParamRef) and node.operand.key:
                names.append(node.operand.key)
    return names


def params_named(condition: Condition) -> list[str]:
    names: list[str] = []
    for node in walk(condition):
        if isinstance(node, Compare):
            operand = node.operand
            if isinstance(operand, ParamRef):
                names.append(operand.name)
            if isinstance(operand, FactRef) and isinstance(operand.times, ParamRef):
                names.append(operand.times.name)
    return names


def rules_named(condition: Condition) -> list[str]:
    return [node.rule for node in walk(condition) if isinstance(node, RuleStatus)]


# ---------------------------------------------------------------- unknown conditions
#
# A condition is true, false or unknown on a project: unknown when it holds neither way because a
# fact it reads is absent. The engine only tests "holds"; "known to be false" is the condition
# negated (`negate` keeps "unknown is false" on both sides), and the forms below say, as ordinary
# conditions, "may be true", "may be false" and "is unknown because FACT is absent". An outcome
# with `when_unknown: missing_info` asks for exactly the absent facts that keep its condition
# from being decided, so a rule needs no outcome per combination of absent facts.


def _operand_facts(condition: Compare) -> list[str]:
    facts = [condition.fact]
    if isinstance(condition.operand, FactRef):
        facts.append(condition.operand.name)
    if isinstance(condition.operand, ParamRef) and condition.operand.key:
        facts.append(condition.operand.key)
    return list(dict.fromkeys(facts))


def _either(items: list[Condition]) -> Condition:
    return items[0] if len(items) == 1 else AnyOf(tuple(items))


def _both(items: list[Condition]) -> Condition:
    return items[0] if len(items) == 1 else All(tuple(items))


def maybe_true(condition: Condition) -> Condition:
    """Holds unless the condition is known to be false (it holds, or it is unknown)."""
    if isinstance(condition, Compare):
        return _either([*(Absent(f) for f in _operand_facts(condition)), condition])
    if isinstance(condition, All):
        return _both([maybe_true(c) for c in condition.items])
    if isinstance(condition, AnyOf):
        return _either([maybe_true(c) for c in condition.items])
    if isinstance(condition, Not):
        return maybe_false(condition.item)
    return condition  # present, absent and another rule's status are never unknown


def maybe_false(condition: Condition) -> Condition:
    """Holds unless the condition is known to be true."""
    if isinstance(condition, Compare):
        return _either([*(Absent(f) for f in _operand_facts(condition)), negate(condition)])
    if isinstance(condition, All):
        return _either([maybe_false(c) for c in condition.items])
    if isinstance(condition, AnyOf):
        return _both([maybe_false(c) for c in condition.items])
    if isinstance(condition, Not):
        return maybe_true(condition.item)
    return negate(condition)


def unknown_for(condition: Condition, fact: str) -> Condition | None:
    """Holds when the condition is unknown and the absence of `fact` is one reason why: deciding
    it needs that fact. None if the condition cannot be unknown for want of it.

    All: no part is known false, and a part is unknown for want of the fact; any: no part is known
    true, and a part is unknown for want of it. A fact a decided part reads is not asked for
    (area at or above the limit decides "area or investment" without the investment)."""
    if isinstance(condition, Compare):
        return Absent(fact) if fact in _operand_facts(condition) else None
    if isinstance(condition, Not):
        return unknown_for(condition.item, fact)
    if isinstance(condition, All | AnyOf):
        other = maybe_true if isinstance(condition, All) else maybe_false
        ways: list[Condition] = []
        for index, item in enumerate(condition.items):
            reason = unknown_for(item, fact)
            if reason is not None:
                rest = [other(c) for i, c in enumerate(condition.items) if i != index]
                ways.append(_both([reason, *rest]))
        return _either(ways) if ways else None
    return None


def unknown_facts(condition: Condition) -> list[str]:
    """The facts whose absence can leave the condition unknown, in the order the condition names
    them: the candidates a `when_unknown` outcome asks for."""
    names = [name for node in walk(condition) if isinstance(node, Compare) for name in _operand_facts(node)]
    return list(dict.fromkeys(names))
