"""Numbers the engine's C JSON parser once misread: `1e-09`, `1e+20` (error 204), integers beyond
64 bits (compared wrongly). Each must decide exactly as a neighbouring value that it always read."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from checker.evaluation.durable import engine_json, engine_value
from checker.input.source import parse_document
from checker.input.validation import validate_document
from checker.project.model import Project
from tests.support import REPO
from tests.support.checkers import checker_on
from tests.support.strategies import dump

BASE = parse_document((REPO / "rules/bases/calcium_carbide.yaml").read_bytes(), "base").data


def statuses(**energy: float) -> dict[str, str]:
    data = json.loads(json.dumps(BASE))
    data["energy"].update(energy)
    doc = parse_document(dump(data), "numbers.yaml")
    result = checker_on(dt.date(2026, 1, 1)).check(doc, validate_document(doc, Project))
    return {f.id: f.status for f in result.findings}


@pytest.mark.parametrize(
    ("awkward", "neighbour"),
    [
        (1e-09, 1.0000001e-09),
        (1e20, 1.0000001e20),
        (10**30, 1.0000001e30),
        (1e16, 1.0000001e16),
        (2**63 + 1, 9.2233721e18),
    ],
)
def test_awkward_numbers_decide_like_their_neighbours(awkward, neighbour):
    assert statuses(electricity_kwh=awkward) == statuses(electricity_kwh=neighbour)
    assert statuses(diesel_t=awkward) == statuses(diesel_t=neighbour)


def test_exponents_get_a_point_outside_strings_only():
    text = engine_json({"a": 1e-9, "b": 1.5e-05, "c": 'x1e5 " 2e5', "d": [1e20, 12, -3e-7]})
    assert text == '{"a": 1.0e-09, "b": 1.5e-05, "c": "x1e5 \\" 2e5", "d": [1.0e+20, 12, -3.0e-07]}'
    assert json.loads(text)["c"] == 'x1e5 " 2e5'


def test_engine_value():
    assert engine_value(10**30) == 1e30 and isinstance(engine_value(10**30), float)
    assert engine_value(10**400) == engine_value(float("inf")) > 1e308
    assert engine_value(True) is True and engine_value("1e5") == "1e5" and engine_value(7) == 7
