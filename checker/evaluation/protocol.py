"""What the checker needs from an engine, and nothing more: which conditions of each rule held.

An engine is prepared once per ruleset and parameter set (an `EvaluatorFactory`), then checks
many projects. For one project it opens a `Session` on the project's flat facts and its items
(`checker.facts.flat`), and is asked stage by stage (`staging.Staging`) what matched: for every rule of
the stage, one `SubjectResult` per subject (the project, or each item of a `for_each` rule, in
item order), saying

- `applies`: whether `applies_when` holds (true for a rule without one);
- `gates`: for a rule with more than one labelled `applies_when` condition, which of them hold,
  among all but the last (when all before it hold and the rule does not apply, the last is the
  one that did not: `decision.decide` reads no more);
- `missing`: the `requires` facts that are absent, when the rule applies (each once, any order);
- `outcomes`: the indexes of the outcomes whose `when` holds, when the rule applies;
- `unknown`: for each `when_unknown` outcome whose `when` is undecided for want of facts, when the
  rule applies, the absent facts that keep it so (`conditions.unknown_for` says which).

A rule that reads another rule's status (`{rule: ID, status: [...]}`) is in a later stage than
that rule; `statuses` gives the session the status decided for every rule of the earlier stages.
An engine never decides a status, never reads a rule's `effective` dates and never sees a waiver:
`stages.Evaluation` does all of that once, whatever the engine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

from checker.evaluation.decision import SubjectResult

if TYPE_CHECKING:
    from checker.evaluation.staging import Staging
    from checker.rules.parameters import ParameterSet
    from checker.rules.ruleset import Ruleset

__all__ = ["Evaluator", "EvaluatorFactory", "Facts", "Items", "Session", "Sessions", "StageMatches", "SubjectResult"]

# a project's facts by name (`land.area_ha`, `comprehensive_energy_tce`): scalars; a value that is
# None, a list, a mapping or NaN is no fact (absent)
Facts = Mapping[str, Any]
# the items of each collection a `for_each` rule iterates over, each item's fields by name
# (`product`, `unit_energy_kgce`), which conditions read as `item.<field>`
Items = Mapping[str, Sequence[Mapping[str, Any]]]
# rule id → one result per subject, for every rule of one stage
StageMatches = Mapping[str, Sequence[SubjectResult]]


class Session(Protocol):
    """One project's evaluation, stage after stage, in order."""

    def match(self, stage: int, statuses: Mapping[str, str]) -> StageMatches:
        """What matched for every rule of stage `stage`, given the statuses decided for every
        rule of the stages before it (rule id → status)."""
        ...


class Evaluator(Protocol):
    """An engine prepared for one ruleset under one parameter set."""

    def session(self, facts: Facts, items: Items) -> AbstractContextManager[Session]:
        """A session on one project; whatever the engine holds for it is released on exit."""
        ...


class Sessions(Protocol):
    """Several projects' evaluation together, stage after stage, in order: what an engine may
    offer (`sessions`) when one call for many projects costs less than one each."""

    def match(self, stage: int, statuses: Sequence[Mapping[str, str]]) -> Sequence[StageMatches]:
        """`Session.match` for every project, in order, each given its own statuses."""
        ...


class EvaluatorFactory(Protocol):
    """Prepares an engine for a ruleset, the parameters in force and the rules' stages."""

    def __call__(self, ruleset: Ruleset, params: ParameterSet, staging: Staging) -> Evaluator: ...
