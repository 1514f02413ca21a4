"""Properties of the escaping that stands between applicants' text and a reviewer's tools."""

from __future__ import annotations

import csv
import io
import json
import os
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checker.errors import UsageError
from checker.reports.csv import neutralise
from checker.reports.output import write_atomically
from checker.reports.render import md_escape

MARKUP = "\\`*_[]<>|~#"


@given(st.text())
def test_markdown_escape_leaves_no_markup_character_unescaped(text):
    escaped = md_escape(text)
    # drop every escaped pair; what is left must contain no markup character and no line break
    rest = re.sub(r"\\.", "", escaped)
    assert not set(rest) & set(MARKUP)
    assert "\n" not in escaped
    assert re.sub(r"\\(.)", r"\1", escaped) == " ".join(text.split())


@given(st.lists(st.text(), min_size=1, max_size=5))
def test_csv_cells_round_trip_neutralised(cells):
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerow([neutralise(c) for c in cells])
    (row,) = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    for original, read in zip(cells, row, strict=True):
        assert not read.startswith(("=", "+", "-", "@", "\t", "\r"))
        assert read in (original, "'" + original)


def test_a_failed_write_leaves_neither_a_temporary_nor_a_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "report.json"

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(UsageError, match="No space left on device"):
        write_atomically(str(target), "{}")
    assert list(tmp_path.iterdir()) == []


def test_a_written_report_is_readable_by_others(tmp_path):
    target = tmp_path / "report.txt"
    old = os.umask(0o022)
    try:
        write_atomically(str(target), "报告")
    finally:
        os.umask(old)
    assert target.read_text(encoding="utf-8") == "报告"
    assert target.stat().st_mode & 0o777 == 0o644


# ---------------------------------------------------------------- every output medium, end to end

FORMULAS = [
    '=HYPERLINK("http://evil.example","点此")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@given(st.lists(st.text(), min_size=1, max_size=5))
def test_csv_records_neutralise_and_quote_every_formula_cell(cells):
    from checker.reports.escaping import csv_line, visible

    line = csv_line(cells)
    (row,) = list(csv.reader(io.StringIO(line, newline="")))
    assert len(row) == len(cells)
    for read, cell in zip(row, cells, strict=True):
        assert not read.startswith(("=", "+", "-", "@", "\t", "\r"))
        if visible(cell).startswith(("=", "+", "-", "@", "\t")):  # a CR is shown as \r
            assert csv_line([cell]).startswith("\"'")  # apostrophe, and quoted


def _hostile_project(tmp_path, name: str, index: int):
    from tests.support import REPO

    text = (REPO / "tests" / "hostile" / "valid.yaml").read_text(encoding="utf-8")
    text = text.replace("name: 和林格尔新区绿色数据中心项目(一期)", f"name: {json.dumps(name, ensure_ascii=False)}")
    text = text.replace("id: NM-2025-0330", f"id: {json.dumps(name, ensure_ascii=False)}")
    path = tmp_path / f"p{index}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")) for cell in row]


def test_batch_csv_neutralises_applicant_text(tmp_path):
    from click.testing import CliRunner

    from checker.cli.app import check_main

    paths = [str(_hostile_project(tmp_path, name, i)) for i, name in enumerate(FORMULAS[:4])]
    result = CliRunner().invoke(check_main, [*paths, "--format", "csv", "--as-of", "2026-01-01", "-j", "1"])
    cells = _csv_cells(result.stdout)
    for formula in FORMULAS[:4]:
        assert "'" + formula in cells and formula not in cells


def test_check_csv_neutralises_applicant_text(tmp_path):
    from click.testing import CliRunner

    from checker.cli.app import check_main

    path = _hostile_project(tmp_path, FORMULAS[0], 0)
    result = CliRunner().invoke(check_main, [str(path), "--format", "csv", "--as-of", "2026-01-01"])
    cells = _csv_cells(result.stdout)
    assert "'" + FORMULAS[0] in cells and FORMULAS[0] not in cells
    assert "\"'=HYPERLINK" in result.stdout  # the neutralised cell is quoted


@pytest.fixture
def diff_inputs(tmp_path):
    """A project whose id and file name are markup and formulas, and a policy that changes it."""
    folder = tmp_path / "reg"
    folder.mkdir()
    hostile = '=HYPERLINK("javascript:alert(1)") <script>alert(1)</script> [x](javascript:alert(1))'
    text = _hostile_project(tmp_path, hostile, 9).read_text(encoding="utf-8")
    (folder / "=cmd|' calc'!A0 <img src=x onerror=alert(1)>.yaml").write_text(text, encoding="utf-8")
    (folder / "-broken [x](javascript:alert(1)).yaml").write_text("format: 1\nproject: [\n", encoding="utf-8")
    policy = tmp_path / "tight.yaml"
    policy.write_text("format: 1\nparameters:\n  max_energy_intensity_tce_per_10k_yuan: 0.01\n")
    return folder, policy


def _diff(folder, policy, fmt: str) -> str:
    from click.testing import CliRunner

    from checker.cli.app import checker_main

    result = CliRunner().invoke(
        checker_main,
        ["diff", str(folder), "--params", str(policy), "--as-of", "2026-01-01", "--format", fmt, "-j", "1"],
    )
    assert result.exit_code == 1, result.output
    return result.stdout


def test_diff_csv_neutralises_file_names_ids_and_messages(diff_inputs):
    cells = _csv_cells(_diff(*diff_inputs, "csv"))
    starts = [c for c in cells if c.startswith(("=", "+", "-", "@"))]
    assert starts == []
    assert any(c.startswith("'=HYPERLINK") for c in cells)


def test_diff_markdown_escapes_markup(diff_inputs):
    out = _diff(*diff_inputs, "markdown")
    assert "\\<script\\>" in out
    bare = re.sub(r"\\.", "", out)  # what is left once every escaped character is dropped
    assert "<" not in bare and "[" not in bare and "](" not in bare


def test_a_file_name_with_terminal_sequences_is_shown_escaped(tmp_path):
    from click.testing import CliRunner

    from checker.cli.app import check_main
    from tests.support import REPO

    path = tmp_path / "a\x1b[2J\x1b]0;owned\x07b.yaml"
    path.write_bytes((REPO / "tests" / "hostile" / "valid.yaml").read_bytes())
    for fmt in ("text", "markdown", "csv", "junit", "html"):
        result = CliRunner().invoke(check_main, [str(path), "--format", fmt, "--as-of", "2026-01-01"])
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout, fmt
    junit = CliRunner().invoke(check_main, [str(path), "--format", "junit", "--as-of", "2026-01-01"])
    import xml.dom.minidom

    xml.dom.minidom.parseString(junit.stdout.encode())  # XML 1.0 forbids U+001B: it must parse
