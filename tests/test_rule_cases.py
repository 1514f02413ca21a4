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


def test_missing_info_asks_only_for_the_keys_the_file_lacks(tmp_path):
    # LA-004's outcome names the code, the area and the investment; this file gives the area
    from casebook import Case

    case = Case(rule="LA-004", name="", base="calcium_carbide", expect="missing_info",
                set={"land.main_function_zone": "ecological", "land.area_ha": 5},
                unset=("project.industry_code", "project.investment_10k_yuan"))
    result = checker_on(case.as_of).check_path(write_case(case, tmp_path))
    finding = next(f for f in result.findings if f.id == "LA-004")
    assert finding.status == "missing_info"
    assert finding.missing_keys == ("project.industry_code", "project.investment_10k_yuan")
