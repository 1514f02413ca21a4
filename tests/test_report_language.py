"""A Chinese report holds no English fragment and an English report no Chinese one, apart from
quotations and names (the rules of `tests/support/report_language.py`), for every shipped sample in the
text, Markdown and HTML formats."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pytest
import yaml

from checker.reports import formats
from checker.rules.parameters import resolve
from tests.support import REPO
from tests.support.checkers import checker_on
from tests.support.report_language import chinese_in_english, english_in_chinese, read_text

SAMPLES = sorted((REPO / "projects").glob("*.yaml"))
FORMATS = ("text", "markdown", "html")
AS_OF = dt.date(2025, 6, 1)  # inside the plan period: no notice
AFTER_PLAN = dt.date(2026, 12, 4)  # with the notice of a check dated after the plan period


@cache
def result(path: Path, as_of: dt.date):
    return checker_on(as_of).check_path(str(path))


@cache
def citations() -> frozenset[str]:
    """The Chinese an English report may show: the parameters' sources and the plan locations
    (names of documents and their parts), as cited."""
    found = {str(p.source) for p in resolve(AS_OF).values.values()}
    for rule in checker_on(AS_OF).ruleset.rules:
        found.update(basis.location for basis in rule.spec.basis)
        found.update(basis.quote for basis in rule.spec.basis)
        found.update(rule.spec.references)  # further reading, named as published
    return frozenset(found)


def project_words(path: Path) -> frozenset[str]:
    """The applicant's own words, every text of the project file (name, applicant, place,
    evidence), and the places as the checker names them (呼和浩特市 for 呼和浩特)."""
    from checker.project.vocabulary import league_cities

    def texts(node: object) -> list[str]:
        if isinstance(node, dict):
            return [t for v in node.values() for t in texts(v)]
        if isinstance(node, list):
            return [t for v in node for t in texts(v)]
        return [node] if isinstance(node, str) else []

    places = [str(city) for city in league_cities()]
    return frozenset(texts(yaml.safe_load(path.read_text(encoding="utf-8"))) + places)


@pytest.mark.parametrize("as_of", [AS_OF, AFTER_PLAN], ids=["in-plan", "after-plan"])
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_a_chinese_report_holds_no_english_fragment(sample, fmt, as_of):
    rendered = formats.render(result(sample, as_of), fmt, "zh")
    assert english_in_chinese(rendered, fmt) == []


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_an_english_report_holds_chinese_only_in_quotations_and_names(sample, fmt):
    rendered = formats.render(result(sample, AS_OF), fmt, "en")
    assert chinese_in_english(rendered, fmt, citations() | project_words(sample)) == []


def test_the_scanner_finds_the_fragments_it_is_for():
    assert english_in_chinese("说明 (not needed: the rule's status is pass)", "text")
    assert english_in_chinese("单位工业增加值用水量 20 m3/10k yuan", "text")
    assert english_in_chinese("产品: calcium_carbide", "text")
    assert english_in_chinese("排除原料用能 = true", "text")
    assert english_in_chinese("<td>HE-001</td><td>新增产能 adds_capacity</td>", "html")
    assert not english_in_chinese("HE-001 行业代码 (project.industry_code): C2613, 1,020 kgce", "text")
    assert not english_in_chinese("输入文件: projects/ordos-calcium-carbide.yaml (sha256 529bf7e8b9b1bdb1)", "text")
    assert chinese_in_english("Verdict: 不予通过", "text", frozenset())
    assert not chinese_in_english("quote: “严格执行国家能耗”", "text", frozenset())


# ---- the formats a person reads beside a program: CSV cells, JUnit texts, SARIF messages ----------

CI_FORMATS = ("csv", "junit", "sarif")


@pytest.mark.parametrize("fmt", CI_FORMATS)
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_the_text_of_a_chinese_ci_report_holds_no_english_fragment(sample, fmt):
    rendered = formats.render(result(sample, AS_OF), fmt, "zh")
    assert english_in_chinese(read_text(rendered, fmt), "text") == []


@pytest.mark.parametrize("fmt", CI_FORMATS)
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_the_text_of_an_english_ci_report_holds_chinese_only_in_quotations_and_names(sample, fmt):
    rendered = formats.render(result(sample, AS_OF), fmt, "en")
    assert chinese_in_english(read_text(rendered, fmt), "text", citations() | project_words(sample)) == []


@pytest.fixture(scope="module")
def waived_and_claimed(tmp_path_factory):
    """The calcium-carbide sample claiming two waivers itself (EC-001, sent to review; LA-001, a red
    line) under a register with one entry applied (WA-002) and one expired (HE-003)."""
    from tests.support.checkers import checker_with_register, write_register

    folder = tmp_path_factory.mktemp("claims")
    data = yaml.safe_load((REPO / "projects" / "ordos-calcium-carbide.yaml").read_text("utf-8"))
    data["waivers"] = [
        {"rule": "EC-001", "reason": "已列入自治区重大项目", "approved_by": "某局", "document": "某文件"},
        {"rule": "LA-001", "reason": "红线", "approved_by": "某局", "document": "某文件2"},
    ]
    path = folder / "claims.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    entry = {"project": "NM-2025-0042", "approved_by": "自治区能源局", "document": "内能字〔2024〕2号"}
    register = write_register(
        folder,
        [
            {**entry, "rule": "WA-002", "reason": "取水许可正在办理", "expires": dt.date(2030, 12, 31)},
            {**entry, "rule": "HE-003", "reason": "技术改造过渡期", "expires": dt.date(2025, 1, 31)},
        ],
    )
    checked = checker_with_register(AS_OF, register).check_path(path)
    statuses = {f.id: (f.status, f.waiver_note, f.claim_note) for f in checked.findings}
    assert statuses["HE-003"][1] == "expired on 2025-01-31"
    assert statuses["WA-002"][0] == "waived"
    assert statuses["EC-001"][0] == "review" and statuses["LA-001"][2].startswith("the rule cannot be waived")
    return checked


@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_waivers_and_claims_are_worded_in_chinese_in_a_chinese_ci_report(waived_and_claimed, fmt):
    text = read_text(formats.render(waived_and_claimed, fmt, "zh"), fmt)
    assert english_in_chinese(text, "text") == []
    if fmt != "sarif":  # SARIF names an expired entry in its data (properties), not in words
        assert "已于2025-01-31到期,不予适用" in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_csv_and_junit_word_each_parameter_as_the_text_report_does(lang):
    import csv
    import io
    import xml.etree.ElementTree as ET

    checked = result(SAMPLES[0].parent / "ordos-calcium-carbide.yaml", AS_OF)
    text = {line.strip().removeprefix("- ") for line in formats.render(checked, "text", lang).splitlines()}
    rows = csv.DictReader(io.StringIO(formats.render(checked, "csv", lang).lstrip("\ufeff")))
    cells = [p for row in rows for p in row["parameters"].split(" / ") if row["parameters"]]
    assert cells and all(cell in text for cell in cells)
    root = ET.fromstring(formats.render(checked, "junit", lang))
    shown = {line for failure in root.iter("failure") for line in failure.text.splitlines()}
    params = [line for line in shown if " = " in line and not line.startswith("- ")]  # not a remedy
    assert params and all(line in text for line in params)
