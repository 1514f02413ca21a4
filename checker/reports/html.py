"""The HTML report: one self-contained file for reviewers and auditors, printable on A4.

Self-contained means no external resource of any kind (no stylesheet link, font, image or script
fetched from anywhere), so the file can be archived with the application and opened offline years
later. The charts are inline SVG whose geometry is computed here; the template only places them.
Autoescaping is on in this module's own Jinja2 environment: applicant text such as a project name
is data, and must reach the page as text, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from checker.check import CheckResult
from checker.reports.render import (
    _ORDER,
    environment,
    labels,
    provenance_label,
    provenance_of,
    report_view,
    shown_fact_name,
)
from checker.reports.words import fmt_num, term, unit_text
from checker.resources import templates_dir
from checker.verdict import figures
from checker.verdict.locate import locate
from checker.vocabulary import ATTENTION, VERDICTS_WORST_FIRST

CHART_WIDTH = 560  # px of the plotting area in the SVG's own units (the SVG scales to the page)
CHART_HEADROOM = 1.15  # the longer bar ends at 1/1.15 of the width, so the limit label fits


@dataclass(frozen=True)
class ChartSpec:
    """A figure of the project drawn against the parameter that limits or classifies it.

    kind: "cap" (the figure must not exceed it), "floor" (must not fall below it) or "threshold"
    (reaching it changes how the project is treated, e.g. a high-energy project).
    """

    figure: str  # a derived fact (metrics) or a key path of project.yaml
    parameter: str
    kind: str


# Drawn when both the figure and the parameter exist; parameters that a later ruleset adds
# (max_water_intensity_m3_per_10k_yuan, ...) appear as soon as their files do.
CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec("energy_intensity_tce_per_10k_yuan", "max_energy_intensity_tce_per_10k_yuan", "cap"),
    ChartSpec("water_intensity_m3_per_10k_yuan", "max_water_intensity_m3_per_10k_yuan", "cap"),
    ChartSpec("carbon_intensity_t_per_10k_yuan", "max_carbon_intensity_t_per_10k_yuan", "cap"),
    ChartSpec("data_center.pue", "max_data_center_pue", "cap"),
    ChartSpec("energy.renewable_electricity_share", "min_renewable_electricity_share", "floor"),
    # the energy-review orders' levels are 当量值 figures: compared with the 当量值 consumption
    ChartSpec("review_energy_tce", "high_energy_project_threshold_tce", "threshold"),
    ChartSpec("review_energy_tce", "energy_review_threshold_tce", "threshold"),
    ChartSpec("net_new_fuel_coal_t", "coal_growth_review_threshold_t", "threshold"),
    ChartSpec("water.fresh_water_m3", "water_permit_threshold_m3", "threshold"),
)


def _figure_value(result: CheckResult, name: str) -> Any:
    if name in result.metrics.values:
        return result.metrics.values[name]
    node: Any = result.project
    for part in name.split("."):
        node = getattr(node, part, None)
        if node is None:
            return None
    return node


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _percent(ratio: float) -> str:
    """87%; a figure just past its limit never prints as "100%" (100.00004%)."""
    return figures.format_figure(ratio, figures.Style("pct", "en"), 0, 1.0)


def _ratio(value: float, limit: float) -> str:
    """The figure relative to its limit: 87% below ten times, ×38.96 beyond (percent then stops
    being readable)."""
    if not limit:
        return "—"
    ratio = value / limit
    return _percent(ratio) if ratio < 10 else f"×{fmt_num(ratio, 2)}"


def _relation(value: float, limit: float, kind: str, L: dict[str, str]) -> str:
    """What the ratio is, in words: "为上限的999%" / "999% of the cap", "38.96 times the threshold".

    A bare "超出 (999%)" reads as "exceeds by 999%"; the figure is 999% *of* the cap, so the
    sentence names what it is a share of."""
    limit_word = L[f"chart_{kind}"]
    if not limit:
        return "—"
    ratio = value / limit
    if ratio < 10:
        return L["share_of_limit"].format(limit=limit_word, ratio=_percent(ratio))
    return L["times_the_limit"].format(limit=limit_word, ratio=fmt_num(ratio, 2))


def _state(value: float, limit: float, kind: str, L: dict[str, str]) -> tuple[bool, str]:
    """Whether the figure is on the wrong side of its limit (or reaches a threshold), and the
    state in words: a met floor "达到下限", never "未超出"."""
    if kind == "cap":
        return value > limit, L["exceeds"] if value > limit else L["within"]
    if kind == "floor":
        return value < limit, L["below_floor"] if value < limit else L["meets_floor"]
    return value >= limit, L["reaches"] if value >= limit else L["below"]


def chart_views(result: CheckResult, lang: str) -> list[dict[str, Any]]:
    """Every applicable chart with its bar geometry and its verdict in words, ready to place."""
    L = labels(lang)
    charts = []
    for spec in CHARTS:
        if spec.parameter not in result.params.values:
            continue
        value = _number(_figure_value(result, spec.figure))
        param = result.params[spec.parameter]
        limit = _number(param.value)
        if value is None or limit is None:
            continue
        scale = max(value, limit, 1e-12) * CHART_HEADROOM
        breached, state = _state(value, limit, spec.kind, L)
        marker = round(limit / scale * CHART_WIDTH, 1)
        info = result.ruleset.facts.get(spec.figure)
        unit = info.unit if info else param.unit
        charts.append(
            {
                "figure": spec.figure,
                "shown_figure": shown_fact_name(spec.figure) if lang == "zh" else spec.figure,
                "label": getattr(info.label, lang) if info else spec.figure,
                "parameter": spec.parameter,
                "shown_parameter": param.description.zh if lang == "zh" else spec.parameter,
                "kind": spec.kind,
                "kind_label": L[f"chart_{spec.kind}"],
                # each printed apart from the other (20.00001 above a cap of 20, never "20 · 上限 20")
                "value": figures.format_figure(value, figures.Style("num", lang), 3, limit),
                "limit": figures.format_figure(limit, figures.Style("num", lang), 3, value),
                "unit": unit_text(unit, lang),
                "limit_unit": unit_text(param.unit, lang),
                "verified": param.verified,
                "provenance": provenance_of(param),
                "mark": provenance_label(param, lang),
                "state": state,
                "css": ("breach" if spec.kind != "threshold" else "reached") if breached else "ok",
                "ratio": _ratio(value, limit),
                "relation": _relation(value, limit, spec.kind, L),
                "width": CHART_WIDTH,
                "bar": round(value / scale * CHART_WIDTH, 1),
                "marker": marker,
                # keep the limit's label inside the drawing when the marker sits near an edge
                "anchor": ("start" if marker < 60 else "end" if marker > CHART_WIDTH - 60 else "middle"),
            }
        )
    return charts


@cache
def html_environment(lang: str) -> jinja2.Environment:
    """The HTML environment: autoescape on for every template it loads, whatever its name."""
    base = environment(lang)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update({k: v for k, v in base.filters.items() if k in ("num", "wan", "term")})
    return env


# statuses whose details (facts, parameters, plan basis) show unfolded on screen: what needs a
# person's attention; a pass or a rule that does not apply keeps them one click away
UNFOLDED = ATTENTION


def css_string(text: str) -> Markup:
    """`text` as a quoted CSS string, safe inside a <style> element (a raw-text element, where
    HTML escapes are not decoded): every character but letters, digits, space and non-ASCII
    text is written as a CSS escape, so no quote, backslash, `<` or line break of an applicant's
    project name can end the string or the element."""
    out = []
    for char in text:
        if char == " " or (char.isalnum() and char.isprintable()):
            out.append(char)
        else:
            out.append(f"\\{ord(char):06x}")
    return Markup('"' + "".join(out) + '"')


def _running_header(view: dict[str, Any], lang: str) -> Markup:
    """The words at the top of every printed page: the project and its verdict."""
    project = view["project"]
    name = project["name"] + (f" ({project['id']})" if project["id"] else "")
    return css_string(f"{name} · {labels(lang)['verdict']}: {view['verdict_label']}")


def _page_counter(lang: str) -> Markup:
    """The printed page's footer as CSS content: "第 " counter(page) " 页 共 " counter(pages) " 页"."""
    words = labels(lang)["page_of"]
    head, rest = words.split("{page}")
    middle, tail = rest.split("{pages}")
    parts = [css_string(head), Markup("counter(page)"), css_string(middle), Markup("counter(pages)"), css_string(tail)]
    return Markup(" ").join(p for p in parts if p != '""')


def html_view(result: CheckResult, lang: str, anchor: str = "") -> dict[str, Any]:
    """The shared report view plus what only the HTML report shows: groups, locations, charts,
    the printed page's running header, and the numbers of the parameter appendix.

    `anchor` prefixes every id the report defines, so that several reports can share one page."""
    view = report_view(result, lang)
    view["anchor"] = anchor
    view["page_name"] = ""  # the report's pages are the document's: no named page
    view["page_header"] = _running_header(view, lang)
    view["page_date"] = css_string(f"{labels(lang)['as_of']} {view['audit']['as_of']}")
    view["page_counter"] = _page_counter(lang)
    appendix = {p["name"]: i for i, p in enumerate(view["audit"]["parameters"], start=1)}
    for i, param in enumerate(view["audit"]["parameters"], start=1):
        param["ref"] = f"P{i}"
    by_id = {f.id: f for f in result.findings}
    for finding in view["findings"]:
        where = locate(by_id[finding["id"]], result.document)
        finding["location"] = {"key": where.key, "line": where.line, "exact": where.exact}
        finding["unfolded"] = finding["status"] in UNFOLDED
        for param in finding["parameters"]:
            param["ref"] = f"P{appendix[param['name']]}" if param["name"] in appendix else None
    view["groups"] = [
        {
            "status": status,
            "label": term(status, lang, "status"),
            "findings": [f for f in view["findings"] if f["status"] == status],
        }
        for status in _ORDER
        if any(f["status"] == status for f in view["findings"])
    ]
    view["charts"] = chart_views(result, lang)
    return view


def render_html(result: CheckResult, lang: str) -> str:
    template = html_environment(lang).get_template("report.html.j2")
    return template.render(html_view(result, lang), labels=labels(lang))


def render_html_section(result: CheckResult, lang: str, anchor: str) -> str:
    """One project's report as a section of a batch document: the report's body, its ids prefixed
    with `anchor`, printed on pages of its own (a CSS named page) headed with its project and
    verdict."""
    template = html_environment(lang).get_template("report.html.j2")
    view = html_view(result, lang, anchor + "-")
    view["page_name"] = Markup(anchor + " ")  # anchor(): "p-" and hex digits, a CSS identifier
    context = template.new_context({**view, "labels": labels(lang), "L": labels(lang)})
    page = "".join(template.blocks["page"](context))
    body = "".join(template.blocks["body"](context))
    return (
        f'<section class="project" id="{anchor}" style="page: {anchor}">\n<style>\n{page}</style>\n{body}</section>\n'
    )


def render_html_batch(contents: list[dict[str, Any]], sections: list[str], unreadable: list[str], lang: str) -> str:
    """The batch document: a table of contents linking each project's section, the sections,
    then the files that could not be checked (`unreadable`: their problems, one line each, already
    in `lang`: the catalogue that translates them belongs to the CLI)."""
    from checker import __version__

    L = labels(lang)
    title = L["batch_title"]
    template = html_environment(lang).get_template("report_batch.html.j2")
    verdicts: dict[str, int] = {}
    for entry in contents:
        verdicts[entry["verdict"]] = verdicts.get(entry["verdict"], 0) + 1
    return template.render(
        lang=lang,
        labels=L,
        audit={"checker_version": __version__},
        title=title,
        contents=contents,
        sections=[Markup(s) for s in sections],
        verdict_counts=[
            {"verdict": v, "label": term(v, lang, "verdict"), "count": verdicts.get(v, 0)} for v in VERDICTS_WORST_FIRST
        ],
        unreadable=unreadable,
        page_name="",
        page_header=css_string(title),
        page_date=css_string(""),
        page_counter=_page_counter(lang),
    )
