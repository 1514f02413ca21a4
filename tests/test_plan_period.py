"""The plan period: the ruleset states its plan, a check dated after it carries a notice in every
format, and a check dated before it is refused (catalogue amendment 10)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET

import pytest
import yaml
from click.testing import CliRunner

from checker.check import Checker
from checker.cli.app import check_main
from checker.errors import UsageError
from checker.reports import formats
from checker.reports import render as report
from checker.reports.line import verdict_line
from checker.rules.parameters import resolve
from checker.rules.plan_period import OUTSIDE_PLAN_PERIOD, notices
from checker.rules.ruleset import load_ruleset
from tests.support import REPO
from tests.support.checkers import checker_on
from tests.support.reporting import SARIF_VALIDATOR, check_sample

INSIDE = dt.date(2025, 12, 31)  # the last day of the 14th plan
AFTER = dt.date(2026, 1, 1)  # the first day after it
SAMPLE = "kubuqi-desert-pv.yaml"
HUMAN = ("text", "markdown", "html")


def run(*args: str):
    return CliRunner().invoke(check_main, list(args), catch_exceptions=False)


def test_the_ruleset_states_the_plan_it_implements_and_its_period():
    plan = load_ruleset().plan
    assert plan is not None
    assert plan.title.zh == "《内蒙古自治区国民经济和社会发展第十四个五年规划和2035年远景目标纲要》"
    assert (plan.start, plan.end) == (dt.date(2021, 1, 1), dt.date(2025, 12, 31))
    verdict = report.verdict_json(check_sample(SAMPLE, INSIDE), "zh")
    assert verdict["ruleset"]["plan"] == {
        "title": plan.title.zh,
        "from": "2021-01-01",
        "to": "2025-12-31",
    }


def test_a_check_on_the_last_day_of_the_plan_has_no_notice_in_any_format():
    result = check_sample(SAMPLE, INSIDE)
    assert result.notices == ()
    assert report.verdict_json(result, "zh")["notices"] == []
    for fmt in HUMAN:
        rendered = formats.render(result, fmt, "zh")
        assert "规划期" not in rendered and "提示" not in rendered, fmt
    junit = ET.fromstring(formats.render(result, "junit", "en"))
    assert not [p for p in junit.iter("property") if p.get("name", "").startswith("notice.")]
    sarif = json.loads(formats.render(result, "sarif", "en"))
    assert sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"] == []
    rows = list(csv.DictReader(io.StringIO(formats.render(result, "csv", "zh").lstrip("\ufeff"))))
    assert {row["notices"] for row in rows} == {""}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_check_after_the_plan_period_carries_the_notice_in_every_format(lang):
    result = check_sample(SAMPLE, AFTER)
    verdict = report.verdict_json(result, lang)
    assert [n["code"] for n in verdict["notices"]] == [OUTSIDE_PLAN_PERIOD]
    message = verdict["notices"][0]["message"]
    if lang == "zh":
        assert "审查日期2026-01-01" in message and "2021-01-01至2025-12-31" in message
        assert "“十四五”规划的规则" in message and "现行规划的要求须由审查人员另行核对" in message
    else:
        assert "2026-01-01 is after the period" in message
        assert "14th Five-Year Plan" in message and "plan now in force" in message
    for fmt in HUMAN:
        rendered = formats.render(result, fmt, lang)
        assert message in rendered, fmt
        # under the verdict, before the findings
        assert rendered.index(message) < rendered.index("HE-001"), fmt
    junit = ET.fromstring(formats.render(result, "junit", lang))
    assert {p.get("name"): p.get("value") for p in junit.iter("property")}[f"notice.{OUTSIDE_PLAN_PERIOD}"] == message
    sarif = json.loads(formats.render(result, "sarif", lang))
    SARIF_VALIDATOR.validate(sarif)
    [notification] = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notification["descriptor"]["id"] == OUTSIDE_PLAN_PERIOD
    assert notification["message"]["text"] == message and notification["level"] == "warning"
    rows = list(csv.DictReader(io.StringIO(formats.render(result, "csv", lang).lstrip("\ufeff"))))
    assert {row["notices"] for row in rows} == {message}


def test_the_batch_line_carries_the_notices_as_the_verdict_does():
    result = check_sample(SAMPLE, AFTER)
    line = json.loads(verdict_line(result, "zh"))
    assert line["notices"] == report.verdict_json(result, "zh")["notices"] != []
    assert line["ruleset"]["plan"]["to"] == "2025-12-31"


def test_a_batch_says_which_projects_were_checked_after_the_plan_period():
    for as_of, expected in (("2025-06-01", ""), ("2026-06-01", OUTSIDE_PLAN_PERIOD)):
        result = run(
            str(REPO / "projects" / SAMPLE),
            str(REPO / "projects" / "hohhot-data-centre.yaml"),
            "--format",
            "csv",
            "--as-of",
            as_of,
            "-j",
            "1",
        )
        rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
        assert [row["notices"] for row in rows] == [expected, expected]
        lines = run(
            str(REPO / "projects" / SAMPLE),
            str(REPO / "projects" / "hohhot-data-centre.yaml"),
            "--format",
            "json",
            "--as-of",
            as_of,
            "-j",
            "1",
        ).stdout.splitlines()
        assert [[n["code"] for n in json.loads(line)["notices"]] for line in lines] == (
            [[expected], [expected]] if expected else [[], []]
        )


def test_a_check_without_a_date_runs_today_and_says_when_today_is_after_the_plan():
    result = run(str(REPO / "projects" / SAMPLE), "--format", "json")
    verdict = json.loads(result.stdout)
    after = dt.date.fromisoformat(verdict["as_of"]) > dt.date(2025, 12, 31)
    assert [n["code"] for n in verdict["notices"]] == ([OUTSIDE_PLAN_PERIOD] if after else [])


@pytest.mark.parametrize("as_of", ["2020-12-31", "2019-06-01"])
def test_a_check_dated_before_the_plan_period_is_invalid(as_of):
    result = run(str(REPO / "projects" / SAMPLE), "--as-of", as_of)
    assert result.exit_code == 2
    assert f"check date {as_of} is before the period of the rules' plan" in result.stderr
    assert "2021-01-01 to 2025-12-31" in result.stderr


def test_a_checker_refuses_a_date_before_the_plan_even_when_a_policy_gives_every_value():
    params = resolve(dt.date(2021, 1, 1))
    early = type(params)(as_of=dt.date(2020, 6, 1), values=params.values)
    with pytest.raises(UsageError, match="before the period"):
        Checker(load_ruleset(), early)


def test_the_notice_depends_only_on_the_date_and_the_plan():
    plan = load_ruleset().plan
    assert notices(plan, dt.date(2021, 1, 1)) == ()
    assert notices(plan, INSIDE) == ()
    assert [n.code for n in notices(plan, AFTER)] == [OUTSIDE_PLAN_PERIOD]
    assert [n.code for n in notices(plan, dt.date(2050, 1, 1))] == [OUTSIDE_PLAN_PERIOD]
    assert notices(None, dt.date(2050, 1, 1)) == ()  # a stored ruleset from before plans


def test_the_plan_file_is_part_of_the_ruleset_hash_and_must_be_well_formed(tmp_path):
    import shutil

    from checker.errors import RuleDataError
    from checker.rules.ruleset import _load_ruleset

    root = tmp_path / "rules"
    shutil.copytree(REPO / "rules", root)
    base = _load_ruleset(root)
    data = yaml.safe_load((root / "pack.yaml").read_text(encoding="utf-8"))
    data["plan"]["to"] = dt.date(2030, 12, 31)
    (root / "pack.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    changed = _load_ruleset(root)
    assert changed.sha256 != base.sha256 and changed.plan.end == dt.date(2030, 12, 31)
    data["plan"]["surprise"] = 1
    (root / "pack.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleDataError, match=r"rules/pack\.yaml:\d+: plan\.surprise"):
        _load_ruleset(root)


def test_samples_keep_their_verdicts_after_the_plan_period():
    for name in ("ordos-calcium-carbide.yaml", "kubuqi-desert-pv.yaml", "hohhot-data-centre.yaml"):
        assert check_sample(name, INSIDE).verdict == checker_on(AFTER).check_path(REPO / "projects" / name).verdict
