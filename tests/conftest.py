"""Shared fixtures: the shipped ruleset and a checker for a given date, built once per session."""

from __future__ import annotations

import atexit
import datetime as dt
import os
import shutil
import sys
import tempfile
from functools import cache
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

# The checker's caches (rule data, Jinja bytecode) go to a folder of this test session, never to
# the user's own: set before the checker is imported, and inherited by the CLI runs in subprocesses.
_CACHE_HOME = tempfile.mkdtemp(prefix="nmck-test-cache-")
os.environ["XDG_CACHE_HOME"] = _CACHE_HOME
atexit.register(shutil.rmtree, _CACHE_HOME, True)

from checker.check import Checker  # noqa: E402 - after the cache folder is chosen
from checker.parameters import resolve  # noqa: E402
from checker.ruleset import load_ruleset  # noqa: E402

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
