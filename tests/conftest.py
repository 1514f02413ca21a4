"""Shared fixtures: the shipped ruleset and a checker for a given date, built once per session."""

from __future__ import annotations

import datetime as dt
import os
import sys
from functools import cache
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from checker.check import Checker
from checker.parameters import resolve
from checker.ruleset import load_ruleset

REPO = Path(__file__).resolve().parent.parent


@cache
def checker_on(as_of: dt.date) -> Checker:
    return Checker(load_ruleset(), resolve(as_of))


@pytest.fixture
def checker_for():
    return checker_on


# Hypothesis: a quick profile for every run, a long one on demand (tests/README.md)
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("quick", max_examples=60, deadline=None)
settings.register_profile(
    "long", max_examples=int(os.environ.get("HYPOTHESIS_LONG_EXAMPLES", "100000")), deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))
