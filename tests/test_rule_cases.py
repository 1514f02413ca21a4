"""Every rule fixture in tests/cases/ gives exactly the status it declares for its rule."""

from __future__ import annotations

import pytest
from casebook import load_cases, write_case
from conftest import checker_on

CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}: {c.name}" for c in CASES])
def test_case_gives_expected_status(case, tmp_path):
    path = write_case(case, tmp_path)
    result = checker_on(case.as_of).check_path(path)
    finding = next(f for f in result.findings if f.id == case.rule)
    assert finding.status == case.expect, f"{case.rule} {case.name}: {finding.status}"
