"""Parameters are picked by check date, and a policy file overrides them strictly."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import shutil

import pytest

from checker.errors import InputError, RuleDataError, UsageError
from checker.rules.parameters import (
    PROVENANCES,
    _load_definitions,
    load_policy,
    pair_problems,
    resolve,
    shipped_definitions,
)
from checker.rules.ruleset import load_ruleset
from tests.support import REPO


def test_the_high_energy_threshold_is_5000_tce_until_may_2023():
    assert resolve(dt.date(2022, 6, 1))["high_energy_project_threshold_tce"].value == 5000
    assert resolve(dt.date(2023, 5, 31))["high_energy_project_threshold_tce"].value == 5000


def test_the_high_energy_threshold_is_10000_tce_from_june_2023():
    param = resolve(dt.date(2023, 6, 1))["high_energy_project_threshold_tce"]
    assert param.value == 10000
    assert param.effective_from == dt.date(2023, 6, 1)


# numbers without a unit: ratios, shares, rates (a tax rate) and the PUE are pure numbers
DIMENSIONLESS = re.compile(r"ratio|share|pue|rate")


def test_every_shipped_parameter_has_unit_source_dates_and_a_provenance():
    plan = load_ruleset().plan
    for name, definition in shipped_definitions().items():
        assert definition.description.zh.strip() and definition.description.en.strip(), name
        # unit: every number, and every figure of a product table, says what it counts, unless it
        # is a pure number; lists of codes or products and switches have none
        if definition.type in ("number", "product_map") and not DIMENSIONLESS.search(name):
            assert definition.unit.strip(), f"{name} needs a unit"
        else:
            assert definition.unit == "", f"{name}: a {definition.type} has no unit"
        # dates: in force from the plan period's first day on, one value after another without a gap
        values = sorted(definition.values, key=lambda v: v.effective_from)
        assert values[0].effective_from == plan.start, f"{name} starts on {values[0].effective_from}"
        for earlier, later in itertools.pairwise(values):
            assert earlier.effective_to == later.effective_from - dt.timedelta(days=1), f"{name}: a gap"
        assert values[-1].effective_to is None, f"{name} ends on {values[-1].effective_to}"
        for value in definition.values:
            assert value.source.strip(), name
            kinds = value.provenance.values() if isinstance(value.provenance, dict) else [value.provenance]
            assert kinds and set(kinds) <= set(PROVENANCES), name


def test_the_benchmark_tables_say_which_products_were_checked_against_the_primary_text():
    # clinker and silicomanganese were checked against the annex; ferrosilicon's base level could
    # not be confirmed from a primary text (1850 or 1900?), so neither ferrosilicon figure is cited
    for name in ("product_benchmark_level_kgce", "product_base_level_kgce"):
        param = resolve(dt.date(2025, 6, 1))[name]
        assert not param.verified
        assert param.provenance == "secondary"
        assert param.verified_entries == ("cement_clinker", "silicomanganese")
        assert param.entry_provenance("ferrosilicon") == "secondary"
        assert param.entry_provenance("cement_clinker") == "cited"
        assert param.entry_verified("silicomanganese") and not param.entry_verified("ferrosilicon")
        assert param.to_json()["verified_entries"] == ["cement_clinker", "silicomanganese"]
        assert param.to_json()["provenance_entries"]["coke"] == "secondary"


def test_the_verified_mark_is_true_exactly_for_cited_values():
    params = resolve(dt.date(2025, 6, 1))
    for param in params.values.values():
        assert param.verified is (param.provenance == "cited"), param.name
        assert param.to_json()["provenance"] == param.provenance


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("high_energy_project_threshold_tce", "authority_reference"),
        ("water_permit_threshold_m3", "authority_default"),
        ("coal_growth_review_threshold_t", "authority_default"),
        ("coefficient_electricity_calorific", "cited"),
        ("coefficient_raw_coal", "secondary"),
    ],
)
def test_each_value_says_what_kind_of_number_it_is(name, expected):
    assert resolve(dt.date(2025, 6, 1))[name].provenance == expected


def test_a_per_entry_provenance_must_list_every_entry(tmp_path):
    folder = tmp_path / "parameters"
    folder.mkdir()
    source = REPO / "rules" / "parameters" / "product_benchmark_level_kgce.yaml"
    shutil.copy(source, folder / source.name)
    _load_definitions(folder)  # as shipped: every entry listed
    text = source.read_text(encoding="utf-8").replace("    coke: secondary\n", "", 1)
    (folder / source.name).write_text(text, encoding="utf-8")
    with pytest.raises(RuleDataError, match="provenance"):
        _load_definitions(folder)


def test_a_parameter_file_without_provenance_is_refused_naming_the_key(tmp_path):
    folder = tmp_path / "parameters"
    folder.mkdir()
    source = REPO / "rules" / "parameters" / "water_permit_threshold_m3.yaml"
    text = source.read_text(encoding="utf-8")
    (folder / source.name).write_text(text.replace("  provenance: authority_default\n", ""), encoding="utf-8")
    with pytest.raises(RuleDataError, match=r"missing `provenance`.*authority_default"):
        _load_definitions(folder)
    (folder / source.name).write_text(
        text.replace("  provenance: authority_default\n", "  verified: false\n"), encoding="utf-8"
    )
    with pytest.raises(RuleDataError, match="`verified` is replaced by `provenance`"):
        _load_definitions(folder)


def test_a_policy_value_is_the_authoritys_unless_the_policy_says_otherwise(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "format: 1\nparameters:\n  water_permit_threshold_m3: 5000\n"
        "  max_energy_intensity_tce_per_10k_yuan:\n"
        "    - {from: 2021-01-01, value: 1.0, provenance: cited}\n",
        encoding="utf-8",
    )
    params = resolve(dt.date(2025, 6, 1), load_policy(policy))
    assert params["water_permit_threshold_m3"].provenance == "authority_default"
    assert params["water_permit_threshold_m3"].origin == "policy"
    assert params["max_energy_intensity_tce_per_10k_yuan"].provenance == "cited"


def test_a_date_before_the_plan_has_no_parameters_in_force():
    with pytest.raises(UsageError, match="no value in force on 2020-01-01"):
        resolve(dt.date(2020, 1, 1))


def write_policy(tmp_path, body: str):
    path = tmp_path / "policy.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_a_policy_scalar_applies_on_every_date_and_names_its_source(tmp_path):
    policy = load_policy(
        write_policy(
            tmp_path,
            (
                "format: 1\nsource: 某盟市发改委 2026 年审查口径\n"
                "parameters:\n  max_energy_intensity_tce_per_10k_yuan: 1.0\n"
            ),
        )
    )
    param = resolve(dt.date(2026, 1, 1), policy)["max_energy_intensity_tce_per_10k_yuan"]
    assert (param.value, param.origin, param.source) == (1.0, "policy", "某盟市发改委 2026 年审查口径")


def test_dated_policy_values_are_picked_by_date(tmp_path):
    policy = load_policy(
        write_policy(
            tmp_path,
            (
                "format: 1\nparameters:\n  high_energy_project_threshold_tce:\n"
                "    - {from: 2021-01-01, to: 2023-05-31, value: 3000}\n"
                "    - {from: 2023-06-01, value: 8000}\n"
            ),
        )
    )
    assert resolve(dt.date(2022, 1, 1), policy)["high_energy_project_threshold_tce"].value == 3000
    assert resolve(dt.date(2024, 1, 1), policy)["high_energy_project_threshold_tce"].value == 8000


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "  max_energy_intensty: 1.0\n",
            "policy.yaml:3: parameters.max_energy_intensty: unknown parameter (did you mean "
            "max_energy_intensity_tce_per_10k_yuan?)",
        ),
        (
            "  water_permit_threshold_m3: lots\n",
            "policy.yaml:3: parameters.water_permit_threshold_m3: must be a number, got 'lots'",
        ),
        (
            "  water_permit_threshold_m3: -1\n",
            "policy.yaml:3: parameters.water_permit_threshold_m3: must be >= 0, got -1",
        ),
        (
            "  exclude_feedstock_from_totals: 1\n",
            "parameters.exclude_feedstock_from_totals: must be true or false, got 1",
        ),
    ],
)
def test_a_bad_policy_entry_is_an_error_with_its_key_path_and_line(tmp_path, body, expected):
    path = write_policy(tmp_path, "format: 1\nparameters:\n" + body)
    with pytest.raises(InputError) as caught:
        load_policy(path)
    assert expected in str(caught.value)


def test_a_policy_value_with_an_unknown_provenance_is_invalid_input_naming_the_key(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "format: 1\nparameters:\n  water_permit_threshold_m3:\n"
        "    - {from: 2021-01-01, value: 5000, provenance: guessed}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_policy(policy)
    [problem] = caught.value.problems
    assert (problem.key_path, problem.line) == ("parameters.water_permit_threshold_m3[0].provenance", 4)
    assert "authority_default" in problem.message


def test_the_energy_review_thresholds_say_they_are_on_the_calorific_basis_the_rules_compare():
    """Amendment 3: both energy-review thresholds are compared with the 当量值 consumption, and the
    report says so beside the figure; the intensity cap stays on the equal-value basis."""
    params = resolve(dt.date(2025, 6, 1))
    for name in ("energy_review_threshold_tce", "high_energy_project_threshold_tce"):
        described = params[name].description
        assert "当量值" in described.zh and "等价值" not in described.zh
        assert "calorific-equivalent" in described.en and "equal-value" not in described.en
    cap = params["max_energy_intensity_tce_per_10k_yuan"].description
    assert "等价值" in cap.zh and "equal-value" in cap.en


def test_a_policy_value_of_the_wrong_kind_is_quoted_as_written_in_yaml(tmp_path):
    """The policy file's errors echoed Python's reprs: `datetime.date(2021, 1, 1)`, `[1, 2]`."""
    from checker.rules.parameters import load_policy

    path = tmp_path / "policy.yaml"
    path.write_text("format: 1\nparameters:\n  water_permit_threshold_m3: 2021-01-01\n", encoding="utf-8")
    with pytest.raises(InputError) as found:
        load_policy(path)
    (problem,) = found.value.problems
    assert problem.message == "must be a number, got 2021-01-01"


def _benchmarks() -> dict[str, float]:
    return dict(shipped_definitions()["product_benchmark_level_kgce"].values[-1].value)


def test_the_shipped_benchmark_and_base_tables_name_the_same_products_in_order():
    definitions = shipped_definitions()
    for name, definition in definitions.items():
        if definition.at_most is not None:
            assert pair_problems(definitions, {name: definition.values}) == [], name


def test_a_policy_table_naming_fewer_products_than_its_pair_is_refused_not_cut_down(tmp_path):
    # a policy value replaces the shipped table whole: one product set here would leave every other
    # product without a benchmark beside base levels that still name them
    path = write_policy(tmp_path, "format: 1\nparameters:\n  product_benchmark_level_kgce:\n    calcium_carbide: 800\n")
    with pytest.raises(InputError) as caught:
        load_policy(path)
    (problem,) = caught.value.problems
    assert (problem.key_path, problem.line) == ("parameters.product_benchmark_level_kgce", 3)
    assert "leaves out cement_clinker" in problem.message
    assert "product_base_level_kgce" in problem.message


def test_a_policy_benchmark_above_the_base_level_is_refused(tmp_path):
    table = {**_benchmarks(), "calcium_carbide": 1100}
    body = "\n".join(f"    {product}: {level:g}" for product, level in table.items())
    path = write_policy(tmp_path, f"format: 1\nparameters:\n  product_benchmark_level_kgce:\n{body}\n")
    with pytest.raises(InputError) as caught:
        load_policy(path)
    (problem,) = caught.value.problems
    assert "calcium_carbide: 1100 against 940" in problem.message


def test_a_complete_policy_benchmark_table_at_or_below_the_base_level_is_taken(tmp_path):
    table = {**_benchmarks(), "calcium_carbide": 900}
    body = "\n".join(f"    {product}: {level:g}" for product, level in table.items())
    policy = load_policy(write_policy(tmp_path, f"format: 1\nparameters:\n  product_benchmark_level_kgce:\n{body}\n"))
    assert resolve(dt.date(2025, 1, 1), policy)["product_benchmark_level_kgce"].value["calcium_carbide"] == 900


def test_a_policy_files_own_path_is_its_source_in_the_report_language(tmp_path):
    from checker.reports.render import source_text

    path = write_policy(tmp_path, "format: 1\nparameters:\n  max_energy_intensity_tce_per_10k_yuan: 1.0\n")
    param = resolve(dt.date(2026, 1, 1), load_policy(path))["max_energy_intensity_tce_per_10k_yuan"]
    assert source_text(param.source, "zh") == f"政策文件 {path}"
    assert source_text(param.source, "en") == f"policy file {path}"


def test_a_policy_setting_only_the_upper_table_is_told_what_it_leaves_out_and_where_it_is_below(tmp_path):
    # the message speaks of the key the file sets: the base-level table, not its shipped pair
    path = write_policy(tmp_path, "format: 1\nparameters:\n  product_base_level_kgce:\n    calcium_carbide: 940\n")
    with pytest.raises(InputError) as caught:
        load_policy(path)
    (problem,) = caught.value.problems
    assert problem.key_path == "parameters.product_base_level_kgce"
    assert "leaves out cement_clinker" in problem.message
    assert "which product_benchmark_level_kgce names" in problem.message
    table = {**dict(shipped_definitions()["product_base_level_kgce"].values[-1].value), "calcium_carbide": 700}
    body = "\n".join(f"    {product}: {level:g}" for product, level in table.items())
    with pytest.raises(InputError) as caught:
        load_policy(write_policy(tmp_path, f"format: 1\nparameters:\n  product_base_level_kgce:\n{body}\n"))
    (problem,) = caught.value.problems
    assert "is below product_benchmark_level_kgce for calcium_carbide: 700 against 805" in problem.message
