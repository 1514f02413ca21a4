"""The durable_rules adapter: compiled conditions behave as the rule language says, and every
engine pitfall of durable-rules-notes.md stays behind the adapter."""

from __future__ import annotations

import ast
import datetime as dt

import pytest
from conftest import REPO, checker_on

from checker import conditions as cond
from checker.engine import compile_condition, field_name
from checker.parameters import resolve

PARAMS = resolve(dt.date(2026, 1, 1))


def test_only_the_engine_module_imports_durable_rules():
    importers = []
    for path in sorted((REPO / "checker").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "durable" or n.startswith("durable.") for n in names):
                importers.append(path.name)
    assert importers == ["engine.py"]


def test_fact_names_flatten_to_engine_fields():
    assert field_name("land.permanent_basic_farmland_ha") == "land__permanent_basic_farmland_ha"
    assert field_name("status.HE-003") == "status__HE_003"


def test_not_is_pushed_down_so_an_unknown_fact_satisfies_neither_side():
    gt = cond.parse({"fact": "a", "gt": 5}, "t")
    assert cond.negate(gt) == cond.Compare("a", "lte", 5)
    compiled = compile_condition(cond.Not(gt), PARAMS)
    assert {"$ex": {"a": 1}} in compiled["$and"]  # absent `a`: neither a > 5 nor its negation


def test_parameters_are_inlined_at_compile_time():
    compiled = compile_condition(
        cond.parse({"fact": "x", "gte": {"param": "high_energy_project_threshold_tce"}}, "t"),
        PARAMS)
    assert compiled == {"$and": [{"$ex": {"x": 1}}, {"$gte": {"x": 10000}}]}


def test_a_per_product_parameter_expands_to_one_branch_per_product():
    compiled = compile_condition(cond.parse(
        {"fact": "item.unit_energy_kgce", "gt": {"param": "product_base_level_kgce",
                                                 "key": "item.product"}}, "t"), PARAMS)
    branches = compiled["$and"][1]["$or"]
    assert {"$and": [{"item__product": "calcium_carbide"},
                     {"$gt": {"item__unit_energy_kgce": 940}}]} in branches


@pytest.mark.parametrize(
    "raw",
    [{"fact": "a", "between": 1}, {"all": []}, {"rule": "HE-003", "status": ["great"]},
     {"fact": "a", "in": 3}, "a > 5"],
)
def test_malformed_conditions_are_refused(raw):
    with pytest.raises(cond.ConditionError):
        cond.parse(raw, "when")


def test_a_project_no_rule_matches_is_information_not_an_error(tmp_path):
    # every rule family sees facts none of its conditions match: MessageNotHandled is swallowed,
    # and no session is deleted that was never created (that crashes the C core)
    path = tmp_path / "empty.yaml"
    path.write_text("format: 1\nproject: {name: x, league_city: 包头市, construction_type: "
                    "renovation}\n", encoding="utf-8")
    result = checker_on(dt.date(2026, 1, 1)).check_path(path)
    assert len(result.findings) == len(result.ruleset.rules)


def test_more_checks_than_the_engine_session_limit_leave_no_state_behind():
    # the C core holds at most 1 024 live sessions: each check must delete its own
    checker = checker_on(dt.date(2026, 1, 1))
    path = REPO / "projects" / "ordos-calcium-carbide.yaml"
    first = checker.check_path(path)
    for _ in range(1100):
        last = checker.check_path(path)
    assert [f.status for f in last.findings] == [f.status for f in first.findings]


def test_a_rule_reading_another_rules_status_runs_after_it():
    checker = checker_on(dt.date(2026, 1, 1))
    stages = checker.compiled._stages
    stage_of = {rule.id: index for index, entries in enumerate(stages)
                for _name, rules, _kinds in entries for rule in rules}
    assert stage_of["HE-002"] > stage_of["HE-003"]


def test_the_engine_host_starts_no_background_threads():
    import threading

    from checker.engine import _Recorder

    before = threading.active_count()
    _Recorder()
    assert threading.active_count() == before
