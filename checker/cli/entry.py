"""The console scripts' entry points: `check` and `checker`.

Importing the command line (click, pydantic...) takes a few tens of milliseconds; a Ctrl-C in
that time used to print the traceback of whatever import it interrupted. Here nothing is imported
before the interrupt is caught: an interrupt at any moment ends the run with exit 130, quietly.
"""

from __future__ import annotations

import signal
import sys


def _interrupted() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C while leaving: still quiet
    sys.exit(130)  # ExitCode.INTERRUPTED, as its number: nothing is imported before this handler


def check() -> None:
    """`check PATH...`"""
    try:
        from checker.cli.app import check_main

        check_main()
    except KeyboardInterrupt:
        _interrupted()


def checker() -> None:
    """`checker COMMAND`"""
    try:
        from checker.cli.app import checker_main

        checker_main()
    except KeyboardInterrupt:
        _interrupted()
