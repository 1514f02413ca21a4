"""The test session's surroundings: its own cache folder, a fixed locale, the Hypothesis profiles.

The helpers the tests share live in `tests.support`; this file holds only what pytest itself must
see (the environment set before the checker is imported, fixtures, profiles).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import pytest

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

from tests.support.checkers import checker_on  # noqa: E402 - after the cache folder is chosen


@pytest.fixture
def checker_for():
    return checker_on


# Hypothesis: a quick profile for every run, a long one on demand (tests/README.md). The quick
# profile draws the same examples on every run (derandomize): the suite a newcomer or CI runs
# passes or fails on the code, never on a draw nobody has seen; the long profile explores.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("quick", max_examples=60, deadline=None, derandomize=True)
settings.register_profile(
    "long",
    max_examples=int(os.environ.get("HYPOTHESIS_LONG_EXAMPLES", "100000")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))
