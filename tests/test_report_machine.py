"""The machine-readable formats: JSON verdict, SARIF 2.1.0, JUnit XML and CSV.

SARIF is validated against tests/schemas/sarif-schema-2.1.0.json, the official OASIS schema
(see tests/schemas/README.md for where the copy comes from).
"""

from __future__ import annotations

import copy
import csv
import io
import json
import xml.etree.ElementTree as ET
from collections import Counter

import jsonschema
import pytest

from checker.reports import formats
from checker.reports import render as report
from tests.support import REPO
from tests.support.reporting import HOSTILE_NAME, SAMPLES, SARIF_VALIDATOR, check_hostile, check_sample


def sarif(result, lang="zh"):
    return json.loads(formats.render(result, "sarif", lang))


# ---- JSON verdict ------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", SAMPLES)
def test_json_verdict_keeps_its_contract_and_adds_the_audit_block(sample):
    result = check_sample(sample)
    verdict = json.loads(formats.render(result, "json", "zh"))
    for key in ("checker_version", "ruleset", "input", "verdict", "metrics", "findings"):
        assert key in verdict
    assert [f["rule"] for f in verdict["findings"]] == [r.id for r in result.ruleset.rules]
    audit = verdict["audit"]
    assert audit["input_sha256"] == result.document.sha256
    assert audit["ruleset_sha256"] == result.ruleset.sha256
    assert audit["as_of"] == "2026-01-01"
    used = {name for f in result.findings for name in f.parameters}
    assert set(audit["parameters"]) == used
    assert all({"source", "verified", "value", "provenance"} <= set(p) for p in audit["parameters"].values())


def test_json_audit_lists_waivers_with_whether_they_applied(tmp_path):
    verdict = json.loads(formats.render(check_hostile(tmp_path), "json", "en"))
    waivers = {w["rule"]: w for w in verdict["audit"]["waivers"]}
    assert waivers["WA-002"]["applied"] is True
    assert waivers["WA-002"]["original_status"] == "fail"
    assert waivers["WA-001"]["applied"] is False
    assert waivers["WA-001"]["note"] == "expired on 2020-01-01"
    assert verdict["audit"]["waiver_register_authority"] == "=某盟市发展和改革委员会"
    assert len(verdict["audit"]["waiver_register_sha256"]) == 64
    # the project file's own waiver is listed apart, as a claim that sent the finding to review
    assert [(c["rule"], c["status"], c["claimed_status"]) for c in verdict["audit"]["claims"]] == [
        ("EC-001", "review", "fail")
    ]
    assert "EC-001" not in waivers


# ---- SARIF -------------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sarif_log_is_valid_against_the_official_schema(sample, lang):
    SARIF_VALIDATOR.validate(sarif(check_sample(sample), lang))


def test_the_schema_rejects_what_sarif_forbids():
    log = sarif(check_sample("ordos-calcium-carbide.yaml"))
    for breakage in (
        lambda r: r.update(level="fatal"),
        lambda r: r.update(kind="failed"),
        lambda r: r.pop("message"),
        lambda r: r["locations"][0]["physicalLocation"]["region"].update(startLine=0),
        lambda r: r.update(severity="high"),
    ):
        broken = copy.deepcopy(log)
        breakage(broken["runs"][0]["results"][0])
        with pytest.raises(jsonschema.ValidationError):
            SARIF_VALIDATOR.validate(broken)


def test_sarif_has_one_rule_descriptor_and_one_result_per_rule():
    result = check_sample("ordos-calcium-carbide.yaml")
    run = sarif(result)["runs"][0]
    ids = [r.id for r in result.ruleset.rules]
    assert [d["id"] for d in run["tool"]["driver"]["rules"]] == ids
    assert sorted(r["ruleId"] for r in run["results"]) == sorted(ids)
    for res in run["results"]:
        assert run["tool"]["driver"]["rules"][res["ruleIndex"]]["id"] == res["ruleId"]
    he001 = run["tool"]["driver"]["rules"][ids.index("HE-001")]
    assert "坚决抑制上高耗能项目的冲动" in he001["help"]["text"]


def test_sarif_levels_follow_the_status():
    result = check_sample("ordos-calcium-carbide.yaml")
    by_rule = {r["ruleId"]: r for r in sarif(result)["runs"][0]["results"]}
    statuses = {f.id: f.status for f in result.findings}
    expected = {
        "fail": ("fail", "error"),
        "warn": ("fail", "warning"),
        "missing_info": ("fail", "note"),
        "pass": ("pass", "none"),
        "not_applicable": ("notApplicable", "none"),
    }
    seen = set()
    for rule, status in statuses.items():
        assert (by_rule[rule]["kind"], by_rule[rule]["level"]) == expected[status]
        seen.add(status)
    assert seen == {"fail", "warn", "missing_info", "pass", "not_applicable"}


def test_sarif_review_is_a_warning():
    result = check_sample("chifeng-coal-chp-exemption.yaml")
    by_rule = {r["ruleId"]: r for r in sarif(result)["runs"][0]["results"]}
    assert (by_rule["CO-001"]["kind"], by_rule["CO-001"]["level"]) == ("fail", "warning")


def test_sarif_points_at_the_line_of_the_key_the_rule_read():
    result = check_sample("ordos-calcium-carbide.yaml")
    lines = (REPO / "projects/ordos-calcium-carbide.yaml").read_text("utf-8").splitlines()
    by_rule = {r["ruleId"]: r for r in sarif(result)["runs"][0]["results"]}
    for rule, key in (
        ("WA-002", "fresh_water_m3:"),
        ("EC-001", "annual_value_added_10k_yuan:"),
        ("LA-001", "permanent_basic_farmland_ha:"),
        ("HE-003", "unit_energy_kgce:"),
    ):
        location = by_rule[rule]["locations"][0]
        line = location["physicalLocation"]["region"]["startLine"]
        assert lines[line - 1].strip().startswith(key), (rule, line)
        assert location["physicalLocation"]["artifactLocation"]["uri"] == ("projects/ordos-calcium-carbide.yaml")


def test_sarif_waived_finding_is_suppressed_with_the_waiver(tmp_path):
    by_rule = {r["ruleId"]: r for r in sarif(check_hostile(tmp_path))["runs"][0]["results"]}
    waived = by_rule["WA-002"]
    assert waived["level"] == "error"  # the original status decides how loud
    assert waived["suppressions"][0]["kind"] == "external"
    assert waived["suppressions"][0]["status"] == "accepted"
    assert "@某盟市发改委" in waived["suppressions"][0]["justification"]
    assert "suppressions" not in by_rule["WA-001"]  # an expired waiver suppresses nothing
    claimed = by_rule["EC-001"]["suppressions"][0]  # a claim is in the source, and only under review
    assert (claimed["kind"], claimed["status"]) == ("inSource", "underReview")


def test_sarif_carries_the_audit_block():
    result = check_sample("hohhot-data-centre.yaml")
    props = sarif(result)["runs"][0]["properties"]
    assert props["audit"] == report.audit_block(result)
    assert props["verdict"] == result.verdict


# ---- JUnit -------------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", SAMPLES)
def test_junit_has_one_testcase_per_rule_and_counts_that_match(sample):
    result = check_sample(sample)
    root = ET.fromstring(formats.render(result, "junit", "en"))
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    statuses = Counter(f.status for f in result.findings)
    assert len(cases) == len(result.ruleset.rules) == int(suite.get("tests"))
    failures = sum(1 for c in cases if c.find("failure") is not None)
    skipped = sum(1 for c in cases if c.find("skipped") is not None)
    assert failures == int(suite.get("failures"))
    assert failures == statuses["fail"] + statuses["review"] + statuses["missing_info"]
    assert skipped == int(suite.get("skipped"))
    assert skipped == statuses["not_applicable"] + statuses["waived"]
    names = {p.get("name") for p in suite.find("properties")}
    assert {"ruleset_sha256", "input_sha256", "as_of"} <= names


def test_junit_failure_names_the_status_and_reasoning():
    result = check_sample("ordos-calcium-carbide.yaml")
    root = ET.fromstring(formats.render(result, "junit", "zh"))
    case = next(c for c in root.iter("testcase") if c.get("name").startswith("WA-002"))
    failure = case.find("failure")
    assert failure.get("type") == "fail"
    assert "取水许可" in failure.get("message")
    assert case.get("line") == "30"


def test_junit_escapes_hostile_strings_and_skips_waived(tmp_path):
    text = formats.render(check_hostile(tmp_path), "junit", "en")
    root = ET.fromstring(text)  # well-formed despite the markup in user strings
    assert "<script>" not in text
    case = next(c for c in root.iter("testcase") if c.get("name").startswith("WA-002"))
    assert case.find("skipped").get("message").startswith("[waived; original status: fail] Waiver: @某盟市发改委")
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert props["claim.EC-001"].startswith("review (status before the claim: fail); =申请人, +无")
    assert props["project"] == HOSTILE_NAME


# ---- CSV ---------------------------------------------------------------------------------------


def read_csv(text):
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_csv_has_a_bom_and_one_row_per_finding(lang):
    result = check_sample("ordos-calcium-carbide.yaml")
    text = formats.render(result, "csv", lang)
    rows = read_csv(text)
    assert [r["rule"] for r in rows] == [f.id for f in result.findings]
    assert [r["status"] for r in rows] == [f.status for f in result.findings]
    assert all(r["input_sha256"] == result.document.sha256 for r in rows)
    assert all(r["ruleset_sha256"] == result.ruleset.sha256 for r in rows)
    wa = next(r for r in rows if r["rule"] == "WA-002")
    # each parameter as the text report lists it: its name (in Chinese, its description), value, source
    shown = "需要取水许可的年新水取用量 = 10,000 m³/a" if lang == "zh" else "water_permit_threshold_m3 = 10,000 m3/a"
    assert shown in wa["parameters"]
    # no document gives this threshold: the authority's default, never "from a secondary source"
    label = "[审查机关默认值(规划及上位文件未给出数值" if lang == "zh" else "[review-authority default"
    assert label in wa["parameters"]
    assert ("二手资料" if lang == "zh" else "secondary") not in wa["parameters"]
    assert wa["location"] == "projects/ordos-calcium-carbide.yaml:30 water.fresh_water_m3"


def test_csv_neutralises_cells_a_spreadsheet_would_run(tmp_path):
    rows = read_csv(formats.render(check_hostile(tmp_path), "csv", "en"))
    wa = next(r for r in rows if r["rule"] == "WA-002")
    wa1 = next(r for r in rows if r["rule"] == "WA-001")
    ec = next(r for r in rows if r["rule"] == "EC-001")
    assert wa["waiver"].startswith("'@某盟市发改委")
    assert wa1["waiver"] == "某局, +旧文件, to 2020-01-01: expired long ago (expired on 2020-01-01)"
    assert ec["claim"].startswith("'=申请人, +无")
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_neutralise_prefixes_formula_starts(value):
    from checker.reports.csv import neutralise

    assert neutralise(value) == "'" + value
    assert neutralise("电石 " + value) == "电石 " + value


# ---- every format ------------------------------------------------------------------------------


# GitHub annotations carry only what asks for action (tests/test_batch_documents.py), no audit block
@pytest.mark.parametrize("fmt", [f for f in formats.FORMATS if f != "github"])
def test_every_format_renders_every_sample_in_both_languages(fmt):
    for sample in SAMPLES:
        result = check_sample(sample)
        for lang in ("zh", "en"):
            rendered = formats.render(result, fmt, lang)
            assert result.findings[0].id in rendered
            assert result.document.sha256 in rendered  # the audit block, in every format


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("r.json", "json"),
        ("r.sarif", "sarif"),
        ("r.xml", "junit"),
        ("r.html", "html"),
        ("r.md", "markdown"),
        ("r.csv", "csv"),
        ("r.txt", "text"),
        ("R.HTML", "html"),
    ],
)
def test_output_extension_gives_the_format(name, fmt):
    assert formats.format_for(name) == fmt


def test_unknown_output_extension_is_a_usage_error():
    from checker.errors import UsageError

    with pytest.raises(UsageError, match="--format"):
        formats.format_for("report.pdf")
