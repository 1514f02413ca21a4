"""The text and Markdown reports: golden files on a fixed date, colour only when asked, escaping.

Golden files live in tests/golden/ and are rendered as `tests/support/goldens.py` says (frozen
ruleset, fixed date, ruleset hash replaced). After an intended change of layout or wording, rewrite
them with `UPDATE_GOLDEN=1 python -m pytest tests/test_report_text_markdown.py` and review the diff.
The other formats' goldens: `test_report_goldens.py`.
"""

from __future__ import annotations

import re

import pytest

from checker.reports import formats
from checker.reports import render as report
from tests.support.goldens import GOLDEN, assert_matches_golden, golden_checker, normalised
from tests.support.reporting import HOSTILE_NAME, check_hostile, check_sample

CASES = [
    ("ordos-calcium-carbide.yaml", "text", "zh"),
    ("hohhot-data-centre.yaml", "text", "en"),
    ("chifeng-coal-chp-exemption.yaml", "markdown", "zh"),
    ("kubuqi-desert-pv.yaml", "markdown", "en"),
]
SUFFIX = {"text": "txt", "markdown": "md"}


@pytest.mark.parametrize(("sample", "fmt", "lang"), CASES)
def test_report_matches_its_golden_file(sample, fmt, lang):
    result = check_sample(sample, checker=golden_checker())
    rendered = normalised(formats.render(result, fmt, lang), result)
    assert_matches_golden(rendered, GOLDEN / f"{sample.removesuffix('.yaml')}.{lang}.{SUFFIX[fmt]}")


def test_text_report_has_no_colour_unless_asked():
    result = check_sample("ordos-calcium-carbide.yaml")
    assert "\x1b[" not in formats.render(result, "text", "zh")


def test_coloured_text_report_paints_status_labels_and_nothing_else():
    result = check_sample("ordos-calcium-carbide.yaml")
    plain = formats.render(result, "text", "zh")
    coloured = formats.render(result, "text", "zh", color=True)
    assert "\x1b[1;31m不通过\x1b[0m" in coloured
    assert "\x1b[32m通过\x1b[0m" in coloured
    stripped = coloured
    for code in ("1;31", "32", "2", "1;32", "33", "35", "36", "1;35", "1;33"):
        stripped = stripped.replace(f"\x1b[{code}m", "")
    assert stripped.replace("\x1b[0m", "") == plain


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_every_rule_and_the_audit_block_appear(fmt):
    result = check_sample("hohhot-data-centre.yaml")
    rendered = formats.render(result, fmt, "en")
    for finding in result.findings:
        assert finding.id in rendered
    assert result.ruleset.sha256 in rendered
    assert result.document.sha256 in rendered
    assert "2026-01-01" in rendered
    for name in report.audit_block(result)["parameters"]:
        assert name in rendered


def test_markdown_escapes_markup_in_user_strings(tmp_path):
    rendered = formats.render(check_hostile(tmp_path), "markdown", "en")
    assert HOSTILE_NAME not in rendered
    assert r"\<script\>alert(1)\</script\>{{7\*7}}" in rendered
    # the only bare ">" allowed is a block quote's marker at the start of a line
    assert re.search(r"(?<![\\\n])[<>]", rendered) is None, "an unescaped angle bracket"


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_waivers_applied_and_expired_are_both_reported(fmt, tmp_path):
    rendered = formats.render(check_hostile(tmp_path), fmt, "en")
    audit = rendered[rendered.rindex("Audit") :]
    assert "WA-002" in audit and "applied" in audit
    assert "WA-001" in audit and "not applied" in audit
    assert "expired on 2020-01-01" in audit
    assert "Waiver register" in audit and "=某盟市发展和改革委员会" in audit
    claims = audit[audit.index("Waivers claimed in the project file") :]
    assert "EC-001" in claims and "status before the claim" in claims


def test_markdown_report_is_in_chinese_by_default_labels():
    result = check_sample("ordos-calcium-carbide.yaml")
    assert "审查结论" in formats.render(result, "markdown", "zh")
    assert "Verdict" in formats.render(result, "markdown", "en")


def test_unknown_format_is_a_usage_error():
    from checker.errors import UsageError

    with pytest.raises(UsageError, match="unknown report format"):
        formats.render(check_sample("ordos-calcium-carbide.yaml"), "pdf", "zh")
