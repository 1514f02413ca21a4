"""`checker rules` and `checker params`: the rule catalogue and the parameters in force, as data.

The documentation a reviewer reads is generated from the same rule and parameter files the checker
runs (as ec-policies does), so it is never written twice and never out of date. This module only
formats; loading is the library's, and errors reach the user through the CLI's single mapping.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import click

from checker.cli import i18n
from checker.cli.edge import OneLineErrors, parse_date, rules_option, run_guarded
from checker.digests import parameters_sha256
from checker.rules.parameters import ParameterSet, ParameterValue, load_policy, resolve
from checker.rules.ruleset import DOCUMENT_TITLES, Rule, Ruleset, active_ruleset


def _value_text(param: ParameterValue) -> str:
    from checker.reports.render import entry_marks

    marks = entry_marks(param)  # the entries of a table whose provenance differs

    def mark(entry: Any) -> str:
        return f" {marks[str(entry)]}" if marks.get(str(entry)) else ""

    value = param.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(f"{v}{mark(v)}" for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v:g}{mark(k)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _dates(param: ParameterValue) -> str:
    start = param.effective_from.isoformat() if param.effective_from.year > 1 else "—"
    end = param.effective_to.isoformat() if param.effective_to else ""
    return f"{start}..{end}"


def _param_json(param: ParameterValue) -> dict[str, Any]:
    return {"name": param.name, "description": param.description.model_dump(), **param.to_json()}


def _ruleset_key(ruleset: Ruleset) -> dict[str, Any]:
    """The ruleset as a verdict names it (`ruleset` of `--format json` and `--format jsonl`)."""
    plan = ruleset.plan
    return {"version": ruleset.version, "sha256": ruleset.sha256, "plan": plan.to_json() if plan is not None else None}


def _rule_json(rule: Rule, params: ParameterSet, ruleset_key: dict[str, Any]) -> dict[str, Any]:
    spec = rule.spec
    return {
        "id": rule.id,
        "title": spec.title.model_dump(),
        "category": spec.category,
        "binding": spec.binding,
        "waivable": spec.waivable,
        "summary": spec.summary.model_dump(),
        "basis": [
            {
                "document": basis.document,
                "document_title": DOCUMENT_TITLES[basis.document].zh,
                "location": basis.location,
                "quote": basis.quote,
                "gloss": basis.gloss,
            }
            for basis in spec.basis
        ],
        "parameters": [_param_json(params[name]) for name in spec.parameters],
        "parameters_as_of": params.as_of.isoformat(),
        "references": list(spec.references),
        "statuses": sorted(rule.outcome_statuses),
        # the keys a compact verdict line (`check --format jsonl`) is joined on
        "ruleset": ruleset_key,
        "parameters_sha256": parameters_sha256(params),
    }


def _param_line(param: ParameterValue) -> str:
    unit = f" {param.unit}" if param.unit else ""
    return f"{param.name} = {_value_text(param)}{unit} [{_dates(param)}] ({param.provenance})"


def _provenance_text(param: ParameterValue, lang: str) -> str:
    """What kind of number it is, in the words every report uses (`report.provenance_label`)."""
    from checker.reports.render import provenance_label

    return provenance_label(param, lang)


# the words of the text catalogue, in the language it is printed in
_WORDS = {
    "zh": {
        "binding": "约束性",
        "guidance": "指导性",
        "not_waivable": "不得豁免",
        "basis": "依据",
        "param": "参数",
        "source": "来源",
        "provenance": "性质",
        "disabled": "停用,由 {pack} 停用",
        "reason": "理由",
        "sep": ",",
        "from": "{start} 起",
        "range": "{start} 至 {end}",
        "in_force": "{date} 施行的参数",
    },
    "en": {
        "binding": "binding",
        "guidance": "guidance",
        "not_waivable": "not waivable",
        "basis": "Basis",
        "param": "Parameter",
        "source": "Source",
        "provenance": "Provenance",
        "disabled": "disabled by {pack}",
        "reason": "Reason",
        "sep": ", ",
        "from": "{start}..",
        "range": "{start}..{end}",
        "in_force": "Parameters in force on {date}",
    },
}


def _dates_in(param: ParameterValue, lang: str) -> str:
    start = param.effective_from.isoformat() if param.effective_from.year > 1 else "—"
    words = _WORDS[lang]
    if param.effective_to:
        return words["range"].format(start=start, end=param.effective_to.isoformat())
    return words["from"].format(start=start)


def _param_line_in(param: ParameterValue, lang: str) -> str:
    """A parameter as the text catalogue prints it: in Chinese under its Chinese name (the key,
    which a policy file uses, in brackets) with products and units in Chinese; in English as the
    parameter file writes it, with its provenance kind."""
    from checker.reports.render import entry_marks, format_param_value
    from checker.reports.words import unit_text

    unit = unit_text(param.unit, lang) if param.unit else ""
    if lang != "zh":
        unit = f" {unit}" if unit else ""
        return f"{param.name} = {_value_text(param)}{unit} [{_dates(param)}] ({param.provenance})"
    value = format_param_value(param.value, entry_marks(param), lang)
    unit = f" {unit}" if unit else ""
    return f"{param.description.zh}({param.name})= {value}{unit} [{_dates_in(param, lang)}]"


def _rules_text(ruleset: Ruleset, params: ParameterSet, lang: str = "zh") -> str:
    from checker.reports.render import source_text

    words = _WORDS[lang]
    lines: list[str] = []
    for rule in ruleset.rules:
        spec = rule.spec
        kind = words["binding"] if spec.binding else words["guidance"]
        if not spec.waivable:
            kind += words["sep"] + words["not_waivable"]
        title = spec.title.zh if lang == "zh" else spec.title.en
        lines.append(f"{rule.id}  {title}  [{spec.category}{words['sep']}{kind}]")
        lines.append(f"  {spec.summary.zh if lang == 'zh' else spec.summary.en}")
        for basis in spec.basis:
            document = DOCUMENT_TITLES[basis.document]
            if lang == "zh":
                lines.append(f"  {words['basis']} {document.zh} {basis.location}:“{basis.quote}”")
            else:
                gloss = f" ({basis.gloss})" if basis.gloss else ""
                lines.append(f"  {words['basis']} {document.en}, {basis.location}: “{basis.quote}”{gloss}")
        for name in spec.parameters:
            param = params[name]
            lines.append(f"  {words['param']} {_param_line_in(param, lang)}")
            lines.append(f"       {words['source']} {source_text(param.source, lang)}")
            lines.append(f"       {words['provenance']} {_provenance_text(param, lang)}")
        lines.append("")
    for off in ruleset.disabled:
        title = off.title.zh if lang == "zh" else off.title.en
        lines.append(f"{off.id}  {title}  [{words['disabled'].format(pack=off.pack)}]")
        lines.append(f"  {words['reason']} {off.reason.zh if lang == 'zh' else off.reason.en}")
        lines.append("")
    return "\n".join(lines)


def _params_text(params: ParameterSet, lang: str = "zh") -> str:
    from checker.reports.render import source_text

    words = _WORDS[lang]
    lines = [words["in_force"].format(date=params.as_of.isoformat())]
    for name in sorted(params.values):
        param = params[name]
        lines.append(_param_line_in(param, lang))
        if lang != "zh":
            lines.append(f"    {param.description.en}")
        lines.append(f"    {words['source']}: {source_text(param.source, lang)}")
        lines.append(f"    {words['provenance']}: {_provenance_text(param, lang)}")
    return "\n".join(lines)


def _rules_markdown(ruleset: Ruleset, params: ParameterSet) -> str:
    lines = ["# 规则目录 · Rule catalogue", ""]
    lines += [
        f"The rules of the pack `{ruleset.name}`, generated from its rule folders by "
        "`checker rules --format markdown`. "
        f"Parameters in force on {params.as_of.isoformat()}.",
        "",
    ]
    for rule in ruleset.rules:
        spec = rule.spec
        kind = "binding (约束性)" if spec.binding else "guidance (指导性)"
        if not spec.waivable:
            kind += "; not waivable (不得豁免): a red line"
        lines += [f"## {rule.id} {spec.title.zh} — {spec.title.en}", ""]
        lines += [f"Category {spec.category}; {kind}.", ""]
        lines += ["### What it checks", "", spec.summary.zh, "", spec.summary.en, ""]
        lines += ["### Why (plan basis)", ""]
        for basis in spec.basis:
            title = DOCUMENT_TITLES[basis.document].zh
            lines.append(f"- {title}, {basis.location}: “{basis.quote}” — {basis.gloss}")
        lines.append("")
        if spec.parameters:
            lines += ["### Parameters", ""]
            lines.append("| parameter | value | unit | in force | source | provenance |")
            lines.append("|---|---|---|---|---|---|")
            for name in spec.parameters:
                p = params[name]
                lines.append(
                    f"| `{name}` | {_value_text(p)} | {p.unit} | {_dates(p)} | {p.source} "
                    f"| `{p.provenance}`: {_provenance_text(p, 'en')} |"
                )
            lines.append("")
        if spec.references:
            lines += ["### References", "", *[f"- {ref}" for ref in spec.references], ""]
    if ruleset.disabled:
        lines += ["## 停用的规则 · Rules disabled by this pack", ""]
        lines += [
            f"- **{off.id}** {off.title.zh} — {off.title.en} (`{off.pack}`): {off.reason.zh} — {off.reason.en}"
            for off in ruleset.disabled
        ]
        lines.append("")
    return "\n".join(lines)


def _params_for(as_of: dt.date | None, params_file: str | None) -> ParameterSet:
    """The parameters in force on `as_of`; a date before the rules' plan is refused for that
    reason, as `check` refuses it, rather than for the first parameter without a value then."""
    from checker.rules.plan_period import refuse_before

    ruleset = active_ruleset()  # the --rules pack, or the shipped one
    definitions = ruleset.definitions
    policy = load_policy(params_file, definitions=definitions) if params_file else None
    as_of = as_of or dt.date.today()
    refuse_before(ruleset.plan, as_of)
    return resolve(as_of, policy, definitions)


_as_of_option = click.option(
    "--as-of",
    "as_of",
    callback=parse_date,
    metavar="YYYY-MM-DD",
    help="Show the parameter values in force on this date. Default: today.",
)
_lang_option = click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    help="Language of the text output and messages. Default: from the locale (LANG, LC_ALL; "
    "en_* English), else Chinese.",
)
_params_option = click.option(
    "--params",
    "params_file",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="A review authority's policy file overriding parameter values.",
)


@click.command("rules", cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@_as_of_option
@_params_option
@rules_option
@_lang_option
@click.option("--debug", is_flag=True, help="Show a traceback on internal errors.")
def rules_command(fmt: str, as_of: dt.date | None, params_file: str | None, lang: str | None, debug: bool) -> None:
    """List every rule: ID, titles, category, binding, plan basis and parameters in force.

    \b
    Examples:
      checker rules
      checker rules --format markdown > docs/rules.md
      checker rules --format json --as-of 2022-06-01
    """

    def action() -> int:
        params = _params_for(as_of, params_file)
        ruleset = active_ruleset()
        rules = list(ruleset.rules)
        if fmt == "json":
            # a list of rule objects; each says on which date its parameter values are in force
            # and carries the ruleset and parameter-set hashes a verdict line names
            key = _ruleset_key(ruleset)
            payload = [_rule_json(rule, params, key) for rule in rules]
            click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        elif fmt == "markdown":
            click.echo(_rules_markdown(ruleset, params))
        else:
            click.echo(_rules_text(ruleset, params, lang or i18n.report_default()))
        return 0

    run_guarded(action, debug)


@click.command("params", cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format."
)
@_as_of_option
@_params_option
@rules_option
@_lang_option
@click.option("--debug", is_flag=True, help="Show a traceback on internal errors.")
def params_command(fmt: str, as_of: dt.date | None, params_file: str | None, lang: str | None, debug: bool) -> None:
    """List the parameters in force: value, unit, dates, source, and what kind of number each is.

    \b
    Examples:
      checker params
      checker params --as-of 2022-06-01
      checker params --params policy.yaml --format json
    """

    def action() -> int:
        params = _params_for(as_of, params_file)
        ordered = [params[name] for name in sorted(params.values)]
        if fmt == "json":
            payload = {
                "as_of": params.as_of.isoformat(),
                "parameters": [_param_json(p) for p in ordered],
                "parameters_sha256": parameters_sha256(params),
            }
            click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            click.echo(_params_text(params, lang or i18n.report_default()))
        return 0

    run_guarded(action, debug)
