"""Shared fixtures: the shipped ruleset and a checker for a given date, built once per session."""

from __future__ import annotations

import datetime as dt
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
