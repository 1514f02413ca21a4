"""Every fixture's finding has a reasoning sentence in both languages, whatever branch it takes.

Message templates are only rendered when a report is printed, so a broken branch (a misspelt fact,
an absent value formatted as a number) would first show up in front of a reviewer. Rendering the
finding of every fixture in zh and en exercises every status and reason each rule can produce.
"""

from __future__ import annotations

import re

import pytest

from checker.reports.render import render_message
from tests.support.casebook import load_cases, write_case
from tests.support.checkers import checker_on

CASES = load_cases()
# an absent value printed raw; "None of …" is English prose
UNFILLED = re.compile(r"(?<![A-Za-z])None(?! of)")


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}: {c.name}" for c in CASES])
def test_fixture_finding_has_a_message_in_both_languages(case, tmp_path):
    result = checker_on(case.as_of).check_path(write_case(case, tmp_path))
    finding = next(f for f in result.findings if f.id == case.rule)
    zh = render_message(finding, "zh")
    en = render_message(finding, "en")
    assert zh and en
    assert not UNFILLED.search(zh) and not UNFILLED.search(en)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), "the Chinese message has Chinese words"
    if finding.status == "missing_info":
        assert finding.missing_keys, "missing_info names the keys to supply"
        key = finding.missing_keys[0].split("[]")[0]  # per-item keys are shown with the index
        assert key in zh and key in en
