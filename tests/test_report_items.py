"""Per-item facts (each product, each boiler) in every format that lists facts.

A per-item rule reads its figures product by product: HE-003 each product's energy per unit,
CO-003 each coal boiler's capacity. Text, Markdown, HTML and JSON list them under the finding; a
spreadsheet, a code-review tool or a CI server must get them too, or a failing product's figure
is nowhere beside the verdict it decided.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET

import pytest
import yaml

from checker.reports import formats
from tests.support.checkers import checker_on

PROJECT = {
    "format": 1,
    "project": {
        "id": "T-ITEMS",
        "name": "测试铁合金项目",
        "league_city": "乌海市",
        "construction_type": "renovation",
        "adds_capacity": False,
        "industry_code": "C3150",
        "investment_10k_yuan": 20000,
        "products": [
            {"product": "silicomanganese", "capacity": 100000, "unit": "t/a", "unit_energy_kgce": 850},
            {"product": "ferrosilicon", "capacity": 50000, "unit": "t/a", "unit_energy_kgce": 1850.0004},
        ],
    },
    "output": {"annual_value_added_10k_yuan": 300000},
    "energy": {
        "electricity_kwh": 10000000,
        "raw_coal_t": 1000,
        "renewable_electricity_share": 0.5,
        "energy_quota_source": "regional_allocation",
    },
    "coal": {"boilers": [{"capacity_t_per_h": 75}, {"capacity_t_per_h": 35.0004}]},
    "water": {"fresh_water_m3": 5000, "water_permit": "许可X"},
    "land": {
        "area_ha": 5,
        "permanent_basic_farmland_ha": 0,
        "basic_grassland_ha": 0,
        "ecological_red_line_ha": 0,
        "main_function_zone": "urbanized",
        "in_industrial_park": True,
    },
}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    path = tmp_path_factory.mktemp("items") / "items.yaml"
    path.write_text(yaml.safe_dump(PROJECT, allow_unicode=True, sort_keys=False), encoding="utf-8")
    checked = checker_on(dt.date(2025, 6, 1)).check_path(path)
    assert {f.id: f.status for f in checked.findings if f.id in ("HE-003", "CO-003")} == {
        "HE-003": "fail",
        "CO-003": "pass",
    }
    return checked


def csv_facts(result, lang):
    rows = csv.DictReader(io.StringIO(formats.render(result, "csv", lang).lstrip("\ufeff")))
    return {row["rule"]: row["facts"] for row in rows}


def test_csv_lists_each_product_and_boiler_with_its_status_and_figures(result):
    facts = csv_facts(result, "zh")["HE-003"].split(" / ")
    assert (
        "硅铁 [不通过]; 产品: 硅铁; 产品清单未申报(按行业代码要求申报): 否; 单位产品能耗: 1,850.0004 kgce/单位产品"
        in facts
    )
    assert any(line.startswith("锰硅合金 [通过]; ") for line in facts)
    assert csv_facts(result, "zh")["CO-003"] == (
        "锅炉 #1(75 t/h) [通过]; 锅炉容量: 75 t/h / 锅炉 #2(35.0004 t/h) [通过]; 锅炉容量: 35.0004 t/h"
    )
    assert any(
        line.startswith("ferrosilicon [fail]; product: ferrosilicon")
        for line in csv_facts(result, "en")["HE-003"].split(" / ")
    )


def test_sarif_carries_each_items_facts_as_json_does(result):
    log = json.loads(formats.render(result, "sarif", "zh"))
    verdict = json.loads(formats.render(result, "json", "zh"))
    by_rule = {r["ruleId"]: r["properties"] for r in log["runs"][0]["results"]}
    for finding in verdict["findings"]:
        if finding["rule"] in ("HE-003", "CO-003"):
            assert by_rule[finding["rule"]]["items"] == finding["items"]
    assert [i["facts"]["item.capacity_t_per_h"] for i in by_rule["CO-003"]["items"]] == [75, 35.0004]


def test_junit_lists_each_product_under_the_failure(result):
    root = ET.fromstring(formats.render(result, "junit", "zh"))
    case = next(c for c in root.iter("testcase") if c.get("name", "").startswith("HE-003 "))
    details = case.find("failure").text.splitlines()
    assert (
        "硅铁 [不通过]; 产品: 硅铁; 产品清单未申报(按行业代码要求申报): 否; 单位产品能耗: 1,850.0004 kgce/单位产品"
    ) in details
    assert any(line.startswith("锰硅合金 [通过]; ") for line in details)
