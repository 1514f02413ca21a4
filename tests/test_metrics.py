"""Derived facts, each checked against a figure computed by hand from GB/T 2589 coefficients."""

from __future__ import annotations

import datetime as dt

import pytest

from checker.facts import derived as metrics
from checker.project.model import Project
from checker.rules.parameters import resolve

PARAMS_2026 = resolve(dt.date(2026, 1, 1))
PARAMS_2021 = resolve(dt.date(2021, 6, 1))  # before feedstock was excluded from totals


def project(**sections) -> Project:
    base = {
        "format": 1,
        "project": {"name": "测试项目", "league_city": "包头市", "construction_type": "new", "industry_code": "C2613"},
        "output": {"annual_value_added_10k_yuan": 1000},
        "energy": {
            "electricity_kwh": 1_000_000,
            "raw_coal_t": 1000,
            "natural_gas_m3": 10_000,
            "diesel_t": 10,
            "feedstock": {"raw_coal_t": 200},
        },
        "water": {"fresh_water_m3": 5000},
    }
    for name, value in sections.items():
        if isinstance(value, dict) and isinstance(base.get(name), dict):
            base[name] = {**base[name], **value}
        else:
            base[name] = value
    return Project.model_validate(base)


def test_comprehensive_energy_on_the_calorific_basis_sums_carriers_times_coefficients():
    # 1e6 kWh × 0.1229 + 1000 t × 714.3 + 1e4 m³ × 1.33 + 10 t × 1457.1 (kgce) = 865.071 tce
    m = metrics.compute(project(), PARAMS_2026)
    assert m["comprehensive_energy_calorific_tce"] == pytest.approx(865.071)


def test_comprehensive_energy_on_the_equal_value_basis_counts_electricity_at_the_supply_rate():
    # electricity at 0.300 kgce/kWh: 300 + 714.3 + 13.3 + 14.571 = 1042.171 tce
    m = metrics.compute(project(), PARAMS_2026)
    assert m["comprehensive_energy_equal_value_tce"] == pytest.approx(1042.171)


def test_feedstock_is_shown_apart_and_excluded_from_the_controlled_total_from_december_2021():
    m = metrics.compute(project(), PARAMS_2026)
    assert m["feedstock_energy_tce"] == pytest.approx(142.86)  # 200 t × 0.7143
    assert m["comprehensive_energy_tce"] == pytest.approx(1042.171 - 142.86)


def test_before_december_2021_feedstock_still_counts_toward_the_controlled_total():
    m = metrics.compute(project(), PARAMS_2021)
    assert m["comprehensive_energy_tce"] == pytest.approx(1042.171)


def test_energy_intensity_divides_the_controlled_total_by_value_added():
    m = metrics.compute(project(), PARAMS_2026)
    assert m["energy_intensity_tce_per_10k_yuan"] == pytest.approx(899.311 / 1000)


def test_fuel_coal_is_the_coal_carriers_less_feedstock_when_not_declared():
    m = metrics.compute(project(), PARAMS_2026)
    assert m["fuel_coal_t"] == pytest.approx(800)
    assert m["fuel_coal_tce"] == pytest.approx(571.44)
    assert m["coal_share"] == pytest.approx(571.44 / 865.071)
    assert m["feedstock_coal_t"] == pytest.approx(200)


def test_declared_fuel_coal_takes_precedence_and_replacement_is_netted():
    m = metrics.compute(project(coal={"fuel_coal_t": 5000, "coal_replacement_t": 1500}), PARAMS_2026)
    assert m["fuel_coal_t"] == 5000
    assert m["net_new_fuel_coal_t"] == pytest.approx(3500)


def test_water_intensity_is_fresh_water_per_value_added():
    m = metrics.compute(project(water={"fresh_water_m3": 5000, "reclaimed_water_m3": 9000}), PARAMS_2026)
    assert m["water_intensity_m3_per_10k_yuan"] == pytest.approx(5.0)


def test_co2_estimate_counts_fuels_burnt_and_grid_electricity():
    # 1000 MWh × 0.5703 + 800 t × 1.9 + 1e4 m³ × 0.00216 + 10 t × 3.10 = 2142.9 t
    m = metrics.compute(project(), PARAMS_2026)
    assert m["co2_estimate_t"] == pytest.approx(2142.9)
    assert m["co2_t"] == pytest.approx(2142.9)
    assert m["carbon_intensity_t_per_10k_yuan"] == pytest.approx(2.1429)


def test_renewable_electricity_does_not_count_toward_the_co2_estimate():
    m = metrics.compute(project(energy={"renewable_electricity_share": 0.5}), PARAMS_2026)
    assert m["co2_estimate_t"] == pytest.approx(2142.9 - 570.3 / 2)


def test_declared_co2_is_used_instead_of_the_estimate():
    m = metrics.compute(project(emissions={"co2_t": 100}), PARAMS_2026)
    assert m["co2_t"] == 100
    assert m["co2_declared"] is True


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("C2613", True),
        ("C3110", True),
        ("D4411", True),
        ("D4412", True),
        ("D4416", False),
        ("I6450", False),
        ("C1310", False),
    ],
)
def test_high_energy_sector_is_the_six_divisions_and_thermal_power(code, expected):
    p = project(project={"name": "x", "league_city": "包头市", "construction_type": "new", "industry_code": code})
    assert metrics.compute(p, PARAMS_2026)["high_energy_sector"] is expected


@pytest.mark.parametrize(
    ("construction_type", "flag", "expected"),
    [
        ("new", None, True),
        ("expansion", None, True),
        ("renovation", None, False),
        ("renovation", True, True),
        ("relocation", False, False),
        ("relocation", True, True),
    ],
)
def test_adds_capacity_for_new_expansion_or_declared(construction_type, flag, expected):
    info = {"name": "x", "league_city": "包头市", "construction_type": construction_type}
    if flag is not None:
        info["adds_capacity"] = flag
    assert metrics.compute(project(project=info), PARAMS_2026)["adds_capacity"] is expected


def test_figures_are_unknown_not_zero_when_their_inputs_are_absent():
    p = Project.model_validate(
        {
            "format": 1,
            "project": {"name": "x", "league_city": "包头市", "construction_type": "new"},
        }
    )
    m = metrics.compute(p, PARAMS_2026)
    for name in (
        "comprehensive_energy_tce",
        "energy_intensity_tce_per_10k_yuan",
        "fuel_coal_t",
        "water_intensity_m3_per_10k_yuan",
        "co2_t",
        "high_energy_sector",
    ):
        assert m[name] is None, name


@pytest.mark.parametrize(
    ("sections", "gap"),
    [
        ({}, None),
        ({"energy": {"electricity_kwh": None}}, "no_electricity"),
        (
            {"energy": {"raw_coal_t": None, "feedstock": None}, "coal": {"boilers": [{"capacity_t_per_h": 40}]}},
            "coal_not_declared",
        ),
        (
            {
                "energy": {"raw_coal_t": None, "feedstock": None, "natural_gas_m3": None, "diesel_t": None},
                "coal": {"boilers": [{"capacity_t_per_h": 40}]},
            },
            "coal_not_declared",
        ),
        (
            {
                "project": {
                    "name": "测试项目",
                    "league_city": "包头市",
                    "construction_type": "new",
                    "industry_code": "C3011",
                },
                "energy": {"raw_coal_t": None, "feedstock": None, "natural_gas_m3": None, "diesel_t": 10},
            },
            "furnace_fuel_not_declared",
        ),
        (
            {"energy": {"raw_coal_t": None, "feedstock": None}, "coal": {"fuel_coal_t": 800}},
            "fuel_coal_outside",
        ),
        (
            {"energy": {"electricity_kwh": None, "raw_coal_t": None, "feedstock": None}, "coal": {"fuel_coal_t": 800}},
            "several_gaps",
        ),
    ],
)
def test_the_energy_balance_gap_names_why_the_balance_is_incomplete(sections, gap):
    """`energy_balance_gap` is known exactly when the balance is incomplete, and names the one
    reason, or says there is more than one: the messages print it, the rules read only whether."""
    values = metrics.compute(project(**sections), PARAMS_2026).values
    assert values["energy_balance_gap"] == gap
    assert values["energy_balance_incomplete"] is (gap is not None)
