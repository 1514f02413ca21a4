"""The adapter to durable_rules: the only module that imports the rules engine.

Rule files compile to durable_rules rulesets (JSON), one per rule family and dependency stage, once
per process and parameter set. A check asserts the project's facts (and one fact per product or
boiler for per-item rules) in a fresh session, records which conditions fired, and deletes the
session. Every sharp edge of the engine measured in `durable-rules-notes.md`, and two more found
here, is handled in this module: every fact is handled by a catch-all rule (an unhandled fact
leaks a session whose deletion segfaults), facts carry an identity, no condition is purely
negative (it would match the session state itself), rulesets are registered once under a
content-hash name, the host starts no timer threads (they enter the non-thread-safe C core
concurrently and crash it), and sessions are always deleted so that no state outlives a check.

Numbers, found by property tests: the engine's C JSON parser refuses an exponent after a mantissa
without a point (`1e-09`, `1e+20`, what Python's json writes for such floats: error 204), and reads
integers beyond 64 bits wrongly. Facts and thresholds therefore pass through `engine_value`, and
durable's own `json.dumps` is given a point in every such mantissa (`1.0e-09`), outside strings.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import math
import re
import sys
import threading
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Any

from durable import engine as durable_engine

from checker import conditions as cond
from checker.decision import SubjectResult, decide, most_severe
from checker.errors import EngineError, RuleDataError
from checker.parameters import ParameterSet
from checker.ruleset import Rule, Ruleset

_NEVER = {"fact_kind": "__never__"}  # a condition no fact satisfies
_SEEN = "__seen"  # the catch-all rule of every engine ruleset
_MAX_RULES_PER_RULESET = 400  # the C core hangs on load above 512
_EXACT_INT = 2**53  # beyond this, integers go to the engine as floats
_DIGIT_EXPONENT = re.compile(r"\d[eE]")
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|-?\d+(\.\d+)?([eE][-+]?\d+)?')


def _point_in_mantissa(match: re.Match[str]) -> str:
    text = match.group(0)
    if text.startswith('"') or match.group(2) is None or match.group(1) is not None:
        return text
    exponent = match.group(2)
    return f"{text[: -len(exponent)]}.0{exponent}"


class _EngineJson:
    """The `json` durable.engine sees: the standard one, with numbers its C parser reads."""

    loads = staticmethod(json.loads)

    @staticmethod
    def dumps(obj: Any, **kwargs: Any) -> str:
        text = json.dumps(obj, **kwargs)
        if _DIGIT_EXPONENT.search(text) is None:  # the common case, and a cheap test
            return text
        return _JSON_TOKEN.sub(_point_in_mantissa, text)


durable_engine.json = _EngineJson  # type: ignore[attr-defined]


def engine_value(value: Any) -> Any:
    """`value` as the engine can compare it: big integers as floats, infinities as the largest
    finite float (a derived figure can overflow; its comparisons keep their sense)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if isinstance(value, int) and abs(value) >= _EXACT_INT:
        try:
            value = float(value)
        except OverflowError:
            value = math.inf if value > 0 else -math.inf
    if isinstance(value, float) and math.isinf(value):
        return math.copysign(sys.float_info.max, value)
    return value


@cache  # called for every fact of every project: the names are few, the calls many
def field_name(fact: str) -> str:
    """Engine field for a fact name: flat, no dots (`land.area_ha` → `land__area_ha`)."""
    return fact.replace(".", "__").replace("-", "_")


def status_fact(rule_id: str) -> str:
    return f"status.{rule_id}"


class _Recorder(durable_engine.Host):
    """A host whose actions only record which compiled rule fired, for which subject."""

    def __init__(self) -> None:
        self.fired: list[tuple[str, int | None]] = []
        self.errors: list[str] = []
        super().__init__()

    def _run(self) -> None:
        """Start no background threads.

        A stock Host starts two timer threads that call into the C core every 0.2 s (queued
        actions and timers, which we never use) and never stop; the core is not thread-safe, and
        a timer thread entering it while a check asserts facts crashes the process (seen here as
        sporadic segfaults in dispatch_timers). Our actions run synchronously inside assert_fact.
        """

    def get_action(self, action_name: str):  # type: ignore[no-untyped-def]
        def record(c: Any) -> None:
            try:
                index = c.m["item_index"] if "item_index" in c.m else None  # noqa: SIM401 - engine object
                self.fired.append((action_name, index))
            except Exception as exc:
                self.errors.append(f"{action_name}: {exc!r}")

        return record


_host_lock = threading.Lock()
_host: _Recorder | None = None
_registered: set[str] = set()
_session_ids = itertools.count(1)


def _get_host() -> _Recorder:
    """One host per process: each Host starts timer threads that never stop."""
    global _host
    with _host_lock:
        if _host is None:
            _host = _Recorder()
        return _host


# ---------------------------------------------------------------- compiling conditions


def _compare(field: str, op: str, rhs: Any) -> dict[str, Any]:
    rhs = engine_value(rhs)
    if op == "eq":
        return {field: rhs}
    return {"$" + {"ne": "neq"}.get(op, op): {field: rhs}}


def _and(parts: list[dict[str, Any]]) -> dict[str, Any]:
    return parts[0] if len(parts) == 1 else {"$and": parts}


def _or(parts: list[dict[str, Any]]) -> dict[str, Any]:
    if not parts:
        return _NEVER
    return parts[0] if len(parts) == 1 else {"$or": parts}


def compile_condition(condition: cond.Condition, params: ParameterSet) -> dict[str, Any]:
    """One condition of the rule language → a durable_rules expression."""
    if isinstance(condition, cond.All):
        return _and([compile_condition(c, params) for c in condition.items])
    if isinstance(condition, cond.AnyOf):
        return _or([compile_condition(c, params) for c in condition.items])
    if isinstance(condition, cond.Not):
        return compile_condition(cond.negate(condition.item), params)
    if isinstance(condition, cond.Present):
        return {"$ex": {field_name(condition.fact): 1}}
    if isinstance(condition, cond.Absent):
        return {"$nex": {field_name(condition.fact): 1}}
    if isinstance(condition, cond.RuleStatus):
        field = field_name(status_fact(condition.rule))
        return _or([{field: status} for status in condition.statuses])
    if isinstance(condition, cond.Compare):
        return _compile_compare(condition, params)
    raise TypeError(condition)  # pragma: no cover


def _compile_compare(c: cond.Compare, params: ParameterSet) -> dict[str, Any]:
    field = field_name(c.fact)
    exists = {"$ex": {field: 1}}  # a comparison on an unknown fact is false, and so is its negation
    operand = c.operand
    if isinstance(operand, cond.ParamRef) and operand.key:
        table = params[operand.name].value
        key_field = field_name(operand.key)
        return _and([exists, _or([
            _and([{key_field: key}, _compare(field, c.op, value)]) for key, value in table.items()
        ])])
    if isinstance(operand, cond.ParamRef):
        operand = params[operand.name].value
    if c.op in ("in", "not_in"):
        values = list(operand)
        if c.op == "in":
            return _and([exists, _or([{field: engine_value(v)} for v in values])])
        return _and([exists, *[{"$neq": {field: engine_value(v)}} for v in values]])
    if isinstance(operand, cond.FactRef):
        other = field_name(operand.name)
        rhs: Any = {"$m": other}
        times = operand.times
        if isinstance(times, cond.ParamRef):
            times = params[times.name].value
        if times is not None:
            rhs = {"$mul": {"$l": {"$m": other}, "$r": engine_value(times)}}
        return _and([exists, {"$ex": {other: 1}}, _compare(field, c.op, rhs)])
    return _and([exists, _compare(field, c.op, operand)])


# ---------------------------------------------------------------- compiling rules


def _subject_kind(rule: Rule) -> str:
    return f"item:{rule.spec.for_each}" if rule.spec.for_each else "project"


def _compiled_rules(rule: Rule, params: ParameterSet) -> dict[str, Any]:
    spec = rule.spec
    kind = {"fact_kind": _subject_kind(rule)}
    applies = [compile_condition(spec.applies_when, params)] if spec.applies_when else []
    compiled: dict[str, Any] = {}

    def add(name: str, extra: list[dict[str, Any]]) -> None:
        compiled[name] = {"all": [{"m": _and([kind, *applies, *extra])}], "run": name}

    add(f"{rule.id}|applies", [])
    for index, fact in enumerate(spec.requires):
        add(f"{rule.id}|requires|{index}", [{"$nex": {field_name(fact): 1}}])
    for index, outcome in enumerate(spec.outcomes):
        add(f"{rule.id}|outcome|{index}", [compile_condition(outcome.when, params)])
    return compiled


def _stages(rules: Iterable[Rule]) -> dict[str, int]:
    """Dependency depth of every rule: a rule reading another's status runs after it."""
    by_id = {rule.id: rule for rule in rules}
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
    return depth


class CompiledRuleset:
    """A ruleset compiled for one parameter set, ready to evaluate many projects."""

    def __init__(self, ruleset: Ruleset, params: ParameterSet) -> None:
        self.ruleset = ruleset
        self.params = params
        self._host = _get_host()
        stage_of = _stages(ruleset.rules)
        groups: dict[tuple[int, str], list[Rule]] = defaultdict(list)
        for rule in ruleset.rules:
            groups[(stage_of[rule.id], rule.spec.category)].append(rule)
        # [(stage, engine ruleset name, rules, kinds asserted)]
        self._stages: list[list[tuple[str, list[Rule], set[str]]]] = []
        self._reads: dict[str, frozenset[str]] = {}  # engine ruleset → fields its conditions read
        for stage in range(max(stage_of.values(), default=-1) + 1):
            entries = []
            for (group_stage, category), rules in sorted(groups.items()):
                if group_stage != stage:
                    continue
                # Every fact must be handled by some rule: an unhandled fact still creates a
                # session (leaking one of the core's 1 024) whose delete_state then segfaults.
                body: dict[str, Any] = {_SEEN: {"all": [{"m": {"$ex": {"fact_id": 1}}}], "run": _SEEN}}
                for rule in rules:
                    body.update(_compiled_rules(rule, params))
                if len(body) > _MAX_RULES_PER_RULESET:
                    raise RuleDataError(f"rules/{category}", "", "too many conditions for one family")
                digest = hashlib.sha256(
                    json.dumps(body, sort_keys=True, ensure_ascii=False).encode()
                ).hexdigest()[:16]
                name = f"nmck_{stage}_{category}_{digest}"
                self._register(name, body)
                entries.append((name, rules, {_subject_kind(r) for r in rules}))
                self._reads[name] = referenced_fields(body) | _IDENTITY
            self._stages.append(entries)
        self._fields = frozenset().union(*self._reads.values())

    def _register(self, name: str, body: dict[str, Any]) -> None:
        with _host_lock:
            if name in _registered:
                return
            # set_rulesets mutates what it is given (it deletes `run`): hand it a copy
            self._host.set_rulesets({name: copy.deepcopy(body)})
            _registered.add(name)

    def evaluate(
        self, facts: dict[str, Any], items: dict[str, list[dict[str, Any]]]
    ) -> dict[str, list[SubjectResult]]:
        """Which conditions of every rule held for this project (and for each of its items)."""
        read = self._fields  # what no condition reads is never handed to the engine
        project_fact = {
            f: engine_value(v) for k, v in facts.items() if (f := field_name(k)) in read and _is_scalar(v)
        }
        project_fact.update(fact_kind="project", fact_id="project")
        results: dict[str, list[SubjectResult]] = {}
        for entries in self._stages:
            statuses: dict[str, str] = {}
            for name, rules, kinds in entries:
                fired = self._run(name, project_fact, items, kinds, self._reads[name])
                for rule in rules:
                    subjects = self._subjects(rule, items)
                    for compiled_name, index in fired:
                        rule_id, part, *rest = compiled_name.split("|")
                        if rule_id != rule.id:
                            continue
                        subject = subjects[index if index is not None else 0]
                        if part == "applies":
                            subject.applies = True
                        elif part == "requires":
                            subject.missing.append(rule.spec.requires[int(rest[0])])
                        else:
                            subject.outcomes.add(int(rest[0]))
                    results[rule.id] = subjects
                    decision = most_severe([decide(rule, s) for s in subjects])
                    statuses[rule.id] = decision.status if decision else "not_applicable"
            for rule_id, status in statuses.items():
                project_fact[field_name(status_fact(rule_id))] = status
        return results

    @staticmethod
    def _subjects(rule: Rule, items: dict[str, list[dict[str, Any]]]) -> list[SubjectResult]:
        if rule.spec.for_each:
            return [SubjectResult(index=i) for i in range(len(items.get(rule.spec.for_each, [])))]
        return [SubjectResult(index=None)]

    def _run(
        self, name: str, project_fact: dict[str, Any], items: dict[str, list[dict[str, Any]]],
        kinds: set[str], fields: frozenset[str],
    ) -> list[tuple[str, int | None]]:
        """Assert the facts of one engine ruleset in its session; which compiled rules fired.

        Facts carry only the fields that ruleset's conditions read: the engine serialises and
        parses every field of every fact, and refuses facts of 255 fields or more.
        """
        host = self._host
        sid = f"c{next(_session_ids)}"
        facts: list[dict[str, Any]] = []
        project_part = {k: v for k, v in project_fact.items() if k in fields}
        if "project" in kinds:
            facts.append(dict(project_part, sid=sid))
        for kind in kinds:
            if not kind.startswith("item:"):
                continue
            collection = kind.split(":", 1)[1]
            for index, item in enumerate(items.get(collection, [])):
                fact = dict(project_part)
                for key, value in item.items():
                    item_field = field_name(f"item.{key}")
                    if item_field in fields and _is_scalar(value):
                        fact[item_field] = engine_value(value)
                fact.update(
                    sid=sid, fact_kind=kind, fact_id=f"{collection}-{index}", item_index=index
                )
                facts.append(fact)
        with _host_lock:
            host.fired, host.errors = [], []
            try:
                for fact in facts:
                    host.assert_fact(name, fact)
            except Exception as exc:
                raise EngineError(f"the rules engine failed on {name}: {exc}") from exc
            finally:
                if facts:  # always: the core holds at most 1 024 sessions
                    host.delete_state(name, sid)
            if host.errors:
                raise EngineError("; ".join(host.errors))
            return [fired for fired in host.fired if fired[0] != _SEEN]


_IDENTITY = frozenset({"fact_kind", "fact_id", "item_index", "sid"})
_STRUCTURE = frozenset({"all", "any", "m", "run"})


def referenced_fields(body: Any) -> frozenset[str]:
    """Every fact field the compiled conditions in `body` (a ruleset or part of one) read."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "$m" and isinstance(value, str):
                    found.add(value)
                    continue
                if not key.startswith("$") and key not in _STRUCTURE:
                    found.add(key)
                walk(value)

    for rule in body.values():
        walk(rule["all"])
    return frozenset(found)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) and value == value


_compiled_cache: dict[tuple[str, str], CompiledRuleset] = {}


def compiled(ruleset: Ruleset, params: ParameterSet) -> CompiledRuleset:
    """The compiled ruleset for these rules and parameter values, built once per process."""
    key = (ruleset.sha256, params.fingerprint())
    if key not in _compiled_cache:
        _compiled_cache[key] = CompiledRuleset(ruleset, params)
    return _compiled_cache[key]
