"""Findings and the verdict: one finding per loaded rule, waivers, and the aggregation contract.

A finding carries everything a report shows (status, facts read with values, parameters compared
with their provenance, the plan basis); reports only render it. The verdict follows
`project-format.md`: rejected if a binding rule fails; else needs_review if any rule is review or
missing_info; else approved_with_warnings if any warns; else approved. Waived findings (set aside
by the review authority's register, `checker.verdict.waivers`) are shown and counted apart and do not
count toward the verdict.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from checker.errors import UsageError
from checker.evaluation.decision import Decision
from checker.project.model import Waiver
from checker.rules.parameters import ParameterValue
from checker.rules.ruleset import Rule
from checker.vocabulary import COUNT_ORDER, UNSETTLED, VERDICT_EXIT_CODES, ExitCode, Status, Verdict

if TYPE_CHECKING:
    from checker.verdict.waivers import RegisterEntry


class FactReading(NamedTuple):
    """A fact a rule read: its value (None when absent), unit, label and where it comes from.

    A named tuple, not a frozen dataclass: a project makes ~130 of them, and a frozen dataclass
    pays an `object.__setattr__` per field.
    """

    name: str
    value: Any
    unit: str
    label_zh: str
    label_en: str
    keys: tuple[str, ...]


@dataclass(frozen=True)
class ItemFinding:
    """The decision on one product (or boiler) of a per-item rule."""

    index: int
    label_zh: str
    label_en: str
    status: str
    decision: Decision
    facts: dict[str, FactReading]


@dataclass
class Finding:
    rule: Rule
    status: str
    binding: bool
    decision: Decision
    facts: dict[str, FactReading]
    parameters: dict[str, ParameterValue]
    missing_keys: tuple[str, ...] = ()
    items: list[ItemFinding] = field(default_factory=list)
    original_status: str | None = None  # the status before a register waiver set it aside
    waiver: RegisterEntry | None = None  # the review authority's register entry naming the rule
    waiver_note: str | None = None  # why that entry was not applied
    claim: Waiver | None = None  # a waiver the project file claims (checker.verdict.waivers)
    claimed_status: str | None = None  # the status before a claim sent it to review
    claim_note: str | None = None  # what the claim did, or why it did nothing
    as_of: dt.date | None = None  # the check date (a rule's `effective` dates are read against it)
    # what would improve the status (checker.remedies), attached by the formats that show it
    remedies: tuple[Any, ...] | None = None
    # the rule's ID, an attribute rather than a property: read some 100 times a project
    id: str = field(init=False, repr=False, compare=False, default="")

    def __post_init__(self) -> None:
        self.id = self.rule.id


def aggregate(findings: list[Finding]) -> Verdict:
    """The project's verdict from its findings (waived findings do not count)."""
    if any(f.status == Status.FAIL and f.binding for f in findings):
        return Verdict.REJECTED
    if any(f.status in UNSETTLED for f in findings):
        return Verdict.NEEDS_REVIEW
    if any(f.status in (Status.WARN, Status.FAIL) for f in findings):
        return Verdict.APPROVED_WITH_WARNINGS
    return Verdict.APPROVED


# `--fail-on`: the least severe verdict that makes the exit code non-zero. `review` is the default
# (rejected 1, needs_review 3, approved with or without warnings 0); `rejected` lets needs_review
# pass (0); `warn` also fails approved_with_warnings, with its own code 4.
FAIL_ON = ("rejected", "review", "warn")
DEFAULT_FAIL_ON = "review"


def known_gate(fail_on: str) -> str:
    """`fail_on` if it is a `--fail-on` level; a usage error if not."""
    if fail_on not in FAIL_ON:
        raise UsageError(f"unknown --fail-on level {fail_on!r}; one of: {', '.join(FAIL_ON)}")
    return fail_on


def exit_code(verdict: str, fail_on: str = DEFAULT_FAIL_ON) -> ExitCode:
    """The exit code of `verdict` when the verdicts from `fail_on` upwards count as failures.

    The verdict never changes with `--fail-on` (a policy of the run, for CI pipelines, not another
    judgement of the project); the exit code does, and every report that states the exit code
    states this one, the code the process ends with."""
    if verdict == Verdict.NEEDS_REVIEW and known_gate(fail_on) == "rejected":
        return ExitCode.OK
    if verdict == Verdict.APPROVED_WITH_WARNINGS and known_gate(fail_on) == "warn":
        return ExitCode.WARNINGS
    return VERDICT_EXIT_CODES[Verdict(verdict)]


def fails_gate(finding: Finding, fail_on: str = DEFAULT_FAIL_ON) -> bool:
    """Whether `finding` alone would make the exit code non-zero under `fail_on`: a binding
    failure always (rejected); review and missing information unless only rejections fail (they
    make the verdict needs_review); a warning or a failure of guidance only under `warn` (they
    make it approved_with_warnings). A CI report's failures are these, so they agree with the
    exit code."""
    status = finding.status
    if status == Status.FAIL and finding.binding:
        return True
    if status in UNSETTLED:
        return known_gate(fail_on) != "rejected"
    if status in (Status.WARN, Status.FAIL):
        return known_gate(fail_on) == "warn"
    return False


def counts(findings: list[Finding]) -> dict[str, int]:
    """How many findings have each status, every status named (in `COUNT_ORDER` order), in one pass
    over the findings: a batch counts every project's."""
    found = dict.fromkeys((status.value for status in COUNT_ORDER), 0)
    for finding in findings:
        if finding.status in found:
            found[finding.status] += 1
    return found
