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
from tests.support.report_language import chinese_in_english, english_in_chinese

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
