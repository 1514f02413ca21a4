"""Checking one project: read, validate, derive, evaluate, decide. The library's main entry point.

A `Checker` holds what is costly and shared across projects (the loaded rules, the parameters in
force, the rules prepared for the engine), so a batch pays for them once per process.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.errors import InputError, Problem
from checker.evaluation.stages import Evaluation, RuleDecisions
from checker.facts import derived as metrics
from checker.facts.flat import item_facts, project_facts
from checker.input.source import DEFAULT_LIMITS, Limits, SourceDocument, read_document
from checker.input.validation import as_written, validate_document
from checker.project.model import Project
from checker.project.vocabulary import products
from checker.rules.parameters import ParameterSet
from checker.rules.plan_period import Notice, notices, refuse_before
from checker.rules.ruleset import FactInfo, Rule, Ruleset, disabled_notices
from checker.verdict.findings import (
    DEFAULT_FAIL_ON,
    FactReading,
    Finding,
    ItemFinding,
    aggregate,
    exit_code,
    known_gate,
)
from checker.verdict.waivers import WaiverRegister, apply_claims, apply_register, known_rules
from checker.vocabulary import ExitCode

_RULE_ID = re.compile(r"[A-Z]{2}-[0-9]{3}")
# `FactReading(*fields)` without the named tuple's own `__new__` (a Python function): a project
# reads ~240 facts, and the readings are built from fields already in order
_reading = tuple.__new__


@dataclass
class CheckResult:
    """Everything known about one checked project: the input, its figures, findings and verdict."""

    document: SourceDocument
    project: Project
    metrics: metrics.Metrics
    findings: list[Finding]
    verdict: str
    params: ParameterSet
    ruleset: Ruleset
    # what the reviewer must know about the whole check (a date after the plan period)
    notices: tuple[Notice, ...] = ()
    register: WaiverRegister | None = None  # the review authority's waiver register, if given
    # `--fail-on`: which verdicts make the run's exit code non-zero (`verdict.findings.exit_code`)
    fail_on: str = DEFAULT_FAIL_ON

    @property
    def exit_code(self) -> ExitCode:
        """The exit code this project gives the run under its `--fail-on`: the one every report
        states."""
        return exit_code(self.verdict, self.fail_on)


def load_project(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> tuple[SourceDocument, Project]:
    doc = read_document(path, limits)
    return doc, validate_document(doc, Project)


class Checker:
    """Evaluates projects against one ruleset under one parameter set (and waiver register)."""

    def __init__(
        self,
        ruleset: Ruleset,
        params: ParameterSet,
        register: WaiverRegister | None = None,
        engine: str | None = None,
        fail_on: str = DEFAULT_FAIL_ON,
    ) -> None:
        refuse_before(ruleset.plan, params.as_of)
        self.ruleset = ruleset
        self.params = params
        self.register = register
        self.fail_on = known_gate(fail_on)  # an unknown level is refused before any check
        self.notices = notices(ruleset.plan, params.as_of) + disabled_notices(ruleset)
        # every rule decided by the engine named, else the one chosen for the run (`--engine`)
        self.evaluation = Evaluation(ruleset, params, engine)
        self.compiled = self.evaluation.evaluator  # the engine's prepared rules
        # the rules whose `effective` dates exclude the check date: not_applicable, saying when
        self.dormant = self.evaluation.dormant
        self._infos: dict[str, _FactLabels] = {}
        self._asks: dict[str, tuple[str, ...]] = {}
        self._plans: dict[str, _FindingPlan] = {}

    def check_path(self, path: str | Path, limits: Limits = DEFAULT_LIMITS) -> CheckResult:
        return self.check_document(read_document(path, limits))

    def check_document(self, doc: SourceDocument) -> CheckResult:
        """Validate and check a document already read (a file, or bytes a server was sent)."""
        return self.check(doc, self._validate(doc))

    def _validate(self, doc: SourceDocument) -> Project:
        """The document as a Project: the problems of a document that fails validation come with
        those of its claimed waivers."""
        try:
            return validate_document(doc, Project)
        except InputError as exc:
            problems = exc.problems + self._raw_waiver_problems(doc)
            raise InputError(sorted(problems, key=lambda p: (p.line or 0, p.key_path))) from None

    def check(self, doc: SourceDocument, project: Project) -> CheckResult:
        prepared = self._prepare(doc, project)
        return self._conclude(prepared, self.evaluation.decide(prepared.facts, prepared.items))

    def check_paths(self, paths: Sequence[str], limits: Limits = DEFAULT_LIMITS) -> list[CheckResult | Exception]:
        """`check_path` for several files, each result or exception in its file's place: the
        projects that can be evaluated are evaluated together (`Evaluation.decide_many`), which
        costs the engine less than one by one. The same results as `check_path` on each."""
        prepared: list[_Prepared | Exception] = []
        for path in paths:
            try:
                doc = read_document(path, limits)
                prepared.append(self._prepare(doc, self._validate(doc)))
            except Exception as exc:  # reported for this file alone
                prepared.append(exc)
        ready = [p for p in prepared if isinstance(p, _Prepared)]
        decisions = iter(self.evaluation.decide_many([(p.facts, p.items) for p in ready]))
        results: list[CheckResult | Exception] = []
        for entry in prepared:
            if isinstance(entry, Exception):
                results.append(entry)
                continue
            decided = next(decisions)
            if isinstance(decided, Exception):
                results.append(decided)
                continue
            try:
                results.append(self._conclude(entry, decided))
            except Exception as exc:
                results.append(exc)
        return results

    def _prepare(self, doc: SourceDocument, project: Project) -> _Prepared:
        """What the engine is given for a project: its figures and facts, once its claimed
        waivers name known rules and its figures are computable."""
        self._check_waivers(doc, project)
        self._check_register_names(doc, project)
        self._refuse_value_added_above_output(doc, project)
        figures = metrics.compute(project, self.params)
        self._refuse_incomputable(doc, figures)
        return _Prepared(doc, project, figures, project_facts(project, figures), item_facts(project, figures))

    def _conclude(self, prepared: _Prepared, decided: dict[str, RuleDecisions]) -> CheckResult:
        """The findings of the rules' decisions, with the register's waivers and the claims."""
        doc, project, facts, items = prepared.doc, prepared.project, prepared.facts, prepared.items
        findings = [self._finding(rule, decided[rule.id], facts, items) for rule in self.ruleset.rules]
        if self.register is not None:
            apply_register(findings, self.register.for_project(project.project.id), self.params.as_of)
        apply_claims(findings, project.waivers, self.params.as_of)
        return CheckResult(
            document=doc,
            project=project,
            metrics=prepared.figures,
            findings=findings,
            verdict=aggregate(findings),
            params=self.params,
            ruleset=self.ruleset,
            notices=self.notices,
            register=self.register,
            fail_on=self.fail_on,
        )

    def _refuse_incomputable(self, doc: SourceDocument, figures: metrics.Metrics) -> None:
        """A derived figure that overflowed (a value added of 5e-324, amounts near 1e308) is no
        figure: comparing infinity with a limit would decide on a number nobody wrote, and JSON
        has no infinity. The file's figures cannot be right; say which keys feed it."""
        for name, value in figures.values.items():
            if isinstance(value, float) and not math.isfinite(value):
                fact = self.ruleset.facts.get(name)
                keys = fact.source_keys if fact is not None and fact.source_keys else ("energy",)
                raise InputError.single(
                    doc.path,
                    keys[0],
                    doc.line_of(tuple(keys[0].split("."))),
                    f"the figures are too large to compute {name} from {', '.join(keys)}: "
                    "check the magnitudes and units of these values",
                )

    def _refuse_value_added_above_output(self, doc: SourceDocument, project: Project) -> None:
        """Value added beyond what the output value allows (`metrics.value_added_ceiling`) is a
        contradiction in the file, refused as invalid input naming both figures."""
        ceiling = metrics.value_added_ceiling(project, self.params)
        if ceiling is None:
            return
        output = project.output
        rate = self.params["vat_standard_rate"].value
        raise InputError.single(
            doc.path,
            "output.annual_value_added_10k_yuan",
            doc.line_of(("output", "annual_value_added_10k_yuan")),
            f"{as_written(output.annual_value_added_10k_yuan)} exceeds what the output value "
            f"{as_written(output.annual_output_value_10k_yuan)} allows ({ceiling:.12g}: value added is output value "
            f"less intermediate input plus VAT of at most {rate * 100:.12g}%): check that both are in 10k yuan (万元)",
        )

    def _check_register_names(self, doc: SourceDocument, project: Project) -> None:
        """A register entry that names the project by name as well as by id applies only to the
        project of that name: a file carrying another project's id contradicts the authority's
        own register, and is refused rather than waived (claims are not decisions)."""
        if self.register is None:
            return
        info = project.project
        for entry in self.register.for_project(info.id):
            if entry.name_mismatch(info.name):
                raise InputError.single(
                    doc.path,
                    "project.id",
                    doc.line_of(("project", "id")),
                    f'{info.id} is the id of "{entry.project_name}" in the waiver register {self.register.path}, '
                    f'but this file names "{info.name}": an entry of the register applies only to the '
                    "project it names",
                )

    def _check_waivers(self, doc: SourceDocument, project: Project) -> None:
        problems = self._waiver_problems(doc, [w.rule for w in project.waivers])
        if problems:
            raise InputError(problems)

    def _waiver_problems(self, doc: SourceDocument, rules: list[str | None]) -> list[Problem]:
        """Claimed waivers naming a rule that does not exist, or a rule already claimed (`None`
        skips). A claim on a red line is no input error: the report says it cannot be waived."""
        known = self.ruleset.by_id()
        problems = []
        seen: set[str] = set()
        for index, rule in enumerate(rules):
            if rule is None:
                continue
            key = ("waivers", index, "rule")
            if rule not in known:
                problems.append(
                    Problem(
                        doc.path,
                        f"waivers[{index}].rule",
                        doc.line_of(key),
                        f"names unknown rule {rule} ({known_rules(rule, known)})",
                    )
                )
            elif rule in seen:
                problems.append(
                    Problem(doc.path, f"waivers[{index}].rule", doc.line_of(key), f"a second waiver for {rule}")
                )
            seen.add(rule)
        return problems

    def _raw_waiver_problems(self, doc: SourceDocument) -> list[Problem]:
        """The same, read from a document that failed validation: so that one run reports the
        unknown rule along with the missing `approved_by`, not one after the other."""
        raw = doc.data.get("waivers") if isinstance(doc.data, dict) else None
        if not isinstance(raw, list):
            return []
        rules = [
            w["rule"]
            if isinstance(w, dict) and isinstance(w.get("rule"), str) and _RULE_ID.fullmatch(w["rule"])
            else None
            for w in raw
        ]
        return self._waiver_problems(doc, rules)

    def _fact_info(self, name: str) -> _FactLabels:
        """Unit, labels and source keys of a fact, looked up once per process, not per finding."""
        info = self._infos.get(name)
        if info is None:
            fact = self._fact(name)
            info = self._infos[name] = (fact.unit, fact.label.zh, fact.label.en, fact.source_keys)
        return info

    def _asked_keys(self, name: str) -> tuple[str, ...]:
        """The keys a missing_info finding asks for when the fact is unknown (`FactInfo.asked_keys`)."""
        keys = self._asks.get(name)
        if keys is None:
            keys = self._asks[name] = self._fact(name).asked_keys
        return keys

    def _fact(self, name: str) -> FactInfo:
        fact = self.ruleset.facts.get(name) or self.ruleset.facts.get(
            "item." + name.split(".", 1)[1] if name.startswith("item.") else name
        )
        assert fact is not None, f"fact {name} is checked at load time"
        return fact

    def _plan(self, rule: Rule) -> _FindingPlan:
        """What a rule's findings read, resolved once per rule: the project facts with their labels,
        the item facts with the key they have in an item, the parameters in force."""
        plan = self._plans.get(rule.id)
        if plan is None:
            plan = self._plans[rule.id] = _FindingPlan(
                project=tuple((n, self._fact_info(n)) for n in rule.facts if not n.startswith("item.")),
                item=tuple((n, n.split(".", 1)[1], self._fact_info(n)) for n in rule.facts if n.startswith("item.")),
                parameters={name: self.params[name] for name in rule.spec.parameters},
            )
        return plan

    def _finding(
        self,
        rule: Rule,
        decided: RuleDecisions,
        facts: dict[str, Any],
        items: dict[str, list[dict[str, Any]]],
    ) -> Finding:
        spec = rule.spec
        plan = self._plan(rule)
        readings = {n: _reading(FactReading, (n, facts.get(n), *info)) for n, info in plan.project}
        item_findings: list[ItemFinding] = []
        if spec.for_each:
            for index, decision in decided.subjects:
                assert index is not None  # a per-item rule's subjects are its items
                item = items[spec.for_each][index]
                item_readings = {n: _reading(FactReading, (n, item.get(key), *info)) for n, key, info in plan.item}
                item_findings.append(
                    ItemFinding(
                        index=index,
                        **_item_labels(spec.for_each, index, item),
                        status=decision.status,
                        decision=decision,
                        facts=item_readings,
                    )
                )
        overall = decided.decision
        missing_facts = list(overall.missing_facts)
        for item_finding in item_findings:
            missing_facts += [f for f in item_finding.decision.missing_facts if f not in missing_facts]
        missing_keys: list[str] = []
        for name in missing_facts:
            for key in self._asked_keys(name):
                if key not in missing_keys:
                    missing_keys.append(key)
        return Finding(
            rule=rule,
            status=overall.status,
            binding=overall.binding,
            decision=overall,
            facts=readings,
            parameters=dict(plan.parameters),
            missing_keys=tuple(missing_keys),
            items=item_findings,
            as_of=self.params.as_of,
        )


@dataclass(frozen=True)
class _Prepared:
    """A project ready for the engine: its document, model, figures, facts and items."""

    doc: SourceDocument
    project: Project
    figures: metrics.Metrics
    facts: dict[str, Any]
    items: dict[str, list[dict[str, Any]]]


# a fact's unit, Chinese and English label, and the keys it is read or derived from
_FactLabels = tuple[str, str, str, tuple[str, ...]]


@dataclass(frozen=True)
class _FindingPlan:
    """What every finding of one rule reads, in the rule's order; the same for every project."""

    project: tuple[tuple[str, _FactLabels], ...]
    item: tuple[tuple[str, str, _FactLabels], ...]
    parameters: dict[str, Any]


def _item_labels(collection: str, index: int, item: dict[str, Any]) -> dict[str, str]:
    if collection == "products" and "product" not in item:  # the list the file leaves out
        return {"label_zh": "产品清单(未申报)", "label_en": "product list (not declared)"}
    if collection == "products":
        product = products()[item["product"]]
        return {"label_zh": product.zh, "label_en": product.en}
    if collection == "boilers":
        size = item.get("capacity_t_per_h")
        return {"label_zh": f"锅炉 #{index + 1}({size:g} t/h)", "label_en": f"boiler #{index + 1} ({size:g} t/h)"}
    return {"label_zh": f"{collection}[{index}]", "label_en": f"{collection}[{index}]"}


def default_as_of() -> dt.date:
    return dt.date.today()
