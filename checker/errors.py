"""Domain errors raised by the library; the CLI maps them to messages and exit codes.

Every error that concerns a file carries the file, the key path and, where known, the line, so the
user can go straight to what needs fixing.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# control, format, line and paragraph separators: a key or value holding one would break a
# message over lines (str.splitlines splits on \x1c-\x1e, \x85, U+2028...) or reorder it on screen
_UNSHOWN = frozenset(("Cc", "Cf", "Cs", "Zl", "Zp"))


def printable(text: str) -> str:
    """`text` with every control or invisible formatting character escaped (`\x1e`, `\u202e`)."""
    if all(unicodedata.category(ch) not in _UNSHOWN for ch in text):
        return text
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) in _UNSHOWN else ch for ch in text
    )


class CheckerError(Exception):
    """Base of every error the checker raises on purpose."""


@dataclass
class Problem:
    """One thing wrong in one file: where it is and what is wrong."""

    path: str
    key_path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        """One line, always: whatever the file holds, nothing in it can start another."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        key = f" {self.key_path}:" if self.key_path else ""
        return printable(f"{where}:{key} {self.message}")


class InputError(CheckerError):
    """A user's file (project, policy file) cannot be used as given."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @classmethod
    def single(cls, path: str, key_path: str, line: int | None, message: str) -> InputError:
        return cls([Problem(path, key_path, line, message)])


class RuleDataError(CheckerError):
    """The shipped (or a user-supplied) rule, parameter or vocabulary data is malformed."""

    def __init__(self, path: str, key_path: str, message: str) -> None:
        self.path, self.key_path, self.message = path, key_path, message
        super().__init__(f"{path}: {key_path}: {message}" if key_path else f"{path}: {message}")


class UsageError(CheckerError):
    """The command line asks for something that cannot be done (unknown rule, bad date...)."""


class EngineError(CheckerError):
    """The rules engine reported an internal failure while evaluating a project."""


class ConditionTooComplex(EngineError):
    """The rules engine refused to compile a condition (its error 113), as it does for a parameter
    table of a dozen or more entries compared within one rule."""


class LedgerError(UsageError):
    """The ledger cannot be used: missing, not a ledger, made by a newer checker, unreachable."""


class OutputError(UsageError):
    """A report, ledger or file cannot be written where asked (not a regular file, the input
    itself, a full disk, a closed pipe): the run fails with exit 2 rather than lose output."""


SHOWN_MAX = 80  # characters of a user's value echoed in a message


def shown(value: object, limit: int = SHOWN_MAX) -> str:
    """A user's value as a message quotes it: one line, control characters escaped, at most
    `limit` characters (a pasted paragraph or a 5 000-character path is cut with an ellipsis)."""
    text = printable(value if isinstance(value, str) else str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quoted(value: object, limit: int = SHOWN_MAX) -> str:
    """`shown(value)` in single quotes: how a message quotes what the user typed (never a repr,
    which would show Python's escapes and quotes and keep a pasted paragraph whole)."""
    return f"'{shown(value, limit)}'"
