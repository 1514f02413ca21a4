"""Rendering a checked project: one view built from the findings, then Jinja2 or JSON.

Templates lay out what this module hands them and decide nothing: statuses, verdict, ordering and
every number's formatting are settled here or earlier. The JSON verdict is built with `json`,
never a template, so its contract cannot drift with a layout change.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple, TypeGuard

import jinja2

from checker import __version__
from checker.check import CheckResult
from checker.evaluation.decision import fired
from checker.facts.derived import QUOTIENTS
from checker.reports.escaping import md_escape
from checker.reports.words import fmt_num, term, terms, unit_text
from checker.resources import templates_dir
from checker.rules import datacache
from checker.rules.parameters import POLICY_SOURCE_PREFIX, Localised, ParameterValue
from checker.rules.plan_period import Notice
from checker.rules.ruleset import DOCUMENT_TITLES, Rule
from checker.verdict import figures
from checker.verdict.findings import Finding, counts, exit_code
from checker.verdict.waivers import (
    claim_sentence,
    claims_json,
    note_text,
    register_entries_json,
    register_view,
    unstated,
)
from checker.vocabulary import ATTENTION as _ATTENTION
from checker.vocabulary import IMPROVABLE, Status, Verdict

LANGS = ("zh", "en")
_ORDER = tuple(Status)  # most severe first, the waived before what needs nothing


# an English gloss in brackets after a Chinese citation ("审查机关默认值 (authority default)"):
# the citation is the source; a Chinese report leaves the gloss out
_SOURCE_GLOSS = re.compile(r"\s*\((?:[^()]|\([^()]*\))*\)")
_HAS_CJK = re.compile(r"[\u3400-\u9fff]")
_HAS_WORD = re.compile(r"[A-Za-z]{3}")


def source_text(source: str, lang: str) -> str:
    """A parameter's source as a report in `lang` shows it."""
    if lang != "zh":
        return source
    if source.startswith(POLICY_SOURCE_PREFIX):  # the file's path, for a policy file naming no source
        return "政策文件 " + source[len(POLICY_SOURCE_PREFIX) :]

    def gloss(match: re.Match[str]) -> str:
        text = match.group(0)
        return "" if _HAS_WORD.search(text) and not _HAS_CJK.search(text) else text

    return _SOURCE_GLOSS.sub(gloss, source)


def shown_fact_name(name: str) -> str:
    """The name a report shows beside a fact's label: a key path of the project file (what the
    applicant writes and fixes), never a derived fact's internal name."""
    return name if "." in name and not name.startswith("item.") else ""


class _PrivateBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, loading only files this user owns and nobody else may write.

    A cache file holds a pickled checksum and the template's compiled code: loading one that
    someone else wrote would run their code as the user who runs `check`. The folder is checked
    when the cache is made (`datacache.private_folder`), each file as it is opened. A file that is
    foreign, unreadable or damaged, or a write that fails (disk full), only means the template is
    compiled from its source, as without a cache."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            fh = open(self._get_cache_filename(bucket), "rb")  # noqa: SIM115 - closed below
        except OSError:
            return
        with fh:
            try:
                if datacache.trusted(os.fstat(fh.fileno())) and datacache.trusted_folder(Path(self.directory)):
                    bucket.load_bytecode(fh)
            except Exception:  # a cache must never be the reason a check fails
                bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


@cache
def bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (a quarter of a single check's time is compiling
    the 30-odd message templates). Keyed by each template's source checksum, written atomically
    by Jinja, under the user's cache folder; without a private, writable one, templates compile
    as usual."""
    base = datacache.user_cache_folder()  # one folder and one switch for both caches
    if base is None or datacache.disabled():
        return None
    folder = base / f"jinja-{__version__}"
    if not datacache.private_folder(folder) or not os.access(folder, os.W_OK):
        return None
    return _PrivateBytecodeCache(str(folder))


class _TemplateLoader(jinja2.FileSystemLoader):
    """The report layouts by name from `templates/`, and a rule's message by its absolute path in
    the rule's folder (a pack's rules live wherever the pack is)."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        if not os.path.isabs(template):
            return super().get_source(environment, template)
        try:
            with open(template, encoding="utf-8") as fh:
                source = fh.read()
        except OSError:
            raise jinja2.TemplateNotFound(template) from None
        mtime = os.path.getmtime(template)
        return source, template, lambda: os.path.isfile(template) and os.path.getmtime(template) == mtime


@cache
def environment(lang: str) -> jinja2.Environment:
    """One Jinja2 environment per language and process: building one per project is waste."""
    env = jinja2.Environment(
        loader=_TemplateLoader(str(templates_dir())),
        bytecode_cache=bytecode_cache(),
        autoescape=False,  # text formats; HTML templates escape explicitly via select_autoescape
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    for style in ("num", "wan", "yuan10k", "pct"):
        env.filters[style] = _figure_filter(figures.Style(style, lang))
    env.filters["term"] = lambda v, table="value": term(v, lang, table)
    env.filters["md"] = md_escape
    return env


def _figure_filter(style: figures.Style) -> Any:
    """A number filter for templates: `x | num`, `x | num(3)`, `x | num(vs=limit)` prints x with
    enough digits to differ from `limit` (or each of a list) unless the two are equal;
    `x | num(exact=true)` prints every digit of x as written (`figures.format_exact`)."""

    @jinja2.pass_context
    def render(context: Any, value: Any, digits: int = 2, vs: Any = None, exact: bool = False) -> str:
        text = figures.format_exact(value, style) if exact else figures.format_figure(value, style, digits, vs)
        return figures.record(context.get("_figures"), value, text, style)

    return render


class _MessageTemplate:
    """One compiled message template, rendered with a plain dict as its whole context.

    `Template.render` copies the environment's globals out of a `ChainMap` (iterated in Python)
    into every context and collects their names again: a third of a message's cost, 30 messages
    a project. The globals are copied here once; each render only merges the few variables.
    """

    def __init__(self, template: jinja2.Template) -> None:
        self.template = template
        self.globals = dict(template.globals)

    def render(self, context: dict[str, Any]) -> str:
        template = self.template
        env = template.environment
        ctx = env.context_class(env, {**self.globals, **context}, template.name, template.blocks)
        try:
            return env.concat(template.root_render_func(ctx))
        except Exception:
            env.handle_exception()
            raise  # pragma: no cover - handle_exception always raises


@cache
def message_template(path: str, lang: str) -> _MessageTemplate:
    """The message template at `path` (in its rule's folder) in `lang`, compiled once per process
    (templates do not change while a process runs; `environment` would otherwise look it up and
    check it per use)."""
    return _MessageTemplate(environment(lang).get_template(path))


def rule_sentence(finding: Finding, lang: str) -> str | None:
    """The sentence the rule file itself gives for the branch that decided, if it gives one, in
    place of the message template: a rule not in force on the check date says since or until
    when (`effective`); a rule that does not apply gives the label of its `applies_when`
    condition that did not hold. Templates phrase what the outcomes decided; they never re-derive
    why a rule did not apply."""
    decision = finding.decision
    if decision.branch == "effective":
        effective = finding.rule.spec.effective
        assert effective is not None  # the branch is taken only for a rule with dates
        table = terms()["in_force"]
        if effective.start is not None and (finding.as_of is None or finding.as_of < effective.start):
            return table["not_yet"][lang].format(start=effective.start.isoformat())
        assert effective.end is not None
        return table["expired"][lang].format(end=effective.end.isoformat())
    if decision.branch == "applies_when" and decision.gate is not None:
        label = finding.rule.spec.applies_labels[decision.gate]
        if label is not None:
            worded: str = getattr(label, lang)
            return worded
    return None


def render_message(finding: Finding, lang: str) -> str:
    """The reasoning sentence of a finding, from the rule's message template (or the rule file's
    own sentence, `rule_sentence`), and what a waiver claimed in the project file does to it."""
    claim = claim_sentence(finding, lang)
    return render_bare_message(finding, lang) + (" " + claim if claim else "")


def render_bare_message(finding: Finding, lang: str) -> str:
    """The reasoning sentence from the rule's message template (or the rule file's own sentence,
    `rule_sentence`) alone, without the claim's."""
    text = rule_sentence(finding, lang)
    if text is not None:
        return text
    return " ".join(
        message_template(finding.rule.message_path(lang), lang).render(_message_context(finding, lang, False)).split()
    )


class PrintedFigure(NamedTuple):
    """A number a message printed: which fact or parameter (`ref`, see `checker.verdict.figures`), its
    value, the printed text and where it stands in the message."""

    ref: figures.Ref | None
    value: Any
    text: str
    style: figures.Style
    start: int
    end: int


_MARKED = re.compile(f"{figures.OPEN}([0-9]+){figures.MIDDLE}(.*?){figures.CLOSE}")


def render_figures(finding: Finding, lang: str) -> tuple[str, list[PrintedFigure]]:
    """The message of `render_message`, with every figure a number filter printed in it."""
    own = rule_sentence(finding, lang)
    if own is not None:
        claim = claim_sentence(finding, lang)
        return own + (" " + claim if claim else ""), []
    recorded: list[tuple[Any, ...]] = []
    context = _message_context(finding, lang)
    context["_figures"] = recorded
    marked = " ".join(message_template(finding.rule.message_path(lang), lang).render(context).split())
    printed: list[PrintedFigure] = []
    parts: list[str] = []
    position = 0
    last = 0
    for match in _MARKED.finditer(marked):
        parts.append(marked[last : match.start()])
        position += match.start() - last
        ref, value, text, style = recorded[int(match.group(1))]
        printed.append(PrintedFigure(ref, value, text, style, position, position + len(text)))
        parts.append(text)
        position += len(text)
        last = match.end()
    parts.append(marked[last:])
    claim = claim_sentence(finding, lang)
    return "".join(parts) + (" " + claim if claim else ""), printed


def outcome_reason(rule: Any, decision: Any) -> str | None:
    """The `reason` of the outcome whose condition held, if it has one (an undecided condition,
    `when_unknown`, has none: its status is not the outcome's)."""
    if decision.outcome is None or decision.branch != "outcome":
        return None
    reason: str | None = rule.spec.outcomes[decision.outcome].reason
    return reason


def _message_context(finding: Finding, lang: str, named: bool = True) -> dict[str, Any]:
    """What a message template receives. `named`: numbers know which fact or parameter they are
    (`checker.verdict.figures`), for `render_figures` to return each printed figure with its
    name; without it (a message only printed) the values are given as they are, which prints the
    same text: a named number is its value, and nothing records what was printed."""
    rule = finding.rule
    decision = finding.decision
    reason = outcome_reason(rule, decision)
    values = figures.NamedValues if named else _plain
    items = [
        {
            "index": item.index,
            "status": item.status,
            "label": item.label_zh if lang == "zh" else item.label_en,
            "product": (item.facts["item.product"].value if "item.product" in item.facts else None),
            "f": values({name: reading.value for name, reading in item.facts.items()}, ("item", item.index)),
            "reason": outcome_reason(rule, item.decision),
        }
        for item in finding.items
    ]
    return {
        # the rule's own reasoning: the status before a register waiver or a claim changed it
        "status": finding.original_status or finding.claimed_status or finding.status,
        "reason": reason,
        "f": values({name: reading.value for name, reading in finding.facts.items()}, ("fact",)),
        "p": values({name: param.value for name, param in finding.parameters.items()}, ("param",)),
        "items": items,
        "missing": list(finding.missing_keys),
        "_figures": None,
    }


def _plain(values: dict[str, Any], kind: tuple[Any, ...]) -> dict[str, Any]:
    return values


UNVERIFIED_MARK = "※"
# beside an entry of a table whose entries differ in provenance: what kind of number the entry is
# (a cited entry is unmarked); ※ keeps its older meaning, "confirm against the primary text"
ENTRY_MARKS = {
    "cited": "",
    "secondary": UNVERIFIED_MARK,
    "authority_reference": "†",
    "authority_default": "‡",
}


def entry_marks(param: ParameterValue) -> dict[str, str]:
    """The mark of each entry of a list or map whose entries differ in provenance (else none)."""
    if param.provenance_entries:
        return {entry: ENTRY_MARKS[kind] for entry, kind in param.provenance_entries}
    if param.provenance is None and param.verified_entries:  # recorded before provenance existed
        return {str(entry): "" if str(entry) in param.verified_entries else UNVERIFIED_MARK for entry in param.value}
    return {}


def format_param_value(value: Any, marks: dict[str, str] | None = None, lang: str | None = None) -> str:
    """A parameter's value as every format shows it: lists and maps spelled out, numbers trimmed.

    When the entries of a list or map differ in provenance, each carries its mark (`entry_marks`).
    With `lang`, words are named in that language (电石 for calcium_carbide, 是 for true); without,
    as written in the parameter file (the machine formats)."""
    marks = marks or {}

    def word(v: Any) -> str:
        return term(v, lang) if lang and isinstance(v, str | bool) else str(v)

    separator = "、" if lang == "zh" else ", "
    if isinstance(value, list):
        return separator.join(f"{word(v)}{marks.get(str(v), '')}" for v in value)
    if isinstance(value, dict):
        return separator.join(f"{word(k)}: {_param_number(v)}{marks.get(str(k), '')}" for k, v in value.items())
    if isinstance(value, bool):
        return word(value)
    return _param_number(value)


def _param_number(value: Any) -> str:
    """A parameter's number as written in its file or policy (0.03412, 1.19999, 1,640.7), never
    rounded: a limit is the figure a finding was compared with, and rounding it (0.0341, 1.2)
    misstates it beside a message that prints it in full."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return fmt_num(value)
    if isinstance(value, int):
        return f"{value:,}"
    number = float(value)
    if number != 0 and not 1e-9 <= abs(number) < 1e15:
        return repr(number)  # 1e-20, 1e+300: the digits a policy wrote, not a page of zeros
    if number.is_integer():
        return f"{int(number):,}"
    return f"{Decimal(repr(number)):,f}"


def provenance_of(param: ParameterValue) -> str:
    """The provenance, or for a value a ledger recorded before provenance existed, what its
    `verified` mark then said (checked against the primary text, or from a secondary report)."""
    if param.provenance is not None:
        return param.provenance
    return "cited" if param.verified else "secondary"


def _plain_label(kind: str, origin: str, lang: str) -> str:
    if origin == "policy" and kind == "authority_default":
        return terms()["provenance"]["policy"][lang]
    text = terms()["provenance"][kind][lang]
    if kind == "secondary":
        return UNVERIFIED_MARK + ("" if lang == "zh" else " ") + text
    return text


def provenance_label(param: ParameterValue, lang: str) -> str:
    """What every format prints beside a parameter to say what kind of number it is: the one place
    that chooses it (catalogue amendment 8). A value no document gives is the authority's default,
    never "from a secondary source"; a value of the authority's policy file says so; a table whose
    entries differ says what each entry mark means."""
    marks = entry_marks(param)
    if not marks:
        return _plain_label(provenance_of(param), param.origin, lang)
    kinds = dict(param.provenance_entries) or {entry: "secondary" if mark else "cited" for entry, mark in marks.items()}
    table = terms()["provenance"]
    parts = []
    for kind in sorted(set(kinds.values()), key=lambda k: (ENTRY_MARKS[k] == "", ENTRY_MARKS[k])):
        label = table[kind][lang]
        if ENTRY_MARKS[kind]:
            parts.append(table["entries_marked"][lang].format(mark=ENTRY_MARKS[kind], label=label))
        else:
            parts.append(table["entries_unmarked"][lang].format(label=label))
    return table["separator"][lang].join(parts)


def param_view(param: ParameterValue, lang: str) -> dict[str, Any]:
    return {
        "name": param.name,
        "value": format_param_value(param.value, entry_marks(param), lang),
        "unit": unit_text(param.unit, lang),
        # a Chinese report names a parameter by its Chinese description, an English one by its name
        "shown_name": param.description.zh if lang == "zh" else param.name,
        "description": getattr(param.description, lang),
        "effective_from": (param.effective_from.isoformat() if param.effective_from.year > 1 else None),
        "effective_to": param.effective_to.isoformat() if param.effective_to else None,
        "source": source_text(param.source, lang),
        "verified": param.verified,
        "origin": param.origin,
        "provenance": provenance_of(param),
        "mark": provenance_label(param, lang),
    }


def param_text(view: dict[str, Any], lang: str) -> str:
    """A parameter's view (`param_view`) after its name, as the text report writes it: value and
    unit, since (and until) when, its source, and what kind of number it is."""
    words = labels(lang)
    dates = f"{words['since']} {view['effective_from'] or words['every_date']}"
    if view["effective_to"]:
        dates += f" {words['until']} {view['effective_to']}"
    text = f"{view['value']}" + (f" {view['unit']}" if view["unit"] else "")
    text += f" ({dates}; {words['source']}: {view['source']})"
    return text + (f" [{view['mark']}]" if view["mark"] else "")


def param_line(view: dict[str, Any], lang: str) -> str:
    """A parameter's view on one line, as the text report writes it under a finding."""
    return f"{view['shown_name']} = {param_text(view, lang)}"


def register_entry_text(entry: dict[str, Any], lang: str) -> str:
    """An entry of the register naming the project (`audit_view`'s `waivers`), as the text
    report's audit block writes it after the rule: applied or not, who, which document, until
    when, the reason, and why it did not apply."""
    words = labels(lang)
    text = words["applied"] if entry["applied"] else words["not_applied"]
    if entry["original_status_label"]:
        text += f" ({words['waived_from']}: {entry['original_status_label']})"
    return text + "; " + _decision_text(entry, lang)


def claim_entry_text(entry: dict[str, Any], lang: str) -> str:
    """A waiver the project file claims (`audit_view`'s `claims`), as the text report's audit
    block writes it after the rule: the status, the one before the claim, who, which document."""
    words = labels(lang)
    text = str(entry["status_label"])
    if entry["claimed_status_label"]:
        text += f" ({words['claimed_from']}: {entry['claimed_status_label']})"
    return text + "; " + _decision_text(entry, lang)


def _decision_text(entry: dict[str, Any], lang: str) -> str:
    """Who decided, in which document, until when, why, and the note: a register entry's or a
    claim's words after its status."""
    text = f"{entry['approved_by']}, {entry['document']}"
    if entry["expires"]:
        text += f", {labels(lang)['until']} {entry['expires']}"
    if entry["reason"]:
        text += f": {entry['reason']}"
    return text + (f" ({entry['note']})" if entry["note"] else "")


def claim_text(finding: Finding, lang: str) -> str | None:
    """The waiver the project file claims for the finding's rule, on one line as the text report
    writes it under the finding (`claim_view`); None without one."""
    view = claim_view(finding, lang)
    if view is None:
        return None
    text = f"{view['approved_by']}, {view['document']}"
    if view["expires"]:
        text += f", {labels(lang)['until']} {view['expires']}"
    if view["reason"]:
        text += f": {view['reason']}"
    if view["claimed_status_label"]:
        text += f" ({labels(lang)['claimed_from']}: {view['claimed_status_label']})"
    return text + (f" ({view['note']})" if view["note"] else "")


def finding_limits(finding: Finding) -> list[float]:
    """The numbers a finding's facts are compared with: its parameters' values, and zero."""
    found: list[float] = [0]
    for param in finding.parameters.values():
        values = param.value.values() if isinstance(param.value, dict) else [param.value]
        found += [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    return found


@dataclass(frozen=True)
class Comparands:
    """What each figure of a finding is printed apart from: the finding's limits for every fact; a
    quotient's numerator also apart from limit × denominator, and printed as written where the
    quotient sits at the limit, so that the numerator and denominator a reader divides never put
    the quotient on the other side of its limit."""

    limits: list[float]
    numerators: dict[str, list[float]]
    exact: frozenset[str]

    def of(self, name: str) -> list[float]:
        return self.limits + self.numerators.get(name, [])

    def format(self, name: str, value: Any, style: figures.Style, digits: int) -> str:
        if name in self.exact:
            return figures.format_exact(value, style)
        return figures.format_figure(value, style, digits, self.of(name))


def _is_figure(value: Any) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def quotient_comparands(values: dict[str, Any], limits: list[float]) -> tuple[dict[str, list[float]], set[str]]:
    """For each quotient among `values` (`checker.facts.derived.QUOTIENTS`) whose numerator and
    denominator are known: its numerator's limit × denominator for each of `limits`, and the
    numerators whose quotient equals one of them (printed as written)."""
    numerators: dict[str, list[float]] = {}
    exact: set[str] = set()
    for quotient, (numerator, denominator) in QUOTIENTS.items():
        q, d = values.get(quotient), values.get(denominator)
        if not (_is_figure(q) and _is_figure(d) and _is_figure(values.get(numerator))):
            continue
        numerators.setdefault(numerator, []).extend(limit * d for limit in limits if limit)
        if any(q == limit for limit in limits):
            exact.add(numerator)
    return numerators, exact


def finding_comparands(finding: Finding) -> Comparands:
    limits = finding_limits(finding)
    numerators, exact = quotient_comparands({n: r.value for n, r in finding.facts.items()}, limits)
    return Comparands(limits, numerators, frozenset(exact))


def fact_view(reading: Any, lang: str, comparands: Comparands | None = None, digits: int = 2) -> dict[str, Any]:
    """A fact as every report lists it; a number printed apart from the limits of its finding, as
    its message prints it (a PUE of 1.2001 never shows as 1.2 beside a limit of 1.2), with at
    least `digits` decimals where it has them."""
    value = reading.value
    shown = (
        term(value, lang)
        if isinstance(value, str | bool)
        else figures.format_figure(value, figures.Style("num", lang), digits)
        if comparands is None
        else comparands.format(reading.name, value, figures.Style("num", lang), digits)
    )
    if value is None:
        shown = "未申报" if lang == "zh" else "not given"
    return {
        "name": reading.name,
        "label": reading.label_zh if lang == "zh" else reading.label_en,
        "shown_name": shown_fact_name(reading.name) if lang == "zh" else reading.name,
        "value": shown,
        "unit": unit_text(reading.unit, lang) if value is not None else "",
    }


def item_views(
    finding: Finding, lang: str, comparands: Comparands | None = None, digits: int = 2
) -> list[dict[str, Any]]:
    """The products (or boilers) of a per-item rule as every report lists them: each one's label,
    status and facts (`fact_view`)."""
    return [
        {
            "label": item.label_zh if lang == "zh" else item.label_en,
            "status": item.status,
            "status_label": term(item.status, lang, "status"),
            "facts": [fact_view(r, lang, comparands, digits) for r in item.facts.values()],
        }
        for item in finding.items
    ]


def fact_line(view: dict[str, Any]) -> str:
    """A fact's view (`fact_view`) on one line, as the text report writes it: label, the key it
    comes from, value and unit."""
    name = f" ({view['shown_name']})" if view["shown_name"] else ""
    return f"{view['label']}{name}: {view['value']}" + (f" {view['unit']}" if view["unit"] else "")


def item_line(view: dict[str, Any]) -> str:
    """An item's view (`item_views`) on one line, as the text report writes it."""
    facts = "".join(f"; {x['label']}: {x['value']}" + (f" {x['unit']}" if x["unit"] else "") for x in view["facts"])
    return f"{view['label']} [{view['status_label']}]{facts}"


# statuses under which a rule's violation title would read as a double negative ("[通过] 未落实用能
# 指标来源"): the finding is headed with the rule's neutral subject instead
SUBJECT_STATUSES = frozenset((Status.PASS, Status.NOT_APPLICABLE, Status.MISSING_INFO))


def heading(finding: Finding, lang: str) -> str:
    """A finding's heading: the violation title where something is wrong (fail, warn, review, and
    a waived failure), the neutral subject where the rule passes, does not apply or lacks
    information."""
    spec = finding.rule.spec
    if finding.status in SUBJECT_STATUSES and spec.subject is not None:
        return str(getattr(spec.subject, lang))
    return str(getattr(spec.title, lang))


def set_aside_status(finding: Finding) -> str | None:
    """The rule's own status when something else now stands in its place: the status a register
    waiver set aside, or the one a waiver claimed in the project file sent to review."""
    return finding.original_status or finding.claimed_status


def original_status_label(finding: Finding, lang: str) -> str | None:
    """`set_aside_status` named in the report's language (None when the rule's status stands)."""
    status = set_aside_status(finding)
    return term(status, lang, "status") if status else None


def _finding_head(finding: Finding, lang: str) -> dict[str, Any]:
    """What every view of a finding opens with, compact or full: its ID, heading, status (and
    the status a waiver replaced), whether it binds, and the reasoning sentence."""
    return {
        "id": finding.id,
        "title": heading(finding, lang),
        "status": finding.status,
        "status_label": term(finding.status, lang, "status"),
        "original_status_label": original_status_label(finding, lang),
        "binding": finding.binding,
        "message": render_message(finding, lang),
    }


def finding_view(finding: Finding, lang: str) -> dict[str, Any]:
    spec = finding.rule.spec
    waiver = finding.waiver
    comparands = finding_comparands(finding)
    return {
        **_finding_head(finding, lang),
        "category": spec.category,
        "facts": [fact_view(r, lang, comparands) for r in finding.facts.values()],
        "per_item": item_views(finding, lang, comparands),
        "parameters": [param_view(p, lang) for p in finding.parameters.values()],
        "missing": list(finding.missing_keys),
        "basis": [
            {
                "document": getattr(DOCUMENT_TITLES[b.document], lang),
                "location": b.location,
                "quote": b.quote,
                "gloss": b.gloss,
            }
            for b in spec.basis
        ],
        "waiver": (
            {
                "reason": waiver.reason,
                "approved_by": waiver.approved_by,
                "document": waiver.document,
                "expires": waiver.expires.isoformat() if waiver.expires else None,
                "note": _note(finding.waiver_note, lang),
            }
            if waiver
            else None
        ),
        "claim": claim_view(finding, lang),
        "remedies": remedy_lines(finding, lang),
    }


def remedy_lines(finding: Finding, lang: str) -> list[str]:
    """What would improve the finding (`checker.remedies`), one sentence per remedy, if attached."""
    from checker.reports.remedy_words import remedy_text

    return [remedy_text(r, lang) for r in finding.remedies or ()]


def _first_remedy(finding: Finding, lang: str) -> dict[str, Any]:
    """The compact report's one line of remedies: the first (fewest changes, best status), and
    how many more the full report lists."""
    lines = remedy_lines(finding, lang)
    more = terms()["label"]["more_remedies"][lang].format(n=len(lines) - 1) if len(lines) > 1 else None
    return {"remedy": lines[0] if lines else None, "more_remedies": more}


def remedies_json(finding: Finding, lang: str) -> dict[str, Any]:
    """The finding's `remedies` member, when remedies are attached and there are any."""
    if not finding.remedies:
        return {}
    from checker.reports.remedy_words import remedy_json

    return {"remedies": [remedy_json(r, lang) for r in finding.remedies]}


def _note(note: str | None, lang: str) -> str | None:
    return note_text(note, lang, lambda status: term(status, lang, "status"))


def claim_view(finding: Finding, lang: str) -> dict[str, Any] | None:
    """A waiver the project file claims, for people: who, which document, what it did."""
    claim = finding.claim
    if claim is None:
        return None
    return {
        "rule": claim.rule,
        "approved_by": claim.approved_by or unstated(lang),
        "document": claim.document or unstated(lang),
        "reason": claim.reason,
        "expires": claim.expires.isoformat() if claim.expires else None,
        "note": _note(finding.claim_note, lang),
        "claimed_status_label": (term(finding.claimed_status, lang, "status") if finding.claimed_status else None),
    }


def metric_views(result: CheckResult, lang: str) -> list[dict[str, Any]]:
    facts = result.ruleset.facts
    # a derived figure is printed apart from every limit a finding compares it with (a water
    # intensity of 20.00001 never shows as 20 above a cap of 20), as the messages print it
    # and a quotient's numerator apart from limit × denominator (`Comparands`)
    compared: dict[str, list[float]] = {}
    exact: set[str] = set()
    for finding in result.findings:
        comparands = finding_comparands(finding)
        exact |= comparands.exact
        for fact in finding.facts:
            compared.setdefault(fact, []).extend(comparands.of(fact))
    rows = []
    for name, value in result.metrics.values.items():
        info = facts.get(name)
        if info is None or isinstance(value, bool) or value is None:
            continue
        rows.append(
            {
                "name": name,
                "label": getattr(info.label, lang),
                "shown_name": shown_fact_name(name) if lang == "zh" else name,
                # a word (why the balance is incomplete) in the report's language, a code as written
                "value": term(value, lang)
                if isinstance(value, str)
                else figures.format_exact(value, figures.Style("wan" if lang == "zh" else "num", lang))
                if name in exact
                else figures.format_figure(
                    value,
                    figures.Style("wan" if lang == "zh" else "num", lang),
                    2 if lang == "zh" else 3,
                    compared.get(name),
                ),
                "unit": unit_text(info.unit, lang),
            }
        )
    return rows


def _with_remedies(result: CheckResult) -> None:
    """`checker.remedies.attach`, its solver loaded only when some finding can improve: a report
    of passes and rules that do not apply (every finding's remedies empty) never imports it."""
    if any(f.status in IMPROVABLE for f in result.findings):
        from checker.remedies import attach

        attach(result)
        return
    for finding in result.findings:
        if finding.remedies is None:
            finding.remedies = ()


def report_view(result: CheckResult, lang: str) -> dict[str, Any]:
    """Everything a human-readable report shows, in display order, formatted for `lang`."""
    info = result.project.project
    _with_remedies(result)
    findings = sorted(result.findings, key=lambda f: (_ORDER.index(f.status),))
    return {
        "lang": lang,
        "project": {
            "name": info.name,
            "id": info.id,
            "applicant": info.applicant,
            "league_city": info.league_city,
            "banner_county": info.banner_county,
            "construction_type": term(info.construction_type, lang),
            "industry_code": info.industry_code,
        },
        "verdict": result.verdict,
        "verdict_label": term(result.verdict, lang, "verdict"),
        "exit_code": result.exit_code,
        "notices": notices_json(result, lang),
        "counts": [
            {"status": s, "label": term(s, lang, "status"), "count": n} for s, n in counts(result.findings).items()
        ],
        "audit": audit_view(result, lang),
        "metrics": metric_views(result, lang),
        "findings": [finding_view(f, lang) for f in findings],
    }


# what a reviewer must act on, in this order; the other statuses are only counted
ATTENTION = _ATTENTION


def _to_supply(finding: Finding, result: CheckResult, lang: str) -> list[dict[str, str | None]]:
    """The keys a missing_info finding asks for, each with its label: that of the fact read from
    that key alone (`land.basic_grassland_ha`; `project.products[].unit_energy_kgce` is the item
    fact `item.unit_energy_kgce`), else none (an input of a derived figure, named by its key)."""
    facts = result.ruleset.facts
    supply: list[dict[str, str | None]] = []
    for key in finding.missing_keys:
        fact = facts.get(key)
        if fact is None:
            fact = next((f for f in facts.values() if tuple(f.source_keys) == (key,)), None)
        supply.append({"key": key, "label": getattr(fact.label, lang) if fact is not None else None})
    return supply


def attention_item(finding: Finding, result: CheckResult, lang: str) -> dict[str, Any]:
    """One finding a reviewer must act on, for the compact report: its heading, the reason, what
    to supply (missing_info), and the register's entry naming the rule: who waived it (waived), or
    why the entry did not apply (an expired one), which the reviewer must know before acting."""
    return {
        **_finding_head(finding, lang),
        "supply": _to_supply(finding, result, lang) if finding.status == Status.MISSING_INFO else [],
        **_first_remedy(finding, lang),
        "waived": finding.status == Status.WAIVED and finding.waiver is not None,
        "waiver": waiver_text(finding, lang),
    }


def waiver_text(finding: Finding, lang: str) -> str | None:
    """The register's entry naming the finding's rule, on one line as the reports write it: who
    approved it, the document, until when, the reason, and why it did not apply (`expired on
    …`) in the report's language; None without an entry."""
    waiver = finding.waiver
    if waiver is None:
        return None
    text = f"{waiver.approved_by}, {waiver.document}"
    if waiver.expires:
        text += f", {labels(lang)['until']} {waiver.expires.isoformat()}"
    if waiver.reason:
        text += f": {waiver.reason}"
    note = _note(finding.waiver_note, lang)
    return text + (f" ({note})" if note else "")


def compact_view(result: CheckResult, lang: str) -> dict[str, Any]:
    """What the default text report shows: who and when, the verdict, only the findings that need
    a person (`ATTENTION`, most severe first, in rule order within a status), how many rules
    passed or did not apply, and the run's notices. Everything else is in the full report."""
    info = result.project.project
    _with_remedies(result)
    findings = sorted(
        (f for f in result.findings if f.status in ATTENTION),
        key=lambda f: ATTENTION.index(f.status),
    )
    tally = counts(result.findings)
    return {
        "lang": lang,
        "project": {"name": info.name, "id": info.id},
        "input_path": result.document.path,
        "as_of": result.params.as_of.isoformat(),
        "ruleset_version": result.ruleset.version,
        "ruleset_sha256": result.ruleset.sha256,
        "verdict": result.verdict,
        "verdict_label": term(result.verdict, lang, "verdict"),
        "exit_code": result.exit_code,
        "notices": notices_json(result, lang),
        "attention": [attention_item(f, result, lang) for f in findings],
        "counted": [
            {"status": s, "label": term(s, lang, "status"), "count": tally[s]}
            for s in (Status.PASS, Status.NOT_APPLICABLE)
        ],
    }


def parameters_in_force(result: CheckResult) -> list[ParameterValue]:
    """The parameters the findings compared against, by name: what an auditor must check."""
    used: dict[str, ParameterValue] = {}
    for finding in result.findings:
        used.update(finding.parameters)
    return [used[name] for name in sorted(used)]


def waivers_view(result: CheckResult) -> list[dict[str, Any]]:
    """Every entry of the review authority's register naming the project, and whether it was
    applied (an expired one is not)."""
    return register_entries_json(result.findings)


def claims_view(result: CheckResult) -> list[dict[str, Any]]:
    """The waivers the project file claims, apart from the register's: what each one did."""
    return claims_json(result.findings)


def audit_block(result: CheckResult) -> dict[str, Any]:
    """What an auditor needs to reproduce the check: versions, hashes, date, parameters, waivers.

    The same block, in these JSON types, goes into every format (JSON, SARIF run properties,
    JUnit properties, CSV columns, and the human-readable reports through `audit_view`).
    """
    return {
        **audit_identity(result),
        "parameters": {p.name: p.to_json() for p in parameters_in_force(result)},
        "waivers": waivers_view(result),
        "claims": claims_view(result),
    }


def audit_identity(result: CheckResult) -> dict[str, Any]:
    """The audit block's first members: which checker, rules, input and date (see `audit_block`)."""
    return {
        "checker_version": __version__,
        "ruleset_version": result.ruleset.version,
        "ruleset_sha256": result.ruleset.sha256,
        "input_path": result.document.path,
        "input_sha256": result.document.sha256,
        "as_of": result.params.as_of.isoformat(),
        "policy_file": result.params.policy_path,
        **register_view(result.register),
    }


def audit_view(result: CheckResult, lang: str) -> dict[str, Any]:
    """The audit block formatted for people: parameter values and dates shown, statuses named."""
    block = audit_block(result)
    block["parameters"] = [param_view(p, lang) for p in parameters_in_force(result)]
    for waiver in block["waivers"]:
        waiver["note"] = _note(waiver["note"], lang)
        waiver["original_status_label"] = (
            term(waiver["original_status"], lang, "status") if waiver["original_status"] else None
        )
    for claim in block["claims"]:
        claim["note"] = _note(claim["note"], lang)
        # a claim's approver and document are optional: people read "not stated", never "None"
        claim["approved_by"] = claim["approved_by"] or unstated(lang)
        claim["document"] = claim["document"] or unstated(lang)
        claim["status_label"] = term(claim["status"], lang, "status")
        claim["claimed_status_label"] = (
            term(claim["claimed_status"], lang, "status") if claim["claimed_status"] else None
        )
    return block


def notice_message(notice: Notice, lang: str) -> str:
    """A run-level notice in words (`templates/terms.yaml`, table `notice`)."""
    values = {
        key: getattr(value, lang) if isinstance(value, Localised) else value for key, value in notice.values.items()
    }
    return terms()["notice"][notice.code][lang].format(**values)


def notices_json(result: CheckResult, lang: str) -> list[dict[str, str]]:
    """The verdict's `notices`: `[{"code", "message"}]`, empty when there is nothing to say."""
    return [{"code": n.code, "message": notice_message(n, lang)} for n in result.notices]


def ruleset_json(result: CheckResult) -> dict[str, Any]:
    """The verdict's `ruleset`: version, hash and the plan (title and period) the rules implement."""
    plan = result.ruleset.plan
    return {
        "version": result.ruleset.version,
        "sha256": result.ruleset.sha256,
        "plan": plan.to_json() if plan is not None else None,
    }


def labels(lang: str) -> dict[str, str]:
    return {key: entry[lang] for key, entry in terms()["label"].items()}


# ANSI SGR codes per status: red for what blocks, yellow for what needs a person (review,
# missing information, warnings), green for pass; cyan for a waiver, dim for not applicable
_ANSI: dict[str, str] = {
    Status.FAIL: "1;31",
    Status.MISSING_INFO: "33",
    Status.REVIEW: "33",
    Status.WARN: "33",
    Status.WAIVED: "36",
    Status.PASS: "32",
    Status.NOT_APPLICABLE: "2",
    Verdict.REJECTED: "1;31",
    Verdict.NEEDS_REVIEW: "1;33",
    Verdict.APPROVED_WITH_WARNINGS: "1;33",
    Verdict.APPROVED: "1;32",
}


def _paint(text: str, key: str) -> str:
    return f"\x1b[{_ANSI[key]}m{text}\x1b[0m"


def render_text(result: CheckResult, lang: str, *, color: bool = False, compact: bool = False) -> str:
    if compact:
        return render_compact_text(result, lang, color=color)
    view = report_view(result, lang)
    if color:
        view["verdict_label"] = _paint(view["verdict_label"], view["verdict"])
        for finding in view["findings"]:
            finding["status_label"] = _paint(finding["status_label"], finding["status"])
    return environment(lang).get_template("report.text.j2").render(view, labels=labels(lang))


def render_compact_text(result: CheckResult, lang: str, *, color: bool = False) -> str:
    """The default text report: the verdict and what needs attention (`compact_view`)."""
    view = compact_view(result, lang)
    if color:
        view["verdict_label"] = _paint(view["verdict_label"], view["verdict"])
        for item in view["attention"]:
            item["status_label"] = _paint(item["status_label"], item["status"])
        for counted in view["counted"]:
            counted["label"] = _paint(counted["label"], counted["status"])
    return environment(lang).get_template("report.compact.text.j2").render(view, labels=labels(lang))


def render_markdown(result: CheckResult, lang: str) -> str:
    view = report_view(result, lang)
    return environment(lang).get_template("report.markdown.j2").render(view, labels=labels(lang))


def verdict_head(result: CheckResult, lang: str, after_ruleset: dict[str, Any] | None = None) -> dict[str, Any]:
    """The members of a verdict before its findings, in their order: the one definition shared by
    the full verdict, the batch's JSON line and the compact jsonl line (which names its parameter
    set right after the ruleset, `after_ruleset`)."""
    info = result.project.project
    return {
        "checker_version": __version__,
        "ruleset": ruleset_json(result),
        **(after_ruleset or {}),
        "input": {"path": result.document.path, "sha256": result.document.sha256},
        "project": {"id": info.id, "name": info.name, "league_city": info.league_city},
        "as_of": result.params.as_of.isoformat(),
        "verdict": result.verdict,
        # the verdict's own code, the same under any --fail-on: a verdict read a year later says
        # what was decided; the code this run ended with is added where --fail-on changed it
        "exit_code": exit_code(result.verdict),
        **({"run_exit_code": result.exit_code} if result.exit_code != exit_code(result.verdict) else {}),
        "notices": notices_json(result, lang),
        "counts": counts(result.findings),
        "metrics": dict(result.metrics.values),
    }


def verdict_json(result: CheckResult, lang: str) -> dict[str, Any]:
    """The machine-readable verdict of `project-format.md` (plus a few documented additions)."""
    _with_remedies(result)
    return {
        **verdict_head(result, lang),
        "findings": [_finding_json(f, lang) for f in result.findings],
        "audit": audit_block(result),
    }


def _finding_json(finding: Finding, lang: str) -> dict[str, Any]:
    """One finding of the verdict, in its key order. The batch's pre-encoded line
    (`reports.line`) assembles the same members from the same builders below."""
    out: dict[str, Any] = {
        **finding_opening(finding.rule, lang),
        **finding_state(finding.status, finding.binding),
        "message": render_message(finding, lang),
        "facts": finding_facts(finding),
        "parameters": finding_parameter_values(finding),
        "basis": finding_basis(finding.rule),
    }
    out.update(finding_json_tail(finding))
    out.update(remedies_json(finding, lang))
    return out


def finding_opening(rule: Rule, lang: str) -> dict[str, Any]:
    """A finding's first members: the rule, its title, its subject and its category."""
    spec = rule.spec
    return {
        "rule": rule.id,
        "title": getattr(spec.title, lang),
        # added beside the title (which names the violation): what the rule is about
        "subject": getattr(spec.subject or spec.title, lang),
        "category": spec.category,
    }


def finding_state(status: str, binding: bool) -> dict[str, Any]:
    """A finding's `status` and `binding` members."""
    return {"status": status, "binding": binding}


def finding_facts(finding: Finding) -> dict[str, Any]:
    """The facts a finding read, by name: their values."""
    return {name: reading.value for name, reading in finding.facts.items()}


def finding_parameter_values(finding: Finding) -> dict[str, Any]:
    """The parameters a finding compared against, by name: by value only; each one's source, dates
    and provenance are given once, in `audit.parameters`."""
    return {name: p.value for name, p in finding.parameters.items()}


def finding_basis(rule: Rule) -> list[dict[str, Any]]:
    """The plan passages a rule cites: document, location and the quoted words."""
    return [{"document": b.document, "location": b.location, "quote": b.quote} for b in rule.spec.basis]


def finding_json_tail(finding: Finding) -> dict[str, Any]:
    """The members after the basis, in the verdict's key order: which branch of the rule decided
    (`decision.fired`), and what a finding has only sometimes: the missing facts, the items, the
    waiver. Shared with the batch's pre-encoded line (`report_line`)."""
    tail: dict[str, Any] = {"outcome": fired(finding.rule, finding.decision)}
    if finding.missing_keys:
        tail["missing"] = list(finding.missing_keys)
    if finding.items:
        tail["items"] = finding_items_json(finding)
    if finding.waiver is not None:
        tail["waiver"] = {
            "approved_by": finding.waiver.approved_by,
            "document": finding.waiver.document,
            "reason": finding.waiver.reason,
            "expires": finding.waiver.expires.isoformat() if finding.waiver.expires else None,
            "applied": finding.status == Status.WAIVED,
            "note": finding.waiver_note,
        }
        if finding.original_status:
            tail["original_status"] = finding.original_status
    if finding.claim is not None:
        claim = finding.claim
        tail["claim"] = {
            "approved_by": claim.approved_by,
            "document": claim.document,
            "reason": claim.reason,
            "expires": claim.expires.isoformat() if claim.expires else None,
            "claimed_status": finding.claimed_status,
            "note": finding.claim_note,
        }
    return tail


def finding_items_json(finding: Finding) -> list[dict[str, Any]]:
    """The items of a per-item rule as data: index, status, the branch that decided, facts."""
    return [
        {
            "index": item.index,
            "status": item.status,
            "outcome": fired(finding.rule, item.decision),
            "facts": {name: r.value for name, r in item.facts.items()},
        }
        for item in finding.items
    ]


def render_json(result: CheckResult, lang: str) -> str:
    return json.dumps(verdict_json(result, lang), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
