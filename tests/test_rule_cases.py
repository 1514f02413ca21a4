"""Every case of every rule (the `cases/` folder of each rule of the shipped pack) gives exactly the
status it declares for its rule, run by the same code as `checker test`."""

from __future__ import annotations

import pytest

from checker.audit.cases import run_case
from tests.support.casebook import load_cases, write_case
from tests.support.checkers import checker_on

CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}: {c.name}" for c in CASES])
def test_case_gives_expected_status(case, tmp_path):
    outcome = run_case(case, checker_on(case.as_of), tmp_path)
    assert outcome.problem is None, f"{case.rule} {case.name}: {outcome.problem}"


def test_la_004_asks_only_for_the_keys_the_file_lacks(tmp_path):
    # an outcome's `missing` is what the rule asks for (a key given with an unusable value, such
    # as a value added of 0, is asked for again), so LA-004 has one outcome per combination
    from tests.support.casebook import Case

    case = Case(
        rule="LA-004",
        name="",
        base="calcium_carbide",
        expect="missing_info",
        set={"land.main_function_zone": "ecological", "land.area_ha": 5},
        # without its products too: a calcium-carbide line alone makes the project industrial
        unset=("project.industry_code", "project.investment_10k_yuan", "project.products"),
    )
    result = checker_on(case.as_of).check_path(write_case(case, tmp_path))
    finding = next(f for f in result.findings if f.id == "LA-004")
    assert finding.status == "missing_info"
    assert finding.missing_keys == ("project.industry_code", "project.investment_10k_yuan")


def test_a_key_given_with_an_unusable_value_is_asked_for_again(tmp_path):
    # a value added of 0 cannot divide the energy: EC-001 asks for it (found by the property test)
    from tests.support.casebook import Case

    case = Case(
        rule="EC-001",
        name="",
        base="calcium_carbide",
        expect="missing_info",
        set={"output.annual_value_added_10k_yuan": 0},
    )
    result = checker_on(case.as_of).check_path(write_case(case, tmp_path))
    finding = next(f for f in result.findings if f.id == "EC-001")
    assert (finding.status, finding.missing_keys) == ("missing_info", ("output.annual_value_added_10k_yuan",))
