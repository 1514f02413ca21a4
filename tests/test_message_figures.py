"""Messages never contradict the facts: the figures a reasoning sentence prints are the finding's
own, at their printed precision, and a figure never prints as the limit it differs from.

The oracle is `tests.support.message_figures.message_problems`. It runs on every sample in `projects/`, every
rule fixture, random valid projects and projects whose figures sit at or a hair off their
limits, in both languages; and on the examples a reviewer found, named as sentences.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from checker.audit.cases import rule_cases
from checker.errors import InputError
from checker.input.source import parse_document
from checker.input.validation import validate_document
from checker.project.model import Project
from checker.reports.render import render_message
from checker.rules.ruleset import load_ruleset
from tests.support import REPO
from tests.support.casebook import deep_merge, load_cases, write_case
from tests.support.checkers import PACK_IDS, PACKS, checker_on
from tests.support.message_figures import message_problems
from tests.support.strategies import BASE_FILES, BASES, dump, near_limit_projects, projects

AS_OF = dt.date(2026, 1, 1)
AS_OF_DATES = [dt.date(2022, 6, 1), AS_OF]
SAMPLES = sorted((REPO / "projects").glob("*.yaml"))
# the shipped pack's cases, and the cases each example pack adds (its inherited ones are the shipped)
CASES = [(None, case) for case in load_cases()] + [
    (pack, case)
    for pack in PACKS
    if pack is not None
    for case in rule_cases(load_ruleset(Path(pack)))
    if not case.path.startswith("rules/")
]
# the fixture bases as the checker reads them (`1.2e9` is a number)
BASE = {path.stem: data for path, data in zip(BASE_FILES, BASES, strict=True)}


def problems_of(result) -> list[str]:
    return [p for f in result.findings for lang in ("zh", "en") for p in message_problems(f, lang)]


def check_data(data: dict, as_of: dt.date = AS_OF, pack: str | None = None):
    doc = parse_document(dump(data), "project.yaml")
    return checker_on(as_of, pack).check(doc, validate_document(doc, Project))


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
@pytest.mark.parametrize("sample", SAMPLES, ids=[p.name for p in SAMPLES])
def test_sample_messages_print_the_facts(sample: Path, pack):
    assert problems_of(checker_on(AS_OF, pack).check_path(sample)) == []


@pytest.mark.parametrize(("pack", "case"), CASES, ids=[f"{c.rule}: {c.name}" for _, c in CASES])
def test_fixture_messages_print_the_facts(pack, case, tmp_path):
    result = checker_on(case.as_of, pack).check_path(write_case(case, tmp_path))
    finding = next(f for f in result.findings if f.id == case.rule)
    assert [p for lang in ("zh", "en") for p in message_problems(finding, lang)] == []


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
@given(data=projects(), as_of=st.sampled_from(AS_OF_DATES))
def test_random_project_messages_print_the_facts(data, as_of, pack):
    try:
        result = check_data(data, as_of, pack)
    except InputError as exc:  # figures whose quotient overflows are refused as input, rightly
        assume("too large" not in str(exc))
        raise
    assert problems_of(result) == []


@pytest.mark.parametrize("pack", PACKS, ids=PACK_IDS)
@given(data=near_limit_projects(), as_of=st.sampled_from(AS_OF_DATES))
def test_figures_at_their_limits_print_apart_from_them(data, as_of, pack):
    try:
        result = check_data(data, as_of, pack)
    except InputError:
        assume(False)  # a nudge took a value out of its range (a share above 1)
    assert problems_of(result) == []


# ---------------------------------------------------------------- the examples a reviewer found


def message(data: dict, rule: str, lang: str = "zh") -> tuple[str, str]:
    result = check_data(data)
    finding = next(f for f in result.findings if f.id == rule)
    assert [p for lg in ("zh", "en") for p in message_problems(finding, lg)] == []
    return finding.status, render_message(finding, lang)


def test_water_intensity_just_above_the_cap_prints_the_digits_that_exceed_it():
    data = deep_merge(
        BASE["calcium_carbide"],
        {
            "output": {"annual_value_added_10k_yuan": 10000},
            "water": {"fresh_water_m3": 200040},
        },
    )
    status, text = message(data, "WA-001")
    assert status == "fail"
    assert "新水取用量20.004立方米/万元" in text and "高于上限20," in text


def test_pue_a_hair_above_the_limit_prints_as_more_than_the_limit():
    data = deep_merge(BASE["data_centre"], {"data_center": {"pue": 1.2001}})
    status, text = message(data, "EC-004")
    assert status == "fail"
    assert "PUE为1.2001" in text and "上限1.2," in text


def test_investment_just_below_the_large_scale_level_shows_the_digits_that_differ():
    data = deep_merge(
        BASE["calcium_carbide"],
        {
            "project": {"investment_10k_yuan": 49999.99},
            "land": {"main_function_zone": "agricultural", "area_ha": 5},
        },
    )
    status, text = message(data, "LA-004")
    assert status == "pass"
    assert "总投资4.999999亿元" in text and "5亿元" in text


def test_reduction_replacement_without_a_figure_says_the_replacement_is_not_declared():
    data = deep_merge(
        BASE["calcium_carbide"],
        {
            "energy": {"energy_quota_source": "reduction_replacement"},
        },
    )
    data["energy"].pop("energy_replacement_tce", None)
    for lang, words in (("zh", "未申报置换量"), ("en", "not declared")):
        status, text = message(data, "EC-002", lang)
        assert status == "fail"
        assert words in text and "—" not in text


def test_farmland_a_hair_above_zero_is_not_printed_as_zero():
    data = deep_merge(BASE["desert_pv"], {"land": {"permanent_basic_farmland_ha": 1e-9}})
    status, text = message(data, "LA-001")
    assert status == "fail"
    assert "0.000000001公顷" in text


def test_high_energy_review_of_a_project_listing_no_products_claims_no_product_efficiency():
    """Replacement covers the consumption and no product listed has a national benchmark: a
    reviewer judges the efficiency, and the message claims none."""
    data = deep_merge(BASE["calcium_carbide"], {"energy": {"energy_replacement_tce": 10**7}})
    data["project"]["products"] = [{"product": "methanol", "capacity": 600000, "unit": "t/a"}]
    zh_status, zh = message(data, "HE-002", "zh")
    en_status, en = message(data, "HE-002", "en")
    assert zh_status == en_status == "review"
    assert zh.count("标杆水平") == zh.count("均无国家能效标杆水平") == 1
    assert "未劣于" not in zh and "reach the benchmark" not in en
    assert "审查人员判断" in zh and "a reviewer judges its efficiency" in en


def test_a_high_energy_project_declaring_no_products_is_asked_for_them_not_reviewed():
    data = deep_merge(BASE["calcium_carbide"], {"energy": {"energy_replacement_tce": 10**7}})
    data["project"].pop("products")
    zh_status, zh = message(data, "HE-002", "zh")
    en_status, en = message(data, "HE-002", "en")
    assert zh_status == en_status == "missing_info"
    assert "project.products" in zh and "project.products" in en
    assert "未劣于" not in zh and "审查人员判断" not in zh and "a reviewer judges" not in en


def test_undeclared_coal_replacement_is_named_not_printed_as_zero():
    data = deep_merge(BASE["calcium_carbide"], {"energy": {"raw_coal_t": 100000}})
    data.get("coal", {}).pop("coal_replacement_t", None)
    status, zh = message(data, "CO-002", "zh")
    _, en = message(data, "CO-002", "en")
    assert status == "fail"
    assert "未申报煤炭减量替代" in zh and "declares no coal replacement" in en
    assert "替代0吨" not in zh


def test_the_facts_list_prints_a_figure_apart_from_its_limit_as_the_message_does():
    from checker.reports.render import finding_view

    result = check_data(deep_merge(BASE["data_centre"], {"data_center": {"pue": 1.2001}}))
    finding = next(f for f in result.findings if f.id == "EC-004")
    for lang in ("zh", "en"):
        shown = {fact["name"]: fact["value"] for fact in finding_view(finding, lang)["facts"]}
        assert shown["data_center.pue"] == "1.2001"


def test_coal_units_of_a_renovation_adding_no_capacity_are_not_said_to_be_absent():
    data = deep_merge(
        BASE["coal_chp"],
        {
            "project": {"construction_type": "renovation", "adds_capacity": False},
        },
    )
    status, zh = message(data, "CO-001", "zh")
    assert status == "not_applicable"
    assert "不新增产能" in zh and "不新建燃煤发电机组" not in zh
    # CO-004 and CO-006 judge the units built, whether or not they add capacity
    for rule in ("CO-004", "CO-006"):
        status, zh = message(data, rule, "zh")
        assert status == "pass"
        assert "新建" in zh and "燃煤机组" in zh and "不新增产能" not in zh


@pytest.mark.parametrize(
    ("value", "style", "digits", "against", "printed"),
    [
        (20.004, "num", 2, 20, "20.004"),
        (20, "num", 2, 20.004, "20"),
        (1.2001, "num", 2, 1.2, "1.2001"),
        (9999.999, "wan", 2, 10000, "9,999.999"),  # not "10,000" against "1万"
        (49999.99, "yuan10k", 2, 50000, "4.999999亿元"),
        (0.0325, "pct", 1, None, "3.3%"),  # 0.0325 × 100 is 3.2499… in floats
        (1e-9, "num", 2, 0, "0.000000001"),
        (5e-324, "num", 2, 0, "5e-324"),
        (float("inf"), "num", 2, 20, "∞"),
    ],
)
def test_a_figure_is_printed_apart_from_what_it_is_compared_with(value, style, digits, against, printed):
    from checker.verdict.figures import Style, format_figure

    assert format_figure(value, Style(style, "zh"), digits, against) == printed


def test_the_file_s_own_words_are_not_stray_numbers_when_the_message_folds_their_spaces():
    """A claimed exemption's evidence is the file's own text, printed with its whitespace folded:
    "附件 0\\xa0" prints as "附件 0", whose "0" is the applicant's word, not a figure without a
    name. (A bare "0" is refused as evidence: a text saying there is none.)"""
    data = deep_merge(BASE["coal_chp"], {"coal_power": {"exemption_evidence": "附件 0\xa0"}})
    _status, text = message(data, "CO-001")
    assert "0" in text


def test_gross_coal_prints_apart_from_the_smaller_net_it_yields():
    """10 049 t less 40 t: the gross never prints as "1万吨" beside a net of "1.001万吨"."""
    data = deep_merge(BASE["calcium_carbide"], {"coal": {"fuel_coal_t": 10049, "coal_replacement_t": 40}})
    status, zh = message(data, "CO-002", "zh")
    _, en = message(data, "CO-002", "en")
    assert status == "fail"
    assert "燃料煤1.005万吨" in zh and "新增1.001万吨" in zh
    assert "burns 10,049 t" in en and "net new coal is 10,009 t" in en


def test_a_failing_listed_product_says_in_both_languages_what_replacement_it_declares():
    """The English fail message named no figure and read as if nothing had been declared, while
    the Chinese printed the ratio and the replacement the file gives."""
    data = deep_merge(
        BASE["calcium_carbide"],
        {
            "energy": {
                "capacity_replacement_ratio": 0.8,
                "energy_quota_source": "reduction_replacement",
                "energy_replacement_tce": 400000,
            }
        },
    )
    status, zh = message(data, "HE-001", "zh")
    _, en = message(data, "HE-001", "en")
    assert status == "fail"
    assert "申报产能置换比例0.8" in zh and "能耗减量置换40万吨标准煤" in zh
    assert "capacity replacement ratio of 0.8" in en and "400,000 tce of energy reduction replacement" in en
    assert "without capacity and energy reduction replacement" not in en


def test_the_report_s_other_figures_print_apart_from_their_limits():
    """The chart, the CSV facts and the derived-figures table print a figure a hair above its limit
    as the message does, never as the limit itself."""
    from checker.reports.csv import render_csv
    from checker.reports.html import chart_views
    from checker.reports.render import metric_views

    data = deep_merge(
        BASE["data_centre"],
        {"data_center": {"pue": 1.2000001}, "output": {"annual_value_added_10k_yuan": 120000}},
    )
    data["water"]["fresh_water_m3"] = 2400001  # 20.0000083 m³ per 10 000 yuan against a cap of 20
    result = check_data(data)
    statuses = {f.id: f.status for f in result.findings}
    assert statuses["EC-004"] == "fail" and statuses["WA-001"] == "fail"
    for lang in ("zh", "en"):
        charts = {c["figure"]: c for c in chart_views(result, lang)}
        pue, water = charts["data_center.pue"], charts["water_intensity_m3_per_10k_yuan"]
        assert (pue["value"], pue["limit"], pue["ratio"]) == ("1.2000001", "1.2", "100.00001%")
        assert (water["value"], water["limit"], water["ratio"]) == ("20.00001", "20", "100.00004%")
        metrics = {m["name"]: m["value"] for m in metric_views(result, lang)}
        assert metrics["water_intensity_m3_per_10k_yuan"] == "20.00001"
    assert "(data_center.pue): 1.2000001" in render_csv(result, "en")


def test_parameter_values_are_listed_as_written_not_rounded():
    """A policy's 1.19999 was listed as "1.2" beside a PUE of 1.2 that failed against it."""
    from checker.reports.render import format_param_value

    assert format_param_value(1.19999) == "1.19999"
    assert format_param_value(0.03412) == "0.03412"
    assert format_param_value(0.00078) == "0.00078"
    assert format_param_value(1e-7) == "0.0000001"
    assert format_param_value(10000) == "10,000"
    assert format_param_value({"calcium_carbide": 1640.715}).endswith("1,640.715")


def test_a_listed_product_beside_polysilicon_claiming_its_exception_says_which_is_which():
    """With calcium carbide failing beside `polysilicon_integrated`, the polysilicon line was
    described as a replacement claim with "—" figures; it is the list's exception, claimed."""
    data = deep_merge(BASE["calcium_carbide"], {})
    data["project"]["products"].append({"product": "polysilicon_integrated", "capacity": 100000, "unit": "t/a"})
    status, zh = message(data, "HE-001", "zh")
    _, en = message(data, "HE-001", "en")
    assert status == "fail"
    assert "多晶硅(有下游转化):项目申报有下游转化" in zh and "—" not in zh
    assert "the project declares downstream conversion" in en and "—" not in en


def test_a_figure_that_is_not_zero_never_prints_as_zero():
    from checker.verdict import figures

    for lang in ("zh", "en"):
        assert figures.format_figure(1e-20, figures.Style("num", lang), 2, 0.5) != "0"
        assert figures.format_figure(0.0004, figures.Style("num", lang), 2) == "0.0004"
    assert figures.format_figure(0, figures.Style("num", "en"), 2) == "0"


def test_parameter_values_far_from_one_are_listed_as_written():
    from checker.reports.render import format_param_value

    assert format_param_value(1e300) == "1e+300"
    assert format_param_value(1e-20) == "1e-20"
    assert format_param_value(1e23) == "1e+23"  # never 99,999,999,999,999,991,611,392


def checked_with_policy(data: dict, policy: dict, tmp_path: Path, as_of: dt.date = AS_OF):
    """`data` checked with the parameters a policy file sets (`{name: value}`)."""
    from checker.check import Checker
    from checker.rules.parameters import load_policy, resolve

    path = tmp_path / "policy.yaml"
    path.write_bytes(dump({"format": 1, "source": "测试口径", "parameters": policy}))
    doc = parse_document(dump(data), "project.yaml")
    checker = Checker(load_ruleset(), resolve(as_of, load_policy(path)))
    return checker.check(doc, validate_document(doc, Project))


def test_a_high_energy_replacement_short_of_the_consumption_prints_both_on_the_basis_compared():
    """The fail message printed the 当量值 consumption (17.71万) beside "no replacement covering
    it" while the file declares 20万 tce: the replacement is compared with the 等价值 38.96万."""
    data = deep_merge(BASE["calcium_carbide"], {"energy": {"energy_replacement_tce": 200000}})
    status, zh = message(data, "HE-002", "zh")
    _, en = message(data, "HE-002", "en")
    assert status == "fail"
    assert "申报的能耗减量置换20万吨标准煤低于项目能耗(等价值)38.96万吨标准煤," in zh
    assert "未申报足以覆盖" not in zh
    assert "replacement of 200,000 tce is less than its 389,579.13 tce (equal-value basis)" in en


def test_a_high_energy_project_without_replacement_says_none_is_declared():
    status, zh = message(BASE["calcium_carbide"], "HE-002", "zh")
    _, en = message(BASE["calcium_carbide"], "HE-002", "en")
    assert status == "fail"
    assert "未申报能耗减量置换," in zh and "without energy reduction replacement:" in en


def test_a_high_energy_replacement_short_of_a_ratio_names_the_ratio(tmp_path):
    """400 000 tce against 1.2 × 389 579.13 = 467 494.956 tce."""
    data = deep_merge(BASE["calcium_carbide"], {"energy": {"energy_replacement_tce": 400000}})
    result = checked_with_policy(data, {"min_energy_replacement_ratio": 1.2}, tmp_path)
    finding = next(f for f in result.findings if f.id == "HE-002")
    assert finding.status == "fail"
    assert [p for lang in ("zh", "en") for p in message_problems(finding, lang)] == []
    zh, en = render_message(finding, "zh"), render_message(finding, "en")
    assert "申报的能耗减量置换40万吨标准煤低于项目能耗(等价值)38.96万吨标准煤的1.2倍," in zh
    assert "replacement of 400,000 tce is less than 1.2 times its 389,579.13 tce" in en


def test_an_energy_intensity_above_its_cap_prints_a_numerator_whose_quotient_is_above_it():
    """39 001.2 tce ÷ 3亿元 is 1.30004 above a cap of 1.3; the numerator printed as 3.9万 made the
    printed quotient exactly 1.3. The derived-figures table printed it so as well."""
    from checker.reports.render import metric_views

    data = deep_merge(
        BASE["calcium_carbide"],
        {"energy": {"other_tce": 39001.2, "electricity_kwh": 0}},
    )
    for key in ("coke_t", "diesel_t", "feedstock"):
        data["energy"].pop(key)
    status, zh = message(data, "EC-001", "zh")
    _, en = message(data, "EC-001", "en")
    assert status == "fail"
    assert "3.9001万吨标准煤 ÷ 工业增加值3亿元),高于上限1.3" in zh
    assert "39,001.2 tce on the equal-value basis ÷ 300,000,000 yuan" in en
    metrics = {m["name"]: m["value"] for m in metric_views(check_data(data), "zh")}
    assert metrics["comprehensive_energy_tce"] == "3.9001万"


def test_a_water_intensity_a_hair_above_its_cap_prints_the_fresh_water_that_exceeds_it():
    data = deep_merge(
        BASE["calcium_carbide"],
        {"output": {"annual_value_added_10k_yuan": 120000}, "water": {"fresh_water_m3": 2400000.4}},
    )
    status, zh = message(data, "WA-001", "zh")
    assert status == "fail"
    assert "新水240.00004万立方米 ÷ 工业增加值12亿元" in zh


def test_a_water_intensity_at_its_cap_prints_the_operands_as_written():
    """240 060 m³ ÷ 12 003万元 is exactly 20, not above the cap; rounded, 24.01万 ÷ 1.2亿 would read
    as above it. The denominator is the applicant's figure, printed as written."""
    data = deep_merge(
        BASE["calcium_carbide"],
        {"output": {"annual_value_added_10k_yuan": 12003}, "water": {"fresh_water_m3": 240060}},
    )
    status, zh = message(data, "WA-001", "zh")
    _, en = message(data, "WA-001", "en")
    assert status == "pass"
    assert "新水24.006万立方米 ÷ 工业增加值1.2003亿元" in zh and "不高于上限20" in zh
    assert "240,060 m³ ÷ 120,030,000 yuan" in en


def test_a_value_added_off_the_round_figure_is_printed_as_written_beside_a_quotient():
    """199 955.21 m³ ÷ 10 043.7万元 is 19.9085, within 20; printed 20万 ÷ 1亿 it read as 20."""
    data = deep_merge(
        BASE["calcium_carbide"],
        {
            "output": {"annual_value_added_10k_yuan": 10043.7},
            "water": {"fresh_water_m3": 199955.21, "groundwater_m3": 0},
        },
    )
    status, zh = message(data, "WA-001", "zh")
    assert status == "pass"
    assert "工业增加值1.00437亿元" in zh


@pytest.mark.parametrize(
    ("value", "style", "lang", "printed"),
    [
        (30000, "yuan10k", "zh", "3亿元"),
        (30000.4, "yuan10k", "zh", "3.00004亿元"),
        (5000, "yuan10k", "zh", "5,000万元"),
        (30000, "yuan10k", "en", "300,000,000 yuan"),
        (389579.13, "wan", "zh", "38.957913万"),
        (0.1, "num", "en", "0.1"),  # the float nearest 0.1, printed as written
        (0, "num", "en", "0"),
    ],
)
def test_a_figure_printed_as_written_keeps_every_digit_and_no_more(value, style, lang, printed):
    from checker.verdict.figures import Style, format_exact

    assert format_exact(value, Style(style, lang)) == printed


def test_an_energy_intensity_exactly_at_a_policy_cap_passes_and_prints_no_float_noise(tmp_path):
    """389 579.13 ÷ 30 000 is exactly 12.985971, a policy's cap: at the cap, not above it. The
    float quotient 12.985971000000001 failed, printed against a cap of 12.985970999999999."""
    result = checked_with_policy(
        BASE["ordos-calcium-carbide"], {"max_energy_intensity_tce_per_10k_yuan": 12.985971}, tmp_path
    )
    assert result.metrics["energy_intensity_tce_per_10k_yuan"] == 12.985971
    finding = next(f for f in result.findings if f.id == "EC-001")
    assert finding.status == "pass"
    assert [p for lang in ("zh", "en") for p in message_problems(finding, lang)] == []
    zh, en = render_message(finding, "zh"), render_message(finding, "en")
    for text in (zh, en):
        assert "12.98597099" not in text and "12.985971000" not in text
    assert "38.957913万吨标准煤 ÷ 工业增加值3亿元),不高于上限" in zh
    assert "389,579.13 tce on the equal-value basis ÷ 300,000,000 yuan" in en


@pytest.mark.parametrize(
    ("value", "against", "printed"),
    [
        (12.985971, 12.985971000000001, "12.985971"),  # never 12.985970999999999
        (12.985971000000001, 12.985971, "12.985971000000001"),
        (2.675, None, "2.68"),  # 2.67499… in binary, written 2.675: rounded half up as written
    ],
)
def test_a_figure_is_printed_from_the_decimal_it_is_written_as(value, against, printed):
    from checker.verdict.figures import Style, format_figure

    assert format_figure(value, Style("num", "en"), 2, against) == printed


def test_a_value_added_past_a_float_s_exact_digits_prints_as_written():
    """4 398 046 511 104.344万元 is the float 4 398 046 511 104.34375: printed in yuan it is
    43,980,465,111,043,440 as written, not the binary expansion's …438 (found by hypothesis)."""
    output = {"annual_value_added_10k_yuan": 4398046511104.344, "annual_output_value_10k_yuan": 4398046511104.344}
    data = deep_merge(BASE["calcium_carbide"], {"output": output})
    status, _ = message(data, "WA-001", "zh")
    _, en = message(data, "WA-001", "en")
    assert status == "pass"
    assert "43,980,465,111,043,440 yuan" in en


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_negative_zero_as_written_prints_as_nought_never_minus_nought(lang):
    # `-0.0` is a valid way to write nought; a report printing "-0%" beside it reads as a sign error
    from checker.verdict import figures

    for style in ("num", "pct", "wan", "yuan10k"):
        printed = figures.format_figure(-0.0, figures.Style(style, lang))
        assert not printed.startswith("-"), (style, printed)
        assert not figures.format_exact(-0.0, figures.Style(style, lang)).startswith("-"), style
