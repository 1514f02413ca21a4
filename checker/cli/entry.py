"""The console scripts' entry points: `check` and `checker`.

Importing the command line (click, pydantic...) takes a few tens of milliseconds; a Ctrl-C in
that time used to print the traceback of whatever import it interrupted. Here nothing is imported
before the interrupt is caught: an interrupt at any moment ends the run with exit 130, quietly.
An interrupt that lands inside class creation reaches here wrapped (Python 3.11 turns it into
"RuntimeError: Error calling __set_name__", caused by the KeyboardInterrupt): it is an interrupt.
"""

from __future__ import annotations

import signal
import sys


def _interrupted() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C while leaving: still quiet
    sys.exit(130)  # ExitCode.INTERRUPTED, as its number: nothing is imported before this handler


def _from_interrupt(exc: BaseException) -> bool:
    """Whether `exc` was caused by a Ctrl-C: a KeyboardInterrupt in its chain of causes."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def check() -> None:
    """`check PATH...`"""
    try:
        from checker.cli.app import check_main

        check_main()
    except KeyboardInterrupt:
        _interrupted()
    except Exception as exc:
        if not _from_interrupt(exc):
            raise
        _interrupted()


def checker() -> None:
    """`checker COMMAND`"""
    try:
        from checker.cli.app import checker_main

        checker_main()
    except KeyboardInterrupt:
        _interrupted()
    except Exception as exc:
        if not _from_interrupt(exc):
            raise
        _interrupted()
