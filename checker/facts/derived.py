"""Derived facts: the figures every rule and report needs, computed once before the rules run.

Each figure follows the catalogue's "Derived facts" table; every coefficient and factor is a dated
parameter, so a change of national coefficient is a data change. A figure whose inputs are absent is
None (unknown), never zero: a rule that needs it then reports `missing_info` instead of guessing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from checker.project.model import CARRIERS, Carriers, Project
from checker.project.vocabulary import capacity_factor
from checker.rules.parameters import ParameterSet

# carrier key → (coefficient parameter, factor converting the carrier's unit to the
# coefficient's denominator: t → kg, GJ → MJ), and the CO2 factor parameter.
_CARRIER_TABLE: dict[str, tuple[str | None, float, str | None]] = {
    "electricity_kwh": (None, 1.0, None),  # basis-dependent, handled apart
    "raw_coal_t": ("coefficient_raw_coal", 1000.0, "co2_factor_raw_coal"),
    "washed_coal_t": ("coefficient_washed_coal", 1000.0, "co2_factor_washed_coal"),
    "coke_t": ("coefficient_coke", 1000.0, "co2_factor_coke"),
    "crude_oil_t": ("coefficient_crude_oil", 1000.0, "co2_factor_crude_oil"),
    "fuel_oil_t": ("coefficient_fuel_oil", 1000.0, "co2_factor_fuel_oil"),
    "gasoline_t": ("coefficient_gasoline", 1000.0, "co2_factor_gasoline"),
    "diesel_t": ("coefficient_diesel", 1000.0, "co2_factor_diesel"),
    "lpg_t": ("coefficient_lpg", 1000.0, "co2_factor_lpg"),
    "natural_gas_m3": ("coefficient_natural_gas", 1.0, "co2_factor_natural_gas"),
    "coke_oven_gas_m3": ("coefficient_coke_oven_gas", 1.0, "co2_factor_coke_oven_gas"),
    "heat_gj": ("coefficient_heat", 1000.0, "co2_factor_heat"),
    "other_tce": (None, 1.0, "co2_factor_other"),
}
assert set(_CARRIER_TABLE) == set(CARRIERS), "every carrier of the format needs a conversion"

_COAL_CARRIERS = ("raw_coal_t", "washed_coal_t")
# what a kiln, coke oven or furnace can burn; gasoline, diesel and LPG fuel a site's vehicles
_FURNACE_FUELS = (
    "raw_coal_t",
    "washed_coal_t",
    "coke_t",
    "crude_oil_t",
    "fuel_oil_t",
    "natural_gas_m3",
    "coke_oven_gas_m3",
    "other_tce",
)
# the fossil fuels among them: none is burnt by a plant of simple energy processes
_FOSSIL_FURNACE_FUELS = tuple(carrier for carrier in _FURNACE_FUELS if carrier != "other_tce")


_FLOOR_READS = (
    "energy",
    "coal.fuel_coal_t",
    "coal_power",
    "coal.boilers",
    "project.industry_code",
    "renewable_plant",
    "mine",
    "data_center",
    "project.products",
)

# Every derived fact and the project keys `compute` reads for it, in the order a `missing_info`
# finding names them (a section, `energy`, stands for every key in it). `rules/facts.yaml`'s
# `from:` lists are generated from this table (`python -m checker.facts.sources`), never written by
# hand; tests/test_rule_language.py checks that every fact `compute` returns is declared and that
# taking out or adding a key changes only facts that declare it.
READS: dict[str, tuple[str, ...]] = {
    "comprehensive_energy_calorific_tce": ("energy", "coal.fuel_coal_t"),
    "comprehensive_energy_equal_value_tce": ("energy", "coal.fuel_coal_t"),
    "feedstock_energy_tce": ("energy", "coal.fuel_coal_t"),
    "energy_balance_incomplete": (
        "energy",
        "coal.fuel_coal_t",
        "coal_power",
        "coal.boilers",
        "project.industry_code",
    ),
    "energy_balance_gap": _FLOOR_READS,
    "comprehensive_energy_tce": ("energy", "coal.fuel_coal_t"),
    "review_energy_tce": ("energy", "coal.fuel_coal_t"),
    # present only while the balance is incomplete, which the file's units, boilers, industry and
    # energy-review exemption decide
    "review_energy_floor_tce": _FLOOR_READS,
    "comprehensive_energy_floor_tce": _FLOOR_READS,
    "energy_intensity_floor_tce_per_10k_yuan": ("output.annual_value_added_10k_yuan", *_FLOOR_READS),
    "energy_review_exempt": (
        "project.industry_code",
        "renewable_plant",
        "coal_power",
        "coal.boilers",
        "coal.fuel_coal_t",
        "energy",
        "mine",
        "data_center",
        "project.products",
    ),
    "undeclared_products": (
        "project.products",
        "project.industry_code",
        "renewable_plant",
        "data_center",
        "mine",
        "coal_power",
    ),
    "products_declared": ("project.products",),
    "pv_plant": ("renewable_plant.technology", "project.industry_code", "renewable_plant"),
    "wind_plant": ("renewable_plant.technology", "project.industry_code", "renewable_plant"),
    "coal_boilers_listed": ("coal.boilers",),
    "energy_intensity_tce_per_10k_yuan": ("output.annual_value_added_10k_yuan", "energy", "coal.fuel_coal_t"),
    "fuel_coal_t": ("coal.fuel_coal_t", "energy.raw_coal_t", "energy.washed_coal_t", "energy.feedstock"),
    "fuel_coal_tce": ("coal.fuel_coal_t", "energy.raw_coal_t", "energy.washed_coal_t", "energy.feedstock"),
    "feedstock_coal_t": ("energy.feedstock",),
    "net_new_fuel_coal_t": (
        "coal.fuel_coal_t",
        "coal.coal_replacement_t",
        "energy.raw_coal_t",
        "energy.washed_coal_t",
        "energy.feedstock",
    ),
    "other_energy_unidentified": ("energy.other_tce", "coal.fuel_coal_t", "energy.raw_coal_t", "energy.washed_coal_t"),
    "net_new_coal_t": (
        "coal.fuel_coal_t",
        "coal.coal_replacement_t",
        "energy.raw_coal_t",
        "energy.washed_coal_t",
        "energy.feedstock",
    ),
    "coal_share": ("energy", "coal.fuel_coal_t"),
    "water_intensity_m3_per_10k_yuan": ("water.fresh_water_m3", "output.annual_value_added_10k_yuan"),
    "co2_estimate_t": ("energy", "coal.fuel_coal_t"),
    "co2_t": ("emissions.co2_t", "energy", "coal.fuel_coal_t"),
    "co2_declared": ("emissions.co2_t",),
    "carbon_intensity_t_per_10k_yuan": (
        "emissions.co2_t",
        "energy",
        "output.annual_value_added_10k_yuan",
        "coal.fuel_coal_t",
    ),
    "high_energy_sector": ("project.industry_code", "coal_power", "renewable_plant", "project.products"),
    "high_energy_from_products": ("project.products", "project.industry_code"),
    "adds_capacity": (
        "project.construction_type",
        "project.adds_capacity",
        "coal_power",
        "project.products",
        "mine.capacity_mt_per_year",
        "renewable_plant",
        "data_center",
    ),
    "builds_coal_units": ("coal_power",),
    "builds_coal_power": ("project.industry_code", "coal_power", "project.products"),
    "generates_electricity": (
        "coal_power",
        "renewable_plant",
        "project.industry_code",
        "project.products",
        "data_center",
        "mine",
    ),
    "renewable_generation": (
        "renewable_plant",
        "project.industry_code",
        "coal_power",
        "project.products",
        "mine",
        "data_center",
    ),
    "industry_section": ("project.industry_code",),
    "industry_division": ("project.industry_code",),
    "mining_code_declared": ("project.industry_code",),
    "mining_only": ("mine", "project.industry_code", "project.products"),
    "industrial_project": (
        "project.industry_code",
        "renewable_plant",
        "data_center",
        "mine",
        "coal_power",
        "project.products",
    ),
    "mining_project": ("mine", "project.industry_code", "project.products"),
    "coal_mine_undetermined": (
        "mine.mineral",
        "mine",
        "project.industry_code",
        "project.products",
        "renewable_plant",
        "data_center",
        "coal_power",
    ),
    "project_kind_unknown": (
        "project.industry_code",
        "project.products",
        "renewable_plant",
        "data_center",
        "mine",
        "coal_power",
    ),
    "coal_mine_declared": ("mine.mineral", "project.products"),
    "mine_listed": ("mine",),
    "data_center_project": ("data_center", "project.industry_code"),
    "involves_rare_earth": ("project.products", "mine.mineral", "mine", "project.industry_code"),
    "coal_power_capacity_mw": ("coal_power.units_mw",),
    "mine_design_capacity_mt": ("mine.capacity_mt_per_year", "project.products", "project.construction_type"),
    "coal_generation_undeclared": (
        "project.industry_code",
        "coal_power",
        "renewable_plant",
        "project.products",
        "coal.fuel_coal_t",
        "energy.raw_coal_t",
        "energy.washed_coal_t",
        "energy.feedstock",
    ),
}

# The keys a `missing_info` finding asks for when a derived fact is unknown, where they are fewer
# than the keys it reads (`READS` otherwise). A total of the energy balance is unknown only when
# the balance is empty or incomplete, and what completes it is a carrier of `energy` (electricity,
# the coal that listed units or boilers burn, a kiln's fuel): fuel coal given in `coal.fuel_coal_t`
# with no coal carrier beside it stays outside the balance and is itself a reason it is incomplete.
_WITHOUT_FUEL_COAL = (
    "comprehensive_energy_calorific_tce",
    "comprehensive_energy_equal_value_tce",
    "feedstock_energy_tce",
    "comprehensive_energy_tce",
    "review_energy_tce",
    "energy_intensity_tce_per_10k_yuan",
    "co2_estimate_t",
    "co2_t",
    "carbon_intensity_t_per_10k_yuan",
)
ASKS: dict[str, tuple[str, ...]] = {
    name: tuple(key for key in READS[name] if key != "coal.fuel_coal_t") for name in _WITHOUT_FUEL_COAL
}


# The derived facts that are quotients, each with its numerator and denominator: a report printing
# a numerator beside a limit on the quotient prints it apart from limit × denominator, so that its
# rounding never moves the quotient it implies across the limit (3.9万 ÷ 3亿 is 1.3, for 39 001.2).
QUOTIENTS: dict[str, tuple[str, str]] = {
    "energy_intensity_tce_per_10k_yuan": ("comprehensive_energy_tce", "output.annual_value_added_10k_yuan"),
    "energy_intensity_floor_tce_per_10k_yuan": (
        "comprehensive_energy_floor_tce",
        "output.annual_value_added_10k_yuan",
    ),
    "water_intensity_m3_per_10k_yuan": ("water.fresh_water_m3", "output.annual_value_added_10k_yuan"),
    "carbon_intensity_t_per_10k_yuan": ("co2_t", "output.annual_value_added_10k_yuan"),
    "coal_share": ("fuel_coal_tce", "comprehensive_energy_calorific_tce"),
}


@dataclass(frozen=True)
class Metrics:
    """The derived facts of one project (None where the inputs are absent)."""

    values: dict[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


def _tce(carriers: Carriers, params: ParameterSet, electricity_coefficient: str) -> float | None:
    """Sum of carriers in tonnes of standard coal; None when no carrier is given at all."""
    total, seen = 0.0, False
    for carrier, (coefficient, unit_factor, _co2) in _CARRIER_TABLE.items():
        amount = getattr(carriers, carrier)
        if amount is None:
            continue
        seen = True
        if carrier == "other_tce":
            total += amount
        elif carrier == "electricity_kwh":
            total += amount * params[electricity_coefficient].value / 1000.0
        else:
            assert coefficient is not None
            total += amount * unit_factor * params[coefficient].value / 1000.0
        # kgce → tce is the division by 1000 above
    return total if seen else None


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


# significant digits a computed figure keeps (`_settled`)
SIGNIFICANT_DIGITS = 12


def _settled(value: Any) -> Any:
    """A computed figure rounded to `SIGNIFICANT_DIGITS` significant digits; anything else as it is.

    Sums, differences and quotients of decimal figures carry binary-float noise in their last
    digits: 389 579.13 ÷ 30 000 is exactly 12.985971, computed 12.985971000000001, which a rule
    would find above a cap of 12.985971 and a report would print with digits nobody wrote. The
    noise of the few operations here is below 10⁻¹⁴ relative; the figures a project declares have
    a handful of significant digits, and no limit is set to twelve. Rounding to twelve removes the
    noise and nothing a figure says, so a figure exactly at a limit is at it, not above or below.
    The rounding happens once, here, where the figure is computed: the rules compare and every
    report prints the same settled number."""
    if isinstance(value, float) and math.isfinite(value) and value != 0:
        return float(f"{value:.{SIGNIFICANT_DIGITS}g}")
    return value


def _matches_code(code: str | None, prefixes: list[str]) -> bool | None:
    if code is None:
        return None
    return code.startswith(tuple(prefixes))  # any prefix: one C call, not a generator per prefix


def _code_class(code: str | None, prefixes: list[str]) -> bool | None:
    """Whether an industry code of any depth falls in the listed classes: True when it is inside
    one (C2613 in C26), False when it is outside all, None when it is coarser than a listed class
    and so may or may not be inside it (D44 holds thermal power D4411 and wind power D4415)."""
    if code is None:
        return None
    if code.startswith(tuple(prefixes)):
        return True
    if any(prefix.startswith(code) for prefix in prefixes):
        return None
    return False


# the products a mine or its power plant makes without manufacturing (LA-005 without a code)
NOT_MANUFACTURED = frozenset({"electricity", "raw_coal"})


def _adds_capacity(project: Project) -> bool | None:
    """New or expansion adds capacity, and so does a declared `adds_capacity: true`. A renovation
    or relocation that leaves `adds_capacity` out is unknown, not "no new capacity", when the
    file itself lists new capacity: coal units, products with a capacity, a mine's capacity, a
    renewable plant or a data centre (amendment 1)."""
    info = project.project
    if info.construction_type in ("new", "expansion") or info.adds_capacity is True:
        return True
    if info.adds_capacity is False:
        return False
    listed = (
        project.coal_power is not None  # units listed, or a section for units not yet sized
        or any(line.capacity is not None for line in info.products)
        or (project.mine is not None and project.mine.capacity_mt_per_year is not None)
        or project.renewable_plant is not None
        or project.data_center is not None  # a data centre's design PUE: halls being built
    )
    return None if listed else False


def _coal_generation_undeclared(
    project: Project, fuel_coal_t: float | None, generation_class: bool | None, builds_coal_power: bool
) -> bool:
    """Whether the file generates electricity, burns coal and says nothing of coal units: a code of
    electricity generation that does not name coal power (D44, D441, biomass D4417, "other" D4419)
    or, without a code, a file whose only product is electricity, beside fuel coal burnt and no
    `coal_power` section or wind or PV plant. Such a file may build coal units; CO-001 asks for
    them instead of reading "no coal units" from the section left out (amendment 1)."""
    if builds_coal_power or project.coal_power is not None or project.renewable_plant is not None:
        return False
    if not fuel_coal_t or fuel_coal_t <= 0:
        return False
    if project.project.industry_code is not None:
        return generation_class is not False
    products = {line.product for line in project.project.products}
    return products == {"electricity"}


def _mine_design_capacity(project: Project) -> float | None:
    """A coal mine's design capacity in Mt/a: `mine.capacity_mt_per_year`, or else, for a new
    mine, its raw-coal product lines (原煤(采掘)) added up. Both state the same figure
    (`Project` refuses a new mine whose two statements differ), so a file giving only the lines
    has stated its scale. An expansion's line may state only the capacity it adds, and a line in
    a unit not accepted for raw coal is reported on its own key: neither is read here."""
    mine = project.mine
    if mine is not None and mine.capacity_mt_per_year is not None:
        return mine.capacity_mt_per_year
    info = project.project
    if info.construction_type != "new":
        return None
    total, seen = 0.0, False
    for line in info.products:
        if line.product != "raw_coal" or line.capacity is None:
            continue
        factor = capacity_factor("raw_coal", line.unit)
        if factor is None:
            return None
        total, seen = total + line.capacity * factor, True
    return total if seen else None


_CEILING_ROUNDING = 1e-9  # relative: the float error of a product, far below any figure written


def value_added_ceiling(project: Project, params: ParameterSet) -> float | None:
    """The most value added the file's output value allows, if the declared value added exceeds it.

    Industrial value added is output value less intermediate input plus the VAT payable, and the
    VAT payable is at most the output value times the standard rate (`vat_standard_rate`): value
    added above (1 + rate) × output value cannot both hold with the output value. Value added
    written in 元 beside an output value in 万元 divided every intensity by 10 000 and passed
    EC-001 and WA-001; up to the ceiling, value added above output value is taken (little bought
    in, VAT payable on it)."""
    output = project.output.annual_output_value_10k_yuan
    value_added = project.output.annual_value_added_10k_yuan
    if output is None or value_added is None:
        return None
    ceiling = output * (1.0 + params["vat_standard_rate"].value)
    # 10000 × 1.13 is 11299.999999999998 in binary: a value added written at the ceiling is taken
    return ceiling if value_added > ceiling * (1.0 + _CEILING_ROUNDING) else None


def compute(project: Project, params: ParameterSet) -> Metrics:
    """Every derived fact of the catalogue, from the project and the parameters in force."""
    energy = project.energy
    feedstock = energy.feedstock or Carriers()
    calorific = _tce(energy, params, "coefficient_electricity_calorific")
    equal_value = _tce(energy, params, "coefficient_electricity_equal_value")
    # electricity and heat are never feedstock, and no carrier's feedstock exceeds its use
    # (Project.contradictions refuses such files), so the totals less feedstock are never negative
    feedstock_tce = _tce(feedstock, params, "coefficient_electricity_equal_value") or 0.0
    exclude = bool(params["exclude_feedstock_from_totals"].value)
    excluded = feedstock_tce if exclude else 0.0
    controlled = None if equal_value is None else equal_value - excluded
    # the energy-review orders' basis: electricity at its calorific equivalent (当量值)
    review_energy = None if calorific is None else calorific - excluded
    value_added = project.output.annual_value_added_10k_yuan

    # fuel coal: declared, or the coal carriers less the part used as feedstock
    fuel_coal_t: float | None
    fuel_coal_tce: float | None
    if project.coal.fuel_coal_t is not None:
        fuel_coal_t = project.coal.fuel_coal_t
        fuel_coal_tce = fuel_coal_t * params["coefficient_raw_coal"].value
    elif any(getattr(energy, c) is not None for c in _COAL_CARRIERS):
        fuel_coal_t, fuel_coal_tce = 0.0, 0.0
        for carrier in _COAL_CARRIERS:
            burnt = (getattr(energy, carrier) or 0.0) - (getattr(feedstock, carrier) or 0.0)
            fuel_coal_t += burnt
            fuel_coal_tce += burnt * params[_CARRIER_TABLE[carrier][0] or ""].value
    else:
        fuel_coal_t = fuel_coal_tce = None
    feedstock_coal_t = sum(getattr(feedstock, c) or 0.0 for c in _COAL_CARRIERS)
    net_new_fuel_coal_t = None
    net_new_coal_t = None  # what coal control counts: feedstock coal only if not excluded
    if fuel_coal_t is not None:
        replaced = project.coal.coal_replacement_t or 0.0
        net_new_fuel_coal_t = max(fuel_coal_t - replaced, 0.0)
        counted_feedstock = 0.0 if exclude else feedstock_coal_t
        net_new_coal_t = max(fuel_coal_t + counted_feedstock - replaced, 0.0)

    co2_estimate = _co2_estimate(project, params)
    declared_co2 = project.emissions.co2_t
    co2 = declared_co2 if declared_co2 is not None else co2_estimate

    code = project.project.industry_code
    info = project.project
    adds_capacity = _adds_capacity(project)
    # Coal-fired units (CO-001, CO-004, CO-006) are built whenever the file has a coal_power
    # section, a captive unit of an industrial plant included. A coal-power *project*, which
    # CO-001/CO-006 govern instead of HE-002, EC-001 and CO-002, is known from that section first
    # (amendment 5): with it, any code that may be thermal power (D, D44, D441, D4411) makes the
    # project coal power. A code outside thermal power (an olefins plant C2614 with a captive
    # unit) keeps the project under the rules of its own industry.
    builds_coal_units = project.coal_power is not None
    coal_power_class = _code_class(code, params["coal_power_codes"].value)
    generation_class = _code_class(code, params["electricity_generation_codes"].value)
    generates_electricity: bool | None
    # Without a code, a file whose products are other than electricity (a carbide plant with
    # captive units) describes an industrial plant that builds coal units, not a coal-power
    # project: its own industry's rules (HE-002, EC-001, CO-002) judge it (amendment 1)
    other_products = any(line.product != "electricity" for line in info.products)
    host_products = code is None and other_products
    # an activity a file describes beside any generation: a mine, a data centre, or a product line
    # other than electricity (a polysilicon plant coded as solar generation, D4416, is a
    # polysilicon plant)
    other_activity = project.mine is not None or project.data_center is not None or other_products
    # whether the code is wind or solar generation (None: coarser, D or D44, holding both kinds)
    renewable_class = _code_class(code, params["renewable_generation_codes"].value)
    if builds_coal_units and host_products:
        builds_coal_power = generates_electricity = False
    elif builds_coal_units:
        builds_coal_power = coal_power_class is not False
        generates_electricity = generation_class is not False
    else:
        builds_coal_power = bool(coal_power_class)
        if code is None:
            # a wind or PV plant beside another activity is that activity's captive plant, as coal
            # units are above: the activity's own rules judge it
            generates_electricity = project.renewable_plant is not None and not other_activity
        elif generation_class is None:  # D or D44: generation if the file has a plant, else unknown
            generates_electricity = True if project.renewable_plant is not None else None
        elif generation_class and other_products and renewable_class:
            # a product line other than electricity under a wind or solar code (polysilicon coded
            # D4416) is a plant the code does not name, judged by its own rules as without a code
            generates_electricity = False
        else:
            generates_electricity = generation_class
    high_energy = _code_class(code, params["high_energy_sector_codes"].value)
    # a product of a high-energy sector (coke, clinker, ferroalloys, ...) is the file's own
    # evidence of what the project makes: it decides whatever the code says (a graphite-electrode
    # plant filed under C3985, or with no code), as the code decides a file naming no such product
    # (amendment 1: where the file shows the opposite elsewhere, the file's evidence decides)
    high_energy_products = params["high_energy_sector_products"].value
    makes_high_energy_product = any(line.product in high_energy_products for line in info.products)
    # what a message must say decided it: the products, where the code does not say so itself
    high_energy_from_products = makes_high_energy_product and high_energy is not True
    if makes_high_energy_product:
        high_energy = True
    elif high_energy is None and code is not None:
        # a coarse code (D, D44) is settled by the file: coal units make it thermal power, a
        # wind or PV plant without them renewable generation, which is not high-energy
        if builds_coal_units:
            high_energy = True
        elif project.renewable_plant is not None:
            high_energy = False
    # the national list of industries with simple energy processes and little saving potential,
    # not subject to a separate energy review (amendment 4): known from the code, or, without a
    # code, from a file that describes only a wind or PV plant
    exempt_codes = params["energy_review_exempt_industry_codes"].value
    review_exempt: bool | None
    coal_fired = builds_coal_units or bool(project.coal.boilers)
    # A plant that burns fossil furnace fuel (coal, coke, oil, gas) is not one of simple energy
    # processes, whatever its code says: the file's evidence decides (amendment 1). Vehicle fuels
    # (gasoline, diesel, LPG) are what any wind or PV plant uses, and `other_tce` may be the
    # biomass a listed biomass plant burns.
    burns_fossil_fuel = (project.coal.fuel_coal_t or 0) > 0 or any(
        (getattr(energy, carrier) or 0) > 0 for carrier in _FOSSIL_FURNACE_FUELS
    )
    # Nor is a plant whose file describes another activity beside the generation (`other_activity`).
    simple = not coal_fired and not burns_fossil_fuel and not other_activity
    # Renewable generation (CO-002's exception) is what the project is, not a section beside it:
    # the industry code decides, so a methanol plant (C2613) with a captive PV plant is not
    # renewable generation; a coarse code (D, D44) that holds thermal and renewable generation
    # alike is settled by a wind or PV plant built without coal units. Without a code, a wind or
    # PV plant is the project when the file describes no other activity; beside a mine, a data
    # centre or another product, what the project is stays unknown.
    renewable_generation: bool | None
    if code is not None:
        renewable_generation = (
            renewable_class
            if renewable_class is not None
            else (project.renewable_plant is not None and project.coal_power is None)
        )
    elif project.renewable_plant is None:
        renewable_generation = False
    else:
        renewable_generation = None if other_activity else True
    if code is not None:
        review_exempt = bool(_matches_code(code, exempt_codes)) and simple
    else:
        review_exempt = project.renewable_plant is not None and simple
    # GB/T 4754 section letter (B mining, C manufacturing, D utilities) and division (C25)
    section = code[0] if code else None
    division = code[:3] if code else None
    # "industrial": sections B, C, D with renewable generation excepted (catalogue, LA-004).
    # The industry code decides: a wind or PV plant built with a section-C factory does not make
    # the factory renewable generation. Without a code, the file's sections settle what they can:
    # a mine (section B) or a public or CHP coal plant (section D) is industrial, even beside a PV
    # plant; a wind or PV plant (renewable generation) or a data centre (section I) is not, unless
    # the file also lists a product other than electricity (a factory with a captive PV plant).
    # Captive coal units (自备) serve an industrial host, unless the file's other section is a PV
    # plant or a data centre: then whose units they are is not known. What is not known stays
    # None, and the rules that turn on it ask for the code rather than guess.
    industrial: bool | None = None
    coal_units = project.coal_power
    other_use = project.renewable_plant is not None or project.data_center is not None
    if section is not None:
        renewable_code = renewable_class
        if renewable_code is None:
            # a coarse code (D, D44, D441) holds thermal and renewable generation alike: a wind
            # or PV plant without coal units settles it as renewable generation
            renewable_code = coal_units is None and project.renewable_plant is not None
        industrial = section in ("B", "C", "D") and not renewable_code
        if renewable_code and project.mine is not None:
            industrial = True  # a mine beside the plant is mining, whatever code the file gives
        elif renewable_code and other_products:
            # a product line other than electricity under a wind or solar code (a PV plant "with
            # its supporting industry") is an activity the code does not name: whether it is
            # industrial is asked, as for a file without a code listing such a line
            industrial = None
    elif project.mine is not None or (
        coal_units is not None and (coal_units.kind in ("public", "chp") or not other_use)
    ):
        industrial = True
    elif coal_units is None and other_use and not other_products:
        industrial = False
    if makes_high_energy_product:
        # coke, clinker, steel or aluminium are made in a plant: an industrial project whatever
        # section the code names (M7320 for a graphite-electrode plant) or whether there is one
        industrial = True
    # a raw-coal product line (原煤(采掘), Mt/a) is the file's own evidence of a coal mine, whatever
    # the mine section or the industry code says (amendment 1)
    raw_coal_declared = any(line.product == "raw_coal" for line in info.products)
    mining = (
        project.mine is not None
        or raw_coal_declared
        or bool(_matches_code(code, params["mining_industry_codes"].value))
    )
    # a data centre is known from its section or its code; a coarser code holding I6450 (I, I64:
    # internet services of every kind) with no data_center section may or may not be one
    data_centre_class = _code_class(code, params["data_center_industry_codes"].value)
    data_centre: bool | None
    if project.data_center is not None or data_centre_class:
        data_centre = True
    elif data_centre_class is None and code is not None:
        data_centre = None
    else:
        data_centre = False
    # rare earths are known from a product, the mineral, or the industry code of rare-earth
    # smelting and separation (C3232): a file declaring `product: other` under that code still
    # smelts rare earths (amendment 1)
    # no product named (none listed, or only `other`); and a file that says nothing of what the
    # project is: no code, no products, and no section that tells (a wind or PV plant, a data
    # centre, a mine, coal units)
    names_no_product = not info.products or any(line.product == "other" for line in info.products)
    says_nothing = (
        code is None
        and not info.products
        and project.renewable_plant is None
        and project.data_center is None
        and project.mine is None
        and project.coal_power is None
    )
    rare_earth_codes = params["rare_earth_industry_codes"].value
    rare_earth: bool | None = (
        any(line.product == "rare_earth" for line in info.products)
        or (project.mine is not None and project.mine.mineral == "rare_earth")
        or bool(_matches_code(code, rare_earth_codes))
    )
    if not rare_earth and project.mine is not None and project.mine.mineral is None:
        # a mine of undeclared mineral is rare earth or not only if a mining code settles it
        mining_code = code is not None and code.startswith("B")
        if not mining_code or _code_class(code, rare_earth_codes) is None:
            rare_earth = None
    elif not rare_earth and (
        (
            code is not None
            and _code_class(code, rare_earth_codes) is None
            and names_no_product
            # a mine's mineral says what a mining code's project raises, not what a smelter
            # under a manufacturing code (C323) processes
            and (project.mine is None or project.mine.mineral is None or not code.startswith("B"))
        )
        or says_nothing
    ):
        # a coarse code that holds rare-earth smelting or mining (C32, C323, B09, B093), or no code
        # and no section that says what the project is, and a file that names no product: rare
        # earth or not is unknown, never "no" (amendment 1), as for the listed products (HE-001)
        rare_earth = None
    # wind or PV: what `renewable_plant.technology` declares. Left out, it is unknown (None) where
    # the industry code (D4415 wind, D4416 solar) or an untyped renewable plant says such a plant
    # is built (amendment 1): the siting and storage rules ask for the technology, the key that
    # decides which of them apply, rather than infer it from a code that does not name it
    technology = project.renewable_plant.technology if project.renewable_plant is not None else None
    wind_or_solar_code = bool(_matches_code(code, ["D4415", "D4416"]))
    untyped_plant = project.renewable_plant is not None
    plants: dict[str, bool | None] = {}
    for kind in ("pv", "wind"):
        if technology is not None:
            plants[kind] = technology == kind
        elif wind_or_solar_code or untyped_plant:
            plants[kind] = None
        else:
            plants[kind] = False
    # products the file leaves out although its industry code makes a no-new-capacity or a
    # benchmarked product likely: the product rules then ask for them
    # (a coarse code, C26 or C261, may be such an industry too)
    # A line declared as `other` under such a code names no product either: it may be the very
    # listed product the code stands for (a C2613 plant declaring `product: other`)
    # A file with neither a product list nor an industry code says nothing of what it makes,
    # unless its sections do (a wind or PV plant, a data centre, a mine, coal units): absence is
    # never "no listed product" (amendment 1), so the product rules ask for the list.
    # Under such a code, a list naming only what no manufacturer makes as its product (electricity,
    # raw coal) also leaves the code's product out: a C2613 file listing only its captive
    # generation says nothing of the carbide the code stands for.
    names_no_manufactured = all(line.product in NOT_MANUFACTURED for line in info.products)
    undeclared_products = (
        (names_no_product or names_no_manufactured)
        and code is not None
        and _code_class(code, params["listed_product_industry_codes"].value) is not False
    ) or says_nothing
    # A carrier the file leaves out is not a carrier of 0 (amendment 1). Where the file itself
    # shows the balance is incomplete, the totals are unknown rather than understated: every
    # project outside the energy-review exemption uses electricity, and listed coal units or
    # coal boilers burn coal, so a balance without electricity, or without any coal beside coal
    # units or boilers, cannot be summed into a consumption a rule may pass.
    # Likewise a kiln, coke oven or blast furnace burns fuel: a balance of such an industry that
    # declares no furnace fuel (electricity and the vehicles' gasoline, diesel or LPG alone)
    # leaves its fuel out.
    # a kiln's fuel is declared by a furnace fuel the balance says it burns, or by fuel coal burnt
    # (outside the balance: `coal_outside` below); a nought of a fuel, in the balance or as fuel
    # coal, says which fuel it does not burn, not which it burns
    declares_fuel = (project.coal.fuel_coal_t or 0) > 0 or any(
        (getattr(energy, carrier) or 0) > 0 for carrier in _FURNACE_FUELS
    )
    burns_fuel = bool(_matches_code(code, params["fuel_burning_industry_codes"].value))
    # fuel coal declared in `coal.fuel_coal_t` with no coal carrier in the balance: the file says
    # it burns that coal, and the balance leaves it out (with a coal carrier, the two must agree:
    # Project.contradictions)
    coal_outside = (project.coal.fuel_coal_t or 0) > 0 and not any(
        getattr(energy, carrier) is not None for carrier in _COAL_CARRIERS
    )
    # why it is incomplete, for the messages to say (the rules read only whether it is)
    gaps = [
        gap
        for gap, holds in (
            ("fuel_coal_outside", coal_outside),
            ("no_electricity", energy.electricity_kwh is None and review_exempt is not True),
            ("coal_not_declared", coal_fired and fuel_coal_t is None),
            ("furnace_fuel_not_declared", burns_fuel and not declares_fuel),
        )
        if holds and (gap == "fuel_coal_outside" or calorific is not None)
    ]
    incomplete = bool(gaps)
    balance_gap = (gaps[0] if len(gaps) == 1 else "several_gaps") if gaps else None
    # What the declared carriers sum to is still a lower bound of an incomplete balance: the
    # carriers left out can only add to it. A floor at or above a threshold reaches it, and a
    # replacement below the floor cannot cover the project, whatever the missing fuel is; adding
    # a boiler without its coal must never turn a certain failure into a question.
    review_floor = controlled_floor = None
    if incomplete:
        review_floor, controlled_floor = review_energy, controlled
        if coal_outside:  # the coal the file declares burning, outside its balance
            review_floor = (review_floor or 0.0) + (fuel_coal_tce or 0.0)
            controlled_floor = (controlled_floor or 0.0) + (fuel_coal_tce or 0.0)
        calorific = equal_value = controlled = review_energy = co2_estimate = None
        co2 = declared_co2
    values: dict[str, Any] = {
        "comprehensive_energy_calorific_tce": calorific,
        "comprehensive_energy_equal_value_tce": equal_value,
        "feedstock_energy_tce": feedstock_tce if equal_value is not None else None,
        "energy_balance_incomplete": incomplete,
        "energy_balance_gap": balance_gap,
        "comprehensive_energy_tce": controlled,
        "review_energy_tce": review_energy,
        "review_energy_floor_tce": review_floor,
        "comprehensive_energy_floor_tce": controlled_floor,
        "energy_intensity_floor_tce_per_10k_yuan": _ratio(controlled_floor, value_added),
        "energy_review_exempt": review_exempt,
        "undeclared_products": undeclared_products,
        # a product list says "no national benchmark" only if every product is named: `other`
        # may be a benchmarked product under no key of the vocabulary
        "products_declared": bool(info.products) and all(p.product != "other" for p in info.products),
        "pv_plant": plants["pv"],
        "wind_plant": plants["wind"],
        "coal_boilers_listed": bool(project.coal.boilers),
        "energy_intensity_tce_per_10k_yuan": _ratio(controlled, value_added),
        "fuel_coal_t": fuel_coal_t,
        "fuel_coal_tce": fuel_coal_tce,
        "feedstock_coal_t": feedstock_coal_t,
        "net_new_fuel_coal_t": net_new_fuel_coal_t,
        "net_new_coal_t": net_new_coal_t,
        # energy declared only as "other" beside no coal figure: it may be coal (amendment 1)
        "other_energy_unidentified": fuel_coal_t is None and (energy.other_tce or 0.0) > 0,
        "coal_share": _ratio(fuel_coal_tce, calorific),
        "water_intensity_m3_per_10k_yuan": _ratio(project.water.fresh_water_m3, value_added),
        "co2_estimate_t": co2_estimate,
        "co2_t": co2,
        "co2_declared": declared_co2 is not None,
        "carbon_intensity_t_per_10k_yuan": _ratio(co2, value_added),
        "high_energy_sector": high_energy,
        "high_energy_from_products": high_energy_from_products,
        "adds_capacity": adds_capacity,
        "builds_coal_units": builds_coal_units,
        "builds_coal_power": builds_coal_power,
        "generates_electricity": generates_electricity,
        "renewable_generation": renewable_generation,
        "industry_section": section,
        "industry_division": division,
        # a mining code (section B) says what a mine is; another code, or none, does not
        "mining_code_declared": section == "B",
        # a mining project that declares no product but raw coal or electricity: any other product
        # line may be manufactured (rare earths are separated and smelted, `other` may be anything),
        # whatever else the file holds (a cement plant with its own quarry)
        "mining_only": mining and not any(line.product not in NOT_MANUFACTURED for line in info.products),
        "industrial_project": industrial,
        "mining_project": mining,
        # a file that says nothing of what the project is (no code, no products, no section that
        # tells): the rules on what a project of some kind must do ask for its code, never read
        # it as "not such a project" (amendment 1)
        "project_kind_unknown": says_nothing,
        # a coal mine or not, the file cannot tell: a mine of undeclared mineral without a mining
        # code (section B) to settle it, or a file that says nothing of what the project is
        "coal_mine_undetermined": (mining and (project.mine is None or project.mine.mineral is None) and section != "B")
        or says_nothing,
        "mine_listed": project.mine is not None,
        # coal is what the mine raises: its declared mineral, or a raw-coal line (原煤(采掘))
        "coal_mine_declared": raw_coal_declared or (project.mine is not None and project.mine.mineral == "coal"),
        "data_center_project": data_centre,
        "involves_rare_earth": rare_earth,
        "coal_power_capacity_mw": (sum(project.coal_power.units_mw) if project.coal_power is not None else None),
        "mine_design_capacity_mt": _mine_design_capacity(project),
        "coal_generation_undeclared": _coal_generation_undeclared(
            project, fuel_coal_t, generation_class, builds_coal_power
        ),
    }
    return Metrics({name: _settled(value) for name, value in values.items()})


def _co2_estimate(project: Project, params: ParameterSet) -> float | None:
    """Fuels burnt × emission factors + non-renewable grid electricity × grid factor."""
    energy = project.energy
    feedstock = energy.feedstock or Carriers()
    total, seen = 0.0, False
    for carrier, (_coefficient, _unit, co2_factor) in _CARRIER_TABLE.items():
        amount = getattr(energy, carrier)
        if amount is None:
            continue
        seen = True
        burnt = amount - (getattr(feedstock, carrier) or 0.0)
        if carrier == "electricity_kwh":
            fossil_share = 1.0 - (energy.renewable_electricity_share or 0.0)
            total += burnt / 1000.0 * fossil_share * params["co2_factor_grid_electricity"].value
        else:
            assert co2_factor is not None
            total += burnt * params[co2_factor].value
    return total if seen else None
