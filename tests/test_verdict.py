"""Verdict aggregation and waivers, exactly per the contract of project-format.md."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from checker.errors import InputError
from checker.verdict.findings import exit_code
from tests.support import REPO
from tests.support.checkers import checker_on, checker_with_register, write_register

AS_OF = dt.date(2026, 1, 1)


def check_with(tmp_path, sample: str, extra: dict | None = None):
    data = yaml.safe_load((REPO / "projects" / sample).read_text(encoding="utf-8"))
    data.update(extra or {})
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return checker_on(AS_OF).check_path(path)


def statuses(result):
    return {f.id: f.status for f in result.findings}


@pytest.mark.parametrize(
    ("verdict", "code"),
    [("approved", 0), ("approved_with_warnings", 0), ("rejected", 1), ("needs_review", 3)],
)
def test_exit_codes(verdict, code):
    assert exit_code(verdict) == code


def test_a_binding_failure_rejects(tmp_path):
    result = check_with(tmp_path, "ordos-calcium-carbide.yaml")
    assert result.verdict == "rejected"


def test_a_review_without_failures_needs_review(tmp_path):
    result = check_with(tmp_path, "baotou-rare-earth-separation.yaml")
    assert "fail" not in statuses(result).values()
    assert result.verdict == "needs_review"


def check_with_register(tmp_path, sample: str, entries: list[dict], extra: dict | None = None):
    data = yaml.safe_load((REPO / "projects" / sample).read_text(encoding="utf-8"))
    data.update(extra or {})
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return checker_with_register(AS_OF, write_register(tmp_path, entries)).check_path(path)


def test_a_register_waiver_in_force_sets_the_finding_aside_and_is_counted_apart(tmp_path):
    entry = {
        "project": "NM-2025-0815",
        "rule": "MI-002",
        "reason": "已核实稀土开采冶炼分离总量控制指标",
        "approved_by": "自治区工业和信息化厅",
        "document": "内工信原字〔2025〕1号",
        "expires": dt.date(2026, 12, 31),
    }
    result = check_with_register(tmp_path, "baotou-rare-earth-separation.yaml", [entry])
    mi002 = next(f for f in result.findings if f.id == "MI-002")
    assert (mi002.status, mi002.original_status) == ("waived", "review")
    assert result.verdict == "approved"


def test_an_expired_register_waiver_is_shown_but_not_applied(tmp_path):
    entry = {
        "project": "NM-2025-0815",
        "rule": "MI-002",
        "reason": "r",
        "approved_by": "x",
        "document": "y",
        "expires": dt.date(2025, 6, 30),
    }
    result = check_with_register(tmp_path, "baotou-rare-earth-separation.yaml", [entry])
    mi002 = next(f for f in result.findings if f.id == "MI-002")
    assert mi002.status == "review"
    assert mi002.waiver_note == "expired on 2025-06-30"
    assert result.verdict == "needs_review"


def test_a_register_waiver_for_a_passing_rule_changes_nothing(tmp_path):
    entry = {
        "project": "NM-2025-0107",
        "rule": "WA-002",
        "reason": "r",
        "approved_by": "x",
        "document": "y",
        "expires": dt.date(2030, 1, 1),
    }
    result = check_with_register(tmp_path, "kubuqi-desert-pv.yaml", [entry])
    wa002 = next(f for f in result.findings if f.id == "WA-002")
    assert wa002.status == "pass"
    assert "not needed" in wa002.waiver_note


def test_a_waiver_in_the_project_file_is_a_claim_never_a_waiver(tmp_path):
    claim = {
        "rule": "MI-002",
        "reason": "已核实",
        "approved_by": "自治区工业和信息化厅",
        "document": "内工信原字〔2025〕1号",
        "expires": dt.date(2026, 12, 31),
    }
    result = check_with(tmp_path, "baotou-rare-earth-separation.yaml", {"waivers": [claim]})
    mi002 = next(f for f in result.findings if f.id == "MI-002")
    assert (mi002.status, mi002.claimed_status, mi002.waiver) == ("review", None, None)
    assert result.verdict == "needs_review"


def test_a_waiver_naming_an_unknown_rule_is_an_input_error_with_its_line(tmp_path):
    waiver = {"rule": "XX-999", "approved_by": "x", "document": "y"}
    with pytest.raises(InputError) as caught:
        check_with(tmp_path, "kubuqi-desert-pv.yaml", {"waivers": [waiver]})
    assert "waivers[0].rule: names unknown rule XX-999" in str(caught.value)


def test_a_claim_without_approval_is_read_and_changes_nothing_on_a_red_line(tmp_path):
    # a claim's keys are optional like every key of the format: the file is read, the claim listed
    result = check_with(tmp_path, "kubuqi-desert-pv.yaml", {"waivers": [{"rule": "LA-001", "document": "y"}]})
    la001 = next(f for f in result.findings if f.id == "LA-001")
    assert (la001.status, la001.claim.approved_by, la001.claimed_status) == ("pass", None, None)


def test_counts_name_every_status_in_table_order_and_count_each_finding_once(tmp_path):
    from checker.verdict.findings import counts
    from checker.vocabulary import COUNT_ORDER as STATUSES

    result = check_with(tmp_path, "ordos-calcium-carbide.yaml")
    found = counts(result.findings)
    assert list(found) == list(STATUSES)
    assert sum(found.values()) == len(result.findings)
    for status in STATUSES:
        assert found[status] == len([f for f in result.findings if f.status == status])
    assert found["fail"] > 0
