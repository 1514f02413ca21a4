"""The command line's batch mode: print each project's output as it arrives, then the overview.

Kept apart from `cli.py` so the command definition stays small; like `cli.py`, this is the edge
that prints. Per-project output goes to stdout in input order; problems with single files go to
stderr (text, csv) or into the JSON Lines stream (json), and never stop the batch.
"""

from __future__ import annotations

import sys

from checker.batch import PathList, Settings, run, worst_exit_code
from checker.batch_output import Progress, Summary, csv_header, summary_text


def check_batch(files: list[str], settings: Settings, jobs: int) -> int:
    """Check `files` and print their results; return the batch's exit code (the worst)."""
    paths = PathList(files)
    del files  # the caller holds no other reference: forked workers must not inherit the list
    out, err = sys.stdout, sys.stderr
    summary = Summary()
    printed = False
    progress = Progress(err, len(paths))
    if settings.fmt == "csv":
        out.write(csv_header())
    try:
        for outcome in run(paths, settings, jobs):
            summary.add(outcome)
            if outcome.problems and settings.fmt != "json":
                progress.clear()
                for problem in outcome.problems:
                    err.write(f"error: {problem}\n")
            if outcome.output:
                if settings.fmt == "text" and printed:
                    out.write("\n")  # a blank line between two text reports
                out.write(outcome.output)
                out.flush()  # streamed: a reader of the pipe sees each project when it is done
                printed = True
            progress.advance()
    finally:
        progress.clear()
    if settings.fmt == "text":
        out.write(summary_text(summary, settings.lang))
    out.flush()
    return worst_exit_code(tuple(summary.exit_codes))
