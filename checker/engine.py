"""The adapter to durable_rules: the only module that imports the rules engine.

Rule files compile to durable_rules rulesets (JSON), one per rule family and dependency stage, once
per process and parameter set. A check asserts the project's facts (and one fact per product or
boiler for per-item rules) in a fresh session, records which conditions fired, and deletes the
session. Every sharp edge of the engine measured in `durable-rules-notes.md` is handled here:
"no rule matched" is information, facts carry an identity, no condition is purely negative (it
would match the session state itself), rulesets are registered once under a content-hash name, and
sessions are always deleted so that no state outlives a check.

Numbers, found by property tests: the engine's C JSON parser refuses an exponent after a mantissa
without a point (`1e-09`, `1e+20`, what Python's json writes for such floats: error 204), and reads
integers beyond 64 bits wrongly. Facts and thresholds therefore pass through `engine_value`, and
durable's own `json.dumps` is given a point in every such mantissa (`1.0e-09`), outside strings.
"""

from __future__ import annotations

import contextlib
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
from typing import Any

from durable import engine as durable_engine

from checker import conditions as cond
from checker.decision import SubjectResult, decide, most_severe
from checker.errors import EngineError, RuleDataError
from checker.parameters import ParameterSet
from checker.ruleset import Rule, Ruleset

_NEVER = {"fact_kind": "__never__"}  # a condition no fact satisfies
_MAX_RULES_PER_RULESET = 400  # the C core hangs on load above 512
# Every session opens with a fact this rule handles: delete_state on a session that only ever saw
# unhandled facts segfaults (seen on the first check of a process), and leaving such sessions alone
# would exhaust the engine's 1 024 after as many checks. A handled fact makes deletion safe.
_SESSION_RULE = "session_opened"
_SESSION_CONDITION = {"all": [{"m": {"fact_kind": "session"}}], "run": _SESSION_RULE}
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
        """Start no dispatch threads. durable's Host polls every ruleset from two timer threads
        for timers and queued messages, which we never use, calling into the C core while a check
        runs in the main thread; the core is not thread-safe (a batch segfaulted in
        `dispatch_timers`)."""

    def get_action(self, action_name: str):  # type: ignore[no-untyped-def]
        def record(c: Any) -> None:
            try:
                index = c.m["item_index"] if "item_index" in c.m else None
                self.fired.append((action_name, index))
            except Exception as exc:  # noqa: BLE001 - the engine would swallow it silently
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
        for stage in range(max(stage_of.values(), default=-1) + 1):
            entries = []
            for (group_stage, category), rules in sorted(groups.items()):
                if group_stage != stage:
                    continue
                body: dict[str, Any] = {}
                for rule in rules:
                    body.update(_compiled_rules(rule, params))
                if len(body) > _MAX_RULES_PER_RULESET:
                    raise RuleDataError(f"rules/{category}", "", "too many conditions for one family")
                body[_SESSION_RULE] = _SESSION_CONDITION
                digest = hashlib.sha256(
                    json.dumps(body, sort_keys=True, ensure_ascii=False).encode()
                ).hexdigest()[:16]
                name = f"nmck_{stage}_{category}_{digest}"
                self._register(name, body)
                entries.append((name, rules, {_subject_kind(r) for r in rules}))
            self._stages.append(entries)

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
        project_fact = {
            field_name(k): engine_value(v) for k, v in facts.items() if _is_scalar(v)
        }
        project_fact.update(fact_kind="project", fact_id="project")
        results: dict[str, list[SubjectResult]] = {}
        for entries in self._stages:
            statuses: dict[str, str] = {}
            for name, rules, kinds in entries:
                fired = self._run(name, project_fact, items, kinds)
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
        kinds: set[str],
    ) -> list[tuple[str, int | None]]:
        host = self._host
        sid = f"c{next(_session_ids)}"
        facts: list[dict[str, Any]] = [{"sid": sid, "fact_kind": "session", "fact_id": "session"}]
        if "project" in kinds:
            facts.append(dict(project_fact, sid=sid))
        for kind in kinds:
            if not kind.startswith("item:"):
                continue
            collection = kind.split(":", 1)[1]
            for index, item in enumerate(items.get(collection, [])):
                fact = dict(project_fact)
                fact.update({
                    field_name(f"item.{k}"): engine_value(v)
                    for k, v in item.items() if _is_scalar(v)
                })
                fact.update(
                    sid=sid, fact_kind=kind, fact_id=f"{collection}-{index}", item_index=index
                )
                facts.append(fact)
        with _host_lock:
            host.fired, host.errors = [], []
            handled = False
            try:
                for fact in facts:
                    # no condition held for a fact: information, not an error
                    with contextlib.suppress(durable_engine.MessageNotHandledException):
                        host.assert_fact(name, fact)
                        handled = True
            except Exception as exc:
                raise EngineError(f"the rules engine failed on {name}: {exc}") from exc
            finally:
                # Delete every session some fact was handled in (the session fact always is), and
                # no other: delete_state on a session whose facts all went unhandled, or on one
                # that does not exist, can segfault.
                if handled:
                    host.delete_state(name, sid)
            if host.errors:
                raise EngineError("; ".join(host.errors))
            return [fired for fired in host.fired if fired[0] != _SESSION_RULE]


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) and value == value


_compiled_cache: dict[tuple[str, str], CompiledRuleset] = {}


def compiled(ruleset: Ruleset, params: ParameterSet) -> CompiledRuleset:
    """The compiled ruleset for these rules and parameter values, built once per process."""
    key = (ruleset.sha256, params.fingerprint())
    if key not in _compiled_cache:
        _compiled_cache[key] = CompiledRuleset(ruleset, params)
    return _compiled_cache[key]
