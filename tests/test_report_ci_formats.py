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


@pytest.fixture(scope="module")
def claimed(tmp_path_factory):
    """The calcium-carbide sample claiming a waiver of EC-001 itself: the failure goes to review."""
    import yaml

    from tests.support import REPO
    from tests.support.checkers import checker_on
    from tests.support.reporting import AS_OF

    data = yaml.safe_load((REPO / "projects" / CARBIDE).read_text("utf-8"))
    data["waivers"] = [{"rule": "EC-001", "reason": "申请方称已获批", "approved_by": "某局", "document": "某文件"}]
    path = tmp_path_factory.mktemp("claim") / "claim.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = checker_on(AS_OF).check_path(path)
    finding = next(f for f in result.findings if f.id == "EC-001")
    assert (finding.status, finding.claimed_status, finding.original_status) == ("review", "fail", None)
    return result


@pytest.mark.parametrize(("lang", "said"), [("zh", "原结论: 不通过"), ("en", "original status: fail")])
def test_a_claimed_finding_shows_the_status_the_claim_set_aside_in_every_format(claimed, lang, said):
    import csv
    import io

    compact = formats.render(claimed, "text", lang, compact=True)
    heading = next(line for line in compact.splitlines() if "] EC-001 " in line)
    assert heading.endswith(f"; {said})")
    for fmt in ("text", "markdown", "html"):
        after = formats.render(claimed, fmt, lang).split("EC-001")[1:]  # its summary row, then its section
        assert any(said in part[:600] for part in after), fmt
    rows = csv.DictReader(io.StringIO(formats.render(claimed, "csv", lang).lstrip("\ufeff")))
    assert next(row for row in rows if row["rule"] == "EC-001")["original_status"] == "fail"
    annotation = next(line for line in formats.render(claimed, "github", lang).splitlines() if "title=EC-001" in line)
    assert f"({said}):" in annotation
    root = ET.fromstring(formats.render(claimed, "junit", lang))
    case = next(c for c in root.iter("testcase") if c.get("name").startswith("EC-001 "))
    assert case.find("failure").text.splitlines()[1] == said
