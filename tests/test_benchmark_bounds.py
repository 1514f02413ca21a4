"""The batch's lower bounds (`benchmarks/stages_bound.py`) run the checker's own stages: a bound
that silently stopped reading, validating or evaluating would report a figure for no work."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BOUND = REPO / "benchmarks" / "stages_bound.py"


def _lines(tmp_path: Path, upto: str) -> list[dict[str, object]]:
    folder = tmp_path / "set"
    folder.mkdir(exist_ok=True)
    for sample in ("kubuqi-desert-pv.yaml", "baotou-cement-renovation.yaml"):
        (folder / sample).write_bytes((REPO / "projects" / sample).read_bytes())
    (folder / "zz-broken.yaml").write_text("project: [unclosed\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(BOUND), str(folder), "-j", "1", "--upto", upto],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    return [json.loads(line) for line in proc.stdout.splitlines()]


@pytest.mark.parametrize("upto", ["input", "engine"])
def test_every_file_gets_a_line_in_file_order(tmp_path: Path, upto: str) -> None:
    lines = _lines(tmp_path, upto)
    assert [Path(str(line["input"])).name for line in lines] == [
        "baotou-cement-renovation.yaml",
        "kubuqi-desert-pv.yaml",
        "zz-broken.yaml",
    ]
    assert lines[2]["decided"] == "InputError"


def test_the_engine_bound_decides_every_rule(tmp_path: Path) -> None:
    from checker.rules.ruleset import load_ruleset

    rules = len(load_ruleset().rules)
    assert [line["decided"] for line in _lines(tmp_path, "engine")[:2]] == [rules, rules]
