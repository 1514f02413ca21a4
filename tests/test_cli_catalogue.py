"""`checker rules` and `checker params` through click's CliRunner: exit code, stdout, stderr."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from checker.cli.app import checker_main
from checker.rules.ruleset import load_ruleset

RULE_IDS = [rule.id for rule in load_ruleset().rules]


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(checker_main, list(args))


def parameter(rule: dict, name: str) -> dict:
    return next(p for p in rule["parameters"] if p["name"] == name)


def test_rules_json_lists_every_rule_once_with_basis_and_parameters_in_force():
    result = invoke("rules", "--format", "json", "--as-of", "2026-01-01")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert isinstance(payload, list)
    assert [rule["id"] for rule in payload] == RULE_IDS
    assert all({"id", "title", "binding", "category", "basis"} <= set(rule) for rule in payload)
    he002 = next(rule for rule in payload if rule["id"] == "HE-002")
    assert he002["parameters_as_of"] == "2026-01-01"
    assert he002["binding"] is True
    assert he002["title"]["zh"] == "新上高耗能项目"
    assert he002["basis"][1]["location"] == "工业和信息化厅答记者问"
    threshold = parameter(he002, "high_energy_project_threshold_tce")
    assert (threshold["value"], threshold["effective_from"]) == (10000, "2023-06-01")


def test_rules_json_shows_the_value_in_force_on_the_check_date():
    result = invoke("rules", "--format", "json", "--as-of", "2022-06-01")
    he002 = next(rule for rule in json.loads(result.output) if rule["id"] == "HE-002")
    assert parameter(he002, "high_energy_project_threshold_tce")["value"] == 5000


def test_rules_text_names_each_rule_with_its_kind_and_quote_in_chinese_by_default():
    result = invoke("rules", "--as-of", "2026-01-01")
    assert result.exit_code == 0
    assert "CO-005  在鄂尔多斯以外新建煤矿  [CO,指导性]" in result.output
    assert "“新建煤矿重点在鄂尔多斯布局”" in result.output
    assert "(max_data_center_pue)= 1.2 [2023-01-01 起]" in result.output
    # products by their Chinese names, no English words in the Chinese catalogue
    assert "= 电石、硅铁、" in result.output
    assert "calcium_carbide" not in result.output
    assert "binding" not in result.output and "guidance" not in result.output


def test_rules_text_in_english_with_lang_en():
    result = invoke("rules", "--as-of", "2026-01-01", "--lang", "en")
    assert result.exit_code == 0
    assert "CO-005  New coal mine outside Ordos  [CO, guidance]" in result.output
    assert "Parameter max_data_center_pue = 1.2 [2023-01-01..]" in result.output
    assert ",约束性]" not in result.output and "在鄂尔多斯以外新建煤矿" not in result.output
    assert "tce/10k yuan" in result.output and "tce/万元" not in result.output


def test_rules_markdown_has_one_section_per_rule_under_the_house_headings():
    result = invoke("rules", "--format", "markdown", "--as-of", "2026-01-01")
    assert result.exit_code == 0
    sections = [line for line in result.output.splitlines() if line.startswith("## ")]
    assert [line.split()[1] for line in sections] == RULE_IDS
    assert result.output.count("### What it checks") == len(RULE_IDS)
    assert result.output.count("### Why (plan basis)") == len(RULE_IDS)
    assert "| `min_storage_hours` | 2 | h |" in result.output


def test_params_text_says_what_kind_of_number_each_value_is():
    result = invoke("params", "--as-of", "2026-01-01", "--lang", "en")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "min_new_underground_coal_mine_mt = 3 Mt/a [2021-01-01..] (cited)" in lines
    assert "coal_growth_review_threshold_t = 10000 t/a [2021-01-01..] (authority_default)" in lines
    assert "high_energy_project_threshold_tce = 10000 tce/a [2023-06-01..] (authority_reference)" in lines
    at = lines.index("coal_growth_review_threshold_t = 10000 t/a [2021-01-01..] (authority_default)")
    assert lines[at + 3] == (
        "    Provenance: review-authority default (neither the plan nor a higher-level document gives "
        "a figure): confirm or adjust it in your policy file"
    )


def test_params_text_is_chinese_by_default_with_chinese_names():
    result = invoke("params", "--as-of", "2021-06-01")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "2021-06-01 施行的参数"
    feedstock = next(line for line in lines if "(exclude_feedstock_from_totals)" in line)
    assert feedstock == (
        "原料用能不纳入能源消费总量和强度控制(exclude_feedstock_from_totals)= 否 [2021-01-01 至 2021-11-30]"
    )
    at = lines.index(feedstock)
    assert lines[at + 2] == "    性质: 审查机关默认值(规划及上位文件未给出数值,请以本机关政策文件确认或调整)"
    assert "provenance" not in result.output and "source" not in result.output


def test_params_json_gives_source_dates_and_verified_mark_of_every_parameter():
    result = invoke("params", "--format", "json", "--as-of", "2021-06-01")
    assert result.exit_code == 0
    params = {p["name"]: p for p in json.loads(result.output)["parameters"]}
    feedstock = params["exclude_feedstock_from_totals"]
    assert (feedstock["value"], feedstock["effective_to"]) == (False, "2021-11-30")
    assert all(p["source"] and isinstance(p["verified"], bool) for p in params.values())
    assert params["water_permit_threshold_m3"]["provenance"] == "authority_default"
    assert params["high_energy_project_threshold_tce"]["provenance"] == "authority_reference"


def test_params_apply_a_policy_file(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "format: 1\nsource: 某盟市发展和改革委员会\nparameters:\n  max_data_center_pue: 1.15\n",
        encoding="utf-8",
    )
    result = invoke("params", "--format", "json", "--params", str(policy))
    assert result.exit_code == 0, result.output
    pue = parameter(json.loads(result.output), "max_data_center_pue")
    assert (pue["value"], pue["origin"]) == (1.15, "policy")
    assert pue["source"] == "某盟市发展和改革委员会"


def test_a_bad_policy_file_is_exit_code_2_with_the_problem_on_stderr(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text("format: 1\nparameters:\n  max_data_centre_pue: 1.15\n", encoding="utf-8")
    result = CliRunner().invoke(checker_main, ["params", "--params", str(policy)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "unknown parameter" in result.stderr


def test_a_bad_date_is_a_usage_error():
    result = invoke("rules", "--as-of", "2026-13-01")
    assert result.exit_code == 2


@pytest.mark.parametrize("command", ["rules", "params"])
def test_every_catalogue_command_has_help_with_examples(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.output


def test_the_checked_in_rule_catalogue_is_generated_from_the_rule_folders():
    # docs/rules.md is `checker rules --format markdown` of the shipped pack: after changing a rule,
    # regenerate it with: checker rules --format markdown --as-of 2026-01-01 > docs/rules.md
    from tests.support import REPO

    result = invoke("rules", "--format", "markdown", "--as-of", "2026-01-01")
    assert result.exit_code == 0, result.output
    assert result.output == (REPO / "docs" / "rules.md").read_text(encoding="utf-8"), (
        "docs/rules.md is out of date: checker rules --format markdown --as-of 2026-01-01 > docs/rules.md"
    )
