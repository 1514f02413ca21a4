"""Under --fail-on, every report states the exit code the process ends with.

`--fail-on rejected` lets a project that needs review exit 0; `--fail-on warn` makes one approved
with warnings exit 4. A report that printed the default gate's code beside the verdict would tell
a CI pipeline one thing and its log another. A JSON verdict keeps `exit_code` as the verdict's own
code, the same under any `--fail-on` (a verdict read a year later says what was decided), and adds
`run_exit_code` where the gate changed the code the run ended with.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from tests.test_batch_documents import check

REVIEW = "projects/baotou-rare-earth-separation.yaml"  # needs_review
WARNINGS = "projects/xilingol-wind-no-storage.yaml"  # approved_with_warnings
GATED = [(REVIEW, "rejected", 0), (WARNINGS, "warn", 4), (REVIEW, "review", 3), (WARNINGS, "review", 0)]


def stated_codes(fmt: str, output: str) -> list[int]:
    """Every exit code a report states."""
    if fmt in ("text", "markdown", "html"):
        return [int(code) for code in re.findall(r"退出码 (\d+)", output)]
    if fmt == "json":
        return [_run_code(json.loads(output))]
    if fmt == "jsonl":
        return [_run_code(json.loads(line)) for line in output.splitlines()]
    if fmt == "sarif":
        run = json.loads(output)["runs"][0]
        return [invocation["exitCode"] for invocation in run["invocations"]]
    raise AssertionError(fmt)


def _run_code(verdict: dict) -> int:
    """The code a JSON verdict says the run ended with: `run_exit_code` where the gate changed it."""
    return verdict.get("run_exit_code", verdict["exit_code"])


VERDICT_CODES = {REVIEW: 3, WARNINGS: 0}


@pytest.mark.parametrize(("sample", "fail_on", "code"), GATED)
@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_a_json_verdicts_exit_code_is_the_verdicts_own_under_any_gate(fmt, sample, fail_on, code):
    proc = check(sample, "--format", fmt, "--fail-on", fail_on, "--as-of", "2025-06-01")
    verdict = json.loads(proc.stdout.decode("utf-8").splitlines()[0] if fmt == "jsonl" else proc.stdout)
    assert verdict["exit_code"] == VERDICT_CODES[sample]
    assert ("run_exit_code" in verdict) == (code != VERDICT_CODES[sample])


@pytest.mark.parametrize(("sample", "fail_on", "code"), GATED)
@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json", "jsonl", "sarif"])
def test_a_report_states_the_exit_code_the_run_ends_with_under_fail_on(fmt, sample, fail_on, code):
    proc = check(sample, "--format", fmt, "--fail-on", fail_on, "--as-of", "2025-06-01")
    assert proc.returncode == code
    stated = stated_codes(fmt, proc.stdout.decode("utf-8"))
    assert stated and set(stated) == {code}


@pytest.mark.parametrize(("sample", "fail_on", "code"), GATED)
def test_junit_fails_exactly_when_the_run_exits_non_zero(sample, fail_on, code):
    proc = check(sample, "--format", "junit", "--fail-on", fail_on, "--as-of", "2025-06-01")
    assert proc.returncode == code
    root = ET.fromstring(proc.stdout)
    failures = [f.get("type") for f in root.iter("failure")]
    assert root.get("failures") == str(len(failures))
    assert (len(failures) > 0) == (code != 0)
    if fail_on == "warn" and sample == WARNINGS:
        assert failures == ["warn", "warn"]  # RE-003 and RE-004, the warnings the gate fails on


def test_a_warning_a_gate_lets_pass_keeps_its_reasoning_in_junit():
    proc = check(REVIEW, "--format", "junit", "--fail-on", "rejected", "--as-of", "2025-06-01")
    outs = [out.text or "" for out in ET.fromstring(proc.stdout).iter("system-out")]
    assert any(text.startswith("[人工复核] ") for text in outs)


def test_a_folder_states_each_projects_gated_exit_code_and_the_runs():
    proc = check(REVIEW, WARNINGS, "--format", "sarif", "--fail-on", "rejected", "--as-of", "2025-06-01")
    assert proc.returncode == 0
    run = json.loads(proc.stdout)["runs"][0]
    assert run["invocations"][0]["exitCode"] == 0
    assert [p["exitCode"] for p in run["properties"]["projects"]] == [0, 0]
    lines = check(REVIEW, WARNINGS, "--format", "json", "--fail-on", "warn", "--as-of", "2025-06-01")
    assert lines.returncode == 3
    assert [_run_code(json.loads(line)) for line in lines.stdout.decode().splitlines()] == [3, 4]
    assert [json.loads(line)["exit_code"] for line in lines.stdout.decode().splitlines()] == [3, 0]
    junit = check(REVIEW, WARNINGS, "--format", "junit", "--fail-on", "rejected", "--as-of", "2025-06-01")
    root = ET.fromstring(junit.stdout)
    assert junit.returncode == 0 and root.get("failures") == "0"
    assert [s.get("failures") for s in root.iter("testsuite")] == ["0", "0"]
    text = check(REVIEW, WARNINGS, "--fail-on", "warn", "--as-of", "2025-06-01").stdout.decode()
    assert re.findall(r"审查结论: \S+ \(退出码 (\d+)\)", text) == ["3", "3", "4", "4"]
