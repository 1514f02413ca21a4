"""Hints for values written the way people write them on paper, not the way format 1 wants them.

A clerk copying figures from an application form writes `12%`, `1,000`, `150万` or `一百万`; saying
"must be a number" is true but does not say what to type instead. These hints do.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from typing import Any

_CHINESE_NUMERALS = set("零〇一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟")
_PLAIN_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", re.ASCII)


def _plain(number: float) -> str:
    return f"{number:.12g}" if not float(number).is_integer() else str(int(number))


def number_hint(value: Any) -> str:
    """What to write instead of `value` where a number belongs (empty if nothing useful to say)."""
    if isinstance(value, bool):
        return "true/false is not a number"
    if not isinstance(value, str):
        return ""
    text = value.strip()
    half_width = unicodedata.normalize("NFKC", text)  # １２３ ４５％ from a Chinese input method
    if half_width != text and _PLAIN_NUMBER.fullmatch(half_width):
        return f"write {half_width}, in half-width digits"
    if half_width != text and number_hint(half_width):
        return number_hint(half_width) + ", in half-width characters"
    if re.fullmatch(r"[-+]?0\d+", text, re.ASCII):
        return f"write {int(text)}: digits with a leading zero are text"
    if _PLAIN_NUMBER.fullmatch(text) and len(text) > 300:
        return f"a number of {len(text)} digits is no figure"  # too long to read, quoted or not
    if _PLAIN_NUMBER.fullmatch(text):
        return f"write {text} without quotes"
    if text.endswith(("%", "%")) and _PLAIN_NUMBER.fullmatch(text[:-1].strip()):
        return f"percentages are written as fractions: write {_plain(float(text[:-1]) / 100)}"
    if re.fullmatch(r"[-+]?\d{1,3}([,,]\d{3})+(\.\d+)?", text, re.ASCII):
        return f"write {re.sub('[,,]', '', text)}, without thousands separators"
    if re.fullmatch(r"[-+]?\d{1,3}( \d{3})+(\.\d+)?", text, re.ASCII):
        return f"write {text.replace(' ', '')}, without spaces inside the number"
    match = re.fullmatch(r"([-+]?\d+\.?\d*)\s*([万亿])", text)
    if match:
        factor = 10_000 if match.group(2) == "万" else 100_000_000
        return (
            f"write digits: {match.group(0)} is {_plain(float(match.group(1)) * factor)} "
            "in the unit the key's name gives"
        )
    if text and any(ch in _CHINESE_NUMERALS for ch in text):
        return "write it in digits, as 1000000 for 一百万, in the unit the key's name gives"
    if re.fullmatch(r"[-+]?\d+(\.\d*)?(:[-+]?\d+(\.\d*)?)+", text, re.ASCII):
        return "write one number; a figure with ':' is text, so a ratio is written as its decimal"
    if re.fullmatch(r"[-+]?\d+\.?\d*\s*[A-Za-z/%\u4e00-\u9fff]+.*", text):
        return "write the number alone: the unit is part of the key's name"
    return ""


def bool_hint(value: Any) -> str:
    """`yes`, `是`, `"true"` where true or false belongs."""
    if not isinstance(value, str):
        return ""
    word = value.strip().casefold()
    if word in {"true", "false", "1", "0"}:
        return "write true or false, without quotes"
    if word in {"yes", "no", "y", "n", "on", "off", "是", "否", "有", "无"}:
        return f"write true or false: {value.strip()} is text, not a yes/no answer"
    return ""


def date_hint(value: Any) -> str:
    """What is wrong with a value written where a date YYYY-MM-DD belongs."""
    if isinstance(value, int) and not isinstance(value, bool) and 19000101 <= value <= 29991231:
        value = f"{value // 10000}-{value // 100 % 100}-{value % 100}"  # 20261231, read as a number
    if not isinstance(value, str):
        return ""
    text = value.strip()
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if not match:
        return ""
    year, month, day = (int(g) for g in match.groups())
    try:
        dt.date(year, month, day)
    except ValueError:
        return "no such date"
    return f"write {year:04d}-{month:02d}-{day:02d}"


PATTERN_NAMES = {
    r"^[A-Z]{2}-[0-9]{3}$": "a rule id such as HE-001",
    r"^[A-T][0-9]{2,4}$": "an industry code such as C2613 (a letter A-T and 2 to 4 digits)",
}


def pattern_hint(pattern: str, value: Any) -> str:
    """A correction for a value that nearly has the expected form (`he-001` → HE-001)."""
    if isinstance(value, str):
        fixed = value.strip().upper()
        if fixed != value and re.fullmatch(pattern, fixed):
            return f"did you mean {fixed}?"
    return ""


def suggest(value: str, choices: list[str] | tuple[str, ...]) -> str | None:
    """The closest choice to a mistyped `value`, if one is close enough to be worth proposing."""
    for choice in choices:  # a Chinese short form: 鄂尔多斯 → 鄂尔多斯市
        if value and (choice.startswith(value) or value.startswith(choice)):
            return choice
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None
