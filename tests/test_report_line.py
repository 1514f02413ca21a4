"""The batch's JSON line is, byte for byte, the compact dump of `verdict_json`.

`report_line.verdict_line` assembles the line from pieces, some encoded once per process; the
contract stays `verdict_json`. Every fixture (each rule's statuses, per-item rules, missing
keys), every sample project in both languages and the three waiver cases are compared, and
checkers with different parameters alternate in one process so that no piece is reused across
parameter sets.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml

from checker.reports.line import verdict_line
from checker.reports.render import verdict_json
from tests.support import REPO
from tests.support.casebook import load_cases, write_case
from tests.support.checkers import checker_on, checker_with_register, write_register

SAMPLES = sorted((REPO / "projects").glob("*.yaml"))
CASES = load_cases()


def compact(result, lang: str) -> str:
    return json.dumps(verdict_json(result, lang), ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_every_sample_at_two_dates(sample, lang):
    for as_of in (dt.date(2022, 6, 1), dt.date(2026, 1, 1), dt.date(2022, 6, 1)):
        result = checker_on(as_of).check_path(sample)
        assert verdict_line(result, lang) == compact(result, lang)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}: {c.name}" for c in CASES])
def test_every_fixture(case, tmp_path):
    result = checker_on(case.as_of).check_path(write_case(case, tmp_path))
    for lang in ("zh", "en"):
        assert verdict_line(result, lang) == compact(result, lang)


@pytest.mark.parametrize(
    ("entry", "claim", "status"),
    [
        (
            {
                "project": "NM-2025-0815",
                "rule": "MI-002",
                "reason": "已核实",
                "approved_by": "自治区工业和信息化厅",
                "document": "内工信原字〔2025〕1号",
                "expires": dt.date(2026, 12, 31),
            },
            None,
            "waived",
        ),
        (
            {
                "project": "NM-2025-0815",
                "rule": "MI-002",
                "reason": "r",
                "approved_by": "x",
                "document": "y",
                "expires": dt.date(2025, 6, 30),
            },
            None,
            "review",
        ),
        (
            {
                "project": "NM-2025-0107",
                "rule": "WA-002",
                "reason": "r",
                "approved_by": "x",
                "document": "y",
                "expires": dt.date(2030, 1, 1),
            },
            None,
            "pass",
        ),
        (None, {"rule": "LA-001", "approved_by": "x", "document": "y"}, "pass"),
        (None, {"rule": "WA-001", "approved_by": "申请人", "document": "无"}, "review"),
    ],
    ids=["applied", "expired", "not-needed", "claim-on-a-red-line", "claim-to-review"],
)
def test_waivers(entry, claim, status, tmp_path):
    rule = (entry or claim)["rule"]
    sample = (
        "kubuqi-desert-pv.yaml"
        if rule in ("LA-001", "WA-002")
        else ("ordos-calcium-carbide.yaml" if rule == "WA-001" else "baotou-rare-earth-separation.yaml")
    )
    data = yaml.safe_load((REPO / "projects" / sample).read_text(encoding="utf-8"))
    if claim:
        data["waivers"] = [claim]
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    checker = (
        checker_with_register(dt.date(2026, 1, 1), write_register(tmp_path, [entry]))
        if entry
        else checker_on(dt.date(2026, 1, 1))
    )
    result = checker.check_path(path)
    finding = next(f for f in result.findings if f.id == rule)
    assert finding.status == status
    for lang in ("zh", "en"):
        line = verdict_line(result, lang)
        assert line == compact(result, lang)
        audit = json.loads(line)["audit"]
        assert (audit["waivers"] if entry else audit["claims"])[0]["rule"] == rule


@pytest.mark.parametrize(
    "value",
    [
        {"a": [1, 2.5, -0.0, 1e308, 5e-324, None, True, False, 10**30]},
        {"名称": '鄂尔多斯 "quoted" \\ \n\t\u2028', "nested": {"x": [{"y": []}, {}]}},
        "just a string",
        1.0000000000000002,
        [],
    ],
)
def test_the_encoder_writes_what_json_dumps_writes(value):
    from checker.reports.line import _encode

    assert _encode(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize("number", [float("nan"), float("inf"), -float("inf")])
def test_the_encoder_refuses_what_is_not_json(number):
    """NaN and Infinity are not JSON: a line holding one is a bug, not output."""
    from checker.reports.line import _encode

    with pytest.raises(ValueError, match="not JSON compliant"):
        _encode({"a": [1, number]})


def test_the_encoder_refuses_what_json_dumps_refuses():
    from checker.reports.line import _encode

    with pytest.raises(TypeError):
        _encode({"when": dt.date(2025, 1, 1)})
    assert _encode({"after": "an error"}) == '{"after":"an error"}'


def test_messages_are_remembered_only_for_inputs_that_print_alike():
    """A message is remembered by what its template reads; two values that compare equal but
    print differently (True, 1, 1.0; 0.0 and -0.0) are different inputs."""
    from checker.reports.line import _value_key

    keys = [_value_key(v) for v in (True, 1, 1.0, 0.0, -0.0, 0, False, None, "1")]
    assert len(set(keys)) == len(keys)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_remembered_message_reads_as_rendered_with_or_without_a_claim(lang):
    """Every sample twice (the second time from memory), then each finding with a claim added:
    the claim's sentence is never taken from another finding's memory."""
    import dataclasses

    from checker.project.model import Waiver
    from checker.reports.line import _message
    from checker.reports.render import render_message

    def as_json(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    for _ in range(2):
        for sample in SAMPLES:
            result = checker_on(dt.date(2026, 1, 1)).check_path(sample)
            for finding in result.findings:
                assert _message(finding, lang) == as_json(render_message(finding, lang))
                claimed = dataclasses.replace(
                    finding,
                    claim=Waiver(rule=finding.id, approved_by="某厅", document="某号"),
                    claimed_status=finding.status if finding.rule.spec.waivable else None,
                )
                assert _message(claimed, lang) == as_json(render_message(claimed, lang))
                assert "某号" in render_message(claimed, lang)


def test_a_rule_whose_inputs_never_repeat_is_no_longer_remembered(monkeypatch):
    """After its probe, a rule that gave no message twice holds no entry: the memory a worker
    spends on messages goes to those used again."""
    import dataclasses

    from checker.reports import line as report_line
    from checker.reports.render import render_message

    monkeypatch.setattr(report_line, "_messages", {})  # what earlier tests remembered
    monkeypatch.setattr(report_line, "_memo_use", {})

    result = checker_on(dt.date(2026, 1, 1)).check_path(REPO / "projects" / "kubuqi-desert-pv.yaml")
    finding, name = next(
        (f, n) for f in result.findings if not f.items for n, r in f.facts.items() if type(r.value) is float
    )
    for step in range(report_line._MEMO_PROBE + 10):
        reading = finding.facts[name]._replace(value=1000.0 + step)
        varied = dataclasses.replace(finding, facts={**finding.facts, name: reading})
        assert report_line._message(varied, "en") == json.dumps(render_message(varied, "en"), ensure_ascii=False)
    assert not [k for k in report_line._messages if k[0] == id(finding.rule) and k[1] == "en"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_facts_remembered_beside_a_message_are_the_findings_own(lang):
    """Every sample twice (the second time from memory), then each finding with a fact's value
    changed to one that compares equal but prints differently: the facts' JSON is always that of
    the finding at hand, never another's with an equal key."""
    import dataclasses

    from checker.reports.line import _message_and_facts

    def facts_json(finding) -> str:
        return json.dumps({n: r.value for n, r in finding.facts.items()}, ensure_ascii=False, separators=(",", ":"))

    for _ in range(2):
        for sample in SAMPLES:
            result = checker_on(dt.date(2026, 1, 1)).check_path(sample)
            for finding in result.findings:
                assert _message_and_facts(finding, lang)[1] == facts_json(finding)
                for name, reading in finding.facts.items():
                    if type(reading.value) is float and reading.value == int(reading.value):
                        twin = reading._replace(value=int(reading.value))
                    elif type(reading.value) is int and not isinstance(reading.value, bool):
                        twin = reading._replace(value=float(reading.value))
                    else:
                        continue
                    changed = dataclasses.replace(finding, facts={**finding.facts, name: twin})
                    assert _message_and_facts(changed, lang)[1] == facts_json(changed)
