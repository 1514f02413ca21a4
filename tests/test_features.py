"""Step definitions of the Chinese executable specification in features/ (one feature per category).

A scenario names a realistic base project in the reviewer's words ("一个新建电石项目"), changes the
facts listed in its table (key path | value), checks it on a date and states the conclusion of a
rule or the verdict in the report's own Chinese terms. Steps build the project exactly as the rule
fixtures do (tests/support/casebook.py), so the specification and the fixtures cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from pytest_bdd import given, parsers, scenarios, then, when

from checker.check import CheckResult
from tests.support.casebook import DEFAULT_AS_OF, Case
from tests.support.checkers import checker_on, checker_with_register, write_register

scenarios(".")

# the reviewer's name of each base project in rules/bases/
BASES = {
    "新建电石项目": "calcium_carbide",
    "新建燃煤热电联产项目": "coal_chp",
    "新建数据中心": "data_centre",
    "新建沙漠光伏项目": "desert_pv",
    "新建井工煤矿": "coal_mine",
    "新建风电项目": "wind_farm",
    "硅锰合金扩建项目": "ferroalloy",
    "新建稀土冶炼分离项目": "rare_earth",
    "水泥熟料生产线节能改造项目": "cement_renovation",
}
STATUSES = {
    "不通过": "fail",
    "警告": "warn",
    "人工复核": "review",
    "通过": "pass",
    "不适用": "not_applicable",
    "信息不全": "missing_info",
    "已豁免": "waived",
}
VERDICTS = {
    "不予通过": "rejected",
    "需人工复核": "needs_review",
    "通过(有警告)": "approved_with_warnings",
    "通过": "approved",
}
NOT_DECLARED = "(未申报)"


class Application:
    """The project a scenario builds up, then checks."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.set: dict[str, Any] = {}
        self.unset: list[str] = []
        self.register: list[dict[str, Any]] | None = None  # the authority's waiver register
        self.result: CheckResult | None = None


@given(parsers.parse("一个{description}"), target_fixture="application")
def an_application(description: str) -> Application:
    assert description in BASES, f"unknown project {description!r}; one of {sorted(BASES)}"
    return Application(BASES[description])


@given("项目申报如下:")
def declared_facts(application: Application, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    assert header == ["键路径", "值"], "the table's columns are 键路径 | 值"
    for key, raw in rows:
        if raw.strip() == NOT_DECLARED:
            application.unset.append(key.strip())
        else:
            application.set[key.strip()] = yaml.safe_load(raw)


REGISTER_COLUMNS = {
    "项目": "project",
    "规则": "rule",
    "理由": "reason",
    "批准机关": "approved_by",
    "文件": "document",
    "有效期至": "expires",
}


@given("审查机关豁免登记如下:")
def waiver_register(application: Application, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    assert header == list(REGISTER_COLUMNS), f"the table's columns are {' | '.join(REGISTER_COLUMNS)}"
    application.register = [
        {REGISTER_COLUMNS[name]: yaml.safe_load(value.strip()) for name, value in zip(header, row, strict=True)}
        for row in rows
    ]


@when(parsers.parse("按 {day} 的参数审查"))
def check_on(application: Application, day: str, tmp_path: Path) -> None:
    _check(application, dt.date.fromisoformat(day), tmp_path)


@when("审查")
def check_today(application: Application, tmp_path: Path) -> None:
    _check(application, DEFAULT_AS_OF, tmp_path)


def _check(application: Application, as_of: dt.date, tmp_path: Path) -> None:
    case = Case(
        rule="",
        name="",
        base=application.base,
        expect="",
        set=application.set,
        unset=tuple(application.unset),
        as_of=as_of,
    )
    path = tmp_path / "project.yaml"
    path.write_text(yaml.safe_dump(case.project_data(), allow_unicode=True), encoding="utf-8")
    checker = (
        checker_on(as_of)
        if application.register is None
        else checker_with_register(as_of, write_register(tmp_path, application.register))
    )
    application.result = checker.check_path(path)


@then(parsers.parse("规则 {rule} 的结论是 {status}"))
def rule_status(application: Application, rule: str, status: str) -> None:
    assert application.result is not None, "check the project first (当 审查)"
    finding = next(f for f in application.result.findings if f.id == rule)
    assert finding.status == STATUSES[status], f"{rule}: {finding.status}"


@then(parsers.parse("审查结论是 {verdict}"))
def overall_verdict(application: Application, verdict: str) -> None:
    assert application.result is not None, "check the project first (当 审查)"
    assert application.result.verdict == VERDICTS[verdict]


@pytest.fixture
def application() -> Application:
    """Replaced by the 假如 step; a scenario without one fails here rather than guessing."""
    raise AssertionError("a scenario must start with 假如 一个…项目")


def test_one_chinese_feature_per_category():
    features = Path(__file__).resolve().parent.parent / "features"
    names = sorted(path.stem for path in features.glob("*.feature"))
    # one per rule category, and one for what crosses them: waivers (catalogue amendment 7)
    assert names == sorted(["HE", "EC", "CO", "RE", "WA", "LA", "MI", "CB", "waivers"])
    for path in features.glob("*.feature"):
        assert path.read_text(encoding="utf-8").startswith("# language: zh-CN\n功能:")
