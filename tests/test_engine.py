"""The durable_rules adapter: compiled conditions behave as the rule language says, and every
engine pitfall of durable-rules-notes.md stays behind the adapter."""

from __future__ import annotations

import ast
import datetime as dt
import subprocess
import sys
import textwrap

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
            # durable_rules ships the package `durable` (its Python host) and the C core
            # `durable_rules_engine`; the adapter drives the core directly
            if any(n.split(".")[0] in ("durable", "durable_rules_engine") for n in names):
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
    stage_of = {rule.id: index for index, rules in enumerate(checker.compiled.stages) for rule in rules}
    assert stage_of["HE-002"] > stage_of["HE-003"]


def test_checking_starts_no_background_threads():
    # durable's stock Host starts timer threads that enter the non-thread-safe C core; the adapter
    # drives the core directly and starts none
    import threading

    before = threading.active_count()
    checker = checker_on(dt.date(2026, 1, 3))
    checker.check_path(REPO / "projects" / "ordos-calcium-carbide.yaml")
    assert threading.active_count() == before


def test_a_disjunction_counts_once_per_branch_that_can_hold():
    from checker.engine import match_bound

    assert match_bound({"x": 1}) == 1
    assert match_bound({"$or": [{"a": True}, {"$gt": {"x": 1}}]}) == 2  # both can hold
    table = {"$or": [{"$and": [{"k": "v1"}, {"$gt": {"x": 1}}]}, {"$and": [{"k": "v2"}, {"$gt": {"x": 2}}]}]}
    assert match_bound(table) == 1  # one key at a time
    assert match_bound({"$or": [{"k": "v1"}, {"k": "v1"}]}) == 2  # the same constant twice: no exclusion
    assert match_bound({"$and": [{"$or": [{"a": 1}, {"b": 1}]}, {"$or": [{"c": 1}, {"d": 1}, {"e": 1}]}]}) == 6


def test_no_fact_can_make_more_matches_than_the_core_accepts():
    # the core refuses a fact making more than 64 matches in one ruleset (error 303) and then
    # corrupts its heap when the session is deleted: the rules are packed so that it cannot happen
    from checker.engine import match_bound

    compiled = checker_on(dt.date(2026, 1, 1)).compiled
    packed = [part for entries in compiled._stages for _handle, parts in entries for part in parts]
    assert sorted(r.id for part in packed for r in part.rules) == sorted(r.id for r in compiled.ruleset.rules)
    assert len(packed) > 2  # the 30 rules need more than one fact kind per stage
    for part in packed:
        bound = 1 + sum(match_bound(rule["all"][0]["m"]) for rule in part.compiled.values())  # + the catch-all
        assert bound <= 64, (part.fact_kind, bound)


def test_a_project_is_checked_in_one_session():
    compiled = checker_on(dt.date(2026, 1, 1)).compiled
    handles = {handle for entries in compiled._stages for handle, _parts in entries}
    assert len(handles) == 1


def test_the_core_refuses_a_fact_with_more_than_64_matches():
    # the measurement behind the packing, in a child process: the core may crash after it
    script = textwrap.dedent("""
        import json, durable_rules_engine as core
        def check(n):
            rules = {f"r{i}": {"all": [{"m": {"$and": [{"k": "p"}, {"$gt": {"x": i}}]}}]} for i in range(n)}
            handle = core.create_ruleset(f"limit{n}", json.dumps(rules))
            try:
                core.assert_facts(handle, json.dumps([{"sid": "s", "id": "f", "k": "p", "x": 1000}]))
                return "ok"
            except Exception as exc:
                return str(exc)
        print(check(64)); print(check(65))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60).stdout
    first, second = out.splitlines()[:2]
    assert first == "ok" and "303" in second
