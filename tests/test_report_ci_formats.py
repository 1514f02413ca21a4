"""The CI and spreadsheet formats (JUnit, GitHub annotations, CSV, SARIF) word a finding as the
text report does: the same fact lines, the same headings, the same language.

These formats are read by people too (a CI server's test details, a pull request's annotation),
so a fact printed as a Python value (`None`, `'C2613'`, `True`) or a heading that states a
violation under a pass is as wrong there as in the text report.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from checker.reports import formats
from tests.support.reporting import check_sample

CARBIDE = "ordos-calcium-carbide.yaml"


def verbose_lines(result, lang):
    return {line.strip().removeprefix("- ") for line in formats.render(result, "text", lang).splitlines()}


def junit_details(result, lang):
    root = ET.fromstring(formats.render(result, "junit", lang))
    for case in root.iter("testcase"):
        for child in case:
            if child.tag in ("failure", "system-out"):
                yield case.get("name"), child.text.splitlines()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_junit_prints_each_fact_as_the_text_report_does(lang):
    result = check_sample(CARBIDE)
    text = verbose_lines(result, lang)
    facts_of = {f.id: f for f in result.findings}
    checked = 0
    for name, lines in junit_details(result, lang):
        finding = facts_of[name.split(" ")[0]]
        fact_lines = lines[2 : 2 + len(finding.facts)]
        assert len(fact_lines) == len(finding.facts)
        for line in fact_lines:
            assert line in text, (name, line)
            checked += 1
    assert checked > 20


def test_junit_never_prints_a_python_value():
    result = check_sample(CARBIDE)
    for _name, lines in junit_details(result, "zh"):
        for line in lines:
            assert " None" not in line and "'C2613'" not in line and "'new'" not in line
            assert "12.985971000000001" not in line
    details = [line for _name, lines in junit_details(result, "zh") for line in lines]
    assert "行业代码 (project.industry_code): C2613" in details
    assert "新增产能: 是" in details


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_github_annotation_is_headed_as_the_text_report_heads_the_finding(lang):
    from checker.reports.github import escape_data
    from checker.reports.render import heading
    from checker.reports.words import term

    result = check_sample(CARBIDE)
    lines = formats.render(result, "github", lang).splitlines()
    annotated = {}
    for line in lines:
        properties, message = line.split("::")[1:3]
        if "title=" in properties and "-" in properties.split("title=")[1]:
            annotated[properties.split("title=")[1]] = message
    findings = {f.id: f for f in result.findings}
    assert any(findings[rule].status == "missing_info" for rule in annotated)
    for rule, message in annotated.items():
        finding = findings[rule]
        status = term(finding.status, lang, "status")
        assert message.startswith(escape_data(f"[{status}] {heading(finding, lang)}: ")), message


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_junit_test_case_is_named_by_the_rules_subject_whatever_its_status(lang):
    result = check_sample(CARBIDE)
    root = ET.fromstring(formats.render(result, "junit", lang))
    names = [case.get("name") for case in root.iter("testcase")]
    expected = [f"{f.id} {getattr(f.rule.spec.subject or f.rule.spec.title, lang)}" for f in result.findings]
    assert names == expected
    passing = [f for f in result.findings if f.status in ("pass", "missing_info") and f.rule.spec.subject]
    assert passing and all(getattr(f.rule.spec.title, lang) not in " ".join(names) for f in passing)
