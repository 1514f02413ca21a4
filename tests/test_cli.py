"""The command line, through click's CliRunner: exit codes, stdout and stderr kept apart."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from checker import __version__
from checker.cli.app import check_main, checker_main
from checker.rules.ruleset import load_ruleset
from tests.support import REPO

SAMPLES = {
    "ordos-calcium-carbide.yaml": ("rejected", 1),
    "kubuqi-desert-pv.yaml": ("approved", 0),
    "chifeng-coal-chp-exemption.yaml": ("rejected", 1),  # WA-001: 23.1 m3/10k yuan > 20
    "hohhot-data-centre.yaml": ("approved", 0),
}


def run(*args: str):
    return CliRunner().invoke(check_main, list(args), catch_exceptions=False)


@pytest.mark.parametrize(("sample", "expected"), SAMPLES.items())
def test_each_sample_gets_its_expected_verdict_and_exit_code(sample, expected):
    result = run(str(REPO / "projects" / sample), "--format", "json", "--as-of", "2026-01-01")
    verdict, code = expected
    assert result.exit_code == code, result.stderr
    assert json.loads(result.stdout)["verdict"] == verdict
    assert result.stderr == ""


def test_the_json_verdict_lists_every_loaded_rule_exactly_once():
    result = run(str(REPO / "projects" / "ordos-calcium-carbide.yaml"), "--format", "json")
    verdict = json.loads(result.stdout)
    ids = [f["rule"] for f in verdict["findings"]]
    assert sorted(ids) == sorted(rule.id for rule in load_ruleset().rules)
    assert len(ids) == len(set(ids))
    assert set(verdict) >= {"checker_version", "ruleset", "input", "verdict", "metrics", "findings"}
    assert verdict["checker_version"] == __version__
    assert len(verdict["ruleset"]["sha256"]) == 64 and len(verdict["input"]["sha256"]) == 64
    finding = verdict["findings"][0]
    assert set(finding) >= {"rule", "status", "binding", "message", "facts", "parameters", "basis"}


def test_the_text_report_is_in_chinese_by_default_and_cites_the_plan():
    # the quotes and the parameters' provenance are in the full report (--verbose)
    result = run(str(REPO / "projects" / "ordos-calcium-carbide.yaml"), "--as-of", "2026-01-01", "--verbose")
    assert result.exit_code == 1
    out = result.stdout
    assert "审查结论: 不予通过" in out
    assert "HE-002 新上高耗能项目" in out
    assert "达到或高于高耗能项目认定标准1万吨标准煤" in out
    assert "不动摇、不松劲、不开口子" in out
    assert "※取自二手资料,请核对原文" in out  # the no-new-capacity list: secondary reports
    assert "审查机关默认值(规划及上位文件未给出数值,请以本机关政策文件确认或调整)" in out
    assert "※未经核实" not in out


def test_english_reports_render_every_message_in_english():
    result = run(str(REPO / "projects" / "chifeng-coal-chp-exemption.yaml"), "--lang", "en")
    assert result.exit_code == 1
    assert "Verdict: rejected" in result.stdout
    assert "claims the exemption" in result.stdout


def test_as_of_selects_the_threshold_in_force():
    path = str(REPO / "projects" / "ordos-calcium-carbide.yaml")
    before = json.loads(run(path, "--format", "json", "--as-of", "2022-06-01").stdout)
    after = json.loads(run(path, "--format", "json", "--as-of", "2024-06-01").stdout)

    def threshold(verdict):
        he002 = next(f for f in verdict["findings"] if f["rule"] == "HE-002")
        return he002["parameters"]["high_energy_project_threshold_tce"]

    assert (threshold(before), threshold(after)) == (5000, 10000)
    # the full record of a parameter is stated once, in the audit block
    assert after["audit"]["parameters"]["high_energy_project_threshold_tce"]["value"] == 10000


def test_a_policy_file_changes_the_outcome(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "format: 1\nsource: 测试口径\nparameters:\n  max_energy_intensity_tce_per_10k_yuan: 0.5\n", encoding="utf-8"
    )
    path = str(REPO / "projects" / "hohhot-data-centre.yaml")
    result = run(path, "--format", "json", "--params", str(policy))
    verdict = json.loads(result.stdout)
    ec001 = next(f for f in verdict["findings"] if f["rule"] == "EC-001")
    assert ec001["status"] == "fail"
    assert ec001["parameters"]["max_energy_intensity_tce_per_10k_yuan"] == 0.5
    assert verdict["audit"]["parameters"]["max_energy_intensity_tce_per_10k_yuan"]["source"] == "测试口径"
    assert result.exit_code == 1


def test_invalid_input_exits_2_with_file_key_and_line_on_stderr(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "format: 1\nproject:\n  name: x\n  league_city: 包头市\n"
        "  construction_type: new\nenergy:\n  electricity_kwh: -5\n",
        encoding="utf-8",
    )
    result = run(str(bad))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip() == f"error: {bad}:7: energy.electricity_kwh: must be >= 0, got -5"
    assert "Traceback" not in result.stderr


def test_a_missing_file_exits_2(tmp_path):
    result = run(str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_a_bad_as_of_date_is_a_usage_error():
    result = run(str(REPO / "projects" / "kubuqi-desert-pv.yaml"), "--as-of", "2026-13-01")
    assert result.exit_code == 2
    assert "is not a date YYYY-MM-DD" in result.stderr


def test_the_input_file_is_never_modified(tmp_path):
    path = tmp_path / "p.yaml"
    original = (REPO / "projects" / "ordos-calcium-carbide.yaml").read_bytes()
    path.write_bytes(original)
    run(str(path), "--format", "json")
    assert path.read_bytes() == original


def test_checker_version():
    result = CliRunner().invoke(checker_main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.stdout


def test_every_command_has_help():
    assert CliRunner().invoke(check_main, ["--help"]).exit_code == 0
    context = click.Context(checker_main)
    names = checker_main.list_commands(context)
    assert {"rules", "params", "explain", "schema", "init", "diff", "verify", "history"} <= set(names)
    for name in names:
        command = checker_main.get_command(context, name)
        assert command is not None and command.help, name
        result = CliRunner().invoke(checker_main, [name, "--help"])
        assert result.exit_code == 0, name


@pytest.mark.parametrize(
    "args",
    [
        ["projects/kubuqi-desert-pv.yaml"],  # one report, through click
        ["projects/kubuqi-desert-pv.yaml", "projects/hohhot-data-centre.yaml", "-j", "2"],  # a batch's workers
    ],
)
def test_a_gbk_console_gets_every_character_of_the_report(args):
    # Chinese Windows writes GBK (code page 936), which has no ³ (m³): that was an internal error
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    code = "from checker.cli.app import check_main; check_main()"
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            *args,
            "--as-of",
            "2025-06-01",
            "--lang",
            "en",
            "--verbose",
        ],  # the full report: its facts print m³
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert run.returncode in (0, 1, 3), run.stderr.decode("gb18030")
    printed = run.stdout.decode("gb18030")  # GBK's bytes for GBK's characters, and the rest too
    assert "m³" in printed and "库布其" in printed


@pytest.mark.parametrize("fmt", ["json", "sarif", "csv", "html"])
def test_a_machine_readable_report_is_utf8_on_a_gbk_console(fmt):
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    code = "from checker.cli.app import check_main; check_main()"
    run = subprocess.run(
        [sys.executable, "-c", code, "projects/kubuqi-desert-pv.yaml", "--format", fmt],
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr.decode("gb18030")
    assert "库布其" in run.stdout.decode("utf-8")
