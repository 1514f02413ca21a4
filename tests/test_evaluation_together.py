"""Projects evaluated together give what each gives alone.

A batch worker hands the engine a chunk of projects at once (`Checker.check_paths`,
`Evaluation.decide_many`, the durable adapter's `sessions`): their facts share one engine session
and one call into the core per stage, and every match is routed back to its project by the fact's
identity. Nothing a project's verdict says may depend on its neighbours: compared here, finding
by finding, with each project checked alone, on every sample, every rule case of every pack, the
benchmarks' variations of the samples (a few broken on purpose) and random projects, in chunks
that mix them; and a project the engine fails on fails alone.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.audit.cases import rule_cases, write_case
from checker.check import Checker, CheckResult
from checker.errors import EngineError, InputError
from checker.evaluation import durable as durable_engine
from checker.facts import derived as metrics
from checker.facts.flat import item_facts, project_facts
from checker.input.source import parse_document
from checker.input.validation import validate_document
from checker.project.model import Project
from checker.rules.parameters import resolve
from checker.rules.ruleset import load_ruleset
from tests.support import REPO
from tests.support.checkers import PACK_IDS, PACKS
from tests.support.strategies import dump, projects
from tests.test_evaluator_agreement import _GENERATOR_BASES, findings, generate

SAMPLES = sorted((REPO / "projects").glob("*.yaml"))
AS_OF_DATES = [dt.date(2022, 6, 1), dt.date(2026, 1, 1)]


def checker(as_of: dt.date, pack: str | None = None, engine: str = "durable") -> Checker:
    ruleset = load_ruleset() if pack is None else load_ruleset(Path(pack))
    return Checker(ruleset, resolve(as_of, None, ruleset.definitions), engine=engine)


def said(outcome: CheckResult | Exception) -> Any:
    """What a check says: its findings, or the error's type and problems."""
    if isinstance(outcome, CheckResult):
        return findings(outcome)
    if isinstance(outcome, InputError):
        return ("input", [(p.key_path, p.line, p.message) for p in outcome.problems])
    return (type(outcome).__name__, str(outcome))


def alone(checker: Checker, path: Path | str) -> Any:
    try:
        return said(checker.check_path(path))
    except Exception as exc:
        return said(exc)


def assert_together_as_alone(checker: Checker, paths: list[Path], chunk: int) -> None:
    expected = [alone(checker, path) for path in paths]
    for start in range(0, len(paths), chunk):
        part = [str(p) for p in paths[start : start + chunk]]
        got = [said(outcome) for outcome in checker.check_paths(part)]
        assert got == expected[start : start + chunk], part


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
@pytest.mark.parametrize("as_of", AS_OF_DATES, ids=str)
def test_the_samples_checked_together_say_what_each_says_alone(as_of, pack, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("project: {id: X-1\n", encoding="utf-8")
    paths = [*SAMPLES[:5], broken, *SAMPLES[5:], tmp_path / "absent.yaml"]
    for chunk in (2, 5, len(paths)):
        assert_together_as_alone(checker(as_of, pack), paths, chunk)


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
def test_every_rule_case_checked_together_says_what_it_says_alone(pack, tmp_path):
    ruleset = load_ruleset() if pack is None else load_ruleset(Path(pack))
    by_date: dict[dt.date, list[Path]] = {}
    for number, case in enumerate(rule_cases(ruleset)):
        folder = tmp_path / str(number)
        folder.mkdir()
        by_date.setdefault(case.as_of, []).append(write_case(case, folder))
    assert sum(map(len, by_date.values())) > 100
    for as_of, paths in by_date.items():
        assert_together_as_alone(checker(as_of, pack), paths, 16)


def test_the_benchmarks_variations_checked_together_say_what_each_says_alone(tmp_path):
    rng = random.Random(20261205)
    paths = []
    for number in range(120):
        base = _GENERATOR_BASES[number % len(_GENERATOR_BASES)]
        path = tmp_path / f"{number:03d}.yaml"
        path.write_text(generate.vary(base, number, rng), encoding="utf-8")
        paths.append(path)
    for engine in ("durable", "reference"):
        assert_together_as_alone(checker(dt.date(2025, 6, 1), engine=engine), paths, 16)


@given(data=st.lists(projects(), min_size=2, max_size=6), as_of=st.sampled_from(AS_OF_DATES))
@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=40)
def test_random_projects_decided_together_are_decided_as_alone(data, as_of):
    ours = checker(as_of)
    pairs = []
    for project_data in data:
        doc = parse_document(dump(project_data), "generated.yaml")
        try:
            project = validate_document(doc, Project)
        except InputError:
            continue
        figures = metrics.compute(project, ours.params)
        pairs.append((project_facts(project, figures), item_facts(project, figures)))
    together = ours.evaluation.decide_many(pairs)
    assert together == [ours.evaluation.decide(facts, items) for facts, items in pairs]


def test_a_project_the_engine_fails_on_fails_alone(monkeypatch):
    """The core refusing the facts of one project fails the shared session; each project is then
    evaluated alone, so the others keep their decisions and that one gets its error."""
    ours = checker(dt.date(2026, 1, 1))
    paths = [str(p) for p in SAMPLES[:4]]
    expected = [alone(ours, p) for p in paths]
    refused_id = ours.check_path(paths[2]).project.project.id
    project_fact, part_facts, matches = (
        durable_engine.CompiledRuleset._project_fact,
        durable_engine._Part.facts,
        durable_engine._matches,
    )

    def marked_project_fact(self: Any, facts: Any) -> dict[str, Any]:
        fact = project_fact(self, facts)
        if facts.get("project.id") == refused_id:
            fact["refuse_me"] = True
        return fact

    def marked_facts(self: Any, sid: str, project: int, fact: dict[str, Any], items: Any) -> list[Any]:
        return [
            {**f, "refuse_me": True} if fact.get("refuse_me") else f
            for f in part_facts(self, sid, project, fact, items)
        ]

    def refusing(handle: int, facts_json: str) -> list[str]:
        if '"refuse_me"' in facts_json:
            raise durable_engine._Refused("the rules engine refused the facts: test")
        return matches(handle, facts_json)

    monkeypatch.setattr(durable_engine.CompiledRuleset, "_project_fact", marked_project_fact)
    monkeypatch.setattr(durable_engine._Part, "facts", marked_facts)
    monkeypatch.setattr(durable_engine, "_matches", refusing)
    got = ours.check_paths(paths)
    assert [said(g) for i, g in enumerate(got) if i != 2] == [e for i, e in enumerate(expected) if i != 2]
    assert isinstance(got[2], EngineError) and "refused" in str(got[2])
