"""`check --format/--output`: every format through the CLI, atomic writes, colour only on a tty."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from checker.cli.app import check_main
from tests.support import REPO
from tests.support.reporting import check_on_a_terminal

EXPECTED_EXIT = {
    "ordos-calcium-carbide.yaml": 1,
    "chifeng-coal-chp-exemption.yaml": 1,
    "baotou-rare-earth-separation.yaml": 3,
    "hohhot-data-centre.yaml": 0,
}
FORMATS = ("text", "markdown", "html", "json", "sarif", "junit", "csv")


def run(*args):
    return CliRunner().invoke(check_main, [*args, "--as-of", "2026-01-01"])


@pytest.mark.parametrize("sample", sorted(EXPECTED_EXIT))
@pytest.mark.parametrize("fmt", FORMATS)
def test_exit_code_does_not_depend_on_the_format(sample, fmt):
    result = run(str(REPO / "projects" / sample), "--format", fmt)
    assert result.exit_code == EXPECTED_EXIT[sample], result.output
    assert result.stdout.strip()


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("r.json", lambda t: json.loads(t)["verdict"] == "rejected"),
        ("r.sarif", lambda t: json.loads(t)["version"] == "2.1.0"),
        ("r.xml", lambda t: t.startswith("<?xml") and "<testsuites" in t),
        ("r.html", lambda t: t.startswith("<!DOCTYPE html>")),
        ("r.md", lambda t: t.startswith("# 内蒙古")),
        ("r.csv", lambda t: t.startswith("\ufeffrule,")),
        ("r.txt", lambda t: t.startswith("内蒙古")),
    ],
)
def test_output_file_format_follows_its_extension(tmp_path, name, check):
    target = tmp_path / name
    result = run(str(REPO / "projects/ordos-calcium-carbide.yaml"), "--output", str(target))
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert check(target.read_text(encoding="utf-8"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no temporary file left


def test_format_option_wins_over_the_extension(tmp_path):
    target = tmp_path / "report.txt"
    result = run(str(REPO / "projects/hohhot-data-centre.yaml"), "-o", str(target), "--format", "json")
    assert result.exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["verdict"] == "approved"


def test_output_replaces_an_existing_report(tmp_path):
    target = tmp_path / "r.json"
    target.write_text("old", encoding="utf-8")
    run(str(REPO / "projects/hohhot-data-centre.yaml"), "-o", str(target))
    assert json.loads(target.read_text(encoding="utf-8"))["verdict"] == "approved"


def test_output_over_the_input_file_is_refused(tmp_path):
    project = tmp_path / "project.yaml"
    original = (REPO / "projects/hohhot-data-centre.yaml").read_bytes()
    project.write_bytes(original)
    for target in (str(project), str(tmp_path / "." / "project.yaml")):
        result = run(str(project), "--output", target, "--format", "text")
        assert result.exit_code == 2
        assert "refusing to write the report over the input file" in result.stderr
    assert project.read_bytes() == original


def test_unknown_output_extension_without_format_is_a_usage_error(tmp_path):
    result = run(str(REPO / "projects/hohhot-data-centre.yaml"), "-o", str(tmp_path / "r.pdf"))
    assert result.exit_code == 2
    assert "--format" in result.stderr
    assert not (tmp_path / "r.pdf").exists()


def test_output_into_a_missing_directory_is_a_usage_error(tmp_path):
    result = run(str(REPO / "projects/hohhot-data-centre.yaml"), "-o", str(tmp_path / "nowhere" / "r.json"))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def _run_on_a_terminal(env_extra):
    """`check` on the Ordos sample with its standard output on a pseudo-terminal."""
    return check_on_a_terminal("projects/ordos-calcium-carbide.yaml", "--as-of", "2026-01-01", env_extra=env_extra)


def test_text_is_coloured_on_a_terminal():
    assert "\x1b[1;31m不通过\x1b[0m" in _run_on_a_terminal({})


def test_no_color_turns_colour_off_on_a_terminal():
    out = _run_on_a_terminal({"NO_COLOR": "1"})
    assert "不通过" in out and "\x1b[" not in out


def test_text_is_plain_when_not_a_terminal():
    result = run(str(REPO / "projects/ordos-calcium-carbide.yaml"))
    assert "不通过" in result.stdout and "\x1b[" not in result.stdout
