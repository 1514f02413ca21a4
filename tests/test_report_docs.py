"""`checker explain`, `checker schema`, `checker init`, and the rules' example fragments."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from checker.check import load_project
from checker.cli.app import checker_main
from checker.input.source import read_document
from checker.reports.words import terms
from checker.rules.ruleset import load_ruleset
from tests.support import REPO
from tests.support.casebook import deep_merge
from tests.support.checkers import checker_on
from tests.support.reporting import AS_OF

RULES = load_ruleset().rules
FIRST_EIGHT = {"HE-001", "HE-002", "HE-003", "EC-001", "EC-002", "CO-001", "WA-002", "LA-001"}
MINIMAL = {"format": 1, "project": {"name": "示例项目", "league_city": "鄂尔多斯市", "construction_type": "new"}}
HEADINGS = {
    "zh": ["## 检查内容", "## 依据(规划原文)", "## 示例", "## 比较的参数", "## 参考文件"],
    "en": ["## What it checks", "## Why (the plan's words)", "## Example", "## Parameters compared", "## References"],
}


def invoke(*args):
    return CliRunner().invoke(checker_main, list(args))


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_explain_shows_every_heading_in_order(rule, lang):
    result = invoke("explain", rule.id, "--lang", lang, "--as-of", "2026-01-01")
    assert result.exit_code == 0, result.output
    positions = [result.stdout.index(h) for h in HEADINGS[lang]]
    assert positions == sorted(positions)
    assert rule.spec.basis[0].quote in result.stdout
    for name in rule.spec.parameters:
        assert f"- {name} = " in result.stdout


def test_explain_shows_the_values_in_force_on_the_date():
    result = invoke("explain", "HE-002", "--as-of", "2022-06-01", "--lang", "en")
    later = invoke("explain", "HE-002", "--as-of", "2026-01-01", "--lang", "en")
    assert "values in force on 2022-06-01" in result.stdout
    line = next(x for x in result.stdout.splitlines() if "high_energy_project_threshold_tce =" in x)
    later_line = next(x for x in later.stdout.splitlines() if "high_energy_project_threshold_tce =" in x)
    assert line != later_line  # the threshold changed on 2023-06-01


def test_explain_spells_out_the_conditions():
    out = invoke("explain", "LA-001", "--lang", "en").stdout
    assert "fail ← permanent basic farmland occupied (land.permanent_basic_farmland_ha) > 0" in out
    assert "missing information ← permanent basic farmland occupied" in out


def test_explain_accepts_any_case():
    assert invoke("explain", "wa-002").exit_code == 0


def test_explain_unknown_rule_exits_2_with_a_suggestion():
    result = invoke("explain", "HE-01")
    assert result.exit_code == 2
    assert "unknown rule 'HE-01' (did you mean HE-001?)" in result.stderr
    assert result.stdout == ""


def test_the_first_eight_rules_have_examples():
    assert {r.id for r in RULES if r.spec.examples} >= FIRST_EIGHT


EXAMPLES = [(r, kind) for r in RULES if r.spec.examples for kind in ("complying", "violating")]


@pytest.mark.parametrize(("rule", "kind"), EXAMPLES, ids=[f"{r.id}-{k}" for r, k in EXAMPLES])
def test_each_example_gives_the_status_it_illustrates(rule, kind, tmp_path):
    fragment = yaml.safe_load(getattr(rule.spec.examples, kind))
    path = tmp_path / "example.yaml"
    path.write_text(yaml.safe_dump(deep_merge(MINIMAL, fragment), allow_unicode=True), "utf-8")
    result = checker_on(AS_OF).check_path(path)
    status = next(f.status for f in result.findings if f.id == rule.id)
    if kind == "complying":
        assert status in ("pass", "not_applicable"), status
    else:
        assert status in ("fail", "warn"), status


def test_explain_shows_the_examples_as_yaml():
    out = invoke("explain", "WA-002").stdout
    assert "```yaml\nwater:\n  fresh_water_m3: 150000" in out


# ---- schema ------------------------------------------------------------------------------------


def as_json(path):
    """A YAML file as the schema's user (an editor's YAML 1.2 language server) sees it: read with
    the checker's loader (1.2e9 is a number) and dates as text."""
    return json.loads(json.dumps(read_document(path).data, default=str))


def project_schema():
    result = invoke("schema")
    assert result.exit_code == 0
    return json.loads(result.stdout)


def test_schema_is_a_valid_json_schema_that_accepts_every_sample():
    schema = project_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    for path in sorted((REPO / "projects").glob("*.yaml")):
        jsonschema.validate(as_json(path), schema)


def test_schema_rejects_an_unknown_key_and_a_negative_quantity():
    schema = project_schema()
    data = as_json(REPO / "projects/hohhot-data-centre.yaml")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**data, "energi": {}}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**data, "water": {"fresh_water_m3": -1}}, schema)


# ---- init --------------------------------------------------------------------------------------


def test_init_writes_a_template_that_loads_and_checks(tmp_path):
    target = tmp_path / "project.yaml"
    result = invoke("init", str(target))
    assert result.exit_code == 0, result.output
    text = target.read_text("utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=project.schema.json"
    _, project = load_project(target)  # raises on any error
    assert project.project.league_city == "鄂尔多斯市"
    checked = checker_on(AS_OF).check_path(target)
    assert len(checked.findings) == len(RULES)
    schema = json.loads((tmp_path / "project.schema.json").read_text("utf-8"))
    jsonschema.validate(as_json(target), schema)


def test_init_refuses_to_overwrite(tmp_path):
    target = tmp_path / "project.yaml"
    target.write_text("mine", encoding="utf-8")
    result = invoke("init", str(target))
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert target.read_text("utf-8") == "mine"


def test_init_keeps_an_existing_schema_file(tmp_path):
    (tmp_path / "project.schema.json").write_text("{}", encoding="utf-8")
    assert invoke("init", str(tmp_path / "a.yaml")).exit_code == 0
    assert (tmp_path / "project.schema.json").read_text("utf-8") == "{}"


# ---- shared -------------------------------------------------------------------------------------


def test_every_label_has_both_languages_as_text():
    for table in ("label", "status", "verdict", "value"):
        for key, entry in terms()[table].items():
            assert set(entry) == {"zh", "en"}, (table, key)
            assert all(isinstance(v, str) and v for v in entry.values()), (table, key)


@pytest.mark.parametrize("command", ["explain", "schema", "init"])
def test_every_new_command_has_help(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout


def test_a_rule_without_examples_says_so_instead():
    import dataclasses

    from checker.reports.explain import explain as explain_rule
    from checker.rules.parameters import resolve

    ruleset = load_ruleset()
    bare = dataclasses.replace(ruleset.rules[0], spec=ruleset.rules[0].spec.model_copy(update={"examples": None}))
    stripped = dataclasses.replace(ruleset, rules=(bare, *ruleset.rules[1:]))
    out = explain_rule(bare.id, stripped, resolve(AS_OF), "en")
    assert "This rule has no example fragments" in out
    assert "```yaml" not in out


def test_the_checker_group_lists_the_new_commands():
    out = invoke("--help").stdout
    for command in ("explain", "schema", "init"):
        assert command in out


@pytest.mark.parametrize(
    "lang, reasons",
    [
        (
            "en",
            [
                "1. The project builds no new coal-fired units.",
                "2. The project adds no capacity; this rule does not apply.",
            ],
        ),
        ("zh", ["1. 项目不新建燃煤发电机组。", "2. 项目不新增产能,本规则不适用。"]),
    ],
)
def test_explain_gives_the_reasons_a_rule_does_not_apply_from_its_labels(lang, reasons):
    """The labels of `applies_when` are what a report says when the rule does not apply; the
    documentation shows them, in order, in the chosen language."""
    lines = invoke("explain", "CO-001", "--lang", lang).stdout.splitlines()
    heading = terms()["label"]["not_applicable_reasons"][lang]
    at = lines.index(f"- {heading}:")
    assert [line.strip() for line in lines[at + 1 : at + 3]] == reasons


def test_explain_of_a_rule_with_unlabelled_applicability_lists_no_reasons():
    out = invoke("explain", "LA-001", "--lang", "en").stdout
    assert terms()["label"]["not_applicable_reasons"]["en"] not in out


@pytest.mark.parametrize(
    "dates, shown",
    [
        ({"from": "2027-01-01"}, "- In force: from 2027-01-01 (on a check date"),
        ({"to": "2030-12-31"}, "- In force: to 2030-12-31 (on a check date"),
        ({"from": "2027-01-01", "to": "2030-12-31"}, "- In force: from 2027-01-01 to 2030-12-31 (on a check date"),
    ],
)
def test_explain_shows_the_dates_a_rule_is_in_force(dates, shown):
    import dataclasses

    from checker.reports.explain import explain as explain_rule
    from checker.rules.parameters import resolve
    from checker.rules.ruleset import Effective

    ruleset = load_ruleset()
    rule = ruleset.by_id()["HE-003"]
    dated = dataclasses.replace(rule, spec=rule.spec.model_copy(update={"effective": Effective.model_validate(dates)}))
    swapped = dataclasses.replace(ruleset, rules=tuple(dated if r.id == "HE-003" else r for r in ruleset.rules))
    assert shown in explain_rule("HE-003", swapped, resolve(AS_OF), "en")
    assert "- In force" not in explain_rule("HE-003", ruleset, resolve(AS_OF), "en")
