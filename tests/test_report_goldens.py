"""Every format's golden files: html, json, jsonl, sarif, junit, csv and github, in zh and en.

Rendered as `tests/support/goldens.py` says: the ruleset frozen in tests/golden/ruleset/, the check
date 2026-01-01 (`--as-of`), a fixed clock (SOURCE_DATE_EPOCH, which SARIF, JUnit and HTML print)
and the ruleset's hash replaced by a placeholder. Text and Markdown have theirs in
`test_report_text_markdown.py` and `test_report_compact.py`.

The projects are a subset chosen so that every verdict and every status occurs (tests/README.md
says why not every sample): three shipped samples, and three variants stored in
tests/golden/inputs/ with the register that waives a finding of one of them.

| project | verdict | statuses |
|---|---|---|
| projects/ordos-calcium-carbide.yaml | rejected | fail, pass, not_applicable |
| projects/chifeng-coal-chp-exemption.yaml | needs_review | review |
| projects/kubuqi-desert-pv.yaml | approved | pass, not_applicable |
| inputs/tongliao-cement-clinker-renovation.yaml | approved_with_warnings | warn |
| inputs/hohhot-data-centre-no-value-added.yaml | needs_review | missing_info |
| inputs/kubuqi-desert-pv-no-permit.yaml, with inputs/register.yaml | approved | waived |

Rewrite them with `UPDATE_GOLDEN=1 python -m pytest tests/test_report_goldens.py` and review the diff.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import pytest

from checker.check import Checker, CheckResult
from checker.reports import formats
from checker.rules.parameters import resolve
from checker.rules.ruleset import load_ruleset
from checker.verdict.waivers import load_register
from tests.support import REPO
from tests.support.goldens import EPOCH, GOLDEN, assert_matches_golden, golden_checker, normalised
from tests.support.reporting import AS_OF

INPUTS = "tests/golden/inputs"
REGISTER = f"{INPUTS}/register.yaml"
# (path from the repository root, whether the register applies, verdict, statuses that must occur)
PROJECTS = [
    ("projects/ordos-calcium-carbide.yaml", False, "rejected", {"fail", "pass", "not_applicable"}),
    ("projects/chifeng-coal-chp-exemption.yaml", False, "needs_review", {"review"}),
    ("projects/kubuqi-desert-pv.yaml", False, "approved", {"pass", "not_applicable"}),
    (f"{INPUTS}/tongliao-cement-clinker-renovation.yaml", False, "approved_with_warnings", {"warn"}),
    (f"{INPUTS}/hohhot-data-centre-no-value-added.yaml", False, "needs_review", {"missing_info"}),
    (f"{INPUTS}/kubuqi-desert-pv-no-permit.yaml", True, "approved", {"waived"}),
]
FORMATS = {
    "html": "html",
    "json": "json",
    "jsonl": "jsonl",
    "sarif": "sarif",
    "junit": "xml",
    "csv": "csv",
    "github": "github.txt",
}
LANGS = ("zh", "en")


@contextmanager
def at_the_repository_root() -> Iterator[None]:
    """Paths as the reports show them: relative to the root, whatever the checkout's location."""
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        yield
    finally:
        os.chdir(cwd)


@cache
def checker_with_golden_register() -> Checker:
    ruleset = load_ruleset(GOLDEN / "ruleset")
    with at_the_repository_root():
        return Checker(ruleset, resolve(AS_OF), load_register(REGISTER, ruleset))


@cache
def checked(path: str, with_register: bool) -> CheckResult:
    """The project at `path` (from the repository root, as the reports show it), checked once."""
    checker = checker_with_golden_register() if with_register else golden_checker()
    with at_the_repository_root():
        return checker.check_path(path)


def golden_name(path: str, lang: str, fmt: str) -> str:
    stem = path.rsplit("/", 1)[1].removesuffix(".yaml")
    return f"{stem}.{lang}.{FORMATS[fmt]}"


@pytest.mark.parametrize(("path", "with_register", "verdict", "statuses"), PROJECTS, ids=[p[0] for p in PROJECTS])
def test_the_golden_projects_cover_every_verdict_and_status(path, with_register, verdict, statuses):
    result = checked(path, with_register)
    assert result.verdict == verdict
    assert statuses <= set(Counter(f.status for f in result.findings))


def test_together_they_cover_every_verdict_and_every_status():
    verdicts = {checked(p, r).verdict for p, r, _, _ in PROJECTS}
    statuses = {f.status for p, r, _, _ in PROJECTS for f in checked(p, r).findings}
    assert verdicts == {"approved", "approved_with_warnings", "needs_review", "rejected"}
    assert statuses == {"pass", "fail", "warn", "review", "missing_info", "not_applicable", "waived"}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize(("path", "with_register"), [p[:2] for p in PROJECTS], ids=[p[0] for p in PROJECTS])
def test_report_matches_its_golden_file(monkeypatch, path, with_register, fmt, lang):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = checked(path, with_register)
    rendered = normalised(formats.render(result, fmt, lang), result)
    assert_matches_golden(rendered, GOLDEN / "formats" / golden_name(path, lang, fmt))
