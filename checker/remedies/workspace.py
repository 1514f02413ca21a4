"""A checked project's file, changed and checked again: where every remedy is tried before it is said.

A remedy is derived from the rule's conditions, but it is only shown once the changed file has been
checked as the original was (the same rules, parameters in force, waiver register and claims): the
status it names is the status that check gave, never a promise. A change that makes the file
invalid (fuel coal no longer matching the balance, a share above 1) is no remedy.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any

from checker.check import Checker, CheckResult
from checker.errors import CheckerError
from checker.evaluation import selected
from checker.facts import derived as metrics
from checker.facts.flat import item_facts, project_facts
from checker.input.source import SourceDocument
from checker.input.validation import validate_document
from checker.project.model import Project
from checker.remedies import keys
from checker.remedies.model import Change
from checker.verdict.findings import Finding
from checker.verdict.waivers import apply_claims, apply_register

# how far past a strict bound a change is applied to test it (`gt 35` is tried as 35 + this, relative)
_STRICT_STEP = 1e-9


def concrete(change: Change) -> Any:
    """The value a change writes into the file to test it: the bound itself, just past a strict
    one, a short declaration for a key that must be declared."""
    value = change.value
    if change.op == "present":
        return "(declared)" if isinstance(value, str) or value is None else value
    if change.op in ("gt", "lt") and isinstance(value, int | float) and not isinstance(value, bool):
        step = max(abs(value), 1.0) * _STRICT_STEP
        return value + step if change.op == "gt" else value - step
    return value


def applied(data: Any, changes: tuple[Change, ...]) -> dict[str, Any]:
    """A copy of the file's data with the changes written in."""
    out: dict[str, Any] = copy.deepcopy(data)
    for change in changes:
        keys.put(out, change.key, concrete(change))
    return out


def _with(model: Any, path: list[str | int], value: Any) -> Any:
    """`model` with the field at `path` set to `value`, the models on the way copied; None when
    the path crosses a list or a section the file leaves out (then the file is validated)."""
    head, *rest = path
    if isinstance(head, int) or head not in type(model).model_fields:
        return None
    if not rest:
        return model.model_copy(update={head: value})
    inner = getattr(model, head)
    if inner is None:
        return None
    changed = _with(inner, rest, value)
    return None if changed is None else model.model_copy(update={head: changed})


# the Checkers re-checking changed files, by what they were built from (compared by identity)
_CHECKERS: list[tuple[tuple[Any, ...], Checker]] = []
_KEPT_CHECKERS = 4


def _checker_like(result: CheckResult) -> Checker:
    """A Checker like the one that checked `result`, built once per ruleset, parameter set,
    register and engine and kept: building one per project would resolve each rule's facts,
    labels and parameters (`Checker._plan`) again for every project of a batch."""
    made = (result.ruleset, result.params, result.register, selected())
    for used, checker in _CHECKERS:
        if all(a is b for a, b in zip(used, made, strict=True)):
            return checker
    checker = Checker(result.ruleset, result.params, result.register)
    _CHECKERS.insert(0, (made, checker))
    del _CHECKERS[_KEPT_CHECKERS:]
    return checker


@dataclass(frozen=True)
class Statuses:
    """What a remedy reads of a check: each rule's status as reported (after the register's
    waivers and the file's claims), its decision before them, and its items' statuses."""

    reported: dict[str, str]
    decided: dict[str, str]
    items: dict[str, tuple[tuple[int, str], ...]]

    @classmethod
    def of(cls, findings: list[Finding]) -> Statuses:
        """The statuses of findings already built (the file as given)."""
        return cls(
            {f.id: f.status for f in findings},
            {f.id: f.decision.status for f in findings},
            {f.id: tuple((item.index, item.status) for item in f.items) for f in findings},
        )


@dataclass(frozen=True)
class State:
    """The file's data after some changes, validated, with its facts as the rules read them."""

    data: dict[str, Any]
    project: Project
    facts: dict[str, Any]
    items: dict[str, list[dict[str, Any]]]


class Workspace:
    """One checked project, its file's data and a Checker like the one that checked it."""

    def __init__(self, result: CheckResult) -> None:
        self.result = result
        self.params = result.params
        self.ruleset = result.ruleset
        self.checker = _checker_like(result)
        self.data = result.document.data
        self._states: dict[tuple[Change, ...], State | None] = {(): self._state_of(self.data)}
        self._checks: dict[tuple[Change, ...], Statuses | None] = {(): Statuses.of(result.findings)}
        self._figures: dict[tuple[tuple[Change, ...], str, float, float], dict[str, Any]] = {}

    def _document(self, data: dict[str, Any]) -> SourceDocument:
        return SourceDocument(path=self.result.document.path, data=data, sha256="")

    def _state_of(self, data: dict[str, Any]) -> State | None:
        try:
            project = validate_document(self._document(data), Project)
        except CheckerError:
            return None
        if metrics.value_added_ceiling(project, self.params) is not None:
            return None  # refused as `Checker` refuses it: value added the output value cannot hold
        figures = metrics.compute(project, self.params)
        if any(isinstance(v, float) and not math.isfinite(v) for v in figures.values.values()):
            return None
        return State(data, project, project_facts(project, figures), item_facts(project, figures))

    def state(self, changes: tuple[Change, ...]) -> State | None:
        """The validated file after `changes`, or None if they make it invalid input."""
        if changes not in self._states:
            self._states[changes] = self._state_of(applied(self.data, changes))
        return self._states[changes]

    def metric(self, changes: tuple[Change, ...], key: str, value: float, name: str) -> Any:
        """One derived figure of the file after `changes` and `key` set to `value` (None if
        unknown, or if the file is then invalid). Inverting a figure tries many values of one key,
        so the key is written into the validated project by copying the sections on its path, not
        by validating the whole file again; the figures of each value tried are kept for the
        project, since the figures of one key are inverted for several rules and bounds (an
        intensity's cap and its warning level, the total beside it) at many of the same values."""
        memo = (changes, key, value, math.copysign(1.0, value))  # -0.0 is tried apart from 0.0
        figures = self._figures.get(memo)
        if figures is None:
            figures = self._figures[memo] = self._figures_with(changes, key, value)
        found = figures.get(name)
        return found if not (isinstance(found, float) and not math.isfinite(found)) else None

    def _figures_with(self, changes: tuple[Change, ...], key: str, value: float) -> dict[str, Any]:
        state = self.state(changes)
        if state is None:
            return {}
        project = _with(state.project, keys.parts(key), value)
        if project is None:
            state = self._state_of(applied(self.data, (*changes, Change(key, "eq", value))))
            project = state.project if state is not None else None
        if project is None:
            return {}
        return metrics.compute(project, self.params).values

    def check(self, changes: tuple[Change, ...]) -> Statuses | None:
        """The file after `changes`, checked as the original was; None if it is invalid input."""
        if changes not in self._checks:
            found = self.state(changes)
            result = None
            if found is not None:
                try:
                    result = self._statuses(found)
                except CheckerError:  # the engine refused the changed file's facts: no remedy
                    result = None
            self._checks[changes] = result
        return self._checks[changes]

    def _statuses(self, state: State) -> Statuses:
        """The statuses `Checker.check` gives the changed file, without the rest of its findings
        (the facts each rule read with their labels, the parameters compared), which no remedy
        reads: the same engine decides on the same facts (`state` holds the facts `Checker.check`
        derives from the same project and parameters), and the register's waivers and the file's
        claims are applied by the same functions. The file's checks that `Checker.check` makes
        first cannot refuse it: its waiver claims are the original file's (no remedy changes a
        claim), which passed them, and a figure that is not finite made `state` None already."""
        checker = self.checker
        decided = checker.evaluation.decide(state.facts, state.items)
        findings = []
        for rule in self.ruleset.rules:
            rule_decisions = decided[rule.id]
            overall = rule_decisions.decision
            finding = Finding(rule, overall.status, overall.binding, overall, {}, {})
            findings.append((finding, rule_decisions))
        only = [finding for finding, _ in findings]
        if checker.register is not None:
            apply_register(only, checker.register.for_project(state.project.project.id), self.params.as_of)
        apply_claims(only, state.project.waivers, self.params.as_of)
        return Statuses(
            {f.id: f.status for f in only},
            {f.id: d.decision.status for f, d in findings},
            {f.id: tuple((i, s.status) for i, s in d.subjects if i is not None) for f, d in findings},
        )
