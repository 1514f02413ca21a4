"""Golden files: reports rendered on a fixed date with a frozen ruleset, compared byte for byte.

The goldens live in tests/golden/ and are rendered with the ruleset frozen in tests/golden/ruleset/
(so that adding a rule to the shipped pack does not change them), on `reporting.AS_OF`, with the
ruleset's hash replaced by a placeholder (the hash covers every message template, so it would
change with any of them). After an intended change of layout or wording, rewrite them with
`UPDATE_GOLDEN=1 python -m pytest tests/...` and review the diff before committing.
"""

from __future__ import annotations

import difflib
import os
from functools import cache
from pathlib import Path

from checker.check import Checker
from checker.rules.parameters import resolve
from checker.rules.ruleset import load_ruleset
from tests.support import REPO
from tests.support.reporting import AS_OF

GOLDEN = REPO / "tests" / "golden"
# a fixed clock for the formats that print the time of the run (SARIF, JUnit, HTML): 2026-01-01T00:00:00Z
EPOCH = "1767225600"


@cache
def golden_checker() -> Checker:
    return Checker(load_ruleset(GOLDEN / "ruleset"), resolve(AS_OF))


def normalised(text: str, result) -> str:
    """`text` with the ruleset's hash (whole, or its first 16 digits) replaced by a placeholder."""
    sha = result.ruleset.sha256
    return text.replace(sha, "<ruleset-sha256>").replace(sha[:16], "<ruleset-sha256>")


def updating() -> bool:
    return os.environ.get("UPDATE_GOLDEN") == "1"


def assert_matches_golden(rendered: str, golden: Path) -> None:
    """`rendered` must equal the file `golden` byte for byte; with UPDATE_GOLDEN=1 it is written
    first. A difference fails with a unified diff (golden first), so the change can be read."""
    if updating():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(rendered.encode("utf-8"))
    assert golden.is_file(), f"missing {golden.relative_to(REPO)}: run once with UPDATE_GOLDEN=1"
    expected = golden.read_bytes().decode("utf-8")
    if rendered == expected:
        return
    name = str(golden.relative_to(REPO))
    diff = difflib.unified_diff(
        expected.splitlines(keepends=True),
        rendered.splitlines(keepends=True),
        fromfile=f"{name} (golden)",
        tofile=f"{name} (rendered)",
        n=2,
    )
    shown = "".join(line if line.endswith("\n") else line + "\n\\ no newline at end\n" for line in diff)
    raise AssertionError(
        f"{name} differs from the rendered report "
        f"(if the change is intended: UPDATE_GOLDEN=1, then review the diff):\n{shown}"
    )
