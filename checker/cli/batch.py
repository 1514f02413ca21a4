"""The command line's batch mode: print each project's output as it arrives, then the overview.

Kept apart from `cli.py` so the command definition stays small; like `cli.py`, this is the edge
that prints. Per-project output goes to stdout in input order; problems with single files go to
stderr (text, csv) or into the JSON Lines stream (json), and never stop the batch.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TextIO

from checker.batch.documents import DOCUMENT_FORMATS, Document
from checker.batch.runner import CheckedFile, PathList, Settings, run, worst_exit_code
from checker.batch.summary import Progress, Summary, csv_header, summary_text
from checker.cli import i18n
from checker.cli.edge import error_line, say
from checker.errors import CheckerError, OutputError
from checker.reports.output import write_stdout


def check_batch(files: list[str], settings: Settings, jobs: int) -> int:
    """Check `files` and print their results; return the batch's exit code (the worst of the
    projects', each under `settings.fail_on`)."""
    paths = PathList(files)
    del files  # the caller holds no other reference: forked workers must not inherit the list
    out, err = sys.stdout, sys.stderr
    if out is None:
        raise OutputError("cannot write to standard output: it is closed")
    write = _bytes_writer(out, settings)
    summary = Summary(by_project=settings.fmt == "text")  # only the text summary lists the projects
    printed = False
    progress = Progress(err, len(paths))
    shared_terminal = out.isatty()  # stdout and the bar on one screen: clear the bar before output
    ledger = _open_ledger(settings.record)  # a ledger that cannot be used stops the batch before any output
    if settings.fmt == "csv":
        write(csv_header().encode(settings.encoding, settings.errors))
    blank_line = settings.newline.encode(settings.encoding, settings.errors)
    unrecorded = False
    appended: list[Any] = []  # the ledger entries this batch appended, in order
    document = Document(settings.fmt, settings.lang, i18n.problem) if settings.fmt in DOCUMENT_FORMATS else None
    deferred: list[CheckedFile] = []
    try:
        for outcome in run(paths, settings, jobs):
            summary.add(outcome)
            if document is not None:  # written whole at the end: its contents come first
                part = outcome.output.decode(settings.encoding, settings.errors)
                document.add(outcome, part.replace(settings.newline, "\n"))
                outcome = replace(outcome, output=b"")
            if outcome.problems and settings.fmt not in ("json", "jsonl", "github"):
                progress.clear()
                for problem in outcome.problems:
                    say(error_line(str(problem)))
            if outcome.output:
                if shared_terminal:
                    progress.clear()
                # a blank line between two text reports; one write: a reader of the pipe sees
                # each project when done, and a signal never cuts it
                write(blank_line + outcome.output if settings.fmt == "text" and printed else outcome.output)
                printed = True
            if ledger is not None and outcome.pending_entry is not None:
                if document is not None:  # its output is the document, written at the end
                    deferred.append(outcome)
                else:
                    entry = _record(ledger, outcome, progress)  # only once its output is out
                    unrecorded |= entry is None
                    if entry is not None:
                        appended.append(entry)
            progress.advance()
        if document is not None:
            progress.clear()
            code = worst_exit_code(tuple(summary.exit_codes))
            text = document.render(code).replace("\n", settings.newline)
            write(text.encode(settings.encoding, settings.errors))
            for outcome in deferred:  # only once the document is out
                entry = _record(ledger, outcome, progress)
                unrecorded |= entry is None
                if entry is not None:
                    appended.append(entry)
    finally:
        progress.clear()
        if ledger is not None:
            ledger.close()
    code = worst_exit_code((*summary.exit_codes, *((2,) if unrecorded else ())))
    if settings.fmt == "text":
        text = summary_text(summary, settings.lang, lambda line: i18n.problem(line, settings.lang))
        text = text.replace("\n", settings.newline)
        write(text.encode(settings.encoding, settings.errors))
    if settings.record is not None:
        from checker.cli.receipts import recorded

        head = appended[-1].entry_hash if appended else None
        say(recorded(settings.record, [e.seq for e in appended], head, settings.lang))
    return code


def _open_ledger(record: str | None) -> Any:
    if record is None:
        return None
    from checker.audit.ledger import Ledger

    return Ledger(record)


def _record(ledger: Any, outcome: CheckedFile, progress: Progress) -> Any:
    """Append a project's prepared entry and return it; on failure say so for that file (exit 2),
    return None and go on."""
    try:
        return ledger.append_prepared(outcome.pending_entry)
    except CheckerError as exc:
        progress.clear()
        say(
            error_line(
                i18n.t("{path}: not recorded in the ledger: {reason}", path=outcome.path, reason=i18n.problem(str(exc)))
            )
        )
        return None


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

    return write_stdout  # whole, each project at once: a signal never cuts a line
