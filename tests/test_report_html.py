"""The HTML report: self-contained, escaped, complete, grouped by status, charts against caps."""

from __future__ import annotations

import html5lib
import pytest

from checker.reports import formats
from checker.reports.html import CHART_WIDTH, _relation, _state, chart_views
from checker.reports.render import labels
from tests.support.reporting import HOSTILE_NAME, HOSTILE_REASON, SAMPLES, check_hostile, check_sample

NS = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"


def parse(text):
    return html5lib.parse(text, treebuilder="etree", namespaceHTMLElements=True)


def local(tag):
    return tag.split("}")[-1]


def text_of(element):
    return "".join(element.itertext())


@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_html_is_self_contained(sample, lang):
    text = formats.render(check_sample(sample), "html", lang)
    root = parse(text)
    tags = {local(e.tag) for e in root.iter() if isinstance(e.tag, str)}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed"}
    for element in root.iter():
        for name, value in element.attrib.items():
            if local(name) in ("src", "href", "srcset", "action", "data"):
                assert value.startswith("#"), (element.tag, name, value)
    style = text_of(root.find(f".//{NS}style"))
    assert "url(" not in style and "@import" not in style
    assert "http" not in style


@pytest.mark.parametrize("sample", SAMPLES)
def test_every_rule_has_its_finding_in_the_html(sample):
    result = check_sample(sample)
    root = parse(formats.render(result, "html", "en"))
    articles = root.findall(f".//{NS}article")
    assert sorted(a.get("id") for a in articles) == sorted(r.id for r in result.ruleset.rules)
    for article in articles:
        finding = next(f for f in result.findings if f.id == article.get("id"))
        assert f"s-{finding.status}" in article.get("class")


def test_hostile_strings_are_text_never_markup(tmp_path):
    text = formats.render(check_hostile(tmp_path), "html", "zh")
    root = parse(text)
    assert not [e for e in root.iter() if local(str(e.tag)) in ("script", "img")]
    assert HOSTILE_NAME in text_of(root.find(f".//{NS}header"))  # shown as written, {{7*7}} too
    assert "49" not in text_of(root.find(f".//{NS}header"))
    assert "&lt;script&gt;" in text
    assert HOSTILE_REASON in text_of(root.find(f".//{NS}section[@id='audit']"))


def test_findings_are_grouped_by_status_most_severe_first(tmp_path):
    result = check_hostile(tmp_path)
    root = parse(formats.render(result, "html", "en"))
    section = root.find(f".//{NS}section[@id='findings']")
    groups = [h.find(f"{NS}span").get("class").split()[-1] for h in section.findall(f"{NS}h3")]
    assert groups == [
        "s-fail",
        "s-review",
        "s-missing_info",
        "s-warn",
        "s-waived",
        "s-pass",
        "s-not_applicable",
    ]
    order = [a.get("id") for a in section.findall(f"{NS}article")]
    assert order.index("WA-002") > order.index("EC-001")  # waived after every fail
    assert order.index("WA-002") < order.index("LA-001")  # and before the passes


def test_finding_shows_reasoning_facts_parameters_with_provenance_label_and_quote():
    result = check_sample("ordos-calcium-carbide.yaml")
    root = parse(formats.render(result, "html", "zh"))
    article = root.find(f".//{NS}article[@id='EC-001']")
    content = text_of(article)
    assert "高于上限1.3" in content
    # a Chinese report names the fact and the parameter in Chinese, not by their internal names
    assert "单位工业增加值能耗(等价值)" in content
    assert "新增产能项目单位工业增加值能耗上限(等价值,不含原料用能)" in content
    assert "energy_intensity_tce_per_10k_yuan" not in content
    # an authority value adapted from a cited document (内政发〔2022〕17号), said so plainly
    assert "审查机关参照值(参照所引文件确定,请以本机关政策文件确认或调整)" in content
    assert "二手资料" not in content
    assert "加强能源消费总量和强度双控" in content
    assert "projects/ordos-calcium-carbide.yaml:21" in content


def test_summary_comes_before_the_findings_and_audit_block_is_complete():
    result = check_sample("ordos-calcium-carbide.yaml")
    text = formats.render(result, "html", "en")
    assert text.index('id="summary"') < text.index('id="charts"') < text.index('id="findings"')
    audit = text_of(parse(text).find(f".//{NS}section[@id='audit']"))
    for needle in (
        result.ruleset.sha256,
        result.document.sha256,
        "2026-01-01",
        "0.1.0",
        "water_permit_threshold_m3",
        "no waivers",
    ):
        assert needle in audit


def test_print_stylesheet_sets_a4_pages_and_keeps_findings_whole():
    text = formats.render(check_sample("kubuqi-desert-pv.yaml"), "html", "zh")
    page = text[text.index("@page {") : text.index("@media print")]
    assert "size: A4;" in page
    assert '@bottom-center { content: "第 " counter(page) " 页 共 " counter(pages) " 页";' in page
    assert "break-inside: avoid" in text


def test_energy_intensity_is_drawn_against_its_cap():
    result = check_sample("ordos-calcium-carbide.yaml")
    chart = next(c for c in chart_views(result, "en") if c["parameter"] == "max_energy_intensity_tce_per_10k_yuan")
    value = result.metrics["energy_intensity_tce_per_10k_yuan"]
    assert chart["css"] == "breach"
    assert chart["bar"] == pytest.approx(CHART_WIDTH / 1.15, abs=0.1)  # the longer bar
    assert chart["marker"] == pytest.approx(1.3 / (value * 1.15) * CHART_WIDTH, abs=0.1)
    assert chart["ratio"] == "999%"


def test_a_figure_within_its_cap_is_drawn_ok():
    result = check_sample("hohhot-data-centre.yaml")
    chart = next(c for c in chart_views(result, "en") if c["parameter"] == "max_energy_intensity_tce_per_10k_yuan")
    assert chart["css"] == "ok"
    assert chart["bar"] < chart["marker"] == pytest.approx(CHART_WIDTH / 1.15, abs=0.1)


def test_charts_appear_as_inline_svg_bars():
    result = check_sample("ordos-calcium-carbide.yaml")
    root = parse(formats.render(result, "html", "zh"))
    svgs = root.findall(f".//{SVG}svg")
    assert len(svgs) == len(chart_views(result, "zh")) >= 2
    bars = [r for s in svgs for r in s.findall(f"{SVG}rect") if "bar" in r.get("class")]
    assert "breach" in bars[0].get("class")


def test_charts_skip_parameters_that_do_not_exist():
    result = check_sample("ordos-calcium-carbide.yaml")
    names = {c["parameter"] for c in chart_views(result, "zh")}
    assert names <= set(result.params.values)


def test_a_figure_ten_times_its_cap_reads_as_a_share_of_the_cap_not_an_excess():
    result = check_sample("ordos-calcium-carbide.yaml")
    for lang, words in (("zh", "超出上限: 为上限的999%"), ("en", "above the cap: 999% of the cap")):
        chart = next(c for c in chart_views(result, lang) if c["parameter"] == "max_energy_intensity_tce_per_10k_yuan")
        assert f"{chart['state']}: {chart['relation']}" == words
        assert words in formats.render(result, "html", lang)
    assert "超出 (999%)" not in formats.render(result, "html", "zh")


@pytest.mark.parametrize(
    ("lang", "kind", "value", "limit", "words"),
    [
        ("zh", "floor", 0.6, 0.5, (False, "达到下限", "为下限的120%")),
        ("en", "floor", 0.6, 0.5, (False, "meets the floor", "120% of the floor")),
        ("zh", "floor", 0.4, 0.5, (True, "低于下限", "为下限的80%")),
        ("zh", "cap", 0.87, 1.0, (False, "未超出上限", "为上限的87%")),
        ("en", "threshold", 389.6, 10.0, (True, "at or above the threshold", "38.96 times the threshold")),
        ("zh", "threshold", 389.6, 10.0, (True, "达到或超过门槛", "为门槛的38.96倍")),
    ],
)
def test_a_met_floor_is_met_never_not_exceeded(lang, kind, value, limit, words):
    L = labels(lang)
    assert (*_state(value, limit, kind, L), _relation(value, limit, kind, L)) == words


def test_every_printed_page_is_headed_with_the_project_and_its_verdict():
    text = formats.render(check_sample("ordos-calcium-carbide.yaml"), "html", "en")
    page = text[text.index("@page {") : text.index("@media print")]
    assert (
        '@top-left { content: "某公司年产30万吨电石项目 \\000028NM\\00002d2025\\00002d0042\\000029 '
        '\\0000b7 Verdict\\00003a rejected";'
    ) in page
    assert '@bottom-center { content: "page " counter(page) " of " counter(pages);' in page


def test_a_hostile_name_in_the_page_header_cannot_leave_its_css_string(tmp_path):
    text = formats.render(check_hostile(tmp_path), "html", "zh")
    style = text[text.index("<style>") : text.index("</style>")]
    header = style[style.index("@top-left") :]
    header = header[: header.index("\n")]
    assert "<" not in header and "{{" not in header and header.count('"') == 2
    assert "\\00003cscript\\00003e" in header


def test_the_exit_code_is_for_the_screen_never_on_paper():
    text = formats.render(check_sample("ordos-calcium-carbide.yaml"), "html", "zh")
    root = parse(text)
    line = next(e for e in root.iter() if "退出码" in (e.text or ""))
    assert "screen-only" in line.get("class").split()
    assert ".screen-only { display: none !important; }" in text[text.index("@media print") :]


def test_the_sign_off_block_has_blank_lines_for_reviewer_opinion_and_date():
    for lang, words in (("zh", ["审查人", "审查意见", "日期"]), ("en", ["Reviewer", "Opinion", "Date"])):
        root = parse(formats.render(check_sample("ordos-calcium-carbide.yaml"), "html", lang))
        block = root.find(f".//{NS}section[@id='signoff']")
        assert [text_of(dt) for dt in block.iter(f"{NS}dt")] == words
        assert all(not text_of(dd).strip() for dd in block.iter(f"{NS}dd"))


def test_details_are_folded_for_passes_and_open_for_what_needs_a_person():
    root = parse(formats.render(check_sample("ordos-calcium-carbide.yaml"), "html", "zh"))
    articles = root.findall(f".//{NS}article")
    assert articles, "one article per finding"
    for article in articles:
        details = article.find(f".//{NS}details")
        needs_a_person = article.get("class").split()[1] in (
            "s-fail",
            "s-review",
            "s-missing_info",
            "s-warn",
            "s-waived",
        )
        assert (details.get("open") is not None) == needs_a_person, article.get("id")


def test_a_finding_names_its_parameters_source_by_reference_to_the_parameter_list():
    root = parse(formats.render(check_sample("ordos-calcium-carbide.yaml"), "html", "zh"))
    article = root.find(f".//{NS}article[@id='EC-001']")
    link = next(a for a in article.iter(f"{NS}a") if "ref-link" in (a.get("class") or ""))
    target = root.find(f".//{NS}li[@id='{link.get('href')[1:]}']")
    # the parameter by its Chinese name in a Chinese report (no internal names), with its source
    assert "新增产能项目单位工业增加值能耗上限" in text_of(target)
    assert "max_energy_intensity_tce_per_10k_yuan" not in text_of(target)
    assert "来源" in text_of(target) and "来源" not in text_of(article).replace("来源见文末参数表", "")
