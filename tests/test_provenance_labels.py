"""Every number says what it is: one function words a parameter's provenance, and every format
prints it (catalogue amendment 8)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from checker.reports import formats
from checker.reports import render as report
from checker.rules.parameters import PROVENANCES, load_policy, resolve
from tests.support import REPO
from tests.support.reporting import check_sample

PARAMS = resolve(dt.date(2025, 6, 1))
AUTHORITY_DEFAULT = "审查机关默认值(规划及上位文件未给出数值,请以本机关政策文件确认或调整)"
SECONDARY = "※取自二手资料,请核对原文"


def with_provenance(name: str, kind: str):
    return dataclasses.replace(PARAMS[name], provenance=kind, provenance_entries=())


@pytest.mark.parametrize(
    ("kind", "zh", "en"),
    [
        ("cited", "已核对原文", "checked against the document's text"),
        ("secondary", SECONDARY, "※ from a secondary source: confirm against the document's text"),
        (
            "authority_reference",
            "审查机关参照值(参照所引文件确定,请以本机关政策文件确认或调整)",
            "review-authority value adapted from the cited document: confirm or adjust it in your policy file",
        ),
        (
            "authority_default",
            AUTHORITY_DEFAULT,
            "review-authority default (neither the plan nor a higher-level document gives a figure): "
            "confirm or adjust it in your policy file",
        ),
    ],
)
def test_each_provenance_has_its_own_plain_label_in_both_languages(kind, zh, en):
    param = with_provenance("coal_growth_review_threshold_t", kind)
    assert report.provenance_label(param, "zh") == zh
    assert report.provenance_label(param, "en") == en


def test_a_value_no_document_gives_is_never_said_to_come_from_a_secondary_source():
    for param in PARAMS.values.values():
        label = report.provenance_label(param, "zh")
        if param.provenance == "authority_default":
            assert label == AUTHORITY_DEFAULT, param.name
        if param.provenance != "secondary" and not param.provenance_entries:
            assert "二手资料" not in label, param.name
        assert label, param.name  # every value says what it is, cited ones included


def test_the_high_energy_threshold_says_it_is_the_authoritys_value():
    label = report.provenance_label(PARAMS["high_energy_project_threshold_tce"], "zh")
    assert label.startswith("审查机关参照值")


def test_a_policy_files_value_is_labelled_as_the_authoritys_own(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text("format: 1\nparameters:\n  water_permit_threshold_m3: 5000\n", encoding="utf-8")
    param = resolve(dt.date(2025, 6, 1), load_policy(policy))["water_permit_threshold_m3"]
    assert report.provenance_label(param, "zh") == "本机关政策文件设定"
    assert report.provenance_label(param, "en") == "set by the review authority's policy file"


def test_a_table_whose_entries_differ_marks_each_entry_and_says_what_the_marks_mean():
    param = PARAMS["product_base_level_kgce"]
    shown = report.format_param_value(param.value, report.entry_marks(param))
    assert "ferrosilicon: 1,850※" in shown and "cement_clinker: 117," in shown
    assert report.provenance_label(param, "zh") == "标※的条目:取自二手资料,请核对原文;未标注的条目:已核对原文"
    assert report.provenance_label(param, "en") == (
        "entries marked ※: from a secondary source: confirm against the document's text; "
        "unmarked entries: checked against the document's text"
    )


def test_every_parameter_value_in_the_json_carries_its_provenance():
    verdict = report.verdict_json(check_sample("ordos-calcium-carbide.yaml"), "zh")
    audit = verdict["audit"]["parameters"]
    for finding in verdict["findings"]:  # a finding names each parameter's value; the audit says what it is
        for name, value in finding["parameters"].items():
            assert audit[name]["value"] == value, name
    for name, value in audit.items():
        assert value["provenance"] in PROVENANCES, name
        assert value["verified"] is (value["provenance"] == "cited"), name
    assert verdict["audit"]["parameters"]["water_permit_threshold_m3"]["provenance"] == "authority_default"


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "csv", "junit"])
def test_every_human_format_prints_the_authority_default_label_and_no_old_mark(fmt):
    rendered = formats.render(check_sample("ordos-calcium-carbide.yaml"), fmt, "zh")
    assert AUTHORITY_DEFAULT in rendered  # water_permit_threshold_m3, WA-002
    assert "未经核实" not in rendered


def test_sarif_parameters_carry_their_provenance():
    log = json.loads(formats.render(check_sample("ordos-calcium-carbide.yaml"), "sarif", "en"))
    values = [v for result in log["runs"][0]["results"] for v in result["properties"]["parameters"].values()]
    assert values, "the sample's findings compare parameters"
    for value in values:
        assert value["provenance"] in PROVENANCES


def test_the_html_chart_of_an_authority_default_says_so_instead_of_an_unverified_mark():
    result = check_sample("ordos-calcium-carbide.yaml")
    html = formats.render(result, "html", "zh")
    charts = html[html.index('id="charts"') : html.index("</section>", html.index('id="charts"'))]
    assert "prov-authority_default" in charts and AUTHORITY_DEFAULT in charts
    assert "※</span>" not in charts


def test_a_parameter_set_a_ledger_recorded_before_provenance_re_runs_to_the_same_findings():
    from checker.audit.ledger import findings_json, params_body, params_from_body
    from checker.check import Checker
    from checker.rules.ruleset import load_ruleset

    as_of = dt.date(2025, 6, 1)
    body = json.loads(params_body(PARAMS))
    for raw in body.values():  # as an entry stored before provenance existed
        assert raw.pop("provenance") in PROVENANCES
        raw.pop("provenance_entries", None)
    old = params_from_body(json.dumps(body), as_of, None)
    assert all(p.provenance is None for p in old.values.values())
    result = Checker(load_ruleset(), old).check_path(REPO / "projects" / "ordos-calcium-carbide.yaml")
    stored = json.loads(findings_json(result.findings))
    assert all("provenance" not in value for f in stored for value in f["parameters"].values())
    # and its reports still word it from the old mark, never as an authority default
    assert report.provenance_label(old["water_permit_threshold_m3"], "zh") == SECONDARY
    assert report.provenance_label(old["coefficient_diesel"], "zh") == "已核对原文"
