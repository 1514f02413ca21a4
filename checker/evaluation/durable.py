"""The adapter to durable_rules: the only module that imports the rules engine.

Rule files compile to one durable_rules ruleset (JSON; split only above the core's limit on rules
per ruleset), once per process and parameter set. A check asserts the project's facts (and one fact
per product or boiler for per-item rules) in a fresh session, stage by stage, records which
conditions matched, and deletes the session.

The adapter drives durable_rules' C core (`durable_rules_engine`) directly, not through its Python
host (`durable.engine`): per fired rule the host parses and re-serialises the session state, builds
closures and promises and reads the clock, which was two thirds of rule evaluation; and a stock host
starts timer threads that enter the non-thread-safe core concurrently and crash it. Every other
sharp edge measured in `durable-rules-notes.md` is handled here: every fact is handled by a
catch-all rule (an unhandled fact leaks a session whose deletion segfaults), facts carry an
identity, no condition is purely negative (it would match the session state itself), rulesets are
created once under a content-hash name, no fact can need more than the 64 pending tests the core
accepts (`stack_bound`), a session the core refused is never deleted (that corrupts its heap),
and sessions are always deleted so that no state outlives a check.

Numbers, found by property tests: the engine's C JSON parser refuses an exponent after a mantissa
without a point (`1e-09`, `1e+20`, what Python's json writes for such floats: error 204), and reads
integers beyond 64 bits wrongly. Facts and thresholds therefore pass through `engine_value`, and
the JSON handed to the core gets a point in every such mantissa (`1.0e-09`), outside strings.
"""

from __future__ import annotations

import enum
import hashlib
import itertools
import json
import math
import re
import sys
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import durable_rules_engine  # durable_rules' C core; its Python host layer is not used

from checker.errors import ConditionTooComplex, EngineError, RuleDataError
from checker.evaluation.decision import SubjectResult
from checker.evaluation.protocol import Facts, Items
from checker.evaluation.staging import Staging, stage_rules
from checker.rules import conditions as cond
from checker.rules.parameters import ParameterSet
from checker.rules.ruleset import Rule, Ruleset

_NEVER = {"fact_kind": "__never__"}  # a condition no fact satisfies
_SEEN = "__seen"  # the catch-all rule of every engine ruleset
_MAX_RULES_PER_RULESET = 400  # the C core hangs on load above 512
_MAX_PENDING_TESTS = 64  # the C core refuses a fact needing more (error 303): see stack_bound
# what the packing keeps in hand below that limit: `stack_bound` models the core for one order of
# a fact's fields, and the core's need also varies with that order (a group the model put at 63
# was refused for about one order in six); groups are packed to at most 56
_PACKING_MARGIN = 8
_SEEN_CONDITION = {"$ex": {"fact_id": 1}}


def _source_digest() -> str | None:
    """This module's source as loaded (the pending-test model is part of it): the packing cache's
    key, or None if it cannot be read (then the packing is never cached)."""
    try:
        with open(__file__, "rb") as fh:
            return hashlib.sha256(fh.read()).hexdigest()
    except OSError:  # pragma: no cover - run from an archive
        return None


_MODEL_SOURCE = _source_digest()
_EXACT_INT = 2**53  # beyond this, integers go to the engine as floats
_DIGIT_EXPONENT = re.compile(r"\d[eE]")
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|-?\d+(\.\d+)?([eE][-+]?\d+)?')


def _point_in_mantissa(match: re.Match[str]) -> str:
    text = match.group(0)
    if text.startswith('"') or match.group(2) is None or match.group(1) is not None:
        return text
    exponent = match.group(2)
    return f"{text[: -len(exponent)]}.0{exponent}"


def engine_json(obj: Any) -> str:
    """`obj` as JSON the engine's C parser reads: a point in every exponent mantissa, outside strings."""
    text = json.dumps(obj, ensure_ascii=False)
    if _DIGIT_EXPONENT.search(text) is None:  # the common case, and a cheap test
        return text
    return _JSON_TOKEN.sub(_point_in_mantissa, text)


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


# The core is not thread-safe: every call into it holds this lock. Rulesets are created once per
# process under a content-hash name (the core refuses a second ruleset of the same name).
_core_lock = threading.Lock()
_handles: dict[str, int] = {}
_session_ids = itertools.count(1)


def _ruleset_handle(name: str, body: dict[str, Any]) -> int:
    with _core_lock:
        if name not in _handles:
            try:
                _handles[name] = durable_rules_engine.create_ruleset(name, engine_json(body))
            except Exception as exc:  # the core reports a bad ruleset as a bare exception
                if "error code: 113" in str(exc):
                    raise ConditionTooComplex(
                        "the rules engine cannot compile a condition this large (its error 113), as for "
                        "a parameter table of a dozen or more entries compared within one rule"
                    ) from exc
                raise EngineError(f"the rules engine refused ruleset {name}: {exc}") from exc
        return _handles[name]


class _Refused(EngineError):
    """The core did not take a session's facts (so the session must not be deleted)."""


def _matches(handle: int, facts_json: str) -> list[str]:
    """Assert facts in their session (`sid` in each) and take every match the core schedules.

    Returns the core's action messages (`{"<rule>":{"m":{<fact>}}}`), one per compiled rule and
    matching fact (and per branch of a disjunction that holds). This is what durable's Python host
    does per action, minus what we never use: no state is read or written back, no timers, no
    closures or promises, no clock readings. The caller holds `_core_lock` and deletes the session,
    unless this raised `_Refused`.
    """
    messages: list[str] = []
    try:
        code, state = durable_rules_engine.assert_facts(handle, facts_json)
    except Exception as exc:
        raise _Refused(f"the rules engine refused the facts: {exc}") from exc
    if code not in (0, 3):  # 1: not handled, 2: already observed; the catch-all prevents both
        raise _Refused(f"the rules engine did not take the facts (code {code})")
    try:
        started = durable_rules_engine.start_action_for_state(handle, state)
        if started:
            message: str | None = started[1]
            while message:
                messages.append(message)
                message = durable_rules_engine.complete_and_start_action(handle, state)
    except Exception as exc:
        raise EngineError(f"the rules engine failed: {exc}") from exc
    return messages


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
        return _and(
            [exists, _or([_and([{key_field: key}, _compare(field, c.op, value)]) for key, value in table.items()])]
        )
    if isinstance(operand, cond.ParamRef):
        operand = params[operand.name].value
    if c.op in ("in", "not_in"):
        if not isinstance(operand, Iterable):  # a list, or a parameter's list or table (its keys)
            raise RuleDataError("parameters", str(c.operand), f"`{c.op}` needs a list or a table, not one value")
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


class _Role(enum.Enum):
    """What the match of one compiled engine rule says about its rule's subject."""

    APPLIES = "applies"  # applies_when holds
    GATE = "gate"  # a labelled applies_when condition holds
    REQUIRES = "requires"  # a required fact is absent (and the rule applies)
    OUTCOME = "outcome"  # an outcome's condition holds (and the rule applies)
    UNKNOWN = "unknown"  # a when_unknown outcome is undecided for want of a fact (and the rule applies)


@dataclass(frozen=True, slots=True)
class _Meaning:
    """The meaning of one compiled engine rule, looked up by its name when the core reports it."""

    rule_id: str
    role: _Role
    index: int  # of the labelled condition, required fact or outcome in the rule file (0 for applies)
    fact: str = ""  # REQUIRES: the required fact; UNKNOWN: the absent fact that leaves it undecided
    per_item: bool = False  # the rule is per item: the match names the item (`_subject_of`)


def _rule_conditions(rule: Rule, params: ParameterSet) -> tuple[dict[str, list[dict[str, Any]]], dict[str, _Meaning]]:
    """The conditions of one rule's engine rules, before the fact-kind test (whether it applies,
    each requirement absent, each outcome, ...), by engine rule name; and what each one's match
    means."""
    spec = rule.spec
    per_item = bool(spec.for_each)
    applies = [compile_condition(spec.applies_when, params)] if spec.applies_when else []
    name = f"{rule.id}|applies"
    conditions = {name: applies}
    meaning = {name: _Meaning(rule.id, _Role.APPLIES, 0, per_item=per_item)}
    if len(spec.applies_labels) > 1 and isinstance(spec.applies_when, cond.All):
        # which labelled condition does not hold: when all before the last hold, the last does not
        # (so a single labelled condition needs no engine rule of its own)
        for index, gate in enumerate(spec.applies_when.items[:-1]):
            name = f"{rule.id}|gate|{index}"
            conditions[name] = [compile_condition(gate, params)]
            meaning[name] = _Meaning(rule.id, _Role.GATE, index, per_item=per_item)
    for index, fact in enumerate(spec.requires):
        name = f"{rule.id}|requires|{index}"
        conditions[name] = [*applies, {"$nex": {field_name(fact): 1}}]
        meaning[name] = _Meaning(rule.id, _Role.REQUIRES, index, fact, per_item)
    for index, outcome in enumerate(spec.outcomes):
        name = f"{rule.id}|outcome|{index}"
        conditions[name] = [*applies, compile_condition(outcome.when, params)]
        meaning[name] = _Meaning(rule.id, _Role.OUTCOME, index, per_item=per_item)
        if outcome.when_unknown:  # one engine rule per fact whose absence can leave it undecided
            for number, fact in enumerate(cond.unknown_facts(outcome.when)):
                reason = cond.unknown_for(outcome.when, fact)
                if reason is not None:
                    name = f"{rule.id}|unknown|{index}|{number}"
                    conditions[name] = [*applies, compile_condition(reason, params)]
                    meaning[name] = _Meaning(rule.id, _Role.UNKNOWN, index, fact, per_item)
    return conditions, meaning


# the most paths one compiled condition may expand to: the shipped rules need at most 441; a
# conjunction of disjunctions multiplies them, and a random rule of a few dozen conditions was
# seen to expand past gigabytes before the core could refuse it
_MAX_PATHS = 8192


def _dnf(expression: Any) -> list[list[dict[str, Any]]]:
    """The paths of tests the core builds for a compiled condition: one per disjunct, in order."""
    if isinstance(expression, dict) and "$and" in expression:
        paths: list[list[dict[str, Any]]] = [[]]
        for part in expression["$and"]:
            alternatives = _dnf(part)
            if len(paths) * len(alternatives) > _MAX_PATHS:
                raise ConditionTooComplex(
                    f"a condition whose alternatives multiply to more than {_MAX_PATHS} paths of tests "
                    "(conjunctions of many disjunctions): the rules engine cannot compile it; split the rule"
                )
            paths = [path + more for path in paths for more in alternatives]
        return paths
    if isinstance(expression, dict) and "$or" in expression:
        found = [path for part in expression["$or"] for path in _dnf(part)]
        if len(found) > _MAX_PATHS:
            raise ConditionTooComplex(
                f"a condition whose alternatives add up to more than {_MAX_PATHS} paths of tests: "
                "the rules engine cannot compile it; split the rule"
            )
        return found
    return [[expression]]


def _pin(test: dict[str, Any]) -> tuple[str, tuple[str, Any]] | None:
    """(field, value as the core compares it) if `test` holds only when a field equals a constant.
    The core finds `1`, `1.0`, `true` and `"1"` all equal to a fact of 1, so they pin alike."""
    if len(test) != 1:
        return None
    ((field, value),) = test.items()
    if field.startswith("$") or isinstance(value, dict | list):
        return None
    try:
        return field, ("number", float(value))
    except (TypeError, ValueError):
        return field, ("text", value)


def stack_bound(expressions: Iterable[Any]) -> int:
    """The most tests the core can hold pending at once while matching one fact against these
    compiled conditions; it refuses a fact needing more than 64 (error 303), and deleting that
    session then corrupts its heap.

    The core shares tests with identical prefixes in a tree, and walks it depth-first: the tests
    that hold among a node's children, and the rules ending at it, wait on its stack while it
    descends into one of them. So a node needs (children that can hold at once) - 1 + what its
    neediest child needs. Children pinning one field to different constants exclude each other: at
    most one of them holds.
    A model of the core, checked against it rather than derived from its source: at the limit it
    is exact for chains, disjunctions (each branch that holds counts) and pins behind other tests,
    and cautious for nested disjunctions (`tests/test_engine.py`); the shipped rules stay well
    inside it. Should the core still refuse a fact, that check fails with an EngineError and its
    session is left undeleted: the process goes on.
    """
    return _pending([_test_paths(expression) for expression in expressions])


_Path = tuple[tuple[str, Any], ...]  # (test as sorted JSON, its pin or None), from the root


def _test_paths(expression: Any, memo: dict[int, tuple[str, Any]] | None = None) -> list[_Path]:
    """The paths of tests of one compiled condition, as `_pending` reads them. A disjunction's
    paths share their test objects: `memo` (by object, while they live) encodes each once."""
    memo = {} if memo is None else memo

    def encoded(test: dict[str, Any]) -> tuple[str, Any]:
        found = memo.get(id(test))
        if found is None:
            found = memo[id(test)] = (json.dumps(test, sort_keys=True), _pin(test))
        return found

    return [tuple(encoded(test) for test in path) for path in _dnf(expression)]


def _pending(conditions: list[list[_Path]]) -> int:
    """`stack_bound` for conditions already turned into paths (see there)."""
    tree: dict[str, Any] = {}
    for number, paths in enumerate(conditions):
        for branch, path in enumerate(paths):
            node = tree
            for key, pin in path:
                node = node.setdefault(key, ({}, pin))[0]
            node[f"end {number}.{branch}"] = ({}, None)  # a rule ending here waits like a test

    def need(node: dict[str, Any]) -> int:
        if not node:
            return 0
        loose = 0
        pinned: dict[str, dict[tuple[str, Any], int]] = {}
        for _child, pin in node.values():
            if pin is None:
                loose += 1
            else:
                values = pinned.setdefault(pin[0], {})
                values[pin[1]] = values.get(pin[1], 0) + 1
        at_once = loose + sum(max(values.values()) for values in pinned.values())
        return max(at_once, at_once - 1 + max(need(child) for child, _pin in node.values()))

    return need(tree)


def _packed(rules: list[Rule], conditions: dict[str, dict[str, list[dict[str, Any]]]]) -> list[list[Rule]]:
    """`rules`, in their order, in groups one fact can be matched against without exceeding the
    core's stack of pending tests (`stack_bound`, the catch-all included). `conditions`: each
    rule's, by rule id, before the fact-kind test (which every rule of a group shares)."""
    kind = {"fact_kind": "?"}
    memo: dict[int, tuple[str, Any]] = {}
    seen = _test_paths(_SEEN_CONDITION, memo)
    paths = {  # each rule's conditions as paths, once: the packing tries each rule with many groups
        rule.id: [_test_paths(_and([kind, *parts]), memo) for parts in conditions[rule.id].values()] for rule in rules
    }

    def bound(group: list[Rule]) -> int:
        return _pending([seen, *(p for rule in group for p in paths[rule.id])])

    budget = _MAX_PENDING_TESTS - _PACKING_MARGIN
    if bound(rules) <= budget:  # the usual case, and one tree to build instead of many
        return [rules]
    groups: list[list[Rule]] = []
    for rule in rules:
        if bound([rule]) > budget:
            raise RuleDataError(rule.path, "", "too many conditions for the rules engine in one rule")
        if groups and bound([*groups[-1], rule]) <= budget:
            groups[-1].append(rule)
        else:
            groups.append([rule])
    return groups


def _packing(
    lists: list[list[Rule]], conditions: dict[str, dict[str, list[dict[str, Any]]]]
) -> dict[int, list[list[Rule]]]:
    """`_packed` for each list of rules (by the list's id), reusing the packing of an earlier run.

    The model of the core's stack behind `_packed` costs more than the rest of compiling the
    rules (~15 ms of a `check FILE`'s ~0.2 s), and its answer depends only on the rules' order and
    compiled conditions and on the model itself: it is cached under a digest of the conditions
    and of this module's source as it was loaded, so a policy file or a check date that changes
    any threshold, or another version of the model, computes it afresh. A cached answer is used
    only if it groups exactly the rules asked about, in their order.
    """
    from checker.rules import datacache

    key = None
    if _MODEL_SOURCE is not None and not datacache.disabled():
        asked = [[(rule.id, conditions[rule.id]) for rule in rules] for rules in lists]
        content = json.dumps([_MAX_PENDING_TESTS, _PACKING_MARGIN, asked], sort_keys=True, ensure_ascii=False)
        key = hashlib.sha256(f"{_MODEL_SOURCE}\0{content}".encode()).hexdigest()
        found = _cached_packing(datacache.read("packing", key, list), lists)
        if found is not None:
            return found
    packed = [_packed(rules, conditions) for rules in lists]
    if key is not None:
        datacache.write("packing", key, [[[rule.id for rule in group] for group in groups] for groups in packed])
    return {id(rules): groups for rules, groups in zip(lists, packed, strict=True)}


def _cached_packing(stored: Any, lists: list[list[Rule]]) -> dict[int, list[list[Rule]]] | None:
    """The stored packing (rule ids) as groups of these rules, if it groups exactly them, in order."""
    if not isinstance(stored, list) or len(stored) != len(lists):
        return None
    packing: dict[int, list[list[Rule]]] = {}
    for rules, groups in zip(lists, stored, strict=True):
        by_id = {rule.id: rule for rule in rules}
        try:
            packed = [[by_id[rule_id] for rule_id in group] for group in groups]
        except (KeyError, TypeError):
            return None
        if [rule for group in packed for rule in group] != rules:
            return None
        packing[id(rules)] = packed
    return packing


@dataclass(frozen=True, eq=False)  # compared by identity: each part is built once
class _Part:
    """Rules one fact per subject is matched against: one dependency stage, one kind of subject
    (the project, or each item of a collection), within the core's 64 pending tests per fact."""

    fact_kind: str  # what its compiled rules test, e.g. "0.project.1"
    collection: str | None  # the items it iterates over, or None for the project
    rules: tuple[Rule, ...]
    fields: frozenset[str]  # the fields its conditions read
    compiled: dict[str, Any]  # compiled rule name → engine rule

    def facts(self, sid: str, project: int, project_fact: dict[str, Any], items: Items) -> list[Any]:
        """The facts of this part for one project: only the fields its conditions read (the core
        serialises and parses every field, and refuses facts of 255 fields or more). Each fact's
        identity names its project among those asserted together (`project`) and, for an item,
        the item: `<fact kind>#<project>` or `<fact kind>#<project>#<item>` (`_subject_of`)."""
        fields = self.fields
        base = {k: v for k, v in project_fact.items() if k in fields}
        base["sid"] = sid
        base["fact_kind"] = self.fact_kind
        base["fact_id"] = f"{self.fact_kind}#{project}"
        if self.collection is None:
            return [base]
        facts = []
        for index, item in enumerate(items.get(self.collection, ())):
            fact = dict(base)
            for key, value in item.items():
                field = field_name(f"item.{key}")
                if field in fields and (value := _engine_scalar(value)) is not _ABSENT:
                    fact[field] = value
            fact["fact_id"] = f"{self.fact_kind}#{project}#{index}"
            facts.append(fact)
        return facts


_FACT_ID = '"fact_id": "'  # as `engine_json` writes the member: the core's messages repeat the fact as given


def _subject_of(message: str) -> list[str]:
    """The fact identity of a match (`_Part.facts`) split at `#`: kind, project and maybe item.

    The identity is the last `fact_id` member of the message: a fact's string values cannot hold
    that text, since JSON escapes their quotation marks."""
    start = message.rindex(_FACT_ID) + len(_FACT_ID)
    return message[start : message.index('"', start)].split("#")


class CompiledRuleset:
    """A ruleset compiled for one parameter set, ready to evaluate many projects: the durable
    engine's `protocol.Evaluator`.

    All rules share one engine ruleset (split only above the core's limit on rules per ruleset)
    and a project is checked in one session: each session costs more than the conditions matched
    in it. Within it, a rule's conditions test a fact kind of their own (`_Part`): one per
    dependency stage (`staging.Staging`), kind of subject and group within the core's stack of
    pending tests, so that the facts of a later stage, which carry the statuses of the earlier
    ones, match only the later rules.
    """

    def __init__(self, ruleset: Ruleset, params: ParameterSet, staging: Staging | None = None) -> None:
        self.ruleset = ruleset
        self.params = params
        self._rule_stages: list[list[Rule]] = [list(rules) for rules in (staging or stage_rules(ruleset.rules)).stages]
        parts: list[list[_Part]] = []
        self._meaning: dict[str, _Meaning] = {}  # compiled rule name → what its match means
        conditions: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for rule in ruleset.rules:
            conditions[rule.id], meaning = _rule_conditions(rule, params)
            self._meaning.update(meaning)
        subjects = [
            [[r for r in rules if _subject_kind(r) == subject] for subject in sorted({_subject_kind(r) for r in rules})]
            for rules in self._rule_stages
        ]
        packing = _packing([of_subject for stage in subjects for of_subject in stage], conditions)
        for stage, of_stage in enumerate(subjects):
            parts.append([])
            for of_subject in of_stage:
                subject = _subject_kind(of_subject[0])
                for number, group in enumerate(packing[id(of_subject)]):
                    fact_kind = f"{stage}.{subject}.{number}"
                    kind = {"fact_kind": fact_kind}
                    compiled_rules = {
                        name: {"all": [{"m": _and([kind, *rule_parts])}]}
                        for rule in group
                        for name, rule_parts in conditions[rule.id].items()
                    }
                    parts[-1].append(
                        _Part(
                            fact_kind=fact_kind,
                            collection=subject.split(":", 1)[1] if subject != "project" else None,
                            rules=tuple(group),
                            fields=referenced_fields(compiled_rules),
                            compiled=compiled_rules,
                        )
                    )
        # [[(engine ruleset handle, its parts of this stage)] per stage]
        self._stages: list[list[tuple[int, list[_Part]]]] = [[] for _ in parts]
        for in_ruleset in _engine_rulesets([part for stage in parts for part in stage]):
            # Every fact must be handled by some rule: an unhandled fact still creates a
            # session (leaking one of the core's 1 024) whose delete_state then segfaults.
            body: dict[str, Any] = {_SEEN: {"all": [{"m": _SEEN_CONDITION}]}}
            for part in in_ruleset:
                body.update(part.compiled)
            digest = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
            handle = _ruleset_handle(f"nmck_{digest[:24]}", body)
            for stage, stage_parts in enumerate(parts):
                mine = [part for part in stage_parts if part in in_ruleset]
                if mine:
                    self._stages[stage].append((handle, mine))
        self._fields = frozenset().union(*(part.fields for stage in parts for part in stage))
        # the rules whose status a later stage reads, and the engine field that carries it
        self._status_fields = {
            rule.id: field for rule in ruleset.rules if (field := field_name(status_fact(rule.id))) in self._fields
        }
        self._field_of: dict[str, str | None] = {}  # fact name → its engine field, if any reads it
        self._wanted: dict[str, str] = {}  # the fact names seen so far that some condition reads

    @property
    def stages(self) -> list[list[Rule]]:
        """The rules by dependency stage: a rule reading another's status is in a later stage."""
        return self._rule_stages

    def session(self, facts: Facts, items: Items) -> _Session:
        """A session on one project: one engine session per engine ruleset, all deleted on exit."""
        return _Session(_Sessions(self, [(self._project_fact(facts), items)]))

    def sessions(self, projects: Sequence[tuple[Facts, Items]]) -> _Sessions:
        """One session on several projects: their facts asserted together, stage by stage, in one
        call into the core per engine ruleset, each match routed back to its project by the
        fact's identity. The core's matches are per fact (every compiled rule tests one fact), so a
        project's matches are those it would have alone; what a call into the core and a session
        cost is paid once for all of them (~0.2 ms, half a project's evaluation)."""
        return _Sessions(self, [(self._project_fact(facts), items) for facts, items in projects])

    def _project_fact(self, facts: Facts) -> dict[str, Any]:
        """The project's fact as the engine holds it: the fields some condition reads, as the
        engine compares them (`_engine_scalar`); what no condition reads is never handed over."""
        field_of, wanted = self._field_of, self._wanted
        unseen = facts.keys() - field_of.keys()  # names not seen before: a set difference in C
        if unseen:  # new maps, swapped in whole: a concurrent session keeps iterating its own
            field_of = dict(field_of)
            wanted = dict(wanted)
            for key in sorted(unseen):  # the fields in one order whatever the hash seed
                field = field_name(key)
                field_of[key] = field if field in self._fields else None
                if field_of[key] is not None:
                    wanted[key] = field
            self._field_of, self._wanted = field_of, wanted
        project_fact: dict[str, Any] = {}
        for key, field in wanted.items():
            value = facts.get(key, _ABSENT)
            if value is not _ABSENT and (value := _engine_scalar(value)) is not _ABSENT:
                project_fact[field] = value
        return project_fact


class _Sessions:
    """Projects in the engine together: their facts asserted stage by stage into one engine
    session per engine ruleset, under the core's lock from entry to exit (the core is not
    thread-safe)."""

    def __init__(self, compiled: CompiledRuleset, projects: list[tuple[dict[str, Any], Items]]) -> None:
        self._compiled = compiled
        self._projects = projects
        self._sessions: dict[int, str] = {}  # engine ruleset → this check's session in it, once created

    def __enter__(self) -> _Sessions:
        _core_lock.acquire()
        return self

    def __exit__(self, exc_type: Any, exc: Any, traceback: Any) -> None:
        undeleted: list[str] = []
        try:  # always, each on its own: the core holds at most 1 024 sessions
            for handle, sid in self._sessions.items():
                try:
                    durable_rules_engine.delete_state(handle, sid)
                except Exception as error:
                    undeleted.append(f"{sid}: {error}")
        finally:
            self._sessions = {}
            _core_lock.release()
        if undeleted and exc_type is None:  # a failing check's own error is not masked
            raise EngineError(f"the rules engine could not delete sessions: {'; '.join(undeleted)}")

    def match(self, stage: int, statuses: Sequence[Mapping[str, str]]) -> list[dict[str, list[SubjectResult]]]:
        """What matched for every rule of stage `stage`, per project, given each project's
        statuses of the rules of the stages before."""
        compiled, projects = self._compiled, self._projects
        results: list[dict[str, list[SubjectResult]]] = []
        for (project_fact, items), known in zip(projects, statuses, strict=True):
            for rule_id, status_field in compiled._status_fields.items():  # what this stage may read
                status = known.get(rule_id)
                if status is not None:
                    project_fact[status_field] = status
            of_project: dict[str, list[SubjectResult]] = {}
            for rule in compiled._rule_stages[stage]:
                if rule.spec.for_each is None:
                    of_project[rule.id] = [SubjectResult(index=None)]
                else:
                    of_project[rule.id] = [
                        SubjectResult(index=i) for i in range(len(items.get(rule.spec.for_each, ())))
                    ]
            results.append(of_project)
        meaning = compiled._meaning
        sessions = self._sessions
        for handle, parts in compiled._stages[stage]:
            sid = sessions.get(handle) or f"c{next(_session_ids)}"
            batch = [
                fact
                for number, (project_fact, items) in enumerate(projects)
                for part in parts
                for fact in part.facts(sid, number, project_fact, items)
            ]
            if not batch:
                continue
            try:
                messages = _matches(handle, engine_json(batch))
            except _Refused:
                # the core refused the facts: deleting that session corrupts its heap, so it is
                # left behind (one of 1 024) and the check fails
                sessions.pop(handle, None)
                raise
            sessions[handle] = sid
            for message in messages:
                name = message[2 : message.index('"', 2)]  # names are ours: no quotes or escapes
                if name == _SEEN:
                    continue
                what = meaning[name]
                subject_id = _subject_of(message)
                subject = results[int(subject_id[1])][what.rule_id][int(subject_id[2]) if what.per_item else 0]
                role = what.role
                if role is _Role.APPLIES:
                    subject.applies = True
                elif role is _Role.REQUIRES:  # once per branch of a disjunction that holds: once
                    if what.fact not in subject.missing:
                        subject.missing.append(what.fact)
                elif role is _Role.UNKNOWN:
                    subject.unknown.setdefault(what.index, set()).add(what.fact)
                elif role is _Role.GATE:
                    subject.gates.add(what.index)
                else:
                    subject.outcomes.add(what.index)
        return results


class _Session:
    """One project in the engine (`_Sessions` of one): the `protocol.Session` of the durable engine."""

    def __init__(self, sessions: _Sessions) -> None:
        self._sessions = sessions

    def __enter__(self) -> _Session:
        self._sessions.__enter__()
        return self

    def __exit__(self, exc_type: Any, exc: Any, traceback: Any) -> None:
        self._sessions.__exit__(exc_type, exc, traceback)

    def match(self, stage: int, statuses: Mapping[str, str]) -> dict[str, list[SubjectResult]]:
        return self._sessions.match(stage, [statuses])[0]


def _engine_rulesets(parts: list[_Part]) -> list[list[_Part]]:
    """Parts in groups of at most `_MAX_RULES_PER_RULESET` compiled rules (and the catch-all)."""
    groups: list[list[_Part]] = []
    size = _MAX_RULES_PER_RULESET
    for part in parts:
        if size + len(part.compiled) > _MAX_RULES_PER_RULESET:
            groups.append([])
            size = 1
        groups[-1].append(part)
        size += len(part.compiled)
    return groups


_STRUCTURE = frozenset({"all", "any", "m"})


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


_ABSENT = object()


def _engine_scalar(value: Any) -> Any:
    """`value` as the engine compares it, or `_ABSENT` if it is no fact the engine can hold (a
    list, a mapping, NaN)."""
    kind = type(value)
    if kind is str or kind is bool:
        return value
    if isinstance(value, int | float) and value == value:
        return engine_value(value)
    if isinstance(value, str):  # a str subclass
        return value
    return _ABSENT


_compiled_cache: dict[tuple[str, str], CompiledRuleset] = {}


def compiled(ruleset: Ruleset, params: ParameterSet, staging: Staging | None = None) -> CompiledRuleset:
    """The compiled ruleset for these rules and parameter values, built once per process (the
    durable engine's `protocol.EvaluatorFactory`)."""
    key = (ruleset.sha256, params.fingerprint())
    if key not in _compiled_cache:
        _compiled_cache[key] = CompiledRuleset(ruleset, params, staging)
    return _compiled_cache[key]
