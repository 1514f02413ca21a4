"""The words and numbers every report prints: the terms of `templates/terms.yaml`, the products'
names, units as each language writes them, and figures with their digits (1,234,567.89; 35.2万).

Kept apart from `render` so that what renders a remedy's sentence (`remedy_words`) and the report
that shows it can both use them without importing each other.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from checker.resources import templates_dir


def _trim(value: float, digits: int) -> str:
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_num(value: Any, digits: int = 2) -> str:
    """1234567.891 → 1,234,567.89; absent → —."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _trim(float(value), digits)
    return str(value)


def fmt_wan(value: Any, digits: int = 2) -> str:
    """Chinese magnitude: 352000 → 35.2万, 1.2e9 → 12亿."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return fmt_num(value)
    if abs(value) >= 1e8:
        return _trim(value / 1e8, digits) + "亿"
    if abs(value) >= 1e4:
        return _trim(value / 1e4, digits) + "万"
    return _trim(float(value), digits)


@cache
def terms() -> dict[str, dict[str, dict[str, str]]]:
    with open(templates_dir() / "terms.yaml", encoding="utf-8") as fh:
        loaded: dict[str, dict[str, dict[str, str]]] = yaml.load(
            fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )  # safe_load, in C
    return loaded


def term(value: Any, lang: str, table: str = "value") -> str:
    if isinstance(value, bool):
        value = "true" if value else "false"
    entry = terms()[table].get(str(value)) if value is not None else None
    if entry is None and table == "value" and isinstance(value, str):
        entry = product_names().get(value)  # a product of the vocabulary: 电石, not calcium_carbide
    return entry[lang] if entry else fmt_num(value)


@cache
def product_names() -> dict[str, dict[str, str]]:
    """The product vocabulary's names by key, as `terms()` holds the other words."""
    from checker.project.vocabulary import products

    return {key: {"zh": product.zh, "en": product.en} for key, product in products().items()}


# units written with English words: a Chinese report says them in Chinese (tce, kWh, MW and the
# other symbols stay, as in Chinese statistical tables)
_UNITS_ZH = {
    "m3/10k yuan": "m³/万元",
    "tCO2/10k yuan": "tCO₂/万元",
    "tce/10k yuan": "tce/万元",
    "10k yuan": "万元",
    "yuan/kWh": "元/kWh",
    "kgce/unit": "kgce/单位产品",
    "m3/a": "m³/a",
    "m3": "m³",
    "kgce/m3": "kgce/m³",
    "tCO2/m3": "tCO₂/m³",
    "tCO2/t": "tCO₂/t",
    "tCO2/MWh": "tCO₂/MWh",
    "tCO2/GJ": "tCO₂/GJ",
    "tCO2/tce": "tCO₂/tce",
}


# and units written with Chinese words (the derived figures' 万元), in an English report
_UNITS_EN = {
    "tce/万元": "tce/10k yuan",
    "m³/万元": "m³/10k yuan",
    "t/万元": "t/10k yuan",
    "万元": "10k yuan",
    "万 t": "10k t",
    "kgce/单位产品": "kgce/unit of product",
}


def unit_text(unit: str, lang: str) -> str:
    """A unit as a report in `lang` writes it."""
    return _UNITS_ZH.get(unit, unit) if lang == "zh" else _UNITS_EN.get(unit, unit)
