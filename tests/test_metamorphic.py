"""Absence is never a "no": deleting what a file says never makes its verdict better, and
listing equipment whose fuel is left out never does either.

Metamorphic property: from a valid project (a sample, a fixture base, or a generated one), delete
any optional key or whole section. The verdict must not move into approved or
approved_with_warnings from a non-approving one, and no rule may turn from fail, warn, review or
missing_info into pass, unless the deleted key removes the very subject of the rule: the
allowed escapes are the one table `ESCAPES` below (documented in tests/README.md). A deletion that
makes the file invalid (a required key) is not a valid starting point for the property: skipped.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checker.errors import InputError
from checker.evaluation.decision import fired
from checker.facts import derived
from checker.input.source import parse_document
from checker.input.validation import validate_document
from checker.project.model import CARRIERS, Project
from checker.rules.ruleset import load_ruleset
from tests.support.checkers import PACK_IDS, PACKS, checker_on
from tests.support.strategies import BASE_FILES, BASES, dump, projects

AS_OF_DATES = [dt.date(2022, 6, 1), dt.date(2026, 1, 1)]
APPROVING = ("approved", "approved_with_warnings")
NOT_YET_PASSING = ("fail", "warn", "review", "missing_info")
SETTLED = ("pass", "not_applicable")


def _always(_original: Any, _result: Any) -> bool:
    return True


def _no_code_naming_a_listed_product(_original: Any, result: Any) -> bool:
    """The file left has no industry code naming a listed or benchmarked product (a rare-earth
    smelter's C3232 names none, though C32 is a high-energy division), and its sections say what
    it is: nothing brings the product rules in, so they do not ask for products."""
    return result.metrics.values["undeclared_products"] is False


def _renovation_of_unknown_capacity(original: Any, _result: Any) -> bool:
    """A renovation or relocation that does not say whether it adds capacity: its listed units,
    product capacities, mine or plant are the only evidence that it may (amendment 1)."""
    info = original.project.project
    return info.construction_type in ("renovation", "relocation") and info.adds_capacity is None


def _renovation_listing_no_capacity(original: Any, result: Any) -> bool:
    """A renovation or relocation whose file, without its `adds_capacity`, lists no new capacity:
    its construction type is then its word that it adds none (amendment 1)."""
    info = original.project.project
    return info.construction_type in ("renovation", "relocation") and result.metrics.values["adds_capacity"] is False


def _not_industrial_left(original: Any, result: Any) -> bool:
    """The file left is known not to be an industrial project, which it was not known not to be."""
    return (
        original.metrics.values["industrial_project"] is not False
        and result.metrics.values["industrial_project"] is False
    )


def _exempt_without_a_balance(_original: Any, result: Any) -> bool:
    """The file left is a wind or PV plant outside the energy review, with no energy balance."""
    values = result.metrics.values
    return values["energy_review_exempt"] is True and values["renewable_generation"] is True


def _mine_left(_original: Any, result: Any) -> bool:
    """The file left is a mine that declares no manufactured product."""
    return result.metrics.values["mining_only"] is True


def _no_mine_left(_original: Any, result: Any) -> bool:
    """The file left says nowhere that it mines: no mine section, no mining code, no raw-coal line."""
    return result.metrics.values["mining_project"] is False


def _mining_code_settles_the_mineral(_original: Any, result: Any) -> bool:
    """The file left has a mining code that is not rare-earth mining: the code says what the mine
    raises, as it does for any file without a mineral."""
    values = result.metrics.values
    return values["mining_code_declared"] is True and values["involves_rare_earth"] is False


def _renewable_generation_without_coal_left(_original: Any, result: Any) -> bool:
    """The file left describes renewable generation that lists no coal units or coal boilers and
    declares no coal, or a coal carrier of 0: outside CO-002 (amendment 4) or within it at no new
    coal, whatever else its balance lists."""
    values = result.metrics.values
    return (
        values["renewable_generation"] is True
        and values["builds_coal_units"] is False
        and values["coal_boilers_listed"] is False
        and (values["net_new_coal_t"] is None or values["net_new_coal_t"] <= 0)
    )


def _high_energy_products_gone(original: Any, result: Any) -> bool:
    """The product lines of a high-energy sector were all that made the project one of that sector
    (and industrial): the code left names another."""
    return (
        original.metrics.values["high_energy_from_products"] is True
        and result.metrics.values["high_energy_from_products"] is False
        and result.metrics.values["high_energy_sector"] is not True
    )


def _renewable_generation_left(_original: Any, result: Any) -> bool:
    """The file left describes renewable generation (a wind or PV plant as the project)."""
    return result.metrics.values["renewable_generation"] is True


def _generation_without_the_code(original: Any, result: Any) -> bool:
    """Without the code (or the product lines of a file without one), the file's own sections
    make it a generation project: coal units or a wind or PV plant, and no other product, mine or
    data centre (amendments 4 and 5). The code or the products had made it a project of another
    industry, whose energy rules asked; the generation rules (CO-001 and CO-006, or the RE rules
    and the energy-review exemption) judge it now."""
    left = result.project
    return (
        original.metrics.values["generates_electricity"] is not True
        and result.metrics.values["generates_electricity"] is True
        and left.mine is None
        and left.data_center is None
        and all(line.product == "electricity" for line in left.project.products)
    )


def _coal_power_without_the_code(original: Any, result: Any) -> bool:
    """Without the code, the file's coal units make it a coal-power project (amendment 5), which
    CO-001 still holds unsettled: the units are judged there, not by the rules the code chose."""
    coal_power = next(f for f in result.findings if f.id == "CO-001")
    return (
        original.metrics.values["builds_coal_power"] is not True
        and result.metrics.values["builds_coal_power"] is True
        and coal_power.status in NOT_YET_PASSING
    )


def _code_contradicting_the_mine(original: Any, _result: Any) -> bool:
    """MI-003 or CO-005 sent the file to a reviewer because its industry code and its mine's
    mineral disagree on whether it is a coal mine (the outcome `contradiction`)."""
    return any(
        fired(f.rule, f.decision).get("reason") == "contradiction"
        for f in original.findings
        if f.id in ("MI-003", "CO-005")
    )


def _balance_without_coal(original: Any, _result: Any) -> bool:
    """The energy balance lists no coal carrier: with the coal declaration gone, the file says it
    burns no coal (and coal units or boilers, where listed, still make the rules ask for it)."""
    energy = original.project.energy
    return energy.raw_coal_t is None and energy.washed_coal_t is None


def _balance_still_summed(_original: Any, result: Any) -> bool:
    """The balance without the carrier can still be summed: nothing else in the file (coal units,
    boilers, a kiln industry without furnace fuel) shows that a fuel is left out."""
    return not result.metrics.values.get("energy_balance_incomplete")


# the energy-balance rules: what a carrier left out of a balance can change
BALANCE_TOTALS = (
    "comprehensive_energy_tce",
    "comprehensive_energy_equal_value_tce",
    "comprehensive_energy_calorific_tce",
    "review_energy_tce",
)
# the shipped rules that judge the energy balance, and any rule of a repository pack (its own
# rules: examples/packs/*) that compares a total of the balance
BALANCE_RULES = (
    "HE-002",
    "EC-001",
    "EC-002",
    "CO-002",
    "RE-001",
    "CB-001",
    *sorted(
        {
            rule.id
            for pack in PACKS
            if pack is not None
            for rule in load_ruleset(Path(pack)).rules
            if not rule.path.startswith("rules/") and set(rule.facts) & set(BALANCE_TOTALS)
        }
    ),
)
# what a kiln, coke oven or furnace can burn, as the derived figures read it
FURNACE_FUELS = derived._FURNACE_FUELS
# every carrier but electricity, whose absence the rules themselves treat as an incomplete balance
FUEL_CARRIERS = tuple(f"energy.{c}" for c in CARRIERS if c != "electricity_kwh")

ALL_RULES = ("*",)
# The allowed escapes, one row each: the deleted keys (list indices written []), the rules that may
# stop failing or asking, when the row holds, and why the deletion removes the very subject of
# those rules. Kept short on purpose: the file's other evidence (industry code, listed units,
# capacities) must still bring a rule in, so `project.adds_capacity`, `project.industry_code` or
# electricity never escapes (the code and the mine's mineral only from the review their
# contradiction gives), and a fuel carrier escapes only where nothing else in the file shows that the
# fuel is used (coal units, boilers and kiln industries without furnace fuel still ask).
ESCAPES: list[tuple[tuple[str, ...], tuple[str, ...], Any, str]] = [
    (
        ("coal_power",),
        ("CO-001", "CO-002", "CO-004", "CO-006", *BALANCE_RULES),
        _always,
        "the coal units judged, or whose coal use or generation was unknown (which left the energy "
        "balance incomplete), are gone (a coal-power industry code still asks for them)",
    ),
    (
        ("coal_power", "mine", "data_center"),
        ("HE-002", "EC-001", "EC-002", "CO-002", "RE-001", "CB-001"),
        _renewable_generation_left,
        "without the coal units, mine or data centre, the file describes a wind or PV plant alone: "
        "renewable generation, outside the energy review (amendment 4) and judged as generation",
    ),
    (
        ("coal_power", "mine", "data_center", "renewable_plant", "project.products", "project.industry_code"),
        ("WA-003", "LA-004", "LA-005"),
        _not_industrial_left,
        "without that section (or those products, or the code) the file describes a wind or PV plant or a data "
        "centre alone, neither an industrial project (section I, or renewable generation); with it, "
        "whose the coal units were, or what the project was, was unknown and the rules asked for the "
        "industry code",
    ),
    (("data_center",), ("EC-004",), _always, "the data centre whose PUE is judged is gone"),
    (
        ("renewable_plant",),
        ("RE-002", "RE-003", "RE-004"),
        _always,
        "the wind or PV plant judged is gone (a D4415/D4416 code still asks)",
    ),
    (("mine",), ("MI-001", "MI-002", "MI-003", "CO-005"), _always, "the mine judged is gone"),
    (
        ("project.products",),
        ("MI-001", "MI-003", "CO-005", "LA-005"),
        _no_mine_left,
        "the raw-coal line (原煤(采掘)) was the file's only word that it mines, as a mine section is: "
        "the mine judged is gone",
    ),
    (("coal", "coal.boilers"), ("CO-003",), _always, "the boilers judged are gone"),
    (("project.products",), ("HE-004", "EC-003", "MI-002"), _always, "the product lines judged are gone"),
    (
        ("project.products", "project.industry_code"),
        ("LA-005", "HE-001", "HE-003"),
        _mine_left,
        "the manufactured products, or the manufacturing code, that made a file with a mine a "
        "manufacturer are gone: the file left describes a mine, which makes its mineral, not a "
        "listed or benchmarked product, and is not manufacturing",
    ),
    (
        ("project.products", "project.industry_code"),
        ("HE-001", "HE-003"),
        _no_code_naming_a_listed_product,
        "the product lines judged, or the code that named a listed product, are gone, and nothing "
        "left brings the product rules in: no such code, and sections that say what the project "
        "is (a data centre, a mine, a wind or PV plant)",
    ),
    (
        FUEL_CARRIERS,
        BALANCE_RULES,
        _balance_still_summed,
        "the file declares its energy balance carrier by carrier, as the energy-review form does: a "
        "fuel it does not list is one it declares it does not use, and only the energy review of the "
        "balance (节能审查) can tell an omission from a fuel not burnt; where the file itself shows the "
        "fuel (coal units, boilers, a kiln industry without furnace fuel) the balance is incomplete "
        "and the rules ask",
    ),
    (
        ("coal", "coal.fuel_coal_t"),
        BALANCE_RULES,
        _balance_still_summed,
        "fuel coal declared outside a balance without coal carriers is coal the file burns; with "
        "it gone and nothing else showing a fuel left out, the balance is the file's whole word",
    ),
    (
        ("project.industry_code", "project.products"),
        ("HE-001", "HE-002", "HE-003", "EC-001", "CO-002"),
        _coal_power_without_the_code,
        "without the code (or, in a file without one, the products that made the coal units a "
        "plant's captive units) the file's coal units make it coal power (amendment 5), which "
        "CO-001 (still unsettled) and CO-006 govern instead of the rules the code chose",
    ),
    (
        ("energy",),
        (*BALANCE_RULES, "CO-002"),
        _exempt_without_a_balance,
        "a wind or PV plant outside the energy review may be approved on its land and water without "
        "an energy balance (amendment 4); the fuel it declared burning went with the balance",
    ),
    (
        ("project.products", "project.products[].product"),
        ("HE-002", "LA-004", "LA-005", "WA-003", *BALANCE_RULES),
        _high_energy_products_gone,
        "the product lines of a high-energy sector (coke, clinker, alumina, ...) were the file's only word "
        "that the project is of that sector and industrial; without them its code decides, as for any "
        "file whose code names another industry",
    ),
    (
        ("energy.raw_coal_t", "energy.washed_coal_t", "coal", "coal.fuel_coal_t"),
        ("CO-002",),
        _renewable_generation_without_coal_left,
        "the coal declared was all that a wind or PV plant without coal units or coal boilers burnt: "
        "without it such generation is outside CO-002 (amendment 4), or, with a coal carrier of 0 "
        "left, adds no coal, complete balance or not",
    ),
    (
        ("coal", "coal.fuel_coal_t"),
        ("CO-002", "CB-001"),
        _balance_without_coal,
        "the declared fuel coal was the only coal in a balance that lists no coal carrier",
    ),
    (
        ("project.industry_code", "mine.mineral"),
        ("MI-003", "CO-005"),
        _code_contradicting_the_mine,
        "the key was one side of the contradiction MI-003 sent to a reviewer (the code and the "
        "mineral disagree on whether the mine is a coal mine); without it the file is consistent and "
        "the mine is judged by the side that is left: a coal mine by the minimum scale, which it must "
        "still meet, a mine of another mineral or mining division not by MI-003, as for any file that "
        "says so",
    ),
    (
        ("project.industry_code", "project.products"),
        ("HE-002", "EC-001", "EC-002", "CO-002", "RE-001", "CB-001"),
        _generation_without_the_code,
        "the code made the file a project of another industry; without it the file's own sections "
        "(coal units or a wind or PV plant, nothing else) make it a generation project, which the "
        "coal-power rules or the renewable rules and the energy-review exemption judge (amendments 4 and 5)",
    ),
    (
        ("mine.mineral",),
        ("MI-002",),
        _mining_code_settles_the_mineral,
        "the mineral (rare earths) and a mining code of another mineral disagreed; without the "
        "mineral the code says what the mine raises, as for any file that gives no mineral",
    ),
    (
        ("emissions", "emissions.co2_t"),
        ("CB-001",),
        _always,
        "without a declared figure CB-001 uses the estimate from the balance, as the catalogue says",
    ),
    (
        (
            "coal_power",
            "coal_power.units_mw",
            "mine",
            "mine.capacity_mt_per_year",
            "renewable_plant",
            "renewable_plant.capacity_mw",
            "data_center",
            "project.products",
            "project.products[].capacity",
        ),
        ALL_RULES,
        _renovation_of_unknown_capacity,
        "the only evidence that a renovation silent on adds_capacity adds capacity is gone",
    ),
    (
        ("project.adds_capacity",),
        ALL_RULES,
        _renovation_listing_no_capacity,
        "a renovation or relocation is new capacity by its own word or by the capacity it lists "
        "(amendment 1); with its word gone and nothing listed, its construction type says it adds none, "
        "and the rules of new capacity do not apply",
    ),
]


def escaped(path: str, rule: str, original: Any, result: Any) -> bool:
    key = re.sub(r"\[[0-9]+\]", "[]", path)
    return any(
        key in keys and (rules == ALL_RULES or rule in rules) and condition(original, result)
        for keys, rules, condition, _why in ESCAPES
    )


def deletable_paths(data: Any, prefix: str = "") -> list[tuple[str, tuple[Any, ...]]]:
    """Every key of the file, as (dotted name, path), nested ones and those inside list items."""
    found: list[tuple[str, tuple[Any, ...]]] = []

    def walk(node: Any, name: str, path: tuple[Any, ...]) -> None:
        if isinstance(node, dict):
            for key, child in node.items():
                child_name = f"{name}.{key}" if name else str(key)
                found.append((child_name, (*path, key)))
                walk(child, child_name, (*path, key))
        elif isinstance(node, list):
            for index, child in enumerate(node):
                walk(child, f"{name}[{index}]", (*path, index))

    walk(data, prefix, ())
    return [(n, p) for n, p in found if p != ("format",)]


def _without(data: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    out = copy.deepcopy(data)
    node = out
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return out


def _check(data: dict[str, Any], as_of: dt.date, pack: str | None = None) -> Any:
    doc = parse_document(dump(data), "project.yaml")
    return checker_on(as_of, pack).check(doc, validate_document(doc, Project))


def counterexamples(
    data: dict[str, Any], as_of: dt.date, only: list[tuple[str, tuple[Any, ...]]] | None = None, pack: str | None = None
) -> list[str]:
    """Each deletion of `data` (all its keys, or `only` these) that improves the verdict or passes
    a rule without an escape, under the rules of `pack` (the shipped pack by default)."""
    try:
        original = _check(data, as_of, pack)
    except InputError:
        return []  # not a valid starting point
    found = []
    for name, path in deletable_paths(data) if only is None else only:
        try:
            result = _check(_without(data, path), as_of, pack)
        except InputError:
            continue  # a required key
        found += _worse(name, original, result)
    return found


def _worse(name: str, original: Any, result: Any) -> list[str]:
    before = {f.id: f.status for f in original.findings}
    after = {f.id: f.status for f in result.findings}
    improved = [r for r in before if before[r] in NOT_YET_PASSING and after[r] not in NOT_YET_PASSING]
    # a rule that no longer applies is as settled as one that passes: moving to either is an escape
    found = [
        f"deleting {name}: {rule} {before[rule]} → {after[rule]}"
        for rule in improved
        if after[rule] in SETTLED and not escaped(name, rule, original, result)
    ]
    if original.verdict not in APPROVING and result.verdict in APPROVING:
        unexplained = [r for r in improved if not escaped(name, r, original, result)]
        if unexplained:
            changes = ", ".join(f"{r} {before[r]} → {after[r]}" for r in unexplained)
            found.append(f"deleting {name}: verdict {original.verdict} → {result.verdict} ({changes})")
    return found


STARTS = list(zip(BASE_FILES, BASES, strict=True))
BASE_BY_NAME = {path.stem: data for path, data in STARTS}


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
@pytest.mark.parametrize("as_of", AS_OF_DATES, ids=str)
@pytest.mark.parametrize("start", STARTS, ids=[p.name for p, _ in STARTS])
def test_deleting_from_a_sample_or_base_never_improves_its_verdict(start, as_of, pack):
    _path, data = start
    assert counterexamples(data, as_of, pack=pack) == []


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
@given(data=projects(), as_of=st.sampled_from(AS_OF_DATES), pick=st.data())
def test_deleting_from_a_random_project_never_improves_its_verdict(data, as_of, pick, pack):
    paths = deletable_paths(data)
    deleted = pick.draw(st.sampled_from(paths), label="deleted") if paths else None
    assert counterexamples(data, as_of, only=[deleted] if deleted else [], pack=pack) == []


def test_deleting_the_only_fuel_of_a_kiln_leaves_its_consumption_unknown_not_covered():
    # a cement kiln whose declared replacement is smaller than its consumption fails EC-002; with
    # its only fuel deleted the balance cannot be summed (a kiln burns fuel). Its electricity is
    # then a lower bound of the consumption: a replacement below it still fails, and one above it
    # is not shown to cover the rest (missing_info); never a pass
    kiln = copy.deepcopy(BASE_BY_NAME["cement_renovation"])
    kiln["project"]["adds_capacity"] = True
    statuses = {}
    for replaced in (1000, 50000):
        kiln["energy"].update(energy_quota_source="reduction_replacement", energy_replacement_tce=replaced)
        coal = [("energy.raw_coal_t", ("energy", "raw_coal_t"))]
        assert counterexamples(kiln, dt.date(2026, 1, 1), only=coal) == []
        assert {f.id: f.status for f in _check(kiln, dt.date(2026, 1, 1)).findings}["EC-002"] == "fail"
        result = _check(_without(kiln, ("energy", "raw_coal_t")), dt.date(2026, 1, 1))
        statuses[replaced] = {f.id: f.status for f in result.findings}["EC-002"]
        floor = result.metrics.values["comprehensive_energy_floor_tce"]
        assert 1000 < floor < 50000
    assert statuses == {1000: "fail", 50000: "missing_info"}


# ---------------------------------------------------------------- equipment only adds consumption

RANK = {"fail": 0, "missing_info": 1, "review": 2, "warn": 3, "pass": 4, "not_applicable": 4, "waived": 4}


def _with_unfuelled_boiler(data: dict[str, Any]) -> dict[str, Any]:
    """The file with one more coal boiler listed and no coal added for it."""
    out = copy.deepcopy(data)
    coal = out.get("coal") or {}
    out["coal"] = coal
    coal["boilers"] = [*(coal.get("boilers") or []), {"capacity_t_per_h": 75}]
    return out


def _improvements(
    data: dict[str, Any], changed: dict[str, Any] | None, as_of: dt.date, pack: str | None, rules: tuple[str, ...]
) -> list[str]:
    """Each of `rules` whose status the change from `data` to `changed` improves, and the
    verdict if it turns approving."""
    if changed is None:
        return []
    try:
        original = _check(data, as_of, pack)
        result = _check(changed, as_of, pack)
    except InputError:
        return []
    before = {f.id: f.status for f in original.findings}
    after = {f.id: f.status for f in result.findings}
    found = [
        f"{rule}: {before[rule]} → {after[rule]}"
        for rule in rules
        if rule in before and RANK[after[rule]] > RANK[before[rule]]
    ]
    if original.verdict not in APPROVING and result.verdict in APPROVING:
        found.append(f"verdict {original.verdict} → {result.verdict}")
    return found


def boiler_counterexamples(data: dict[str, Any], as_of: dt.date, pack: str | None = None) -> list[str]:
    """Each energy-balance rule a listed, unfuelled coal boiler improves. A boiler can only add
    to what the file consumes; what the declared carriers sum to stays a lower bound, so a
    threshold it reaches or a replacement it exceeds stays so (the boiler's coal is unknown,
    never nought)."""
    return _improvements(data, _with_unfuelled_boiler(data), as_of, pack, BALANCE_RULES)


def _with_no_fuel_coal(data: dict[str, Any]) -> dict[str, Any] | None:
    """The project declaring `coal.fuel_coal_t: 0`, if it gives no fuel coal and lists no coal
    boiler or unit (there a nought says the boilers burn nothing: a figure, taken as written)."""
    coal = data.get("coal") if isinstance(data.get("coal"), dict) else {}
    if coal.get("fuel_coal_t") is not None or coal.get("boilers") or data.get("coal_power") is not None:
        return None  # a coal_power section, even without its units, says coal units are built
    out = copy.deepcopy(data)
    out["coal"] = {**coal, "fuel_coal_t": 0}
    return out


def no_fuel_coal_counterexamples(data: dict[str, Any], as_of: dt.date, pack: str | None = None) -> list[str]:
    """Each energy-balance rule but CO-002 that declaring no fuel coal improves. "No coal" is no
    other fuel: a kiln that declares none of its furnace fuel stays incomplete, while CO-002,
    which reads the coal, may pass on the nought."""
    rules = tuple(rule for rule in BALANCE_RULES if rule != "CO-002")
    return _improvements(data, _with_no_fuel_coal(data), as_of, pack, rules)


def _with_noughts_of_furnace_fuels(data: dict[str, Any]) -> dict[str, Any] | None:
    """The project declaring a nought of every furnace fuel its balance leaves out, if it lists no
    coal boiler or unit (there a nought of coal says the boilers burn nothing, taken as written)."""
    coal = data.get("coal") if isinstance(data.get("coal"), dict) else {}
    if coal.get("boilers") or data.get("coal_power") is not None or not isinstance(data.get("energy"), dict):
        return None
    absent = [c for c in FURNACE_FUELS if data["energy"].get(c) is None]
    if not absent:
        return None
    out = copy.deepcopy(data)
    out["energy"].update(dict.fromkeys(absent, 0))
    return out


def furnace_noughts_counterexamples(data: dict[str, Any], as_of: dt.date, pack: str | None = None) -> list[str]:
    """Each energy-balance rule but CO-002 that declaring noughts of the furnace fuels improves: a
    fuel not burnt is no fuel declared, and a kiln that declares none stays incomplete."""
    rules = tuple(rule for rule in BALANCE_RULES if rule != "CO-002")
    return _improvements(data, _with_noughts_of_furnace_fuels(data), as_of, pack, rules)


# additions to a file that never improve an energy-balance rule, each with its counterexamples
ADDITIONS = {
    "unfuelled coal boiler": boiler_counterexamples,
    "no fuel coal": no_fuel_coal_counterexamples,
    "noughts of furnace fuels": furnace_noughts_counterexamples,
}


@pytest.mark.parametrize("addition", ADDITIONS.values(), ids=list(ADDITIONS))
@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
@pytest.mark.parametrize("as_of", AS_OF_DATES, ids=str)
@pytest.mark.parametrize("start", STARTS, ids=[p.name for p, _ in STARTS])
def test_an_addition_never_improves_an_energy_balance_rule_of_a_sample_or_base(start, as_of, pack, addition):
    _path, data = start
    assert addition(data, as_of, pack) == []


@pytest.mark.parametrize("addition", ADDITIONS.values(), ids=list(ADDITIONS))
@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
@given(data=projects(), as_of=st.sampled_from(AS_OF_DATES))
def test_an_addition_never_improves_an_energy_balance_rule_of_a_random_project(data, as_of, pack, addition):
    assert addition(data, as_of, pack) == []


def test_a_gas_plant_listing_a_boiler_without_coal_stays_rejected():
    # 1e8 m3 of natural gas is some 133 000 tce, far above every threshold: listing a coal boiler
    # without its coal leaves the project at least that large, quota source `none` still fails
    gas = copy.deepcopy(BASE_BY_NAME["cement_renovation"])
    gas["project"].update(industry_code="C2614", adds_capacity=True)
    gas["energy"] = {"natural_gas_m3": 1e8, "electricity_kwh": 1e6, "energy_quota_source": "none"}
    plain = _check(gas, dt.date(2026, 1, 1))
    boiler = _check(_with_unfuelled_boiler(gas), dt.date(2026, 1, 1))
    statuses = {f.id: f.status for f in boiler.findings}
    assert plain.verdict == boiler.verdict == "rejected"
    assert statuses["EC-002"] == statuses["HE-002"] == statuses["EC-001"] == "fail"


def test_deleting_the_code_that_contradicts_a_coal_mine_leaves_it_judged_as_a_coal_mine():
    """A coal mine whose industry code names the mining of another mineral goes to a reviewer
    (MI-003 `contradiction`). Without the code, the mine is judged by its mineral: the minimum
    scale still applies, and a mine below it still fails; without the mineral, by its code, which
    names no coal mining. Found by the long profile."""
    mine = copy.deepcopy(BASE_BY_NAME["ordos-coal-mine"])
    mine["project"]["industry_code"] = "B0910"
    as_of = dt.date(2025, 6, 1)
    finding = next(f for f in _check(mine, as_of).findings if f.id == "MI-003")
    assert (finding.status, fired(finding.rule, finding.decision).get("reason")) == ("review", "contradiction")
    assert counterexamples(mine, as_of) == []
    small = copy.deepcopy(mine)
    small["mine"]["capacity_mt_per_year"] = 1.2
    small["project"]["products"][0]["capacity"] = 1.2
    assert {f.id: f.status for f in _check(_without(small, ("project", "industry_code")), as_of).findings}[
        "MI-003"
    ] == "fail"


@pytest.mark.parametrize(
    ("counterexamples_of", "declaring"),
    [
        (no_fuel_coal_counterexamples, _with_no_fuel_coal),
        (furnace_noughts_counterexamples, _with_noughts_of_furnace_fuels),
    ],
    ids=["fuel coal 0", "noughts of furnace fuels"],
)
def test_a_kiln_declaring_fuels_it_does_not_burn_stays_incomplete(counterexamples_of, declaring):
    # the reviews' counterexamples: a kiln with only electricity, below the threshold, passed
    # every energy-balance rule once it wrote coal.fuel_coal_t: 0 (a clinker kiln) or listed
    # raw_coal_t: 0 in its balance (a lime kiln)
    kiln = copy.deepcopy(BASE_BY_NAME["cement_renovation"])
    kiln["project"]["adds_capacity"] = True
    kiln["energy"] = {k: v for k, v in kiln["energy"].items() if k != "raw_coal_t"}
    kiln["energy"]["electricity_kwh"] = 20_000_000
    assert counterexamples_of(kiln, dt.date(2026, 1, 1)) == []
    statuses = {f.id: f.status for f in _check(declaring(kiln), dt.date(2026, 1, 1)).findings}
    assert statuses["HE-002"] == statuses["EC-001"] == "missing_info"
