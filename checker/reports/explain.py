"""A rule's documentation, generated from its file: `checker explain RULE`.

Written once, in the rule file, and rendered here under fixed headings (ruff's habit): what it
checks, why (the plan sentence), an example that complies and one that does not, the parameters
in force, and references. Conditions are spelled out in words from the parsed condition tree, so
the documentation cannot disagree with what the engine evaluates.
"""

from __future__ import annotations

from typing import Any

from checker.errors import UsageError, quoted
from checker.input.hints import suggest
from checker.reports.render import environment, labels, param_view
from checker.reports.words import term
from checker.rules import conditions as cond
from checker.rules.parameters import ParameterSet
from checker.rules.ruleset import DOCUMENT_TITLES, FactInfo, Rule, Ruleset
from checker.vocabulary import Status

_OPS = {
    "gt": ">",
    "gte": "≥",
    "lt": "<",
    "lte": "≤",
    "eq": "=",
    "ne": "≠",
    "in": "∈",
    "not_in": "∉",
}
_WORDS = {
    "zh": {
        "and": " 且 ",
        "or": " 或 ",
        "not": "并非",
        "given": "已申报",
        "absent": "未申报",
        "rule": "规则 {rule} 的结论为 {statuses}",
        "entry": "{param}[{key}]",
        "undecided": "因缺少事实而无法判断:{condition}(列出所缺的事实)",
    },
    "en": {
        "and": " and ",
        "or": " or ",
        "not": "not ",
        "given": "is given",
        "absent": "is not given",
        "rule": "rule {rule} is {statuses}",
        "entry": "{param}[{key}]",
        "undecided": "cannot be decided for want of facts: {condition} (the absent facts are listed)",
    },
}


def find_rule(ruleset: Ruleset, wanted: str) -> Rule:
    """The rule named `wanted` (case does not matter); UsageError with a suggestion if none is."""
    rules = ruleset.by_id()
    key = wanted.strip().upper()
    if key in rules:
        return rules[key]
    off = next((d for d in ruleset.disabled if d.id == key), None)
    if off is not None:
        raise UsageError(f"rule {key} is disabled by the rule pack {off.pack}: {off.reason.zh} / {off.reason.en}")
    hint = suggest(key, list(rules))
    did_you_mean = f" (did you mean {hint}?)" if hint else ""
    raise UsageError(f"unknown rule {quoted(wanted)}{did_you_mean}; known rules: {', '.join(rules)}")


def _fact_label(name: str, facts: dict[str, FactInfo], lang: str) -> str:
    base = "item." + name.split(".", 1)[1] if name.startswith("item.") else name
    info = facts.get(name) or facts.get(base)
    return f"{getattr(info.label, lang)} ({name})" if info else name


def _operand(operand: Any, facts: dict[str, FactInfo], lang: str) -> str:
    words = _WORDS[lang]
    if isinstance(operand, cond.ParamRef):
        if operand.key:
            return words["entry"].format(param=operand.name, key=operand.key)
        return operand.name
    if isinstance(operand, cond.FactRef):
        text = _fact_label(operand.name, facts, lang)
        if operand.times is not None:
            times = _operand(operand.times, facts, lang)
            text += f" × {times}"
        return text
    if isinstance(operand, bool):
        return term(operand, lang)
    if isinstance(operand, list | tuple):
        return "{" + ", ".join(str(term(v, lang)) for v in operand) + "}"
    if isinstance(operand, str):
        return term(operand, lang)
    return str(operand)


def describe(condition: cond.Condition, facts: dict[str, FactInfo], lang: str) -> str:
    """A condition in words: `年用电量 (energy.electricity_kwh) ≥ energy_review_threshold_kwh`."""
    words = _WORDS[lang]

    def nested(item: cond.Condition) -> str:
        text = describe(item, facts, lang)
        return f"({text})" if isinstance(item, cond.All | cond.AnyOf) else text

    if isinstance(condition, cond.All):
        return words["and"].join(nested(i) for i in condition.items)
    if isinstance(condition, cond.AnyOf):
        return words["or"].join(nested(i) for i in condition.items)
    if isinstance(condition, cond.Not):
        return words["not"] + nested(condition.item)
    if isinstance(condition, cond.Compare):
        return (
            f"{_fact_label(condition.fact, facts, lang)} {_OPS[condition.op]} "
            f"{_operand(condition.operand, facts, lang)}"
        )
    if isinstance(condition, cond.Present):
        label = _fact_label(condition.fact, facts, lang)
        return f"{words['given']}{label}" if lang == "zh" else f"{label} {words['given']}"
    if isinstance(condition, cond.Absent):
        label = _fact_label(condition.fact, facts, lang)
        return f"{words['absent']}{label}" if lang == "zh" else f"{label} {words['absent']}"
    if isinstance(condition, cond.RuleStatus):
        statuses = "/".join(term(s, lang, "status") for s in condition.statuses)
        return words["rule"].format(rule=condition.rule, statuses=statuses)
    raise TypeError(condition)  # pragma: no cover - the parser builds nothing else


def _not_applicable_reasons(spec: Any, lang: str) -> list[str]:
    """The sentences the report gives when the rule does not apply, one per labelled
    `applies_when` condition, in the order the engine tests them; empty for an unlabelled one."""
    return [getattr(label, lang) for label in spec.applies_labels if label is not None]


def _in_force(spec: Any, lang: str) -> dict[str, str] | None:
    """The rule's `effective` dates, as the report words them, or None for a rule always in force."""
    effective = spec.effective
    if effective is None:
        return None
    return {
        "start": effective.start.isoformat() if effective.start else "",
        "end": effective.end.isoformat() if effective.end else "",
    }


def rule_doc_view(rule: Rule, ruleset: Ruleset, params: ParameterSet, lang: str) -> dict[str, Any]:
    """Everything `checker explain` shows about one rule, in `lang`."""
    spec = rule.spec
    facts = ruleset.facts
    outcomes = []
    if spec.requires:
        outcomes.append(
            {
                "status_label": term(Status.MISSING_INFO, lang, "status"),
                "when": _WORDS[lang]["or"].join(describe(cond.Absent(name), facts, lang) for name in spec.requires),
            }
        )
    for outcome in spec.outcomes:
        outcomes.append(
            {
                "status_label": term(outcome.status, lang, "status"),
                "when": describe(outcome.when, facts, lang),
            }
        )
        if outcome.when_unknown:
            outcomes.append(
                {
                    "status_label": term(outcome.when_unknown, lang, "status"),
                    "when": _WORDS[lang]["undecided"].format(condition=describe(outcome.when, facts, lang)),
                }
            )
    return {
        "lang": lang,
        "id": spec.id,
        "title": getattr(spec.title, lang),
        "category": spec.category,
        "binding": spec.binding,
        "waivable": spec.waivable,
        "summary": getattr(spec.summary, lang),
        "for_each": spec.for_each,
        "applies_when": (describe(spec.applies_when, facts, lang) if spec.applies_when is not None else None),
        "outcomes": outcomes,
        "not_applicable_because": _not_applicable_reasons(spec, lang),
        "in_force": _in_force(spec, lang),
        "otherwise": term(spec.otherwise, lang, "status"),
        "facts": [_fact_label(name, facts, lang) for name in rule.facts],
        "basis": [
            {
                "document": getattr(DOCUMENT_TITLES[b.document], lang),
                "location": b.location,
                "quote": b.quote,
                "gloss": b.gloss,
            }
            for b in spec.basis
        ],
        "examples": spec.examples.model_dump() if spec.examples else None,
        "parameters": [param_view(params[name], lang) for name in spec.parameters],
        "as_of": params.as_of.isoformat(),
        "policy_file": params.policy_path,
        "references": list(spec.references),
        "path": rule.path,
    }


def explain(rule_id: str, ruleset: Ruleset, params: ParameterSet, lang: str) -> str:
    """The documentation of one rule as text (Markdown-flavoured, readable in a terminal)."""
    rule = find_rule(ruleset, rule_id)
    view = rule_doc_view(rule, ruleset, params, lang)
    template = environment(lang).get_template("explain.text.j2")
    return template.render(view, labels=labels(lang))
