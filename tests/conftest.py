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

# The locale decides the language of the command line's messages and, unless --lang is given, of
# its reports. The suite runs in one fixed locale whatever the machine's: reports in Chinese (the
# default, LANG unset) and messages in English (LC_MESSAGES), so that the many tests written
# against the English message texts keep pinning them; tests/test_i18n.py pins the Chinese ones
# and the locale rules themselves. Inherited by the CLI runs in subprocesses.
for _var in ("LC_ALL", "LANG", "LANGUAGE"):
    os.environ.pop(_var, None)
os.environ["LC_MESSAGES"] = "en_US.UTF-8"

from checker.check import Checker  # noqa: E402 - after the cache folder is chosen
from checker.rules.parameters import resolve  # noqa: E402
from checker.rules.ruleset import load_ruleset  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


# Every rule pack of the repository: the shipped one (None) and each example under examples/packs/.
# The property tests (metamorphic, message figures) run against each of them.
PACKS: list[str | None] = [
    None,
    *sorted(str(p) for p in (REPO / "examples" / "packs").glob("*") if (p / "pack.yaml").is_file()),
]
PACK_IDS = ["nm-14th-fyp" if p is None else Path(p).name for p in PACKS]


@cache
def checker_on(as_of: dt.date, pack: str | None = None) -> Checker:
    """The checker for `as_of` with the shipped pack, or the pack in the folder `pack`."""
    if pack is None:
        return Checker(load_ruleset(), resolve(as_of))
    ruleset = load_ruleset(Path(pack))
    return Checker(ruleset, resolve(as_of, None, ruleset.definitions))


def write_register(
    directory: Path, entries: list[dict], authority: str = "自治区能源局", name: str = "register.yaml"
) -> Path:
    """A waiver register (format 1) holding `entries`, written to `directory/name`."""
    import yaml

    path = directory / name
    body = {"format": 1, "authority": authority, "waivers": entries}
    path.write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def checker_with_register(as_of: dt.date, register: Path) -> Checker:
    """A checker for `as_of` that applies the waiver register at `register`."""
    from checker.verdict.waivers import load_register

    ruleset = load_ruleset()
    return Checker(ruleset, resolve(as_of), load_register(register, ruleset))


@pytest.fixture
def checker_for():
    return checker_on


# Hypothesis: a quick profile for every run, a long one on demand (tests/README.md)
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("quick", max_examples=60, deadline=None)
settings.register_profile(
    "long",
    max_examples=int(os.environ.get("HYPOTHESIS_LONG_EXAMPLES", "100000")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))
