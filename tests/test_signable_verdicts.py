"""A verdict is a signature: the checker never approves on a key the file leaves out, never
clamps a contradiction away, and compares each figure on the basis its threshold is defined on.

Each fixture below is named as the sentence a reviewer would sign, with the exact statuses it
expects (catalogue, "Amendments of 2026-12-02", 1 to 6). Fixtures are deltas of the base projects
in rules/bases/, like the per-rule cases.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from checker.cli.app import check_main
from tests.support.casebook import Case, deep_merge
from tests.support.checkers import checker_on

AS_OF = dt.date(2025, 6, 1)  # inside the plan period: no period notice in the way


@dataclass(frozen=True)
class Fixture:
    name: str
    base: str
    statuses: dict[str, str]
    verdict: str | None = None
    set: dict[str, Any] = field(default_factory=dict)
    unset: tuple[str, ...] = ()
    missing: dict[str, str] = field(default_factory=dict)  # rule → a key it must ask for
    not_in_message: dict[str, str] = field(default_factory=dict)  # rule → words it must not say
    in_message: dict[str, str] = field(default_factory=dict)  # rule → words it must say


OLEFINS = {
    "project.industry_code": "C2614",
    "project.products": [{"product": "coal_to_olefins", "capacity": 600000, "unit": "t/a", "unit_energy_kgce": 2900}],
    "energy.raw_coal_t": 3000000,
    "energy.electricity_kwh": 600000000,
    "energy.coke_t": 0,
    "energy.feedstock": {"raw_coal_t": 1500000},
}

FIXTURES = [
    Fixture(
        "煤制烯烃项目原料用能与消费量一致时,能耗照常计入,高耗能项目不通过",
        "calcium_carbide",
        set=OLEFINS,
        verdict="rejected",
        statuses={"HE-002": "fail", "EC-001": "fail"},
    ),
    Fixture(
        "赤峰热电联产项目申报为改建而未申报是否新增产能,列有燃煤机组的,新增产能的规则为信息不全,不是不适用;"
        "新建机组的冷却方式和供电煤耗照常判断",
        "coal_chp",
        set={"project.construction_type": "renovation"},
        verdict="needs_review",
        statuses={
            "CO-001": "missing_info",
            "CO-004": "pass",
            "CO-006": "pass",
            "WA-001": "missing_info",
            "HE-002": "not_applicable",
        },
        missing={
            "CO-001": "project.adds_capacity",
            "WA-001": "project.adds_capacity",
        },
        not_in_message={"CO-001": "项目不新建燃煤发电机组"},
    ),
    Fixture(
        "改建热电项目申报不新增产能的,新上煤电的规则不适用,所建机组的冷却方式和供电煤耗照常判断",
        "coal_chp",
        set={"project.construction_type": "renovation", "project.adds_capacity": False},
        statuses={"CO-001": "not_applicable", "CO-004": "pass", "CO-006": "pass"},
        not_in_message={"CO-001": "项目不新建燃煤发电机组"},
        in_message={"CO-001": "不新增产能"},
    ),
    Fixture(
        "电石项目(C2613)未申报产品清单的,HE-001、HE-003 为信息不全,要求申报产品",
        "calcium_carbide",
        unset=("project.products",),
        verdict="rejected",
        statuses={"HE-001": "missing_info", "HE-003": "missing_info", "HE-002": "fail"},
        missing={"HE-001": "project.products", "HE-003": "project.products"},
    ),
    Fixture(
        "熟料项目(C3011)未申报产品清单的,HE-001 为信息不全",
        "calcium_carbide",
        unset=("project.products",),
        set={"project.industry_code": "C3011"},
        statuses={"HE-001": "missing_info", "HE-003": "missing_info"},
        missing={"HE-001": "project.products"},
    ),
    Fixture(
        "行业代码只填到大类(C26)且未申报产品清单的,HE-001 为信息不全",
        "calcium_carbide",
        unset=("project.products",),
        set={"project.industry_code": "C26"},
        statuses={"HE-001": "missing_info"},
        missing={"HE-001": "project.products"},
    ),
    *[
        Fixture(
            f"{name}项目({code})未申报产品清单的,HE-001 为信息不全",
            "calcium_carbide",
            unset=("project.products",),
            set={"project.industry_code": code},
            statuses={"HE-001": "missing_info"},
            missing={"HE-001": "project.products"},
        )
        for name, code in (("多晶硅", "C3985"), ("炼焦(2011年版代码)", "C2520"))
    ],
    Fixture(
        "行业代码不涉及清单产品(C2661)且未申报产品清单的,HE-001 不适用",
        "calcium_carbide",
        unset=("project.products",),
        set={"project.industry_code": "C2661"},
        statuses={"HE-001": "not_applicable"},
    ),
    *[
        Fixture(
            f"行业代码为{code}而有燃煤机组一节的热电联产项目属于燃煤发电,HE-002、EC-001、CO-002 不适用",
            "coal_chp",
            set={"project.industry_code": code},
            statuses={
                "HE-002": "not_applicable",
                "EC-001": "not_applicable",
                "CO-002": "not_applicable",
                "CO-001": "review",
            },
            not_in_message={"HE-002": "不属于高耗能行业"},
            in_message={"HE-002": "燃煤发电项目"},
        )
        for code in ("D44", "D441", "D4411", "D4412")
    ],
    Fixture(
        "厂用电4吉瓦时的光伏电站属于不单独进行节能审查的行业,EC-002 不适用,项目通过",
        "desert_pv",
        set={"energy.electricity_kwh": 4000000},
        verdict="approved",
        statuses={
            "EC-002": "not_applicable",
            "RE-001": "not_applicable",
            "CB-001": "not_applicable",
            "CO-002": "not_applicable",
        },
        in_message={"EC-002": "不单独进行节能审查"},
    ),
    Fixture(
        "年用电4吉瓦时的数据中心,当量值约500吨标准煤,低于节能审查门槛,EC-002 不适用并注明当量值",
        "data_centre",
        set={"energy": {"electricity_kwh": 4000000}, "energy.energy_quota_source": "none"},
        statuses={"EC-002": "not_applicable"},
        in_message={"EC-002": "当量值"},
    ),
    Fixture(
        "只申报土地和用水、未申报能源消费的沙漠光伏电站可以通过",
        "desert_pv",
        unset=("energy",),
        verdict="approved",
        statuses={
            "EC-002": "not_applicable",
            "RE-001": "not_applicable",
            "CB-001": "not_applicable",
            "CO-002": "not_applicable",
            "EC-001": "not_applicable",
            "RE-002": "pass",
        },
    ),
    Fixture(
        "只申报土地和用水、未申报能源消费的风电场可以通过",
        "wind_farm",
        unset=("energy",),
        verdict="approved",
        statuses={
            "EC-002": "not_applicable",
            "RE-001": "not_applicable",
            "CB-001": "not_applicable",
            "CO-002": "not_applicable",
            "RE-003": "pass",
        },
    ),
    Fixture(
        "风力发电(D4415)项目未申报新能源类型的,RE-002、RE-003、RE-004 为信息不全",
        "wind_farm",
        unset=("renewable_plant.technology",),
        verdict="needs_review",
        statuses={"RE-002": "missing_info", "RE-003": "missing_info", "RE-004": "missing_info"},
        missing={
            "RE-002": "renewable_plant.technology",
            "RE-003": "renewable_plant.technology",
            "RE-004": "renewable_plant.technology",
        },
    ),
    Fixture(
        "太阳能发电(D4416)项目未申报新能源类型的,RE-002、RE-003、RE-004 为信息不全",
        "desert_pv",
        unset=("renewable_plant.technology",),
        verdict="needs_review",
        statuses={"RE-002": "missing_info", "RE-003": "missing_info", "RE-004": "missing_info"},
        missing={"RE-002": "renewable_plant.technology"},
    ),
    Fixture(
        "列有燃煤锅炉而未申报用煤量的项目,CO-002 为信息不全,不是不用煤",
        "calcium_carbide",
        set={"coal.boilers": [{"capacity_t_per_h": 75}]},
        statuses={"CO-002": "missing_info"},
        missing={"CO-002": "coal.fuel_coal_t"},
        not_in_message={"CO-002": "没有燃料煤"},
    ),
    Fixture(
        "稀土冶炼(C3232)项目申报产品为“其他”的,MI-002 转人工复核",
        "rare_earth",
        set={"project.products": [{"product": "other", "capacity": 5000, "unit": "t/a"}]},
        statuses={"MI-002": "review"},
    ),
    Fixture(
        "列有矿山而未申报矿种、行业代码又非采矿业的,MI-002 为信息不全,不是不涉及稀土",
        "coal_mine",
        unset=("mine.mineral",),
        set={"project.industry_code": "D4415"},
        statuses={"MI-002": "missing_info"},
        missing={"MI-002": "mine.mineral"},
    ),
    Fixture(
        "煤炭开采(B06)项目未申报矿种的,不涉及稀土,MI-002 不适用",
        "coal_mine",
        unset=("mine.mineral",),
        statuses={"MI-002": "not_applicable"},
    ),
    Fixture(
        "未申报新水取用量(也未申报地下水)的工业项目,WA-003 为信息不全,不是未超过取水许可门槛",
        "calcium_carbide",
        unset=("water.fresh_water_m3", "water.groundwater_m3"),
        statuses={"WA-002": "missing_info", "WA-003": "missing_info"},
        missing={"WA-003": "water.fresh_water_m3"},
    ),
    Fixture(
        "能耗减量置换覆盖能耗且产品达到标杆水平的高耗能项目,HE-002 转人工复核",
        "calcium_carbide",
        set={"energy.energy_replacement_tce": 400000, "project.products[0].unit_energy_kgce": 800},
        statuses={"HE-003": "pass", "HE-002": "review"},
    ),
    Fixture(
        "能耗减量置换覆盖能耗但产品能效介于基准与标杆之间的,HE-002 不通过",
        "calcium_carbide",
        set={"energy.energy_replacement_tce": 400000, "project.products[0].unit_energy_kgce": 900},
        statuses={"HE-003": "warn", "HE-002": "fail"},
    ),
    Fixture(
        "产品均无国家标杆水平的高耗能项目,置换覆盖能耗的转人工复核,并说明由审查人员判断能效",
        "calcium_carbide",
        set={
            "energy.energy_replacement_tce": 400000,
            "project.industry_code": "C2619",
            "project.products": [{"product": "yellow_phosphorus", "capacity": 50000, "unit": "t/a"}],
        },
        statuses={"HE-003": "not_applicable", "HE-002": "review"},
        in_message={"HE-002": "审查人员判断"},
    ),
    Fixture(
        "产品列为“其他”的高耗能项目不等于产品无标杆水平,置换覆盖能耗的 HE-002 为信息不全",
        "calcium_carbide",
        set={
            "energy.energy_replacement_tce": 400000,
            "project.industry_code": "C2619",
            "project.products": [{"product": "other", "capacity": 50000, "unit": "t/a"}],
        },
        statuses={"HE-003": "not_applicable", "HE-002": "missing_info"},
        missing={"HE-002": "project.products"},
    ),
    Fixture(
        "电石项目(C2613)申报产品为“其他”的,HE-001、HE-003 为信息不全,要求列明产品",
        "calcium_carbide",
        set={"project.products": [{"product": "other", "capacity": 300000, "unit": "t/a", "unit_energy_kgce": 3050}]},
        statuses={"HE-001": "missing_info", "HE-003": "missing_info"},
        missing={"HE-001": "project.products", "HE-003": "project.products"},
        in_message={"HE-001": "或产品仅列为“其他”", "HE-003": "或产品仅列为“其他”"},
    ),
    Fixture(
        "电石项目(C2613)申报电石和“其他”产品的,电石照常判断,“其他”要求列明",
        "calcium_carbide",
        set={
            "project.products": [
                {"product": "calcium_carbide", "capacity": 300000, "unit": "t/a", "unit_energy_kgce": 800},
                {"product": "other", "capacity": 1000, "unit": "t/a"},
            ]
        },
        statuses={"HE-001": "fail", "HE-003": "missing_info"},
        missing={"HE-003": "project.products"},
    ),
    Fixture(
        "行业代码不涉及清单产品(C2661)而申报产品为“其他”的,HE-001 不适用",
        "calcium_carbide",
        set={
            "project.industry_code": "C2661",
            "project.products": [{"product": "other", "capacity": 1000, "unit": "t/a"}],
        },
        statuses={"HE-001": "not_applicable", "HE-003": "not_applicable"},
    ),
    Fixture(
        "光伏电站(D4416)申报燃烧焦炭的,不属于用能工艺简单的行业,EC-002 不再按不单独节能审查处理",
        "desert_pv",
        set={"energy.coke_t": 50000},
        verdict="rejected",
        statuses={"EC-002": "fail", "RE-001": "pass", "CO-002": "not_applicable"},
    ),
    Fixture(
        "光伏电站(D4416)只用车辆柴油和少量天然气的,仍属于不单独进行节能审查的行业",
        "desert_pv",
        set={"energy.natural_gas_m3": 20000},
        verdict="approved",
        statuses={"EC-002": "not_applicable", "RE-001": "not_applicable", "CB-001": "not_applicable"},
    ),
    Fixture(
        "数据中心申报为改建而未申报是否新增产能的,EC-004 为信息不全,不是不适用",
        "data_centre",
        set={"project.construction_type": "renovation", "data_center.pue": 1.35},
        verdict="needs_review",
        statuses={"EC-004": "missing_info"},
        missing={"EC-004": "project.adds_capacity"},
    ),
    Fixture(
        "数据中心改建申报不新增产能的,EC-004 不适用",
        "data_centre",
        set={"project.construction_type": "renovation", "project.adds_capacity": False, "data_center.pue": 1.35},
        statuses={"EC-004": "not_applicable"},
    ),
    Fixture(
        "未填行业代码、生产其他产品并建自备燃煤机组的工业项目不是燃煤发电项目,EC-001、CO-002 照常判断",
        "calcium_carbide",
        unset=("project.industry_code",),
        set={
            "project.products": [{"product": "other", "capacity": 300000, "unit": "t/a"}],
            "energy.raw_coal_t": 300000,
            "coal_power": {
                "units_mw": [50],
                "kind": "captive",
                "cooling": "air",
                "exemption": "livelihood_urgent",
                "exemption_evidence": "内发改能源字〔2020〕1号",
                "design_supply_gce_per_kwh": 290,
            },
        },
        verdict="rejected",
        statuses={"CO-001": "review", "EC-001": "fail", "CO-002": "fail", "HE-002": "missing_info"},
    ),
    Fixture(
        "未填行业代码、只发电的热电联产项目仍按燃煤发电判断",
        "coal_chp",
        unset=("project.industry_code",),
        statuses={
            "CO-001": "review",
            "HE-002": "not_applicable",
            "EC-001": "not_applicable",
            "CO-002": "not_applicable",
        },
    ),
    Fixture(
        "行业代码只填到中类(I645 互联网数据服务)而未列数据中心一节的项目,EC-004 为信息不全",
        "data_centre",
        unset=("data_center",),
        set={"project.industry_code": "I645"},
        verdict="needs_review",
        statuses={"EC-004": "missing_info"},
        missing={"EC-004": "data_center.pue"},
    ),
    *[
        Fixture(
            f"行业代码为{code}、只建风电场而无燃煤机组的项目属于新能源发电,LA-004 不适用",
            "wind_farm",
            set={"project.industry_code": code},
            verdict="approved",
            statuses={"LA-004": "not_applicable"},
        )
        for code in ("D44", "D441")
    ],
    Fixture(
        "未申报产品清单的高耗能项目不等于产品无标杆水平,HE-002 为信息不全",
        "calcium_carbide",
        set={"energy.energy_replacement_tce": 400000, "project.industry_code": "C2619"},
        unset=("project.products",),
        statuses={"HE-003": "not_applicable", "HE-002": "missing_info"},
        missing={"HE-002": "project.products"},
    ),
]


def _case(fixture: Fixture) -> Case:
    # `energy` given whole replaces the base's balance; dotted keys are laid over it
    setting = {k: v for k, v in fixture.set.items() if k != "energy"}
    return Case(rule="", name=fixture.name, base=fixture.base, expect="", set=setting, unset=fixture.unset, as_of=AS_OF)


def _check(fixture: Fixture, tmp_path):  # type: ignore[no-untyped-def]
    case = _case(fixture)
    data = case.project_data()
    if "energy" in fixture.set:
        data["energy"] = deep_merge({}, fixture.set["energy"])
        data["energy"].update({k.split(".", 1)[1]: v for k, v in fixture.set.items() if k.startswith("energy.")})
    path = tmp_path / "project.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return checker_on(AS_OF).check_path(path)


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_signable_verdict(fixture: Fixture, tmp_path):
    result = _check(fixture, tmp_path)
    by_id = {f.id: f for f in result.findings}
    assert {rule: by_id[rule].status for rule in fixture.statuses} == fixture.statuses
    if fixture.verdict is not None:
        assert result.verdict == fixture.verdict
    for rule, key in fixture.missing.items():
        assert key in by_id[rule].missing_keys, (rule, by_id[rule].missing_keys)
    if fixture.in_message or fixture.not_in_message:
        from checker.reports.render import render_message

        for rule, words in fixture.not_in_message.items():
            assert words not in render_message(by_id[rule], "zh")
        for rule, words in fixture.in_message.items():
            assert words in render_message(by_id[rule], "zh")


def _write(tmp_path, energy: dict[str, Any]):  # type: ignore[no-untyped-def]
    case = Case(rule="", name="", base="calcium_carbide", expect="", set=OLEFINS, as_of=AS_OF)
    data = case.project_data()
    data["energy"] = deep_merge(data["energy"], energy)
    path = tmp_path / "olefins.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "energy", "key"),
    [
        (
            "煤制烯烃项目申报的原料煤大于原煤消费量,为无效输入",
            {"feedstock": {"raw_coal_t": 4000000}},
            "energy.feedstock.raw_coal_t",
        ),
        (
            "电力申报为原料用能,为无效输入",
            {"feedstock": {"electricity_kwh": 600000000}},
            "energy.feedstock.electricity_kwh",
        ),
        ("热力申报为原料用能,为无效输入", {"heat_gj": 1000, "feedstock": {"heat_gj": 500}}, "energy.feedstock.heat_gj"),
        (
            "申报原料用能而未申报该品种消费量的,为无效输入",
            {"feedstock": {"natural_gas_m3": 1000}},
            "energy.feedstock.natural_gas_m3",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and not v.startswith("energy.") else "",
)
def test_inconsistent_feedstock_is_invalid_input(name, energy, key, tmp_path):
    path = _write(tmp_path, energy)
    result = CliRunner().invoke(check_main, [str(path), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert re.search(rf"olefins\.yaml:\d+: {re.escape(key)}: ", lines[0]), lines[0]
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("fuel_coal_t", "energy"),
    [
        (10, {}),  # 3 Mt of raw coal, half of it feedstock: 1.5 Mt burnt
        (2000000, {}),
        (700000, {"washed_coal_t": 100000, "feedstock": {"raw_coal_t": 2500000}}),  # 0.6 Mt burnt
    ],
)
def test_fuel_coal_that_differs_from_the_coal_the_balance_burns_is_invalid_input(fuel_coal_t, energy, tmp_path):
    path = _write(tmp_path, energy)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["coal"] = {"fuel_coal_t": fuel_coal_t}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(check_main, [str(path), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert re.search(r"olefins\.yaml:\d+: coal\.fuel_coal_t: ", lines[0]), lines[0]


@pytest.mark.parametrize("construction_type", ["new", "expansion"])
def test_a_new_or_expanded_plant_declared_as_adding_no_capacity_is_invalid_input(construction_type, tmp_path):
    path = _write(tmp_path, {})
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["project"].update(construction_type=construction_type, adds_capacity=False)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(check_main, [str(path), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert re.search(r"olefins\.yaml:\d+: project\.adds_capacity: ", lines[0]), lines[0]


def test_fuel_coal_equal_to_the_coal_the_balance_burns_is_read(tmp_path):
    path = _write(tmp_path, {"raw_coal_t": 3000000, "feedstock": {"raw_coal_t": 1500000}})
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["coal"] = {"fuel_coal_t": 1500000}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = checker_on(AS_OF).check_path(path)
    assert next(f.status for f in result.findings if f.id == "CO-002") == "fail"


@pytest.mark.parametrize(
    ("sample", "carrier", "rule", "before"),
    [
        ("ordos-calcium-carbide.yaml", "electricity_kwh", "EC-001", "fail"),
        ("ordos-calcium-carbide.yaml", "electricity_kwh", "CB-001", "warn"),
        ("baotou-rare-earth-separation.yaml", "electricity_kwh", "HE-002", "fail"),
        ("chifeng-coal-chp-exemption.yaml", "raw_coal_t", "CB-001", "warn"),
        ("tongliao-cement-clinker.yaml", "raw_coal_t", "CO-002", "fail"),
    ],
)
def test_a_carrier_left_out_of_a_balance_is_not_a_carrier_of_zero(sample, carrier, rule, before, tmp_path):
    from tests.support import REPO

    as_of = dt.date(2022, 6, 1)
    data = yaml.safe_load((REPO / "projects" / sample).read_text(encoding="utf-8"))
    whole = tmp_path / "whole.yaml"
    whole.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    del data["energy"][carrier]
    cut = tmp_path / "cut.yaml"
    cut.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    status = {p: next(f.status for f in checker_on(as_of).check_path(p).findings if f.id == rule) for p in (whole, cut)}
    assert (status[whole], status[cut]) == (before, "missing_info")


def test_an_incomplete_balance_asks_for_the_energy_left_out_not_for_fuel_coal_beside_it(tmp_path):
    """A rare-earth plant declaring gas but no electricity: every total is unknown, and what
    completes it is the electricity (a key of `energy`). Fuel coal given in coal.fuel_coal_t alone
    stays outside the balance, so the energy rules never ask for it; CO-002, whose "no coal" the
    missing energy may hide, asks for either."""
    from tests.support import REPO

    data = yaml.safe_load((REPO / "projects" / "baotou-rare-earth-separation.yaml").read_text(encoding="utf-8"))
    del data["energy"]["electricity_kwh"]
    path = tmp_path / "no-electricity.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    findings = {f.id: f for f in checker_on(AS_OF).check_path(path).findings}
    for rule in ("HE-002", "EC-001"):
        assert (findings[rule].status, findings[rule].missing_keys) == ("missing_info", ("energy",)), rule
    assert "emissions.co2_t" in findings["CB-001"].missing_keys
    assert "coal.fuel_coal_t" not in findings["CB-001"].missing_keys
    co2 = findings["CO-002"]
    reason = co2.rule.spec.outcomes[co2.decision.outcome].reason
    assert (co2.status, reason, co2.missing_keys) == (
        "missing_info",
        "balance_incomplete",
        ("energy", "coal.fuel_coal_t"),
    )


@pytest.mark.parametrize(("groundwater", "code"), [(500000, 2), (200000, None), (300000, None)])
def test_groundwater_beyond_the_fresh_water_it_is_part_of_is_invalid_input(groundwater, code, tmp_path):
    """Fresh water is the surface and ground water withdrawn: a file withdrawing 500 000 m³ of
    groundwater and declaring 300 000 m³ of fresh water (or none, which passed WA-002 below the
    permit threshold) cannot be read either way. Equal or less is a share of it, and is checked."""
    path = _write(tmp_path, {})
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["water"] = {**data.get("water", {}), "fresh_water_m3": 300000, "groundwater_m3": groundwater}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(check_main, [str(path), "--as-of", AS_OF.isoformat(), "--lang", "en"])
    if code is None:
        assert result.exit_code != 2, result.output
        return
    assert result.exit_code == code, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert re.search(r"olefins\.yaml:\d+: water\.groundwater_m3: 500000 exceeds water\.fresh_water_m3 300000", lines[0])


@pytest.mark.parametrize("written", ["无", "暂无", "待办理", "办理中。", "尚未取得取水许可", "none", "N/A", "-", " "])
@pytest.mark.parametrize(("section", "key"), [("water", "water_permit"), ("coal_power", "exemption_evidence")])
def test_a_document_written_as_none_is_invalid_input(written, section, key, tmp_path):
    """`water_permit: 无` passed WA-002 as "已申报取水许可:无", and `exemption_evidence: 无` sent an
    exemption to review as if evidence were given: a text saying there is no document is refused,
    naming the key, and the key is left out when there is none (which the rules read as none)."""
    line = _refused_line(tmp_path, section, key, written, "en")
    assert re.search(rf"olefins\.yaml:\d+: {section}\.{key}: .* says there is no document", line), line


def _refused_line(tmp_path, section: str, key: str, written: str, lang: str) -> str:
    """The one line `check` prints for the sample with `section.key` written so (exit 2)."""
    path = _write(tmp_path, {})
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.setdefault(section, {})[key] = written
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(check_main, [str(path), "--as-of", AS_OF.isoformat(), "--lang", lang])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    return lines[0]


@pytest.mark.parametrize(
    "written",
    [
        *("已申请", "不需要", "正在报批", "不涉及", "免于办理", "后续办理", "开工前取得", "申请已受理"),
        *("已提交取水许可申请", "取水许可申请书", "见附件", "略", "豁免", "无需办理"),
        *("not required", "exempt", "TBD later", "will apply"),
    ],
)
@pytest.mark.parametrize(("section", "key"), [("water", "water_permit"), ("coal_power", "exemption_evidence")])
def test_a_document_applied_for_not_needed_or_elsewhere_is_invalid_input(written, section, key, tmp_path):
    """Each of these passed WA-002 as a permit ("declares a water permit: 已申请"), and as CO-001
    evidence sent an exemption to review: a permit applied for, in approval, said not to be needed
    or exempt, or put elsewhere ("见附件", "略") is no document. Refused as `无` is, naming the key; a
    claimed exemption from the permit is the applicant's word, so it can never pass WA-002."""
    for lang, said in (("en", "says there is no document"), ("zh", "")):
        line = _refused_line(tmp_path, section, key, written, lang)
        assert re.search(rf"olefins\.yaml:\d+: {section}\.{key}: .*{said}", line), line


@pytest.mark.parametrize(
    "written",
    [
        *("无锡市水利局取水许可 D320200S2025-0001", "X", "鄂尔多斯市水利局取水许可", "取水许可证(无期限)"),
        *("自治区节能审查中心审查意见(内节审〔2024〕5号)", "旗政务服务审批中心取水许可 D1"),
        "关于某公司取水申请的批复(内水许〔2025〕1号)",
        # granted documents whose titles hold words an application or a claimed exemption also
        # uses: they name a document by a title word and a number
        "内蒙古自治区能源局关于同意赤峰热电厂豁免等量替代的批复(内能源电力字〔2020〕1234号)",
        "关于赤峰市中心城区热电联产项目申请豁免的批复(内发改能源字〔2020〕1234号)",
        "赤峰市水利局关于同意某热电有限公司补办取水许可手续的批复(赤水发〔2024〕12号)",
        "内蒙古自治区水利厅关于准予某热电有限公司取水许可申请的行政许可决定书(内水许可〔2024〕12号)",
        "国家发展改革委关于某项目不适用等量替代要求的复函(发改能源〔2021〕9号)",
        "盟水利局受理并批复 锡水字〔2022〕3号",
        *("Exemption approval, Inner Mongolia DRC No. [2020] 1234", "Exemption certificate No. 2022-56"),
        *("Approval of the water abstraction application, Chifeng Water Bureau [2024] No. 12",),
        *("Permit 150602S2021-0012 (expiry: none)", "取水许可证 取水(蒙)字[2021]第012号"),
    ],
)
@pytest.mark.parametrize(("section", "key"), [("water", "water_permit"), ("coal_power", "exemption_evidence")])
def test_a_document_named_by_its_number_or_title_is_taken(written, section, key, tmp_path):
    path = _write(tmp_path, {})
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.setdefault(section, {})[key] = written
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(check_main, [str(path), "--as-of", AS_OF.isoformat(), "--lang", "en"])
    assert result.exit_code != 2, result.output


@pytest.mark.parametrize(
    "written",
    [
        # an application or a claimed exemption naming a number but no granted document, or a
        # granted document's word beside a word that says it is not there yet or not needed
        *("申请取水许可证", "已提交申请,受理编号第12号", "已申请,待批复", "拟申请取水许可证"),
        *("正在办理取水许可证", "不需要取水许可(内水资源字〔2023〕45号的复函)"),
    ],
)
def test_an_application_beside_a_number_or_a_title_word_is_still_no_document(written, tmp_path):
    line = _refused_line(tmp_path, "water", "water_permit", written, "en")
    assert "says there is no document" in line, line


def _run_on(data: dict[str, Any], tmp_path, lang: str = "en"):  # type: ignore[no-untyped-def]
    from tests.support.strategies import dump

    path = tmp_path / "project.yaml"
    path.write_bytes(dump(data))
    return CliRunner().invoke(check_main, [str(path), "--as-of", AS_OF.isoformat(), "--lang", lang])


def _assert_refused(result: Any, refused: bool, pattern: str) -> None:
    """A refused file (exit 2) gets one line, matching `pattern`; a file taken any other exit."""
    if not refused:
        assert result.exit_code != 2, result.output
        return
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert re.search(pattern, lines[0]), lines[0]


def _assert_refused_in_both(data: dict[str, Any], tmp_path: Any, refused: bool, pattern: str, zh: str) -> None:
    """`_assert_refused` on the English run, and the Chinese run's line holding `zh` when refused."""
    _assert_refused(_run_on(data, tmp_path), refused, pattern)
    if refused:
        assert zh in _run_on(data, tmp_path, "zh").output


def _base(name: str) -> dict[str, Any]:
    """A fixture base as the checker reads it (YAML 1.2: `1.2e9` is a number)."""
    from checker.input.source import parse_document
    from tests.support import REPO

    path = REPO / "rules" / "bases" / f"{name}.yaml"
    data: dict[str, Any] = parse_document(path.read_bytes(), str(path)).data
    return data


@pytest.mark.parametrize(
    ("mine", "line", "unit", "refused"),
    [
        (120, 1.2, "Mt/a", True),  # the mine's capacity written in 万t beside a line in Mt/a
        (8, 800, "万吨/年", False),  # the same figure in another unit
        (1.2, 120, "万t/a", False),
        (8, 8, None, False),  # a line without unit is in the usual unit
        (8, 4, "Mt/a", True),
        (8.33, 833.3, "万吨/年", False),  # the same figure, to the digits written
        (8, 830, "万吨", False),
    ],
)
def test_a_mines_capacity_stated_twice_must_be_one_figure(mine, line, unit, refused, tmp_path):
    """`mine.capacity_mt_per_year: 120` (万t) beside a raw-coal line of 1.2 Mt/a passed MI-003's
    minimum of 3 Mt/a on the first figure; the two state one design capacity."""
    data = _base("coal_mine")
    data["mine"]["capacity_mt_per_year"] = mine
    data["project"]["products"][0]["capacity"] = line
    if unit is None:
        data["project"]["products"][0].pop("unit")
    else:
        data["project"]["products"][0]["unit"] = unit
    _assert_refused_in_both(
        data,
        tmp_path,
        refused,
        rf"project\.yaml:\d+: mine\.capacity_mt_per_year: {mine:g} Mt/a differs from the raw coal capacity of "
        r"project\.products\[0\]",
        "二者都是矿井设计生产能力",
    )


@pytest.mark.parametrize(
    ("unit", "refused"),
    [("kg/a", True), ("MW", True), ("t/d", True), ("t", False), ("万吨", False), ("万吨/年", False), ("t／a", False)],
)
def test_a_capacity_in_a_unit_not_of_its_product_is_invalid_input(unit, refused, tmp_path):
    """A clinker line in kg/a beside `unit_energy_kgce: 0.125` was read as 0.125 kgce per tonne and
    passed a benchmark of 100: the unit must be one the product's energy per unit is counted by."""
    data = _base("cement_renovation")
    data["project"]["products"][0]["unit"] = unit
    _assert_refused(
        _run_on(data, tmp_path),
        refused,
        rf"project\.products\[0\]\.unit: '{re.escape(unit)}' is not a unit of cement_clinker capacity: write one of "
        r"t/a, .*\(unit_energy_kgce is per t of product\)",
    )


def test_an_expansions_raw_coal_line_may_state_the_capacity_it_adds(tmp_path):
    """A mine expanded from 3 to 5 Mt/a: the mine's key is its design capacity after the project,
    which MI-003 compares with the minimum; the product line may state the 2 Mt/a it adds."""
    data = _base("coal_mine")
    data["project"]["construction_type"] = "expansion"
    data["mine"]["capacity_mt_per_year"] = 5
    data["project"]["products"][0].update(capacity=200, unit="万吨/年")
    assert _run_on(data, tmp_path).exit_code != 2


def test_the_unit_message_is_chinese_for_a_unit_of_two_words(tmp_path):
    """Coal-to-gas is counted per `10k m3`: the Chinese message must not stay English."""
    data = _base("cement_renovation")
    data["project"]["products"][0].update(product="coal_to_gas", unit="kg/a")
    output = _run_on(data, tmp_path, "zh").output
    assert "不是 coal_to_gas 产能的单位" in output and "按每 10k m3 产品计" in output, output


def test_fuel_coal_beside_a_balance_that_burns_no_coal_must_be_nought(tmp_path):
    """Rounding is allowed on coal that is burnt; beside `raw_coal_t: 0`, fuel coal of 1e-145 t is
    coal the balance denies, and it kept the balance "incomplete" until a nought completed it."""
    data = _base("calcium_carbide")
    data["energy"]["raw_coal_t"] = 0
    data.setdefault("coal", {})["fuel_coal_t"] = 1e-145
    result = _run_on(data, tmp_path)
    assert result.exit_code == 2, result.output
    assert "coal.fuel_coal_t: fuel coal 1e-145 differs from the coal the energy balance burns" in result.output
    data["coal"]["fuel_coal_t"] = 0
    assert _run_on(data, tmp_path).exit_code != 2


def _statuses(data: dict[str, Any]) -> dict[str, str]:
    from checker.input.source import parse_document
    from checker.input.validation import validate_document
    from checker.project.model import Project
    from tests.support.strategies import dump

    doc = parse_document(dump(data), "project.yaml")
    result = checker_on(AS_OF).check(doc, validate_document(doc, Project))
    return {f.id: f.status for f in result.findings}


def test_a_factory_with_a_captive_pv_plant_is_judged_as_the_factory(tmp_path):
    """A carbide plant (C2613) with a PV section: without its code it was taken for electricity
    generation (EC-001 not applicable, "judged by CO-006"); with the code, CO-002 called it
    renewable generation. The product line says what the project is."""
    data = _base("calcium_carbide")
    data["renewable_plant"] = {"technology": "pv", "capacity_mw": 100, "site_type": "desert"}
    with_code = _statuses(data)
    del data["project"]["industry_code"]
    without_code = _statuses(data)
    assert with_code["EC-001"] == without_code["EC-001"] == "fail"
    data["energy"].pop("electricity_kwh")  # the balance is incomplete: the coal left out may be burnt
    assert _statuses(data)["CO-002"] == "missing_info"


def test_a_mine_beside_a_manufacturing_code_asks_for_its_mineral():
    """A rare-earth smelter's code (C3232) says nothing of what its mine raises: deleting the mine's
    `mineral: coal` turned MI-003's `fail` into `not_applicable`. A raw-coal line still says coal;
    without it the rule asks for the mineral."""
    data = _base("coal_mine")
    data["project"]["industry_code"] = "C3232"
    data["mine"]["capacity_mt_per_year"] = data["project"]["products"][0]["capacity"] = 1.2
    assert _statuses(data)["MI-003"] == "fail"
    del data["mine"]["mineral"]
    assert _statuses(data)["MI-003"] == "fail"  # its raw-coal line says what it raises
    data["project"]["products"] = [{"product": "other"}]
    assert _statuses(data)["MI-003"] == "missing_info"


def test_a_data_centre_with_its_own_pv_plant_is_judged_as_the_data_centre():
    """Without its code, a data centre with a PV section was taken for electricity generation:
    EC-001 was not applicable ("judged by CO-006") although its intensity exceeds the cap."""
    data = _base("data_centre")
    data["output"]["annual_value_added_10k_yuan"] = 50000
    with_code = _statuses(data)["EC-001"]
    data["renewable_plant"] = {"technology": "pv", "capacity_mw": 50, "site_type": "other"}
    del data["project"]["industry_code"]
    assert _statuses(data)["EC-001"] == with_code == "fail"


@pytest.mark.parametrize(
    ("mineral", "refused"), [("other", True), ("rare_earth", True), ("coal", False), (None, False)]
)
def test_a_mine_of_another_mineral_listing_raw_coal_is_invalid_input(mineral, refused, tmp_path):
    """`mineral: other` beside a raw-coal line of 1 Mt/a skipped the coal-mine rules (MI-003's
    minimum of 3 Mt/a, CO-005's siting) and was approved: the file says both coal and not coal."""
    data = _base("coal_mine")
    data["mine"]["capacity_mt_per_year"] = data["project"]["products"][0]["capacity"] = 1
    data["project"]["industry_code"] = "B1019"
    if mineral is None:
        del data["mine"]["mineral"]
    else:
        data["mine"]["mineral"] = mineral
    _assert_refused_in_both(
        data,
        tmp_path,
        refused,
        rf"project\.yaml:\d+: mine\.mineral: '{mineral}', but project\.products\[0\] is raw_coal: a mine that raises "
        r"raw coal is a coal mine \(mineral: coal\)$",
        "是原煤(采掘)产品: 采出原煤的矿山是煤矿",
    )
    if not refused:  # coal beside another mining code: a reviewer settles which
        assert _statuses(data)["MI-003"] == "review"


@pytest.mark.parametrize(
    ("base", "burners", "coal", "refused"),
    [
        ("cement_renovation", "boilers", {"fuel_coal_t": 0}, True),  # two 75 t/h boilers burning 0 t
        ("cement_renovation", "boilers", {"raw_coal_t": 0}, True),  # the balance says 0 t of coal
        ("cement_renovation", "boilers", {"fuel_coal_t": 80000}, False),
        ("cement_renovation", "boilers", {}, False),  # no coal figure: the rules ask for it
        ("coal_chp", "units", {"raw_coal_t": 0}, True),
        ("coal_chp", "units", {}, False),
    ],
)
def test_coal_burners_beside_no_coal_burnt_are_invalid_input(base, burners, coal, refused, tmp_path):
    """Two 75 t/h coal boilers beside `coal.fuel_coal_t: 0` passed CO-002 as a plant adding no
    coal consumption: the file lists what burns coal and states that none is burnt."""
    data = _base(base)
    for carrier in ("raw_coal_t", "washed_coal_t"):
        data["energy"].pop(carrier, None)
    data.setdefault("coal", {}).pop("fuel_coal_t", None)
    if burners == "boilers":
        data["coal"]["boilers"] = [{"capacity_t_per_h": 75}, {"capacity_t_per_h": 75}]
    for key, value in coal.items():
        (data["coal"] if key == "fuel_coal_t" else data["energy"])[key] = value
    key = "coal\\.fuel_coal_t" if "fuel_coal_t" in coal else "energy\\.raw_coal_t"
    listed = "coal\\.boilers" if burners == "boilers" else "coal_power\\.units_mw"
    _assert_refused_in_both(
        data,
        tmp_path,
        refused,
        rf"project\.yaml:\d+: {key}: the file states no coal burnt beside the coal burners it lists \({listed}\): "
        r"give the coal they burn a year$",
        "申报文件列有燃煤设备",
    )


@pytest.mark.parametrize(("unit_energy", "refused"), [(0, True), (0.0, True), (1e-9, False), (805, False)])
def test_a_product_made_without_energy_is_invalid_input(unit_energy, refused, tmp_path):
    """`unit_energy_kgce: 0` passed HE-003 and EC-003 as "0 kgce, at the benchmark level": no product
    is made without energy, and a figure not known is left out, which the rules ask for."""
    data = _base("calcium_carbide")
    data["project"]["products"][0]["unit_energy_kgce"] = unit_energy
    _assert_refused_in_both(
        data,
        tmp_path,
        refused,
        r"project\.yaml:\d+: project\.products\[0\]\.unit_energy_kgce: must be > 0, got 0$",
        "unit_energy_kgce: 须 > 0,实际为 0",
    )


@pytest.mark.parametrize("value_added", [10735, 11300])
def test_value_added_above_the_output_value_is_taken_up_to_the_vat_on_it(value_added, tmp_path):
    """Value added counts the VAT payable, which the output value leaves out: a plant that buys in
    little (a PV plant) may state more value added than output value, up to output value × 1.13
    (the standard rate; 10000 × 1.13 is 11299.999999999998 in binary), and is not refused."""
    data = _base("desert_pv")
    data["output"]["annual_output_value_10k_yuan"] = 10000
    data["output"]["annual_value_added_10k_yuan"] = value_added
    assert _run_on(data, tmp_path).exit_code != 2


@pytest.mark.parametrize("value_added", [11301, 100000, 30000000])
def test_value_added_beyond_what_the_output_value_allows_is_invalid_input(value_added, tmp_path):
    """Value added written in 元 beside an output value in 万元 (3000× it) divided every intensity
    by 10 000 and passed EC-001 and WA-001: no VAT makes value added exceed output value × 1.13."""
    data = _base("cement_renovation")
    data["output"]["annual_output_value_10k_yuan"] = 10000
    data["output"]["annual_value_added_10k_yuan"] = value_added
    _assert_refused_in_both(
        data,
        tmp_path,
        True,
        rf"project\.yaml:\d+: output\.annual_value_added_10k_yuan: {value_added} exceeds what the output value "
        r"10000 allows \(11300: value added is output value less intermediate input plus VAT of at most 13%\): check "
        r"that both are in 10k yuan \(万元\)$",
        "超过工业总产值 10000 所允许的上限(11300",
    )


def test_value_added_beyond_the_ceiling_is_never_offered_as_a_remedy():
    """A remedy is checked as the file is: raising value added past what the output value allows
    is no remedy, however far it lowers the intensities."""
    from checker.remedies import attach

    data = _base("calcium_carbide")  # 12.99 tce per 10k yuan of value added against a cap of 1.3
    data["output"]["annual_output_value_10k_yuan"] = 40000
    data["output"]["annual_value_added_10k_yuan"] = 30000
    from checker.input.source import parse_document
    from checker.input.validation import validate_document
    from checker.project.model import Project
    from tests.support.strategies import dump

    doc = parse_document(dump(data), "project.yaml")
    result = attach(checker_on(AS_OF).check(doc, validate_document(doc, Project)))
    offered = [f.id for f in result.findings if f.remedies]
    assert offered  # the plant fails on its intensities: remedies are computed
    for finding in result.findings:
        for remedy in finding.remedies or ():
            for change in remedy.changes:
                if change.key == "output.annual_value_added_10k_yuan" and isinstance(change.value, int | float):
                    assert change.value <= 40000 * 1.13 * (1 + 1e-9), (finding.id, remedy)


@pytest.mark.parametrize(
    ("base", "code", "technology", "refused"),
    [
        ("desert_pv", "D4416", "wind", True),
        ("wind_farm", "D4415", "pv", True),
        ("desert_pv", "D4416", "pv", False),
        ("wind_farm", "D4415", "wind", False),
        ("wind_farm", "D441", "pv", False),  # a coarser code names no technology
    ],
)
def test_a_generation_code_naming_the_other_technology_is_invalid_input(base, code, technology, refused, tmp_path):
    """D4416 (solar) with `technology: wind` on farmland skipped RE-002's farmland test for PV and
    was approved: which siting rules apply would be the applicant's pick."""
    data = _base(base)
    data["project"]["industry_code"] = code
    data["renewable_plant"]["technology"] = technology
    words = {"D4415": "wind power generation", "D4416": "solar power generation"}.get(code, "")
    _assert_refused_in_both(
        data,
        tmp_path,
        refused,
        rf"project\.yaml:\d+: renewable_plant\.technology: '{technology}', but project\.industry_code {code} is "
        rf"{words}: the code and the technology must name the same plant$",
        "行业代码与技术类型须指同一电站",
    )


@pytest.mark.parametrize(
    ("city", "refused"), [("赤峰市", True), ("鄂尔多斯市", True), ("锡林郭勒盟", False), ("包头市", False)]
)
def test_a_border_area_site_in_a_league_without_a_border_is_invalid_input(city, refused, tmp_path):
    """A wind farm in Chifeng declaring `site_type: border_area` passed RE-003 (wind in border
    areas) although Chifeng has no national border."""
    data = _base("wind_farm")
    data["project"]["league_city"] = city
    data["project"].pop("banner_county", None)
    data["renewable_plant"]["site_type"] = "border_area"
    _assert_refused_in_both(
        data,
        tmp_path,
        refused,
        rf"project\.yaml:\d+: renewable_plant\.site_type: 'border_area', but {city} has no national border: "
        r"border areas are in 包头市、呼伦贝尔市、巴彦淖尔市、乌兰察布市、兴安盟、锡林郭勒盟、阿拉善盟$",
        f"而{city}不沿国界: 沿边境地区位于",
    )
