"""Building a Checker for a check date and an optional policy file.

Its own module, not the batch's: a single `check FILE` needs it too, and should not import the
batch machinery (multiprocessing, signal handling, output streaming) to get it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from checker.errors import ConditionTooComplex, InputError
from checker.input.source import DEFAULT_LIMITS, Limits


def make_checker(
    as_of: dt.date | None,
    params_file: str | None,
    limits: Limits = DEFAULT_LIMITS,
    waivers_file: str | None = None,
    fail_on: str = "review",
) -> Any:
    """The Checker for a date, optional policy file and optional waiver register, whose results
    state the exit code under `fail_on` (raises InputError / RuleDataError / UsageError)."""
    from checker.rules import datacache

    with datacache.one_fingerprint():  # the rule files are scanned once for both cached loads
        return _make_checker(as_of, params_file, limits, waivers_file, fail_on)


def _make_checker(
    as_of: dt.date | None,
    params_file: str | None,
    limits: Limits,
    waivers_file: str | None,
    fail_on: str,
) -> Any:
    from checker.check import Checker, default_as_of
    from checker.rules.parameters import load_policy, resolve
    from checker.rules.plan_period import refuse_before
    from checker.rules.ruleset import active_ruleset

    ruleset = active_ruleset()  # the --rules pack, or the shipped one
    policy = load_policy(params_file, limits, ruleset.definitions) if params_file else None
    as_of = as_of or default_as_of()
    refuse_before(ruleset.plan, as_of)  # before the parameters say they have no value then
    register = None
    if waivers_file:
        from checker.verdict.waivers import load_register

        register = load_register(waivers_file, ruleset, limits)
    try:
        return Checker(ruleset, resolve(as_of, policy, ruleset.definitions), register, fail_on=fail_on)
    except ConditionTooComplex as exc:
        if params_file is None:  # the shipped data alone: a defect of ours, reported as such
            raise
        raise InputError.single(
            params_file,
            "parameters",
            None,
            f"{exc}; the rules with the shipped values compile, so a table this policy enlarges is "
            "too large: keep it to the products the authority reviews",
        ) from None
