"""The checker's own words, defined once: a rule's status, a project's verdict, the exit codes.

Every layer speaks them (a rule file names statuses, the evaluation decides one, the verdict
aggregates them, the reports order and count them, the command line exits with a code), so they
live at the bottom, beside the domain errors. The members are `str` (or `int`) valued: a member
is equal to, hashes as, and prints as its value, in JSON, in templates and in f-strings alike, so
every output reads as it did when these were plain strings. `enum.StrEnum` would do for the text
but is 3.11+, and a plain `(str, Enum)` prints as `Status.FAIL` in f-strings from 3.11 on: the
small base classes below fix printing to the value on 3.10, 3.11 and 3.12.
"""

from __future__ import annotations

from enum import Enum


class _Word(str, Enum):
    """A member that prints as its value everywhere (`str`, `format`, f-strings, `%s`)."""

    def __str__(self) -> str:
        return str.__str__(self)

    def __format__(self, spec: str) -> str:
        return str.__format__(str.__str__(self), spec)


class _Code(int, Enum):
    """A member that prints as its number everywhere (`str`, `format`, f-strings, `%s`)."""

    def __str__(self) -> str:
        return int.__repr__(self)

    def __format__(self, spec: str) -> str:
        return int.__format__(int(self), spec)


class Status(_Word):
    """A rule's status on one project, in the order a report lists them: most severe first, the
    waived (set aside by the review authority's register) before those that need nothing."""

    FAIL = "fail"
    REVIEW = "review"
    MISSING_INFO = "missing_info"
    WARN = "warn"
    WAIVED = "waived"
    PASS = "pass"
    NOT_APPLICABLE = "not_applicable"


# the statuses a rule itself gives (`waived` is the register's, never a rule's)
RULE_STATUSES = tuple(s for s in Status if s is not Status.WAIVED)
# the order of counts and of the CSV columns: what the rules gave, then the waived, counted apart
COUNT_ORDER = (*RULE_STATUSES, Status.WAIVED)
# the statuses that ask something of a person: the report's short form lists these findings
ATTENTION = (Status.FAIL, Status.REVIEW, Status.MISSING_INFO, Status.WARN, Status.WAIVED)
# the statuses that ask for the project to be looked at again before any approval
UNSETTLED = frozenset((Status.REVIEW, Status.MISSING_INFO))
# the statuses a change to the project file can improve: the findings remedies are computed for
IMPROVABLE = (Status.FAIL, Status.WARN, Status.REVIEW, Status.MISSING_INFO)
# the statuses a register waiver can set aside: a problem, not a pass or a rule out of scope
WAIVABLE = (Status.FAIL, Status.WARN, Status.REVIEW, Status.MISSING_INFO)
# Which status of several subjects a per-item rule takes, most severe first. It differs from the
# report's order in one place on purpose: a product whose figure is missing outranks one sent to
# review, since the review cannot start before the figure is supplied.
DECISION_SEVERITY = (
    Status.FAIL,
    Status.MISSING_INFO,
    Status.REVIEW,
    Status.WARN,
    Status.PASS,
    Status.NOT_APPLICABLE,
)


class Verdict(_Word):
    """A project's verdict (project-format.md), best first."""

    APPROVED = "approved"
    APPROVED_WITH_WARNINGS = "approved_with_warnings"
    NEEDS_REVIEW = "needs_review"
    REJECTED = "rejected"


VERDICTS_WORST_FIRST = tuple(reversed(Verdict))


class ExitCode(_Code):
    """The exit codes of `check` and the `checker` commands (README, `check --help`)."""

    OK = 0  # approved (with or without warnings), or a command that did what it was asked
    REJECTED = 1  # a binding rule fails
    DIFFERS = 1  # checker diff, verify, test: a verdict changed, an entry differs, a case failed
    INVALID = 2  # the input or the command line is invalid, or the output cannot be written
    NEEDS_REVIEW = 3  # a rule asks for review or for missing information
    WARNINGS = 4  # approved with warnings, under --fail-on warn
    INTERNAL = 70  # a bug: please report it
    INTERRUPTED = 130  # Ctrl-C or SIGTERM


# a verdict's own exit code: the one its JSON carries, whatever `--fail-on` makes of it
VERDICT_EXIT_CODES = {
    Verdict.APPROVED: ExitCode.OK,
    Verdict.APPROVED_WITH_WARNINGS: ExitCode.OK,
    Verdict.REJECTED: ExitCode.REJECTED,
    Verdict.NEEDS_REVIEW: ExitCode.NEEDS_REVIEW,
}
# several projects exit with the worst of their codes: a bug, bad input, rejected, review, warnings
EXIT_CODES_WORST_FIRST = (
    ExitCode.INTERNAL,
    ExitCode.INVALID,
    ExitCode.REJECTED,
    ExitCode.NEEDS_REVIEW,
    ExitCode.WARNINGS,
    ExitCode.OK,
)
