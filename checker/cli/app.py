"""The command line: a thin edge that maps domain errors to messages and exit codes.

Exit codes: 0 approved (with or without warnings), 1 rejected, 3 needs review, 2 invalid input or
usage, 70 an internal error (a bug: please report it). Library code never prints or exits.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import gc
import importlib
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar, NamedTuple

import click

from checker.cli import i18n
from checker.cli.edge import (
    FORMATS,
    MACHINE_FORMATS,
    MAX_BYTES_LIMIT,
    MAX_JOBS,
    OneLineErrors,
    OneLineMain,
    Translated,
    engine_option,
    make_checker_from_options,
    output_encoding,
    run_guarded,
    say,
    version_option,
    waivers_option,
    with_common,
    write_utf8,
)
from checker.errors import UsageError
from checker.input.source import MAX_FILE_BYTES, Limits

if TYPE_CHECKING:
    from checker.check import CheckResult


@click.command("check", cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, required=True, type=click.Path(), metavar="PATH...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default=None,
    help="Report format. Default: from the --output extension, else text. For several "
    "projects: text, json (one line per project), jsonl (one compact line per project: "
    "static texts by reference), csv (one row per project), sarif (one run), junit "
    "(one testsuite per project), html or markdown (one document with a table of "
    "contents) or github (workflow annotations).",
)
@click.option(
    "--output",
    "-o",
    "output",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Write the report to FILE (atomically) instead of standard output.",
)
@click.option(
    "--record",
    "record",
    metavar="LEDGER",
    help="Append the verdict to a ledger: a SQLite file path or a postgresql:// URL.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1, max=MAX_JOBS),
    default=None,
    metavar="N",
    help=f"Worker processes for several projects (at most {MAX_JOBS}). Default: the number "
    "of cores; 1 checks them in this process.",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1, max=MAX_BYTES_LIMIT),
    default=MAX_FILE_BYTES,
    show_default=True,
    help="Refuse input files larger than this (at most 1 GiB).",
)
@click.option(
    "--fail-on",
    "fail_on",
    type=click.Choice(["rejected", "review", "warn"]),
    default="review",
    show_default=True,
    help="Which verdicts make the exit code non-zero: rejected (1) only; review adds "
    "needs review (3); warn adds approved with warnings (4).",
)
@waivers_option
@click.option(
    "--verbose",
    is_flag=True,
    help="Text format: the full report (facts read, parameters compared, plan basis, "
    "audit) instead of the verdict and what needs attention.",
)
@click.option(
    "--color",
    "color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the text report's statuses. auto: only on a terminal, and not when "
    "NO_COLOR is set; never in an --output file.",
)
@engine_option
@with_common
@version_option("check")
def check_main(
    paths: tuple[str, ...],
    fmt: str | None,
    output: str | None,
    record: str | None,
    jobs: int | None,
    max_bytes: int,
    fail_on: str,
    waivers_file: str | None,
    verbose: bool,
    color: str,
    as_of: dt.date | None,
    params_file: str | None,
    lang: str | None,
    debug: bool,
) -> None:
    """Check project descriptions (project.yaml) against the plan's rules.

    Each PATH is a project file or a folder, searched recursively for *.yaml and *.yml files.
    Several projects are checked in parallel; their results come out in input order, followed
    (text format) by a summary. A file that cannot be read is reported and the batch goes on.

    \b
    Examples:
      check projects/ordos-calcium-carbide.yaml
      check projects/hohhot-data-centre.yaml --format json --as-of 2022-06-01
      check project.yaml --params policy.yaml --lang en
      check project.yaml --waivers register.yaml
      check project.yaml --output report.html   (format from the extension:
        .txt .md .html .json .sarif .xml (JUnit) .csv)
      check applications/ --format csv > overview.csv
      check applications/ --format sarif --fail-on rejected > results.sarif

    \b
    Exit codes: 0 approved (with or without warnings), 1 rejected,
    3 needs review, 2 invalid input or usage (or output that cannot be
    written), 70 internal error, 130 interrupted; with --fail-on rejected
    needs review exits 0, with --fail-on warn approved with warnings exits 4.
    For several projects, the worst of them: 70, then 2, 1, 3, 4, 0.
    """

    lang = lang or i18n.report_default()
    text = TextStyle(verbose=verbose, color=color)

    def action() -> int:
        if len(paths) > 1 or os.path.isdir(paths[0]):
            return _check_many(
                paths,
                fmt,
                output,
                record,
                jobs,
                as_of,
                params_file,
                lang,
                Limits(max_bytes=max_bytes),
                waivers_file,
                text,
                fail_on,
            )
        with _short_lived():
            return _check_one(
                paths[0], fmt, output, record, max_bytes, as_of, params_file, lang, waivers_file, text, fail_on
            )

    run_guarded(action, debug)


def protected_paths(
    inputs: tuple[str, ...] | list[str], record: str | None, params_file: str | None, waivers_file: str | None = None
) -> list[tuple[str, str]]:
    """What a report must never be written over: every file this run reads or keeps."""
    found = [("the input file", path) for path in inputs]
    if record is not None:
        from checker.audit.ledger import sqlite_file

        ledger = sqlite_file(record)
        if ledger is not None:
            found.append(("the ledger", ledger))
    if params_file:
        found.append(("the policy file", params_file))
    if waivers_file:
        found.append(("the waiver register", waivers_file))
    return found


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout is not None and sys.stdout.isatty()
    except (AttributeError, ValueError, OSError):
        return False


class TextStyle(NamedTuple):
    """How a text report is printed: whole (`--verbose`) or compact, and `--color`."""

    verbose: bool = False
    color: str = "auto"

    def paints(self) -> bool:
        """Colour on standard output: `always`, or `auto` on a terminal without NO_COLOR (set
        and not empty: https://no-color.org; an explicit `--color always` overrides it)."""
        if self.color != "auto":
            return self.color == "always"
        return _stdout_is_terminal() and not os.environ.get("NO_COLOR")


PLAIN_TEXT = TextStyle()


def _check_one(
    path: str,
    fmt: str | None,
    output: str | None,
    record: str | None,
    max_bytes: int,
    as_of: dt.date | None,
    params_file: str | None,
    lang: str,
    waivers_file: str | None = None,
    text: TextStyle = PLAIN_TEXT,
    fail_on: str = "review",
) -> int:
    from checker.reports import formats
    from checker.reports import output as report_output

    chosen = fmt or (formats.format_for(output) if output else "text")
    if record is not None:  # a ledger that cannot be named is refused before any work
        from checker.audit.ledger import ledger_url

        ledger_url(record)
    if output is not None:  # refused before any work: an empty name, a device, a protected file
        report_output.writable_target(output, protected_paths((path,), record, params_file, waivers_file))
    limits = Limits(max_bytes=max_bytes)
    checker = make_checker_from_options(as_of, params_file, limits, waivers_file, fail_on)
    result = checker.check_path(path, limits)
    if record is None:
        return _report(result, path, chosen, output, params_file, lang, waivers_file, text)
    from checker.audit.ledger import Ledger, append_result
    from checker.cli.receipts import recorded

    # opened (reached, its schema checked or made) before the report is written: a report that
    # states its exit code must not be followed by a ledger failure that changes it
    with Ledger(record) as ledger:
        code = _report(result, path, chosen, output, params_file, lang, waivers_file, text, record)
        entry = append_result(ledger, result)  # only once the whole report is out: no entry for a lost report
    say(recorded(record, [entry.seq], entry.entry_hash, lang))
    return code


def _report(
    result: CheckResult,
    path: str,
    chosen: str,
    output: str | None,
    params_file: str | None,
    lang: str,
    waivers_file: str | None,
    text: TextStyle,
    record: str | None = None,
) -> int:
    """Write one project's report, to `output` or standard output; its exit code."""
    from checker.reports import formats
    from checker.reports import output as report_output

    compact = not text.verbose
    if output is not None:  # a file never gets colour codes
        report_output.write_atomically(
            output,
            formats.render(result, chosen, lang, compact=compact),
            protected_paths((path,), record, params_file, waivers_file),
        )
        from checker.cli.receipts import written

        say(written(output, result.verdict, lang))
    else:
        color = chosen == "text" and text.paints()
        rendered = formats.render(result, chosen, lang, color=color, compact=compact)
        if chosen in MACHINE_FORMATS:
            write_utf8(rendered)
        else:
            encoding, errors, newline = output_encoding(chosen)
            report_output.write_stdout(rendered.replace("\n", newline).encode(encoding, errors))
    return int(result.exit_code)


@contextlib.contextmanager
def _short_lived() -> Iterator[None]:
    """No cyclic garbage collection during a single check, nor at the interpreter's exit after it.

    Nearly all a single check creates (modules, pydantic validators, rules, templates) lives until
    the process ends, so the collector's passes free next to nothing, yet they cost ~15 ms during
    the check and ~20 ms in the interpreter's final pass: an eighth of `check FILE`. The collector
    is enabled again afterwards (the CLI also runs in-process, as in the tests); at exit the
    surviving objects are frozen (`gc.freeze`, from an atexit handler, which runs before that final
    pass). Files are closed explicitly (reports, the ledger), never left to the collector.
    """
    global _freeze_registered
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        if not _freeze_registered:
            atexit.register(gc.freeze)
            _freeze_registered = True


_freeze_registered = False


def _check_many(
    paths: tuple[str, ...],
    fmt: str | None,
    output: str | None,
    record: str | None,
    jobs: int | None,
    as_of: dt.date | None,
    params_file: str | None,
    lang: str,
    limits: Limits,
    waivers_file: str | None = None,
    text: TextStyle = PLAIN_TEXT,
    fail_on: str = "review",
) -> int:
    from checker.batch.inputs import expand_paths
    from checker.batch.runner import Settings, default_jobs
    from checker.cli.batch import check_batch

    if output is not None:
        raise UsageError(i18n.t("--output takes one project; for several, redirect the output (> file)"))
    prepare_record = None
    if record is not None:
        from checker.audit.ledger import ledger_url, prepare_recorded

        ledger_url(record)  # an empty name or a URL without a file: refused before any work
        prepare_record = prepare_recorded
    encoding, errors, newline = output_encoding(fmt or "text")
    settings = Settings(
        fmt=fmt or "text",
        lang=lang,
        as_of=as_of,
        params_file=params_file,
        limits=limits,
        record=record,
        prepare_record=prepare_record,
        encoding=encoding,
        errors=errors,
        newline=newline,
        waivers_file=waivers_file,
        verbose=text.verbose,
        color=(fmt or "text") == "text" and text.paints(),
        fail_on=fail_on,
        problem_text=i18n.problem,
    )
    return check_batch(expand_paths(list(paths)), settings, jobs or default_jobs())


class _LazyGroup(Translated, OneLineMain, click.Group):
    """Subcommands are imported only when one runs: `check FILE` (same module) and `checker X`
    then load only what they use (the ledger's SQLAlchemy, the docs' schema building...)."""

    COMMANDS: ClassVar[dict[str, str]] = {
        "rules": "checker.cli.catalogue:rules_command",
        "params": "checker.cli.catalogue:params_command",
        "explain": "checker.cli.docs:explain",
        "schema": "checker.cli.docs:schema",
        "init": "checker.cli.docs:init",
        "diff": "checker.cli.audit:diff_command",
        "verify": "checker.cli.audit:verify_command",
        "history": "checker.cli.audit:history_command",
        "test": "checker.cli.packs:test_command",
        "pack": "checker.cli.packs:pack_group",
        # imported only when `checker serve` runs: `check` never loads the web server
        "serve": "checker.serve.command:serve_command",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = self.COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target.split(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command


@click.group("checker", cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@version_option("checker")
def checker_main() -> None:
    """Tools around the compliance checker: the rules, parameters and reports.

    To check a project, use `check PATH`.
    """
