"""Derived facts the new rules read (classification, CO2), checked against hand-computed figures."""

from __future__ import annotations

import datetime as dt

import pytest

from checker.check import load_project
from checker.facts.derived import compute
from checker.project.model import Project
from checker.rules.parameters import resolve
from tests.support.casebook import BASES_DIR

PARAMS = resolve(dt.date(2026, 1, 1))


def base(name: str) -> Project:
    """A base project read as the checker reads it (YAML 1.2 numbers such as 1.2e9)."""
    return load_project(BASES_DIR / f"{name}.yaml")[1]


def metrics_of(name: str, **changes: object) -> dict[str, object]:
    project = base(name)
    project = project.model_copy(update={"project": project.project.model_copy(update=changes)})
    return compute(project, PARAMS).values


def test_ferroalloy_energy_is_counted_on_the_equal_value_basis_without_feedstock_coke():
    # 8.4e8 kWh × 0.300 kgce/kWh = 252 000 tce; coke 80 000 t × 0.9714 = 77 712 tce;
    # diesel 200 t × 1.4571 = 291.42 tce; feedstock coke 76 000 t × 0.9714 = 73 826.4 tce.
    values = metrics_of("ferroalloy")
    assert values["comprehensive_energy_equal_value_tce"] == pytest.approx(330_003.42)
    assert values["feedstock_energy_tce"] == pytest.approx(73_826.4)
    assert values["comprehensive_energy_tce"] == pytest.approx(256_177.02)
    assert values["energy_intensity_tce_per_10k_yuan"] == pytest.approx(256_177.02 / 35_000)


def test_ferroalloy_carbon_counts_only_burnt_coke_and_the_fossil_share_of_electricity():
    # electricity 840 000 MWh × (1 − 0.15) × 0.5703 = 407 194.2 t; burnt coke 4 000 t × 2.86 =
    # 11 440 t; diesel 200 t × 3.1 = 620 t → 419 254.2 t over 35 000 (10k yuan).
    values = metrics_of("ferroalloy")
    assert values["co2_t"] == pytest.approx(419_254.2)
    assert values["carbon_intensity_t_per_10k_yuan"] == pytest.approx(419_254.2 / 35_000)


def test_industry_section_and_division_come_from_the_industry_code():
    values = metrics_of("calcium_carbide")
    assert (values["industry_section"], values["industry_division"]) == ("C", "C26")
    assert values["industrial_project"] is True


def test_renewable_generation_is_not_an_industrial_project():
    values = metrics_of("desert_pv")
    assert values["renewable_generation"] is True
    assert values["industry_section"] == "D"
    assert values["industrial_project"] is False


def test_coal_power_is_industrial_and_not_renewable():
    values = metrics_of("coal_chp")
    assert values["renewable_generation"] is False
    assert values["industrial_project"] is True


def test_a_data_centre_is_neither_industrial_nor_mining():
    values = metrics_of("data_centre")
    assert values["data_center_project"] is True
    assert values["industrial_project"] is False
    assert values["mining_project"] is False


def test_without_an_industry_code_the_section_is_unknown_and_a_high_energy_product_makes_it_industrial():
    values = metrics_of("calcium_carbide", industry_code=None)
    assert values["industry_section"] is None
    # calcium carbide is made in a plant of C26: the file's own product says what the code would
    assert values["industrial_project"] is True
    assert (values["high_energy_sector"], values["high_energy_from_products"]) == (True, True)


def test_a_high_energy_product_under_a_code_of_another_division_decides_the_sector():
    values = metrics_of("calcium_carbide", industry_code="C3985")
    assert (values["high_energy_sector"], values["high_energy_from_products"]) == (True, True)
    assert metrics_of("calcium_carbide")["high_energy_from_products"] is False  # C2613 says so itself


def test_a_mine_section_or_a_mining_code_makes_a_mining_project():
    assert metrics_of("coal_mine")["mining_project"] is True
    assert metrics_of("data_centre", industry_code="B0911")["mining_project"] is True


def test_rare_earth_is_involved_through_the_product_or_the_mineral():
    assert metrics_of("rare_earth")["involves_rare_earth"] is True
    assert metrics_of("coal_mine")["involves_rare_earth"] is False
    mine = base("coal_mine")
    rare = mine.model_copy(update={"mine": mine.mine.model_copy(update={"mineral": "rare_earth"})})
    assert compute(rare, PARAMS).values["involves_rare_earth"] is True


def test_feedstock_coal_counts_toward_net_new_coal_only_while_it_is_not_excluded():
    # raw coal 50 000 t of which 48 000 t feedstock, 1 000 t replaced elsewhere:
    # fuel coal 2 000 t → net 1 000 t; before December 2021 feedstock counted → 49 000 t.
    project = base("calcium_carbide")
    energy = project.energy.model_copy(
        update={
            "raw_coal_t": 50_000.0,
            "feedstock": project.energy.feedstock.model_copy(update={"raw_coal_t": 48_000.0}),
        }
    )
    coal = project.coal.model_copy(update={"coal_replacement_t": 1_000.0})
    project = project.model_copy(update={"energy": energy, "coal": coal})
    now = compute(project, PARAMS).values
    assert (now["fuel_coal_t"], now["net_new_fuel_coal_t"], now["net_new_coal_t"]) == (
        2_000.0,
        1_000.0,
        1_000.0,
    )
    before = compute(project, resolve(dt.date(2021, 6, 1))).values
    assert before["net_new_coal_t"] == 49_000.0


@pytest.mark.parametrize(
    ("name", "industrial"),
    [
        ("calcium_carbide", True),  # a plant making a product of a high-energy sector
        ("coal_mine", True),  # a mine is section B
        ("desert_pv", False),  # renewable generation is excepted
        ("data_centre", False),  # section I
    ],
)
def test_without_an_industry_code_the_files_sections_and_products_say_whether_it_is_industrial(name, industrial):
    values = metrics_of(name, industry_code=None)
    assert values["industry_section"] is None
    assert values["industrial_project"] is industrial


def test_the_industry_code_decides_whether_a_project_with_a_pv_plant_is_industrial():
    # a carbide plant declaring a PV plant of its own is still section C, not renewable generation
    project = base("calcium_carbide")
    pv = base("desert_pv").renewable_plant
    assert compute(project.model_copy(update={"renewable_plant": pv}), PARAMS).values["industrial_project"] is True


def test_without_a_code_a_mine_or_coal_units_beside_a_pv_plant_are_industrial():
    pv = base("desert_pv")
    no_code = pv.model_copy(update={"project": pv.project.model_copy(update={"industry_code": None})})
    for section in ("mine", "coal_power"):
        source = base("coal_mine") if section == "mine" else base("coal_chp")
        project = no_code.model_copy(update={section: getattr(source, section)})
        assert compute(project, PARAMS).values["industrial_project"] is True, section
