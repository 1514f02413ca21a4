"""Remedies in words (Chinese and English) and as JSON, for every report format.

Each remedy is one sentence: the keys to change and their bounds (`data_center.pue ≤ 1.2`), joined
by "and" when they must all change together, then what checking the changed file gave — which
rule's status would change and to what — and any other rule it made worse. Numbers are printed
exactly as the remedy holds them (`exact`), so the printed bound is the bound. The wording lives
in `templates/remedies.yaml`; this module only assembles it.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

import yaml

from checker.remedies.model import Change, Remedy
from checker.resources import templates_dir

_SYMBOLS = {"lt": "<", "lte": "≤", "gt": ">", "gte": "≥", "eq": "="}


@cache
def phrases() -> dict[str, dict[str, str]]:
    with open(templates_dir() / "remedies.yaml", encoding="utf-8") as fh:
        loaded: dict[str, dict[str, str]] = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return loaded


def _say(name: str, lang: str, **values: Any) -> str:
    return phrases()[name][lang].format(**values)


def exact(value: Any) -> str:
    """A bound as printed: every digit of the number the remedy holds (its shortest round-trip
    decimal, never an exponent), thousands grouped: 389580.0 → 389,580; 0.806 → 0.806."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    text = format(Decimal(repr(value)), "f") if isinstance(value, float) else str(value)
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    fraction = fraction.rstrip("0")
    return f"{sign}{int(whole):,}" + (f".{fraction}" if fraction else "")


def _named(change: Change, lang: str) -> str:
    if change.label is None:
        return change.key
    return _say("named", lang, label=change.label[0 if lang == "zh" else 1], key=change.key)


def _value_text(value: Any, lang: str) -> str:
    from checker.reports.words import term

    if isinstance(value, bool | str):
        return term(value, lang)
    return exact(value)


def change_text(change: Change, lang: str, named: str | None = None) -> str:
    """One change: `年用电量 (energy.electricity_kwh) ≤ 31,400,000 kWh (…)`; with `named` given
    (empty: the key of the change before, whose other end this is), that name instead."""
    from checker.reports.words import unit_text

    if named is None:
        named = _named(change, lang)
    if change.op == "present":
        return _say("declare", lang, named=named)
    unit = unit_text(change.unit, lang) if change.unit and not isinstance(change.value, bool | str) else ""
    shown = _value_text(change.value, lang)
    text = f"{named} {_SYMBOLS[change.op]} {shown}".lstrip() + (f" {unit}" if unit else "")
    if change.via is not None:
        via = change.via
        via_unit = unit_text(via.unit, lang)
        text += _say(
            "via",
            lang,
            label=via.label_zh if lang == "zh" else via.label_en,
            op=_SYMBOLS[via.op],
            value=exact(via.value),
            unit=(" " + via_unit) if via_unit else "",
        )
    if change.against is not None:
        zh, en, factor = change.against
        text += _say("against", lang, label=zh if lang == "zh" else en, factor=exact(factor))
    if change.for_rule is not None:
        rule, statuses = change.for_rule
        wanted = _say("or", lang).join(f"“{_status(s, lang)}”" if lang == "zh" else _status(s, lang) for s in statuses)
        text += _say("for_rule", lang, rule=rule, statuses=wanted)
    return text


def _status(status: str, lang: str) -> str:
    from checker.reports.words import term

    return term(status, lang, "status")


def remedy_text(remedy: Remedy, lang: str) -> str:
    """The sentence of one remedy."""
    if remedy.kind == "none":
        text = _say("none", lang, rule=remedy.rule, status=_status(remedy.before, lang))
        if remedy.note is not None:
            text += ("" if lang == "zh" else " ") + getattr(remedy.note, lang)
        return text
    if remedy.kind == "supply":
        keys = _say("and", lang).join(_named(change, lang) for change in remedy.changes)
        return _say("supply", lang, keys=keys, rule=remedy.rule)
    # a key bounded from both sides is named once: `年用电量(…) ≥ 5,000,000 kWh 且 ≤ 177,000,000 kWh`
    changes = _say("and", lang).join(
        change_text(c, lang, "" if i and remedy.changes[i - 1].key == c.key else None)
        for i, c in enumerate(remedy.changes)
    )
    text = _say(
        "change",
        lang,
        changes=changes,
        rule=remedy.rule,
        before=_status(remedy.before, lang),
        after=_status(remedy.status or "", lang),
    )
    for effect in remedy.effects:
        text += _say(
            "effect",
            lang,
            rule=effect.rule,
            before=_status(effect.before, lang),
            after=_status(effect.after, lang),
        )
    return text


def _change_json(change: Change) -> dict[str, Any]:
    out: dict[str, Any] = {"key": change.key, "op": change.op, "value": change.value, "unit": change.unit}
    if change.via is not None:
        via = change.via
        out["via"] = {"fact": via.fact, "op": via.op, "value": via.value, "unit": via.unit, "basis": via.basis}
    return out


def remedy_json(remedy: Remedy, lang: str) -> dict[str, Any]:
    """`{"key", "op", "value", "unit", "message"}` for one change; `{"all": [...], "message"}`
    for changes that go together; `op: "none"` where no change helps, `op: "present"` for the
    keys a missing_info finding asks for. `status`: the rule's status when the changed file was
    checked (null when not known); `effects`: other rules that change made worse."""
    if len(remedy.changes) == 1:
        out = _change_json(remedy.changes[0])
    elif remedy.changes:
        out = {"all": [_change_json(c) for c in remedy.changes]}
    else:
        out = {"key": None, "op": "none", "value": None, "unit": ""}
    out["status"] = remedy.status
    out["effects"] = [{"rule": e.rule, "from": e.before, "to": e.after} for e in remedy.effects]
    out["message"] = remedy_text(remedy, lang)
    return out
