"""The engine seam: what an engine must do, what it never does, and `--engine` on every command
that evaluates rules (the findings, and so every byte of output, are the same with either)."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import json
import shutil
from contextlib import contextmanager
from typing import Any

import pytest
from click.testing import CliRunner

from checker import evaluation
from checker.check import Checker, load_project
from checker.cli.app import check_main, checker_main
from checker.errors import EngineError, RuleDataError
from checker.evaluation import stages
from checker.evaluation.protocol import Evaluator, Session
from checker.evaluation.reference import ReferenceEvaluator
from checker.evaluation.stages import Evaluation
from checker.evaluation.staging import stage_rules
from checker.rules.parameters import resolve
from checker.rules.ruleset import load_ruleset
from tests.support import REPO
from tests.support.checkers import checker_on

AS_OF = "2026-01-01"
PARAMS = resolve(dt.date(2026, 1, 1))
SAMPLE = REPO / "projects" / "ordos-calcium-carbide.yaml"


def _imports(path: Any) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def _names(path: Any) -> set[str]:
    return {node.id for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(node, ast.Name)}


def test_the_reference_evaluator_is_written_without_the_adapter_or_the_engine():
    imported = _imports(REPO / "checker" / "evaluation" / "reference.py")
    assert not [name for name in imported if name.startswith(("durable", "checker.evaluation.durable"))], imported
    for module in ("protocol.py", "__init__.py"):
        assert not [n for n in _imports(REPO / "checker" / "evaluation" / module) if "engine" in n.split(".")[-1]]


def test_only_the_evaluation_stages_decide():
    """decide() runs once per subject, in checker.evaluation.stages: neither the adapter nor the
    check decides (they once both did, the check a second time)."""
    for module in ("evaluation/durable.py", "check.py"):
        assert "decide" not in _names(REPO / "checker" / module), module
        assert "most_severe" not in _names(REPO / "checker" / module), module


def test_decide_runs_once_per_subject(monkeypatch):
    calls: list[str] = []
    real = stages.decide

    def counted(rule: Any, subject: Any) -> Any:
        calls.append(rule.id)
        return real(rule, subject)

    monkeypatch.setattr(stages, "decide", counted)
    result = checker_on(dt.date(2026, 1, 1)).check_path(SAMPLE)
    subjects = {f.id: max(1, len(f.items)) if f.rule.spec.for_each else 1 for f in result.findings}
    assert sorted(calls) == sorted(rule_id for rule_id, count in subjects.items() for _ in range(count))


def test_a_circular_dependency_is_refused_naming_the_rule_and_the_cycle():
    by_id = load_ruleset().by_id()
    first = dataclasses.replace(by_id["HE-003"], depends_on=("HE-002",))
    second = by_id["HE-002"]  # reads HE-003's status
    with pytest.raises(RuleDataError, match="circular dependency HE-003 → HE-002") as caught:
        stage_rules([first, second])
    assert caught.value.path == first.path


def test_a_rule_reading_anothers_status_is_staged_after_it():
    staging = stage_rules(load_ruleset().rules)
    stage_of = staging.stage_of()
    assert stage_of["HE-002"] > stage_of["HE-003"]
    assert sorted(r.id for stage in staging.stages for r in stage) == sorted(r.id for r in load_ruleset().rules)


class _Recording:
    """An engine that answers from another and records the statuses each stage was given."""

    def __init__(self, inner: Evaluator) -> None:
        self.inner = inner
        self.given: list[dict[str, str]] = []

    @contextmanager
    def session(self, facts: Any, items: Any) -> Any:
        with self.inner.session(facts, items) as session:
            yield _RecordingSession(session, self.given)


class _RecordingSession:
    def __init__(self, inner: Session, given: list[dict[str, str]]) -> None:
        self.inner = inner
        self.given = given

    def match(self, stage: int, statuses: Any) -> Any:
        self.given.append(dict(statuses))
        return self.inner.match(stage, statuses)


def test_statuses_pass_from_stage_to_stage_outside_the_engine():
    ruleset = load_ruleset()
    staging = stage_rules(ruleset.rules)
    recording = _Recording(ReferenceEvaluator(ruleset, PARAMS, staging))
    evaluation_ = Evaluation(ruleset, PARAMS, "reference", evaluator=recording)
    _, project = load_project(SAMPLE)
    checker = Checker(ruleset, PARAMS, engine="reference")
    checker.evaluation = evaluation_
    result = checker.check_path(SAMPLE)
    assert recording.given[0] == {}  # the first stage reads no status
    he003 = next(f for f in result.findings if f.id == "HE-003")
    assert recording.given[1]["HE-003"] == he003.status  # the status decided once, handed on
    assert set(recording.given[1]) == {r.id for r in staging.stages[0]}
    assert project is not None


class _Losing:
    """A session that answers for HE-003 with no subject at all."""

    def __init__(self, inner: Session) -> None:
        self.inner = inner

    def match(self, stage: int, statuses: Any) -> Any:
        return {**self.inner.match(stage, statuses), "HE-003": []}


def test_an_engine_that_loses_a_subject_is_an_engine_error():
    ruleset = load_ruleset()
    staging = stage_rules(ruleset.rules)
    reference = ReferenceEvaluator(ruleset, PARAMS, staging)

    class Lossy:
        @contextmanager
        def session(self, facts: Any, items: Any) -> Any:
            with reference.session(facts, items) as session:
                yield type(
                    "S", (), {"match": lambda _self, stage, statuses: {**session.match(stage, statuses), "HE-003": []}}
                )()

    checker = Checker(ruleset, PARAMS, engine="reference")
    checker.evaluation = Evaluation(ruleset, PARAMS, "reference", evaluator=Lossy())
    with pytest.raises(EngineError, match="HE-003"):
        checker.check_path(SAMPLE)


def test_a_rule_not_in_force_is_decided_without_asking_what_matched():
    ruleset = load_ruleset()
    evaluation_ = Evaluation(ruleset, PARAMS, "reference")
    facts = {"high_energy_sector": True, "adds_capacity": True, "builds_coal_power": False}
    items = {"products": [{"product": "calcium_carbide", "unit_energy_kgce": 9999, "undeclared": False}]}
    dormant = evaluation_.decide(facts, items, frozenset({"HE-003"}))["HE-003"]
    assert [s.decision.branch for s in dormant.subjects] == ["effective"]
    assert dormant.subjects[0].item == 0
    assert evaluation_.decide(facts, items)["HE-003"].decision.status == "fail"
    no_items = evaluation_.decide(facts, {"products": []})["HE-003"]
    assert (no_items.subjects, no_items.decision.branch) == ((), "no_items")


# ---------------------------------------------------------------- --engine on the commands


@pytest.fixture(autouse=True)
def _default_engine():
    yield
    evaluation.select(None)  # a command run in this process leaves the default behind


def _run(command: Any, *args: str) -> Any:
    return CliRunner().invoke(command, list(args), catch_exceptions=False)


@pytest.mark.parametrize("fmt", ["json", "text", "sarif"])
def test_check_with_the_reference_engine_prints_the_same_bytes(fmt):
    default = _run(check_main, str(SAMPLE), "--as-of", AS_OF, "--format", fmt)
    reference = _run(check_main, str(SAMPLE), "--as-of", AS_OF, "--format", fmt, "--engine", "reference")
    durable = _run(check_main, str(SAMPLE), "--as-of", AS_OF, "--format", fmt, "--engine", "durable")
    assert default.exit_code == reference.exit_code == durable.exit_code == 1
    assert default.stdout_bytes == reference.stdout_bytes == durable.stdout_bytes


def test_a_batch_with_the_reference_engine_prints_the_same_bytes():
    args = [str(REPO / "projects"), "--as-of", AS_OF, "--format", "json", "-j", "2"]
    default = _run(check_main, *args)
    reference = _run(check_main, *args, "--engine", "reference")
    assert default.exit_code == reference.exit_code
    assert default.stdout_bytes == reference.stdout_bytes
    assert len(default.stdout.splitlines()) == len(list((REPO / "projects").glob("*.yaml")))


def test_batch_workers_are_told_the_engine_not_left_to_inherit_it():
    """Workers started by spawn begin with the default engine: the settings carry the choice."""
    from checker.batch.runner import Settings, _Worker

    evaluation.select("reference")
    settings = Settings(fmt="json", lang="en", as_of=dt.date(2026, 1, 1))
    assert settings.engine == "reference"
    evaluation.select(None)  # as in a freshly spawned worker
    worker = _Worker(settings)
    assert worker.checker.evaluation.engine == "reference"
    assert isinstance(worker.checker.evaluation.evaluator, ReferenceEvaluator)


def test_checker_test_passes_with_both_engines():
    for engine in ("durable", "reference"):
        for pack in ([], [str(REPO / "examples" / "packs" / "ordos-local")]):
            result = _run(checker_main, "test", *pack, "--engine", engine)
            assert result.exit_code == 0, result.output
            assert ", 0 " in result.output or "未通过 0 个" in result.output, result.output


def test_checker_diff_with_the_reference_engine_prints_the_same_bytes(tmp_path):
    registry = tmp_path / "registry"
    registry.mkdir()
    for sample in sorted((REPO / "projects").glob("*.yaml")):
        shutil.copy(sample, registry / sample.name)
    policy = tmp_path / "water.yaml"
    policy.write_text(
        "format: 1\nsource: 征求意见稿\nparameters:\n  water_permit_threshold_m3: 200000\n", encoding="utf-8"
    )
    args = ["diff", str(registry), "--params", str(policy), "--as-of", AS_OF, "--format", "json", "-j", "1"]
    default = _run(checker_main, *args)
    reference = _run(checker_main, *args, "--engine", "reference")
    assert default.exit_code == reference.exit_code
    assert default.stdout_bytes == reference.stdout_bytes
    assert json.loads(default.stdout)


def test_checker_verify_with_the_reference_engine_reproduces_a_durable_entry(tmp_path):
    ledger = str(tmp_path / "ledger.sqlite")
    recorded = _run(check_main, str(SAMPLE), "--as-of", AS_OF, "--format", "json", "--record", ledger)
    assert recorded.exit_code == 1
    for engine in ("reference", "durable"):
        verified = _run(checker_main, "verify", ledger, "--engine", engine)
        assert verified.exit_code == 0, verified.output


def test_an_unknown_engine_is_a_usage_error_on_one_line():
    result = CliRunner().invoke(check_main, [str(SAMPLE), "--engine", "drools"])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and "drools" in result.output
    with pytest.raises(ValueError, match="unknown engine"):
        evaluation.select("drools")


def test_explain_takes_no_engine_it_evaluates_nothing():
    result = CliRunner().invoke(checker_main, ["explain", "HE-002", "--engine", "reference"])
    assert result.exit_code == 2
