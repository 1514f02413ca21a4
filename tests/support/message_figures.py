"""What a message may print, checked against the finding it phrases.

`message_problems` is the oracle of the message properties: every number a message prints is a
named fact or parameter of the finding and equals it at the printed precision; no other digits
appear (rule ids, industry codes, key paths, item labels and the file's own words excepted); no
absent figure is printed as a dash; and two figures the rule compares, printed in one message,
never print as the same number unless they are equal. It reads the finding itself (never the
renderer's copy of a value) and parses printed numbers on its own.
"""

from __future__ import annotations

import re
from decimal import Context, Decimal
from typing import Any

from checker.reports.render import PrintedFigure, render_figures
from checker.rules import conditions as cond
from checker.verdict.figures import written
from checker.verdict.findings import Finding

_NUMBER = re.compile(r"^(-?[0-9][0-9,]*(?:\.[0-9]+)?(?:e[-+]?[0-9]+)?)(亿元|万元|亿|万| yuan|%)?$")
_FACTORS = {
    None: 1,
    "亿": 10**8,
    "万": 10**4,
    "亿元": 10**4,
    "万元": 1,
    " yuan": Decimal("0.0001"),
    "%": Decimal("0.01"),
}
_EXACT = Context(prec=2000)  # a float's exact value, never rounded to 28 digits
# digits that are not figures: rule ids, industry codes, an item's ordinal, the index in a key
# path, and the words of units and names ("per 10 000 yuan", "CO2", "the 13th FYP")
_NOT_FIGURES = re.compile(
    r"[A-Z]{2}-[0-9]{3}|(?<![A-Za-z])[A-T][0-9]{2,4}(?![0-9])|#[0-9]+|\[[0-9]+\]|10 000 yuan|CO2|13th"
)


def parse_printed(text: str) -> tuple[Decimal, Decimal]:
    """(the value a printed figure states, half a unit of its last digit), in the fact's unit."""
    if text in ("∞", "-∞"):  # an infinite ratio, printed as such
        return Decimal("-Infinity" if text.startswith("-") else "Infinity"), Decimal(0)
    match = _NUMBER.match(text)
    assert match, f"not a printed figure: {text!r}"
    number = Decimal(match.group(1).replace(",", ""))
    factor = Decimal(_FACTORS[match.group(2)])
    half = _EXACT.multiply(_EXACT.scaleb(Decimal(5), number.as_tuple().exponent - 1), factor)
    return _EXACT.multiply(number, factor), half


def true_value(finding: Finding, ref: tuple[Any, ...]) -> Any:
    """The value a figure's name stands for, read from the finding."""
    kind = ref[0]
    if kind == "fact":
        return finding.facts[ref[1]].value
    if kind == "param":
        value = finding.parameters[ref[1]].value
        return value[ref[2]] if len(ref) > 2 else value
    if kind == "item":
        item = next(i for i in finding.items if i.index == ref[1])
        return item.facts[ref[2]].value
    raise AssertionError(f"unknown figure name {ref!r}")


def _comparisons(condition: Any) -> list[cond.Compare]:
    if isinstance(condition, cond.Compare):
        return [condition]
    if isinstance(condition, cond.All | cond.AnyOf):
        return [c for item in condition.items for c in _comparisons(item)]
    if isinstance(condition, cond.Not):
        return _comparisons(condition.item)
    return []


def compared_pairs(finding: Finding) -> list[cond.Compare]:
    spec = finding.rule.spec
    found = _comparisons(spec.applies_when) if spec.applies_when is not None else []
    for outcome in spec.outcomes:
        found += _comparisons(outcome.when)
    return [c for c in found if c.op in ("gt", "gte", "lt", "lte", "eq", "ne")]


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def message_problems(finding: Finding, lang: str) -> list[str]:
    """Everything wrong with the figures of `finding`'s message in `lang` (empty: nothing)."""
    text, printed = render_figures(finding, lang)
    problems: list[str] = []
    where = f"{finding.id} {finding.status} ({lang}): {text}"
    if "—" in text:
        problems.append(f"an absent figure printed as a dash: {where}")
    shown: dict[tuple[Any, ...], list[Decimal]] = {}
    for figure in printed:
        problems += _figure_problems(finding, figure, text, where)
        if figure.ref is not None and _number(figure.value):
            shown.setdefault(figure.ref, []).append(parse_printed(figure.text)[0])
    problems += _pair_problems(finding, shown, where)
    problems += _stray_digits(finding, text, printed, where)
    return problems


def _figure_problems(finding: Finding, figure: PrintedFigure, text: str, where: str) -> list[str]:
    if text[figure.start : figure.end] != figure.text:
        return [f"figure {figure.text!r} not where it was recorded: {where}"]
    if figure.ref is None:
        return [f"a number no fact or parameter names ({figure.text!r}): {where}"]
    value = true_value(finding, figure.ref)
    if value is None:
        return [f"absent {figure.ref} printed as {figure.text!r}: {where}"]
    if not _number(value):
        return [f"{figure.ref} is {value!r}, printed as a number {figure.text!r}: {where}"]
    stated, half = parse_printed(figure.text)
    if stated.is_infinite() or Decimal(value).is_infinite():
        return [] if stated == Decimal(value) else [f"{figure.ref} = {value!r} printed as {figure.text!r}: {where}"]
    # a figure is printed from the decimal it is written as (`figures.written`, its shortest repr),
    # the one decimal of all those that read back as the same float that a reader wrote
    if _EXACT.abs(_EXACT.subtract(stated, written(value))) > half:
        return [f"{figure.ref} = {value!r} printed as {figure.text!r}: {where}"]
    return []


def _pair_problems(finding: Finding, shown: dict[tuple[Any, ...], list[Decimal]], where: str) -> list[str]:
    problems = []
    subjects: list[Any] = [None, *finding.items]
    for compare in compared_pairs(finding):
        for item in subjects:
            problems += _one_pair(finding, compare, item, shown, where)
    return problems


def _ref_of(fact: str, item: Any) -> tuple[Any, ...] | None:
    if fact.startswith("item."):
        return ("item", item.index, fact) if item is not None else None
    return ("fact", fact)


def _one_pair(
    finding: Finding, compare: cond.Compare, item: Any, shown: dict[tuple[Any, ...], list[Decimal]], where: str
) -> list[str]:
    left_ref = _ref_of(compare.fact, item)
    if left_ref is None or left_ref not in shown:
        return []
    left = true_value(finding, left_ref)
    operand = compare.operand
    if isinstance(operand, cond.ParamRef):
        if operand.key is not None:
            if item is None or operand.key not in item.facts:
                return []
            product = item.facts[operand.key].value
            right_ref: tuple[Any, ...] | None = ("param", operand.name, product)
            table = finding.parameters[operand.name].value
            if product not in table:
                return []
        else:
            right_ref = ("param", operand.name)
        right, scale, scale_shown = true_value(finding, right_ref), 1, [Decimal(1)]
    elif isinstance(operand, cond.FactRef):
        right_ref = _ref_of(operand.name, item)
        if right_ref is None:
            return []
        right = true_value(finding, right_ref)
        scale, scale_shown = 1, [Decimal(1)]
        if isinstance(operand.times, cond.ParamRef):
            scale = finding.parameters[operand.times.name].value
            scale_shown = shown.get(("param", operand.times.name), [Decimal(scale)])
        elif operand.times is not None:
            scale, scale_shown = operand.times, [Decimal(operand.times)]
    elif _number(operand):
        right_ref, right, scale, scale_shown = None, operand, 1, [Decimal(1)]
    else:
        return []
    if not (_number(left) and _number(right)) or float(left) == float(right) * float(scale):
        return []
    rights = [Decimal(right)] if right_ref is None else shown.get(right_ref, [])
    problems = []
    for printed_left in shown[left_ref]:
        for printed_right in rights:
            for printed_scale in scale_shown:
                if printed_left == _EXACT.multiply(printed_right, printed_scale):
                    problems.append(
                        f"{left_ref} = {left!r} and {right_ref or right!r} = {right!r} (compared "
                        f"by {compare.op}) print as the same number: {where}"
                    )
    return problems


def _stray_digits(finding: Finding, text: str, printed: list[PrintedFigure], where: str) -> list[str]:
    """Digits outside the recorded figures that are not the file's own words or an identifier."""
    rest = list(text)
    for figure in printed:
        rest[figure.start : figure.end] = " " * (figure.end - figure.start)
    remaining = "".join(rest)
    words = [str(r.value) for r in finding.facts.values() if isinstance(r.value, str)]
    words += [r.value for item in finding.items for r in item.facts.values() if isinstance(r.value, str)]
    words += list(finding.missing_keys)
    claim = getattr(finding, "claim", None)  # a waiver claimed in the project file, named
    words += [str(v) for v in (getattr(claim, "approved_by", None), getattr(claim, "document", None)) if v is not None]
    words += [label for item in finding.items for label in (item.label_zh, item.label_en)]
    # a message folds the file's whitespace (" ".join(text.split())): its words appear folded
    words += [" ".join(w.split()) for w in words]
    # longer words first; identifiers next; one-character words last ("B" would break "B06")
    for word in sorted({w for w in words if len(w) > 1}, key=len, reverse=True):
        remaining = remaining.replace(word, " ")
    remaining = _NOT_FIGURES.sub(" ", remaining)
    for word in {w for w in words if len(w) == 1}:
        remaining = remaining.replace(word, " ")
    stray = re.findall(r"[0-9][0-9.,]*", remaining)
    return [f"numbers {stray} printed without a name: {where}"] if stray else []
