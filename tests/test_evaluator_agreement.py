"""Differential tests: the durable adapter and the reference evaluator give identical findings.

The reference evaluator (`checker.evaluation.reference`) computes the rule language's meaning in
plain Python; the durable adapter compiles it for an old C engine with sharp edges (numbers it
misparses, limits on pending tests, sessions). Whatever the adapter gets wrong, the two disagree.
They are compared at two levels:

- findings: status, binding, the branch that decided (branch, index, reason, labelled
  condition), the facts read with their values, the keys asked for, each item's decision and the
  message in both languages, and the verdict;
- raw matches: what each engine says matched for every subject of every rule (applies, labelled
  conditions, absent requirements, every outcome that held, every undecided outcome and the facts
  it asks for), fed the same statuses stage by stage, so that a defect in a branch no finding
  reaches is caught too.

On every sample, every rule case of every pack of the repository, random projects
(`strategies.projects`), projects with figures at the limits (`strategies.near_limit_projects`)
and variations of the samples as the benchmarks make them (`benchmarks/generate.py`). The quick
profile keeps this to seconds; `HYPOTHESIS_PROFILE=long` runs the properties on many more
examples (tests/README.md):

    HYPOTHESIS_PROFILE=long HYPOTHESIS_LONG_EXAMPLES=5000 python -m pytest -q tests/test_evaluator_agreement.py
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import random
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from checker.audit.cases import rule_cases, write_case
from checker.check import Checker
from checker.errors import InputError
from checker.evaluation.decision import fired
from checker.evaluation.stages import Evaluation
from checker.facts import derived as metrics
from checker.facts.flat import item_facts, project_facts
from checker.input.source import parse_document
from checker.input.validation import validate_document
from checker.project.model import Project
from checker.reports import formats
from checker.reports import render as report
from checker.rules.parameters import resolve
from checker.rules.ruleset import load_ruleset
from tests.support import REPO
from tests.support.checkers import PACK_IDS, PACKS
from tests.support.strategies import (
    BASES,
    consistent_products,
    consistent_water_and_documents,
    dump,
    near_limit_projects,
    projects,
)


def _benchmarks_generator() -> Any:
    """`benchmarks/generate.py`, loaded from its file (the benchmarks are no package)."""
    spec = importlib.util.spec_from_file_location("benchmarks_generate", REPO / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate = _benchmarks_generator()

SAMPLES = sorted((REPO / "projects").glob("*.yaml"))
AS_OF_DATES = [dt.date(2022, 6, 1), dt.date(2026, 1, 1)]
ENGINES = ("durable", "reference")


@cache
def checkers(as_of: dt.date, pack: str | None) -> tuple[Checker, Checker]:
    """The durable and the reference checker for a date and pack (None: the shipped pack)."""
    ruleset = load_ruleset() if pack is None else load_ruleset(Path(pack))
    params = resolve(as_of, None, ruleset.definitions)
    durable, reference = (Checker(ruleset, params, engine=engine) for engine in ENGINES)
    return durable, reference


def findings(result: Any) -> dict[str, Any]:
    """Everything the findings of a check say, as comparable data."""
    out: dict[str, Any] = {"verdict": result.verdict}
    for finding in result.findings:
        out[finding.id] = {
            "status": finding.status,
            "binding": finding.binding,
            "decision": finding.decision,
            "outcome": fired(finding.rule, finding.decision),
            "facts": {name: reading.value for name, reading in finding.facts.items()},
            "missing_keys": finding.missing_keys,
            "items": [
                (item.index, item.status, item.decision, {n: r.value for n, r in item.facts.items()})
                for item in finding.items
            ],
            "messages": {lang: report.render_message(finding, lang) for lang in ("zh", "en")},
        }
    return out


def _normalised(matches: Any) -> dict[str, list[tuple[Any, ...]]]:
    return {
        rule_id: [
            (
                s.index,
                s.applies,
                sorted(s.gates),
                sorted(s.missing),
                sorted(s.outcomes),
                {k: sorted(v) for k, v in sorted(s.unknown.items())},
            )
            for s in subjects
        ]
        for rule_id, subjects in matches.items()
    }


def raw_matches(evaluation: Evaluation, other: Evaluation, facts: Any, items: Any) -> tuple[list[Any], list[Any]]:
    """What each engine says matched, stage by stage, both fed the statuses `evaluation` decides."""
    statuses = {rule_id: decided.decision.status for rule_id, decided in evaluation.decide(facts, items).items()}
    found: tuple[list[Any], list[Any]] = ([], [])
    for side, engine in zip(found, (evaluation, other), strict=True):
        with engine.evaluator.session(facts, items) as session:
            for number, rules in enumerate(engine.staging.stages):
                earlier = {r.id: statuses[r.id] for stage in engine.staging.stages[:number] for r in stage}
                side.append(_normalised(session.match(number, earlier)))
                assert sorted(side[-1]) == sorted(r.id for r in rules)
    return found


def disagreements(doc: Any, project: Project, as_of: dt.date, pack: str | None) -> list[str]:
    """How the two engines differ on one project (empty when they agree)."""
    return differences(doc, project, *checkers(as_of, pack))


def differences(doc: Any, project: Project, durable: Checker, reference: Checker) -> list[str]:
    """How two checkers' findings and raw matches differ on one project."""
    outcomes = []
    for checker in (durable, reference):
        try:
            outcomes.append(findings(checker.check(doc, project)))
        except InputError as exc:  # figures too large to compute: refused alike
            outcomes.append({"refused": str(exc)})
    if "refused" in outcomes[0] or "refused" in outcomes[1]:
        return [] if outcomes[0] == outcomes[1] else [f"refused by one engine: {outcomes}"]
    found = [
        f"{key}: durable {outcomes[0][key]!r} != reference {outcomes[1].get(key)!r}"
        for key in outcomes[0]
        if outcomes[0][key] != outcomes[1].get(key)
    ]
    figures = metrics.compute(project, durable.params)
    facts, items = project_facts(project, figures), item_facts(project, figures)
    ours, theirs = raw_matches(durable.evaluation, reference.evaluation, facts, items)
    for stage, (mine, other) in enumerate(zip(ours, theirs, strict=True)):
        for rule_id in mine:
            if mine[rule_id] != other[rule_id]:
                found.append(f"stage {stage} {rule_id}: durable matched {mine[rule_id]}, reference {other[rule_id]}")
    return found


def _from_data(data: dict[str, Any]) -> tuple[Any, Project] | None:
    doc = parse_document(dump(data), "generated.yaml")
    try:
        return doc, validate_document(doc, Project)
    except InputError:
        return None


def _from_text(text: str) -> tuple[Any, Project] | None:
    try:
        doc = parse_document(text.encode("utf-8"), "generated.yaml")
        return doc, validate_document(doc, Project)
    except InputError:
        return None


# figures a rule compares with `gte` (or, negated, `lt`), set exactly to the parameter's value
AT_THE_LIMIT = {"water.fresh_water_m3": "water_permit_threshold_m3", "land.area_ha": "large_scale_area_ha"}


def at_the_limit(as_of: dt.date) -> list[tuple[Any, Project]]:
    """Every sample and base project with the figures of AT_THE_LIMIT at their limits."""
    params = resolve(as_of)
    found = []
    for base in BASES:
        data = copy.deepcopy(base)
        for key, param in AT_THE_LIMIT.items():
            section, name = key.split(".")
            data.setdefault(section, {})[name] = params[param].value
        # groundwater within the fresh water, a mine's capacity that of its raw coal lines
        loaded = _from_data(consistent_products(consistent_water_and_documents(data)))
        assert loaded is not None
        found.append(loaded)
    return found


def limit_disagreements(durable: Checker, reference: Checker) -> list[str]:
    projects = at_the_limit(durable.params.as_of)
    return [d for doc, project in projects for d in differences(doc, project, durable, reference)]


# ---------------------------------------------------------------- fixed inputs


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
@pytest.mark.parametrize("as_of", AS_OF_DATES, ids=str)
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_both_engines_agree_on_every_sample(sample, as_of, pack):
    doc = parse_document(sample.read_bytes(), str(sample))
    assert disagreements(doc, validate_document(doc, Project), as_of, pack) == []


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
def test_both_engines_agree_on_every_rule_case(pack, tmp_path):
    ruleset = load_ruleset() if pack is None else load_ruleset(Path(pack))
    cases = rule_cases(ruleset)
    assert len(cases) > 100
    for case in cases:
        path = write_case(case, tmp_path)
        doc = parse_document(path.read_bytes(), case.path)
        assert disagreements(doc, validate_document(doc, Project), case.as_of, pack) == [], case.path


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "markdown"])
def test_both_engines_render_the_samples_byte_for_byte_alike(fmt):
    durable, reference = checkers(dt.date(2026, 1, 1), None)
    for sample in SAMPLES:
        results = [c.check_path(sample) for c in (durable, reference)]
        renders = [formats.render(result, fmt, lang) for result in results for lang in ("zh", "en")]
        assert renders[:2] == renders[2:], sample.name


# ---------------------------------------------------------------- generated projects


@given(data=projects(), as_of=st.sampled_from(AS_OF_DATES), pack=st.sampled_from(PACKS))
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_both_engines_agree_on_random_projects(data, as_of, pack):
    loaded = _from_data(data)
    assume(loaded is not None)
    assert disagreements(*loaded, as_of, pack) == []


@given(data=near_limit_projects(), as_of=st.sampled_from(AS_OF_DATES), pack=st.sampled_from(PACKS))
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_both_engines_agree_on_figures_at_the_limits(data, as_of, pack):
    loaded = _from_data(data)
    assume(loaded is not None)
    assert disagreements(*loaded, as_of, pack) == []


_GENERATOR_BASES = generate._bases()


@given(
    base=st.integers(0, len(_GENERATOR_BASES) - 1),
    seed=st.integers(0, 2**32 - 1),
    as_of=st.sampled_from(AS_OF_DATES),
    pack=st.sampled_from(PACKS),
)
def test_both_engines_agree_on_the_benchmarks_variations_of_the_samples(base, seed, as_of, pack):
    loaded = _from_text(generate.vary(_GENERATOR_BASES[base], seed, random.Random(seed)))
    assume(loaded is not None)  # a small share is broken on purpose
    assert disagreements(*loaded, as_of, pack) == []


# ---------------------------------------------------------------- the oracle catches a defect


def test_the_engines_agree_at_the_limits():
    assert limit_disagreements(*checkers(dt.date(2026, 1, 1), None)) == []


def test_a_defect_in_the_durable_adapter_is_caught(monkeypatch):
    """An adapter that compiles `gte` as `gt` (a limit reached read as not reached, the kind of
    slip the engine's number handling once caused) disagrees with the reference on projects at
    a limit."""
    from checker.evaluation import durable as engine

    durable, reference = checkers(dt.date(2026, 1, 1), None)
    ruleset, params = durable.ruleset, durable.params
    real = engine._compare

    def off_by_one(field: str, op: str, rhs: Any) -> dict[str, Any]:
        return real(field, "gt" if op == "gte" else op, rhs)

    monkeypatch.setattr(engine, "_compare", off_by_one)
    defective = engine.CompiledRuleset(ruleset, params)  # apart: the process's compiled rulesets stay
    monkeypatch.undo()
    broken = Checker(ruleset, params, engine="reference")
    broken.evaluation = Evaluation(ruleset, params, "durable", evaluator=defective)
    found = limit_disagreements(broken, reference)
    assert any("WA-002" in d for d in found) and any("LA-004" in d for d in found), found


def test_a_defect_in_the_reference_evaluator_is_caught(monkeypatch):
    """A reference evaluator whose `gte` is `gt` disagrees with the durable adapter: the
    differential test is blind to neither side."""
    import operator

    from checker.evaluation import reference

    monkeypatch.setitem(reference._ORDER, "gte", operator.gt)
    found = limit_disagreements(*checkers(dt.date(2026, 1, 1), None))
    assert any("WA-002" in d for d in found), found


# ---------------------------------------------------------------- rules never seen before
#
# Random rules of the whole language (every condition form and operand, labelled applies_when,
# requires, when_unknown, per-item rules with per-product parameters, a rule reading another's
# status), evaluated by both engines on random facts: agreement on rules no pack holds.

NUMBERS = [0, 1, 2.5, 10, 805, 860, 10000, 10000.0, 1e-09, 1e12, 1e20, -3]
NUMBER_FACTS = ["n.a", "n.b", "n.c"]
TEXTS = ["x", "y", "calcium_carbide"]
PRODUCTS = ["calcium_carbide", "silicomanganese", "caustic_soda", "no_such_product"]
STATUS_VALUES = ["fail", "warn", "review", "pass", "not_applicable", "missing_info"]


def _leaves(per_item: bool, reads_status: bool) -> st.SearchStrategy[dict[str, Any]]:
    number = st.sampled_from(NUMBER_FACTS + (["item.unit_energy_kgce"] if per_item else []))
    order = st.sampled_from(["gt", "gte", "lt", "lte", "eq", "ne"])
    operand = st.one_of(
        st.sampled_from(NUMBERS),
        st.just({"param": "high_energy_project_threshold_tce"}),
        st.builds(
            lambda fact, times: {"fact": fact} if times is None else {"fact": fact, "times": times},
            st.sampled_from(NUMBER_FACTS),
            st.sampled_from([None, 0.5, 2, {"param": "min_energy_replacement_ratio"}]),
        ),
    )
    forms = [
        st.builds(lambda f, op, rhs: {"fact": f, op: rhs}, number, order, operand),
        st.builds(
            lambda f, op, rhs: {"fact": f, op: rhs},
            number,
            st.sampled_from(["in", "not_in"]),
            st.lists(st.sampled_from(NUMBERS), max_size=3),
        ),
        st.builds(lambda op, v: {"fact": "b.a", op: v}, st.sampled_from(["eq", "ne"]), st.booleans()),
        st.builds(lambda op, v: {"fact": "t.a", op: v}, st.sampled_from(["eq", "ne"]), st.sampled_from(TEXTS)),
        st.builds(
            lambda op, v: {"fact": "t.a", op: v},
            st.sampled_from(["in", "not_in"]),
            st.one_of(
                st.lists(st.sampled_from(TEXTS), max_size=2), st.just({"param": "differentiated_price_products"})
            ),
        ),
        st.builds(
            lambda kind, f: {kind: f},
            st.sampled_from(["present", "absent"]),
            st.sampled_from(
                [*NUMBER_FACTS, "b.a", "t.a", *(["item.product", "item.unit_energy_kgce"] if per_item else [])]
            ),
        ),
    ]
    if per_item:
        forms.append(
            st.builds(
                lambda op, table: {"fact": "item.unit_energy_kgce", op: {"param": table, "key": "item.product"}},
                order,
                st.sampled_from(["product_benchmark_level_kgce", "product_base_level_kgce"]),
            )
        )
    if reads_status:
        forms.append(
            st.builds(
                lambda statuses: {"rule": "WA-901", "status": statuses},
                st.lists(st.sampled_from(STATUS_VALUES), min_size=1, max_size=3, unique=True),
            )
        )
    return st.one_of(forms)


def random_condition(per_item: bool, reads_status: bool) -> st.SearchStrategy[dict[str, Any]]:
    return st.recursive(
        _leaves(per_item, reads_status),
        lambda inner: st.one_of(
            st.builds(lambda items: {"all": items}, st.lists(inner, min_size=1, max_size=3)),
            st.builds(lambda items: {"any": items}, st.lists(inner, min_size=1, max_size=3)),
            st.builds(lambda item: {"not": item}, inner),
        ),
        max_leaves=6,
    )


@st.composite
def random_rule(draw: st.DrawFn, rule_id: str, reads_status: bool) -> dict[str, Any]:
    per_item = draw(st.booleans())
    condition = random_condition(per_item, reads_status)
    raw: dict[str, Any] = {"id": rule_id, "for_each": "products" if per_item else None}
    applies = draw(st.sampled_from(["none", "plain", "labelled"]))
    if applies == "plain":
        raw["applies_when"] = draw(condition)
    elif applies == "labelled":
        gates = draw(st.lists(condition, min_size=1, max_size=3))
        raw["applies_when"] = [{"when": g, "label": {"zh": f"条件{i}", "en": f"gate {i}"}} for i, g in enumerate(gates)]
    facts = [*NUMBER_FACTS, "b.a", "t.a", *(["item.unit_energy_kgce"] if per_item else [])]
    raw["requires"] = draw(st.lists(st.sampled_from(facts), max_size=2, unique=True))
    outcomes = []
    for _ in range(draw(st.integers(1, 3))):
        outcome: dict[str, Any] = {"status": draw(st.sampled_from(STATUS_VALUES)), "when": draw(condition)}
        if draw(st.booleans()):
            outcome["when_unknown"] = "missing_info"
        outcomes.append(outcome)
    raw["outcomes"] = outcomes
    raw["otherwise"] = draw(st.sampled_from(STATUS_VALUES))
    return raw


def _rule_from(raw: dict[str, Any]) -> Any:
    """A Rule of the pack's form with the random parts of `raw`."""
    from checker.rules import conditions as cond
    from checker.rules.ruleset import Rule, RuleFile

    template = load_ruleset().by_id()["WA-002"]
    dropped = {"applies_when", "outcomes", "requires", "applies_labels", "for_each", "id", "examples", "parameters"}
    base = template.spec.model_dump(mode="python", by_alias=True, exclude=dropped)
    spec = RuleFile.model_validate({**base, **raw, "binding": True})
    conditions = ([spec.applies_when] if spec.applies_when is not None else []) + [o.when for o in spec.outcomes]
    depends = tuple(dict.fromkeys(r for c in conditions for r in cond.rules_named(c)))
    return Rule(spec=spec, path=f"random/{spec.id}", facts=(), depends_on=depends, folder="")


@st.composite
def random_facts(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    facts: dict[str, Any] = {}
    for name in NUMBER_FACTS:
        if draw(st.booleans()):
            facts[name] = draw(st.sampled_from(NUMBERS))
    if draw(st.booleans()):
        facts["b.a"] = draw(st.booleans())
    if draw(st.booleans()):
        facts["t.a"] = draw(st.sampled_from(TEXTS))
    items = []
    for _ in range(draw(st.integers(0, 3))):
        item: dict[str, Any] = {}
        if draw(st.booleans()):
            item["product"] = draw(st.sampled_from(PRODUCTS))
        if draw(st.booleans()):
            item["unit_energy_kgce"] = draw(st.sampled_from(NUMBERS))
        items.append(item)
    return facts, {"products": items}


@given(
    first=random_rule("WA-901", reads_status=False),
    second=random_rule("WA-902", reads_status=True),
    projects=st.lists(random_facts(), min_size=1, max_size=6),
)
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_both_engines_agree_on_rules_never_seen_before(first, second, projects):
    import dataclasses
    import hashlib
    import json

    from checker.errors import ConditionTooComplex, RuleDataError

    rules = (_rule_from(first), _rule_from(second))
    digest = hashlib.sha256(json.dumps([first, second], sort_keys=True, default=str).encode()).hexdigest()
    ruleset = dataclasses.replace(load_ruleset(), rules=rules, sha256=f"random-{digest}")
    params = resolve(dt.date(2026, 1, 1))
    try:
        durable = Evaluation(ruleset, params, "durable")
    except (ConditionTooComplex, RuleDataError):  # beyond what the engine can compile: refused, as on load
        assume(False)
    reference = Evaluation(ruleset, params, "reference")
    for facts, items in projects:
        assert durable.decide(facts, items) == reference.decide(facts, items), (facts, items)
        ours, theirs = raw_matches(durable, reference, facts, items)
        assert ours == theirs, (facts, items)
