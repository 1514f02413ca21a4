"""The engine must not run out of sessions over a long batch in one process.

A fact no rule handles still creates a durable_rules session that cannot be deleted; with a fresh
session id per check, the core's 1 024 states ran out after about a thousand such projects.
"""

from __future__ import annotations

import datetime as dt

from checker.check import load_project
from checker.facts import derived as metrics
from checker.facts.flat import item_facts, project_facts
from tests.support import REPO


def test_two_thousand_evaluations_in_one_process(checker_for):
    checker = checker_for(dt.date(2025, 6, 1))
    # no coal-power rule handles this project's facts: its CO session is the one that leaked
    _, project = load_project(REPO / "projects" / "ordos-calcium-carbide.yaml")
    facts = project_facts(project, metrics.compute(project, checker.params))
    items = item_facts(project)
    first = checker.evaluation.decide(facts, items)
    for _ in range(2_000):
        last = checker.evaluation.decide(facts, items)
    assert repr(last) == repr(first)


def test_facts_carry_only_the_fields_the_conditions_read():
    from checker.evaluation.durable import referenced_fields

    body = {
        "r|applies": {
            "all": [
                {
                    "m": {
                        "$and": [
                            {"fact_kind": "project"},
                            {"$ex": {"energy__coal_t": 1}},
                            {"$gte": {"water__m3": {"$mul": {"$l": {"$m": "output__value"}, "$r": 2}}}},
                            {"$or": [{"status__HE_003": "pass"}, {"$nex": {"land__ha": 1}}]},
                        ]
                    }
                }
            ],
            "run": "r|applies",
        },
    }
    assert referenced_fields(body) == {
        "fact_kind",
        "energy__coal_t",
        "water__m3",
        "output__value",
        "status__HE_003",
        "land__ha",
    }
