"""The numbers a message prints: each named, and printed with the digits that keep it true.

A reviewer signs what a message says, so a message must never contradict the figures. Rounding
each number on its own can: a water intensity of 20.004 against a cap of 20 prints as
"20 … 高于上限20", a PUE of 1.2001 as "1.2 高于上限1.2". Here a figure is printed *against* the
values it is compared with: the default digits first, more until the printed numbers differ
(they stay equal only when the values are equal).

Message templates receive facts and parameters as named numbers (`NamedFloat`, `NamedInt`: a
float or int that also knows which fact or parameter it is), so the number filters can record
what they printed. `render_figures` in `checker.report` uses the record to return each printed
figure with its name, which the tests compare with the finding's own facts and parameters; a
number a template computes itself (`x * 100`) loses its name, and the tests notice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Context, Decimal
from typing import Any

# ("fact", name) | ("param", name) | ("param", name, product) | ("item", index, name)
Ref = tuple[Any, ...]

# beyond this many decimals two values that still print alike are printed exactly (repr)
_MAX_DIGITS = 20
# exact arithmetic on any float (a subnormal has ~750 significant digits), never rounded to 28
_EXACT = Context(prec=2000)
# markers around a figure while a message is recorded: private-use code points, never in a message
OPEN, MIDDLE, CLOSE = "\ue000", "\ue001", "\ue002"


class NamedFloat(float):
    """A float that knows which fact or parameter it is; arithmetic gives plain floats."""

    ref: Ref

    def __new__(cls, value: float, ref: Ref) -> NamedFloat:
        obj = super().__new__(cls, value)
        obj.ref = ref
        return obj


class NamedInt(int):
    """An int that knows which fact or parameter it is; arithmetic gives plain ints."""

    ref: Ref

    def __new__(cls, value: int, ref: Ref) -> NamedInt:
        obj = super().__new__(cls, value)
        obj.ref = ref
        return obj


class NamedMap(dict):
    """A per-product parameter whose entries are named numbers (`p["x"][product]`)."""

    def __init__(self, value: dict[str, Any], ref: Ref) -> None:
        super().__init__({k: named(v, (*ref, k)) for k, v in value.items()})


def named(value: Any, ref: Ref) -> Any:
    """`value` with its name attached if it is a number or a map of numbers; else as it is."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return NamedInt(value, ref)
    if isinstance(value, float):
        return NamedFloat(value, ref)
    if isinstance(value, dict):
        return NamedMap(value, ref)
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class Style:
    """How a kind of figure is printed: the scale of its digits and the word after them."""

    name: str
    lang: str

    def parts(self, value: float) -> tuple[Decimal, str, Decimal]:
        """(printed number, suffix, factor): the printed number times `factor` is `value`."""
        exact = Decimal(value)
        if self.name == "pct":
            return _EXACT.multiply(exact, 100), "%", Decimal("0.01")
        if self.name == "wan" and self.lang == "zh":
            for factor, word in ((Decimal(10**8), "亿"), (Decimal(10**4), "万")):
                if abs(exact) >= factor:
                    return _EXACT.divide(exact, factor), word, factor
        if self.name == "yuan10k":
            if self.lang != "zh":
                return _EXACT.multiply(exact, 10**4), " yuan", Decimal("0.0001")
            if abs(exact) >= 10**4:
                return _EXACT.divide(exact, 10**4), "亿元", Decimal(10**4)
            return exact, "万元", Decimal(1)
        return exact, "", Decimal(1)


def _trim(number: Decimal, digits: int) -> str:
    text = f"{number:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def shown_value(text: str, style: Style) -> Decimal:
    """The value a printed figure states (the inverse of `format_figure` at its precision)."""
    number = text
    for suffix in ("亿元", "万元", "亿", "万", " yuan", "%"):
        if number.endswith(suffix):
            number = number[: -len(suffix)]
            break
    factor = {"亿": 10**8, "万": 10**4, "亿元": 10**4, "万元": 1, " yuan": Decimal("0.0001"),
              "%": Decimal("0.01")}.get(text[len(number):], 1)
    return _EXACT.multiply(Decimal(number.replace(",", "")), Decimal(factor))


def _printed(value: float, style: Style, digits: int) -> str:
    number, suffix, _ = style.parts(value)
    return _trim(number, digits) + suffix


def format_figure(value: Any, style: Style, digits: int = 2, against: Any = None) -> str:
    """`value` printed in `style` with `digits` decimals, or more while it would print as the same
    number as one of `against` (the limits or figures it is compared with) that it is not equal
    to. Absent → "—" (templates name an absent figure in words; the tests refuse the dash)."""
    if value is None:
        return "—"
    if not _is_number(value):
        return str(value)
    if not math.isfinite(value):  # a ratio over a vanishing value added: say so, not "Infinity"
        return "∞" if value > 0 else "-∞"
    comparands = [
        c for c in (against if isinstance(against, list | tuple) else [against])
        if _is_number(c) and float(c) != float(value)
    ]
    for places in range(digits, _MAX_DIGITS + 1):
        text = _printed(value, style, places)
        shown = shown_value(text, style)
        if all(shown != shown_value(_printed(c, style, places), style) for c in comparands):
            return text
    return _exact(value, style)


def _exact(value: float, style: Style) -> str:
    """The shortest text that reads back as `value` itself, for values no rounding tells apart."""
    if style.name == "yuan10k":
        return f"{float(value) * 10**4!r} yuan" if style.lang != "zh" else f"{float(value)!r}万元"
    if style.name == "pct":
        return f"{float(value) * 100!r}%"
    return repr(float(value))


def record(figures: list[tuple[Ref | None, Any, str, Style]] | None, value: Any, text: str,
           style: Style) -> str:
    """Note a printed figure when a message is being recorded, marking where it is printed."""
    if figures is None:
        return text
    figures.append((getattr(value, "ref", None), value, text, style))
    return f"{OPEN}{len(figures) - 1}{MIDDLE}{text}{CLOSE}"
