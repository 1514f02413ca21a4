"""Properties of the escaping that stands between applicants' text and a reviewer's tools."""

from __future__ import annotations

import csv
import io
import os
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checker.errors import UsageError
from checker.report import md_escape
from checker.report_csv import neutralise
from checker.report_output import write_atomically

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
