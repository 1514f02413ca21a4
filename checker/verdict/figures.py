"""The numbers a message prints: each named, and printed with the digits that keep it true.

A reviewer signs what a message says, so a message must never contradict the figures. Rounding
each number on its own can: a water intensity of 20.004 against a cap of 20 prints as
"20 … 高于上限20", a PUE of 1.2001 as "1.2 高于上限1.2". Here a figure is printed *against* the
values it is compared with: the default digits first, more until the printed numbers differ
(they stay equal only when the values are equal).

Message templates receive facts and parameters as named numbers (`NamedFloat`, `NamedInt`: a
float or int that also knows which fact or parameter it is), so the number filters can record
what they printed. `render_figures` in `checker.reports.render` uses the record to return each printed
figure with its name, which the tests compare with the finding's own facts and parameters; a
number a template computes itself (`x * 100`) loses its name, and the tests notice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

# ("fact", name) | ("param", name) | ("param", name, product) | ("item", index, name)
Ref = tuple[Any, ...]

# beyond this many decimals two values that still print alike are printed exactly (repr)
_MAX_DIGITS = 20
# exact arithmetic on any float (a subnormal has ~750 significant digits), never rounded to 28;
# a figure is rounded half up from the decimal it is written as (3.25 → 3.3), as a reader rounds
_EXACT = Context(prec=2000, rounding=ROUND_HALF_UP)
_ONE = Decimal(1)
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


class NamedMap(dict[str, Any]):
    """A per-product parameter whose entries are named numbers (`p["x"][product]`), named when
    read: a message reads one or two entries of a table of dozens."""

    def __init__(self, value: dict[str, Any], ref: Ref) -> None:
        super().__init__(value)
        self.ref = ref

    def __getitem__(self, key: str) -> Any:
        return named(super().__getitem__(key), (*self.ref, key))


class NamedValues(dict[str, Any]):
    """Facts or parameters by name, each value named when a template reads it (`f["x"]`)."""

    def __init__(self, values: dict[str, Any], kind: tuple[Any, ...]) -> None:
        super().__init__(values)
        self.kind = kind

    def __getitem__(self, key: str) -> Any:
        return named(super().__getitem__(key), (*self.kind, key))


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

    def scale(self, value: float) -> tuple[float, str]:
        """(divisor, suffix) of the quick float path: `value / divisor` is the printed number."""
        if self.name == "pct":
            return 0.01, "%"
        if self.name == "wan" and self.lang == "zh":
            if abs(value) >= 1e8:
                return 1e8, "亿"
            if abs(value) >= 1e4:
                return 1e4, "万"
        if self.name == "yuan10k":
            if self.lang != "zh":
                return 1e-4, " yuan"
            return (1e4, "亿元") if abs(value) >= 1e4 else (1.0, "万元")
        return 1.0, ""

    def parts(self, value: float) -> tuple[Decimal, str, Decimal]:
        """(printed number, suffix, factor): the printed number times `factor` is `value`, read as
        its shortest decimal (`written`): 12.985971, never the binary 12.98597099999999977…"""
        exact = written(value)
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


def _trim_float(number: float, digits: int) -> str:
    text = f"{number:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _clearly_apart(value: float, other: float, scale: float, style: Style, digits: int) -> bool:
    """Whether `value` and `other`, rounded as printed, are at least two units of the last printed
    digit apart, so that no rounding of either can make them print alike (the common case,
    decided in floats); False means: look closer, in exact arithmetic."""
    other_scale, _ = style.scale(other)
    mine = round(value / scale, digits) * scale
    theirs = round(other / other_scale, digits) * other_scale
    return abs(mine - theirs) > 1.5 * 10.0**-digits * max(scale, other_scale)


def written(value: float) -> Decimal:
    """A number as written: an int exactly, a float as the shortest decimal that reads back as it
    (`repr`). A policy's 12.985971 is the float 12.98597099999999977…; printed from its binary
    expansion, compared with a figure one float above it, it showed as 12.985970999999999."""
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(repr(float(value)))


def _trim(number: Decimal, digits: int) -> str:
    text = f"{_EXACT.quantize(number, _ONE.scaleb(-digits)):,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


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
    if value == 0:
        value = 0.0 if isinstance(value, float) else value  # -0.0, as written, is nought: never "-0"
    # a figure that is not zero never prints as 0 (a cap of 1e-20 is not "a cap of 0")
    listed = [*(against if isinstance(against, list | tuple) else [against]), 0]
    comparands = [c for c in listed if _is_number(c) and math.isfinite(c) and float(c) != float(value)]
    scale, suffix = style.scale(value)
    shown = value / scale if scale != 1 else value
    # more digits than a float holds exactly (~15): they come from exact arithmetic
    # a float near a rounding boundary may fall on its wrong side (0.0325 × 100 is 3.2499…,
    # printed 3.2; 2.675 is 2.67499… in binary): the digits come from the decimal as written
    # there, rounded half up, and for big numbers
    exact_needed = abs(shown) >= 10.0 ** (15 - digits) or abs((abs(shown) * 10**digits) % 1 - 0.5) < 1e-6
    fast = _printed(value, style, digits) if exact_needed else _trim_float(shown, digits) + suffix
    if not comparands:
        return fast
    if not exact_needed and all(_clearly_apart(value, c, scale, style, digits) for c in comparands):
        return fast
    number, suffix, factor = style.parts(value)
    others = [style.parts(c) for c in comparands]
    for places in range(digits, _MAX_DIGITS + 1):
        step = _ONE.scaleb(-places)
        shown = _EXACT.multiply(_EXACT.quantize(number, step), factor)
        if all(shown != _EXACT.multiply(_EXACT.quantize(n, step), f) for n, _, f in others):
            return _trim(number, places) + suffix
    return _exact(value, style)


def format_exact(value: Any, style: Style) -> str:
    """`value` printed as written: the shortest decimal that reads back as the float itself, in the
    style's unit, every digit of it (3亿元, 3.00004亿元). The operands of a quotient a message
    prints are printed so where rounding either could put their printed quotient on the other
    side of the limit it is compared with (3.9万 ÷ 3亿 is 1.3, for 39 001.2 ÷ 30 000 above 1.3)."""
    if not _is_number(value) or not math.isfinite(value) or value == 0:
        return format_figure(value, style)
    shortest, suffix, _ = style.parts(value)
    shortest = shortest.normalize(_EXACT)
    exponent = shortest.as_tuple().exponent
    assert isinstance(exponent, int)  # a finite value
    places = max(0, -exponent)
    if places > _MAX_DIGITS or abs(shortest) >= 10**21:
        return _exact(value, style)
    return _trim(shortest, places) + suffix


def _exact(value: float, style: Style) -> str:
    """The shortest decimal that reads back as `value` itself, in the style's unit, for values no
    rounding tells apart (a subnormal against 0): `repr`, scaled exactly."""
    shortest = written(value)
    if style.name == "yuan10k" and style.lang != "zh":
        return _sci(_EXACT.multiply(shortest, 10**4)) + " yuan"
    if style.name == "yuan10k":
        return _sci(shortest) + "万元"
    if style.name == "pct":
        return _sci(_EXACT.multiply(shortest, 100)) + "%"
    return _sci(shortest)


def _sci(number: Decimal) -> str:
    return str(number.normalize(_EXACT)).replace("E", "e").replace("e+", "e")


def record(figures: list[tuple[Ref | None, Any, str, Style]] | None, value: Any, text: str, style: Style) -> str:
    """Note a printed figure when a message is being recorded, marking where it is printed."""
    if figures is None:
        return text
    figures.append((getattr(value, "ref", None), value, text, style))
    return f"{OPEN}{len(figures) - 1}{MIDDLE}{text}{CLOSE}"
