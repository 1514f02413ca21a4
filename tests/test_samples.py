"""Every sample application in projects/ gets the verdict its opening comment promises.

The dict below is the reviewer's reading of each sample: the verdict, the exit code, and the rule
findings that decide it. The comment at the top of each file must announce the same verdict, so a
reader of the sample and this test never disagree.
"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from checker.cli.app import check_main
from tests.support import REPO

AS_OF = "2026-01-01"

SAMPLES: dict[str, tuple[str, int, dict[str, str]]] = {
    "ordos-calcium-carbide.yaml": (
        "rejected",
        1,
        {"HE-001": "fail", "HE-003": "fail", "WA-002": "fail"},
    ),
    "chifeng-coal-chp-exemption.yaml": (
        "rejected",
        1,
        {"CO-001": "review", "WA-001": "fail", "CO-006": "pass"},
    ),
    "hohhot-data-centre.yaml": (
        "approved",
        0,
        {"EC-004": "pass", "RE-001": "pass", "HE-002": "not_applicable"},
    ),
    "kubuqi-desert-pv.yaml": (
        "approved",
        0,
        {"RE-002": "pass", "RE-004": "pass", "LA-004": "not_applicable"},
    ),
    "ordos-coal-mine.yaml": (
        "approved",
        0,
        {"CO-005": "pass", "MI-001": "pass", "MI-003": "pass"},
    ),
    "wuhai-silicomanganese-expansion.yaml": (
        "rejected",
        1,
        {"HE-001": "fail", "EC-001": "fail", "EC-003": "warn"},
    ),
    "ulanqab-wind-farm.yaml": (
        "approved",
        0,
        {"RE-003": "pass", "RE-004": "pass", "EC-001": "not_applicable"},
    ),
    "baotou-rare-earth-separation.yaml": (
        "needs_review",
        3,
        {"MI-002": "review", "HE-001": "not_applicable", "HE-002": "pass"},
    ),
    "baotou-cement-renovation.yaml": (
        "approved",
        0,
        {"HE-001": "not_applicable", "HE-003": "pass", "EC-001": "not_applicable"},
    ),
    "tongliao-cement-clinker.yaml": (
        "rejected",
        1,
        {"HE-001": "fail", "CO-002": "fail", "HE-003": "warn"},
    ),
    "xilingol-wind-no-storage.yaml": (
        "approved_with_warnings",
        0,
        {"RE-003": "warn", "RE-004": "warn", "LA-004": "not_applicable"},
    ),
}

SAMPLE_FILES = sorted(path.name for path in (REPO / "projects").glob("*.yaml"))


def run_check(name: str, *options: str):  # type: ignore[no-untyped-def]
    path = str(REPO / "projects" / name)
    return CliRunner().invoke(check_main, [path, "--as-of", AS_OF, *options])


def test_every_sample_has_an_expectation_and_every_expectation_a_sample():
    assert sorted(SAMPLES) == SAMPLE_FILES


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_the_opening_comment_announces_the_expected_verdict(name):
    head = (REPO / "projects" / name).read_text(encoding="utf-8").split("\nformat:")[0]
    assert head.startswith("# ")
    announced = re.search(r"预期结论\s*(\w+)\W*退出码\s*(\d)", head)
    assert announced, f"{name}: no 预期结论 in the opening comment"
    verdict, code, _ = SAMPLES[name]
    assert (announced.group(1), int(announced.group(2))) == (verdict, code)


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_sample_gets_its_expected_verdict_exit_code_and_key_findings(name):
    verdict, code, key_statuses = SAMPLES[name]
    result = run_check(name, "--format", "json")
    assert result.exit_code == code, result.output
    report = json.loads(result.output)
    assert report["verdict"] == verdict
    statuses = {finding["rule"]: finding["status"] for finding in report["findings"]}
    assert {rule: statuses[rule] for rule in key_statuses} == key_statuses


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_sample_text_report_renders_every_finding(name, lang):
    result = run_check(name, "--lang", lang, "--verbose")  # the full report (the default is compact)
    assert result.exit_code == SAMPLES[name][1], result.output
    for rule in ("HE-001", "EC-004", "CO-006", "RE-004", "WA-003", "LA-005", "MI-002", "CB-001"):
        assert rule in result.output
