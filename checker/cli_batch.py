"""The command line's batch mode: print each project's output as it arrives, then the overview.

Kept apart from `cli.py` so the command definition stays small; like `cli.py`, this is the edge
that prints. Per-project output goes to stdout in input order; problems with single files go to
stderr (text, csv) or into the JSON Lines stream (json), and never stop the batch.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from checker.batch import PathList, Settings, run, worst_exit_code
from checker.batch_output import Progress, Summary, csv_header, summary_text


def check_batch(files: list[str], settings: Settings, jobs: int) -> int:
    """Check `files` and print their results; return the batch's exit code (the worst)."""
    paths = PathList(files)
    del files  # the caller holds no other reference: forked workers must not inherit the list
    out, err = sys.stdout, sys.stderr
    write = _bytes_writer(out, settings)
    summary = Summary()
    printed = False
    progress = Progress(err, len(paths))
    shared_terminal = out.isatty()  # stdout and the bar on one screen: clear the bar before output
    if settings.fmt == "csv":
        write(csv_header().encode(settings.encoding, settings.errors))
    blank_line = settings.newline.encode(settings.encoding, settings.errors)
    try:
        for outcome in run(paths, settings, jobs):
            summary.add(outcome)
            if outcome.problems and settings.fmt not in ("json", "jsonl"):
                progress.clear()
                for problem in outcome.problems:
                    err.write(f"error: {problem}\n")
            if outcome.output:
                if shared_terminal:
                    progress.clear()
                if settings.fmt == "text" and printed:
                    write(blank_line)  # a blank line between two text reports
                write(outcome.output)  # and flushed: a reader of the pipe sees each project when done
                printed = True
            progress.advance()
    finally:
        progress.clear()
    if settings.fmt == "text":
        out.write(summary_text(summary, settings.lang))
    out.flush()
    return worst_exit_code(tuple(summary.exit_codes))


def _bytes_writer(out: TextIO, settings: Settings) -> Callable[[bytes], None]:
    """Writes already-encoded output to `out`'s binary stream, flushed, in order with its text.

    The workers encode as `settings` say, which the caller takes from this very stream; a stream
    without a binary layer (an in-memory one) gets the text decoded again.
    """
    binary = getattr(out, "buffer", None)
    if binary is None:
        def write_text(data: bytes) -> None:
            text = data.decode(settings.encoding, settings.errors)
            if settings.newline != "\n":  # a text stream puts its own line endings back
                text = text.replace(settings.newline, "\n")
            out.write(text)
            out.flush()

        return write_text

    def write_bytes(data: bytes) -> None:
        out.flush()  # whatever was written as text before goes first
        binary.write(data)
        binary.flush()

    return write_bytes
