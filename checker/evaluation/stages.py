"""Rules in dependency stages, run stage by stage, each subject decided once: the engine-free half.

A rule that reads another rule's status (`{rule: HE-003, status: [pass]}`) must be evaluated
after it, with that status among its facts. `stage_rules` orders the rules by dependency depth
and refuses a cycle; `Evaluation` asks an engine (`protocol.Evaluator`) what matched, stage by
stage, decides every subject with `decision.decide` (once: reports, the ledger and the next stage
all read that decision), and hands the rule's status (the most severe over its subjects) to the
stages after it. A rule whose `effective` dates exclude the check date is decided
`not_applicable` here, whatever matched, and a rule reading its status reads that.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from checker.errors import EngineError
from checker.evaluation import selected
from checker.evaluation.decision import Decision, SubjectResult, decide, most_severe
from checker.evaluation.protocol import Evaluator, EvaluatorFactory, Facts, Items
from checker.evaluation.staging import stage_rules
from checker.rules.parameters import ParameterSet
from checker.rules.ruleset import Rule, Ruleset


class SubjectDecision(NamedTuple):
    """The decision on one subject of a rule: the project (`item` None) or one item (its index)."""

    item: int | None
    decision: Decision


@dataclass(frozen=True)
class RuleDecisions:
    """A rule's decisions on one project: per subject, and the rule's own (its most severe
    subject's; for a per-item rule with no items, `no_items`)."""

    decision: Decision
    subjects: tuple[SubjectDecision, ...]


def no_subject(rule: Rule, in_force: bool) -> Decision:
    """The decision of a per-item rule on a project with no items: not applicable, saying so
    (`no_items`), or because the rule is not in force on the check date (`effective`)."""
    decision = decide(rule, SubjectResult(index=None, in_force=in_force))
    if decision.branch == "applies_when":
        return decision._replace(branch="no_items", gate=None)
    return decision


def evaluator_factory(engine: str) -> EvaluatorFactory:
    """The factory of an engine by its name (`checker.evaluation.ENGINES`)."""
    if engine == "durable":
        from checker.evaluation import durable

        return durable.compiled
    if engine == "reference":
        from checker.evaluation.reference import ReferenceEvaluator

        return ReferenceEvaluator
    raise ValueError(f"unknown engine {engine!r}")


class Evaluation:
    """One ruleset under one parameter set, evaluated by one engine: built once, used for many
    projects (a batch worker builds one)."""

    def __init__(
        self,
        ruleset: Ruleset,
        params: ParameterSet,
        engine: str | None = None,
        evaluator: Evaluator | None = None,
    ) -> None:
        self.ruleset = ruleset
        self.params = params
        self.engine = engine or selected()
        self.staging = stage_rules(ruleset.rules)
        self.evaluator = (
            evaluator if evaluator is not None else evaluator_factory(self.engine)(ruleset, params, self.staging)
        )
        # the rules whose `effective` dates exclude the check date
        self.dormant = frozenset(r.id for r in ruleset.rules if not r.spec.in_force(params.as_of))

    def decide(self, facts: Facts, items: Items, dormant: frozenset[str] | None = None) -> dict[str, RuleDecisions]:
        """Every rule's decisions on this project, in catalogue order. `dormant`: the rules not in
        force (by default those whose `effective` dates exclude the check date)."""
        dormant = self.dormant if dormant is None else dormant
        decided: dict[str, RuleDecisions] = {}
        statuses: dict[str, str] = {}
        with self.evaluator.session(facts, items) as session:
            for number, rules in enumerate(self.staging.stages):
                matched = session.match(number, statuses)
                for rule in rules:
                    decisions = _decide_rule(rule, matched, items, rule.id not in dormant)
                    decided[rule.id] = decisions
                    statuses[rule.id] = decisions.decision.status
        return {rule.id: decided[rule.id] for rule in self.ruleset.rules}

    def decide_many(self, projects: Sequence[tuple[Facts, Items]]) -> list[dict[str, RuleDecisions] | Exception]:
        """`decide` for several projects, with the rules in force on the check date: in one
        session if the engine takes several projects at once (`protocol.Evaluator.sessions`),
        else one after the other. A project whose evaluation fails gets its exception in its
        place, and the others their decisions: if the session on all of them fails, each is
        evaluated again alone, so that one project's failure is its own."""
        sessions = getattr(self.evaluator, "sessions", None)
        if sessions is None or len(projects) < 2:
            return [self._decide_or_error(facts, items) for facts, items in projects]
        try:
            decided: list[dict[str, RuleDecisions]] = [{} for _ in projects]
            statuses: list[dict[str, str]] = [{} for _ in projects]
            with sessions(projects) as session:
                for number, rules in enumerate(self.staging.stages):
                    matched = session.match(number, statuses)
                    for (_, items), of_project, known, project in zip(
                        projects, matched, statuses, decided, strict=True
                    ):
                        for rule in rules:
                            decisions = _decide_rule(rule, of_project, items, rule.id not in self.dormant)
                            project[rule.id] = decisions
                            known[rule.id] = decisions.decision.status
        except Exception:
            return [self._decide_or_error(facts, items) for facts, items in projects]
        return [{rule.id: project[rule.id] for rule in self.ruleset.rules} for project in decided]

    def _decide_or_error(self, facts: Facts, items: Items) -> dict[str, RuleDecisions] | Exception:
        try:
            return self.decide(facts, items)
        except Exception as exc:  # the caller reports it for this project alone
            return exc


def _decide_rule(rule: Rule, matched: Mapping[str, object], items: Items, in_force: bool) -> RuleDecisions:
    collection = rule.spec.for_each
    if collection is None:  # one subject, the project: most rules, decided without the lists below
        if not in_force:
            subject = SubjectResult(index=None, in_force=False)
        else:
            found = matched.get(rule.id)
            if not isinstance(found, list | tuple) or len(found) != 1:
                raise EngineError(f"the engine gave no result for each subject of {rule.id}")
            subject = found[0]
        decision = decide(rule, subject)
        return RuleDecisions(decision, (SubjectDecision(subject.index, decision),))
    expected = len(items.get(collection, ()))
    if not in_force:  # not in force: decided so whatever matched
        subjects = [SubjectResult(index=i, in_force=False) for i in range(expected)]
    else:
        found = matched.get(rule.id)
        if not isinstance(found, list | tuple) or len(found) != expected:
            raise EngineError(f"the engine gave no result for each subject of {rule.id}")
        subjects = list(found)
    decisions = tuple(SubjectDecision(subject.index, decide(rule, subject)) for subject in subjects)
    overall = most_severe([d.decision for d in decisions]) if decisions else no_subject(rule, in_force)
    assert overall is not None
    return RuleDecisions(overall, decisions)
