"""A peer for rule evaluation: the same decisions as a GoRules decision graph run by `zen-engine`.

HE-002, EC-001, WA-002, LA-001, LA-002 and LA-003 are written by hand as
first-hit decision tables in JDM, with the parameter values of the check date filled in, as a team
choosing zen-engine would write them. Both sides get the same pre-computed facts of the same
projects, one project at a time in one process; loading, validation and reports are outside the
timing. HE-002 reads HE-003's status: zen-engine is given it as an input, while this checker
evaluates HE-003 itself (per product), so this side does strictly more work.

The decisions are compared project by project before anything is timed: a peer that decides
differently would not be a peer.
"""

from __future__ import annotations

import json
import time
from typing import Any

RULES = ("HE-002", "EC-001", "WA-002", "LA-001", "LA-002", "LA-003")
EVALUATED = ("HE-003", *RULES)  # HE-002 depends on HE-003 in this checker


def _table(rule_id: str, rows: list[tuple[str, str]]) -> dict[str, Any]:
    """A first-hit table of (boolean expression over the input, status) rows; "" matches all."""
    return {
        "id": rule_id,
        "type": "decisionTableNode",
        "name": rule_id,
        "position": {"x": 300, "y": 0},
        "content": {
            "hitPolicy": "first",
            "inputs": [{"id": "when", "name": "when"}],
            "outputs": [{"id": "status", "name": "status", "field": rule_id.replace("-", "_")}],
            "rules": [
                {"_id": f"{rule_id}-{i}", "when": when, "status": f"'{status}'"}
                for i, (when, status) in enumerate(rows)
            ],
        },
    }


def build_jdm(params: Any) -> dict[str, Any]:
    """The decision graph for the check date's parameter values (`params[name].value`)."""
    p = {
        name: params[name].value
        for name in (
            "high_energy_project_threshold_tce",
            "min_energy_replacement_ratio",
            "max_energy_intensity_tce_per_10k_yuan",
            "water_permit_threshold_m3",
        )
    }
    t, r = p["high_energy_project_threshold_tce"], p["min_energy_replacement_ratio"]
    cap = p["max_energy_intensity_tce_per_10k_yuan"]
    tables = [
        _table(
            "HE-002",
            [
                ("adds_capacity == false or builds_coal_power != false", "not_applicable"),
                ("high_energy_sector == null", "missing_info"),
                ("high_energy_sector == false", "not_applicable"),
                ("adds_capacity == null", "missing_info"),
                (
                    f"review_energy_tce == null and (review_energy_floor_tce == null or review_energy_floor_tce < {t})",
                    "missing_info",
                ),
                (f"review_energy_tce != null and review_energy_tce < {t}", "pass"),
                (
                    "energy__energy_replacement_tce == null"
                    " or (comprehensive_energy_tce != null and "
                    f"energy__energy_replacement_tce < comprehensive_energy_tce * {r})"
                    " or (comprehensive_energy_floor_tce != null and "
                    f"energy__energy_replacement_tce < comprehensive_energy_floor_tce * {r})",
                    "fail",
                ),
                (
                    "comprehensive_energy_tce == null and "
                    "(status__HE_003 == 'pass' or status__HE_003 == 'not_applicable' "
                    "or status__HE_003 == 'missing_info')",
                    "missing_info",
                ),
                ("status__HE_003 == 'pass'", "review"),
                ("status__HE_003 == 'not_applicable' and products_declared == true", "review"),
                ("products_declared == false", "missing_info"),
                ("status__HE_003 == 'missing_info'", "missing_info"),
                ("", "fail"),
            ],
        ),
        _table(
            "EC-001",
            [
                ("adds_capacity == false or generates_electricity == true", "not_applicable"),
                ("generates_electricity == null or adds_capacity == null", "missing_info"),
                (
                    "energy_intensity_floor_tce_per_10k_yuan != null and "
                    f"energy_intensity_floor_tce_per_10k_yuan > {cap}",
                    "fail",
                ),
                ("comprehensive_energy_tce == null or energy_intensity_tce_per_10k_yuan == null", "missing_info"),
                (f"energy_intensity_tce_per_10k_yuan > {cap}", "fail"),
                ("", "pass"),
            ],
        ),
        _table(
            "WA-002",
            [
                (
                    "water__fresh_water_m3 == null and water__water_permit == null and water__groundwater_m3 != null "
                    f"and water__groundwater_m3 >= {p['water_permit_threshold_m3']}",
                    "fail",
                ),
                (
                    "water__fresh_water_m3 == null and water__groundwater_m3 != null "
                    f"and water__groundwater_m3 >= {p['water_permit_threshold_m3']}",
                    "pass",
                ),
                ("water__fresh_water_m3 == null", "missing_info"),
                (f"water__fresh_water_m3 < {p['water_permit_threshold_m3']}", "pass"),
                ("water__water_permit == null", "fail"),
                ("", "pass"),
            ],
        ),
        *(
            _table(
                rule_id,
                [
                    (f"land__{key} == null", "missing_info"),
                    (f"land__{key} > 0", "fail"),
                    ("", "pass"),
                ],
            )
            for rule_id, key in (
                ("LA-001", "permanent_basic_farmland_ha"),
                ("LA-002", "basic_grassland_ha"),
                ("LA-003", "ecological_red_line_ha"),
            )
        ),
    ]
    nodes = [
        {"id": "in", "type": "inputNode", "name": "project", "position": {"x": 0, "y": 0}},
        *tables,
        {"id": "out", "type": "outputNode", "name": "statuses", "position": {"x": 600, "y": 0}},
    ]
    edges = []
    for table in tables:
        edges.append({"id": f"in-{table['id']}", "sourceId": "in", "targetId": table["id"], "type": "edge"})
        edges.append({"id": f"{table['id']}-out", "sourceId": table["id"], "targetId": "out", "type": "edge"})
    return {"nodes": nodes, "edges": edges}


def compare(checker: Any, paths: list[str], rounds: int = 5) -> dict[str, Any]:
    """Check agreement, then time zen-engine against this checker's engine on `paths`."""
    import zen

    from checker.check import load_project
    from checker.errors import InputError
    from checker.evaluation import durable as engine
    from checker.evaluation.stages import Evaluation
    from checker.facts import derived as metrics
    from checker.facts.flat import item_facts, project_facts
    from checker.rules.ruleset import Ruleset

    full = checker.ruleset
    subset = Ruleset(
        rules=tuple(r for r in full.rules if r.id in EVALUATED),
        facts=full.facts,
        version=full.version,
        sha256=full.sha256 + "-peer-subset",
    )
    ours = Evaluation(subset, checker.params, "durable")
    decision = zen.ZenEngine().create_decision(json.dumps(build_jdm(checker.params)))

    def our_statuses(facts: dict[str, Any], items: dict[str, Any]) -> dict[str, str]:
        decided = ours.decide(facts, items)
        return {rule_id: decided[rule_id].decision.status for rule_id in RULES}

    prepared = []
    for path in paths:
        try:
            _, project = load_project(path)
        except InputError:
            continue
        facts = project_facts(project, metrics.compute(project, checker.params))
        items = item_facts(project)
        he003 = ours.decide(facts, items)["HE-003"].decision
        zen_input = {engine.field_name(k): v for k, v in facts.items() if _scalar(v)}
        zen_input["status__HE_003"] = he003.status
        prepared.append((facts, items, zen_input))

    disagreements = 0
    for facts, items, zen_input in prepared:
        theirs = decision.evaluate(zen_input)["result"]
        mine = our_statuses(facts, items)
        if {k.replace("_", "-"): v for k, v in theirs.items()} != mine:
            disagreements += 1

    def time_ours() -> float:
        start = time.perf_counter()
        for facts, items, _ in prepared:
            our_statuses(facts, items)
        return time.perf_counter() - start

    def time_zen() -> float:
        start = time.perf_counter()
        for _, _, zen_input in prepared:
            decision.evaluate(zen_input)
        return time.perf_counter() - start

    # alternate the two sides and keep each one's best round: load from other processes on the
    # machine then hits both alike
    ours_s = zen_s = float("inf")
    for _ in range(rounds):
        ours_s = min(ours_s, time_ours())
        zen_s = min(zen_s, time_zen())
    return {
        "projects": len(prepared),
        "disagreements": disagreements,
        "ours_s": ours_s,
        "zen_s": zen_s,
        "rounds": rounds,
    }


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)
