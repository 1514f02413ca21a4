"""The flat facts a project offers the rules: its keys by path, and the derived figures.

Rules name facts by the key path in `project.yaml` (`land.permanent_basic_farmland_ha`) or by the
name of a derived figure (`comprehensive_energy_tce`), so every fact a finding cites can be traced
to what the applicant wrote. Lists become per-item facts (`item.product`) for per-item rules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from checker.facts.derived import NOT_MANUFACTURED, Metrics
from checker.project.model import Project

ITEM_COLLECTIONS: dict[str, Callable[[Project], list[dict[str, Any]]]] = {
    "products": lambda p: [{**line.model_dump(exclude_none=True), "undeclared": False} for line in p.project.products],
    "boilers": lambda p: [boiler.model_dump(exclude_none=True) for boiler in p.coal.boilers],
}


def _flatten(prefix: str, value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _flatten(f"{prefix}.{key}" if prefix else key, child, out)
    elif value is not None and not isinstance(value, list):
        out[prefix] = value


def project_facts(project: Project, metrics: Metrics) -> dict[str, Any]:
    """Every scalar key of the project by its path, plus every derived figure that is known."""
    facts: dict[str, Any] = {}
    _flatten("", project.model_dump(exclude_none=True, exclude={"waivers"}, mode="json"), facts)
    facts.update({name: value for name, value in metrics.values.items() if value is not None})
    return facts


# the one item that stands for a product list the file leaves out although its industry code
# makes a listed or benchmarked product likely: the product rules ask for the list through it
UNDECLARED_PRODUCTS: dict[str, Any] = {"undeclared": True}


def item_facts(project: Project, metrics: Metrics | None = None) -> dict[str, list[dict[str, Any]]]:
    """The items of each collection a rule can iterate over (`for_each`).

    Absence is never a "no": when `metrics` says the products are undeclared but likely (the
    industry code is one of a listed product's), `products` holds one item marked `undeclared`,
    so that HE-001 and HE-003 ask for the list instead of finding no product to judge; a line
    declared as `other` under such a code is marked `undeclared` the same way, and a list that
    names only what no manufacturer makes (electricity, raw coal) gets that one item beside its
    lines: the code's own product is what it leaves out."""
    items = {name: extract(project) for name, extract in ITEM_COLLECTIONS.items()}
    if metrics is not None and metrics.values.get("undeclared_products"):
        products = items["products"]
        # a line declared as `other` under that code names no product: it is asked for too
        others = [item for item in products if item.get("product") == "other"]
        for item in others:
            item["undeclared"] = True
        if not others and all(item.get("product") in NOT_MANUFACTURED for item in products):
            products.append(dict(UNDECLARED_PRODUCTS))
    return items
