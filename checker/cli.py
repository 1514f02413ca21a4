"""The command line: a thin edge that maps domain errors to messages and exit codes.

Exit codes: 0 approved (with or without warnings), 1 rejected, 3 needs review, 2 invalid input or
usage, 70 an internal error (a bug: please report it). Library code never prints or exits.
"""

from __future__ import annotations

import atexit
import codecs
import contextlib
import datetime as dt
import errno
import gc
import importlib
import io
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, NamedTuple

import click

from checker import __version__, i18n
from checker.errors import CheckerError, InputError, RuleDataError, UsageError, quoted
from checker.hints import date_hint
from checker.source import DEFAULT_LIMITS, MAX_FILE_BYTES, Limits

EXIT_INVALID = 2
EXIT_INTERNAL = 70
# the report formats (kept here, not imported from checker.report, so `--help` stays fast)
_FORMATS = ("text", "markdown", "html", "json", "jsonl", "sarif", "junit", "csv", "github")
MAX_PROBLEMS_SHOWN = 50  # a spreadsheet pasted as YAML can hold thousands
# a worker costs ~20 MB and a core: beyond 64 a batch only exhausts memory (`-j 200` took 4 GB);
# batch.MAX_WORKERS, repeated so that `check --help` need not import the batch machinery
MAX_JOBS = 64
MAX_BYTES_LIMIT = 1 << 30  # --max-bytes: a project file is a few KB; more is a typo (10**30)


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        hint = date_hint(value)
        raise click.BadParameter(
            i18n.t("{value} is not a date YYYY-MM-DD", value=quoted(value))
            + (f" ({i18n.problem(hint)})" if hint else "")
        ) from None


USAGE_SHOWN_MAX = 300  # characters of a usage error: a 5 000-character value is cut, not echoed


def _usage_line(message: str) -> str:
    from checker.errors import shown

    return i18n.t("error: {message} (see --help)", message=shown(message.rstrip(".。"), USAGE_SHOWN_MAX))


class _UsageLine(click.ClickException):
    """A usage error shown as one line, in the `error: ...` form of every other input error."""

    exit_code = EXIT_INVALID

    def show(self, file: Any = None) -> None:
        _say(_usage_line(self.format_message()))


class _OneLineMain:
    """Every command's usage errors (a bad option value, a missing argument, an unknown
    subcommand) as one `error:` line and exit 2, instead of click's multi-line usage block; an
    interrupt while the command line is parsed is exit 130 without a traceback."""

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        # help and usage errors come before --lang is parsed: the language is decided here
        i18n.decide(sys.argv[1:] if args is None else args)
        i18n.install_click()
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)  # type: ignore[misc]
        try:
            super().main(args, prog_name, complete_var, False, **extra)  # type: ignore[misc]
        except click.UsageError as exc:
            _say(_usage_line(exc.format_message()))
            sys.exit(EXIT_INVALID)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except (click.Abort, KeyboardInterrupt):
            sys.exit(130)
        sys.exit(0)


class _Translated:
    """Help in the chosen language: the command's text from the catalogue of command helps, each
    option's from the message catalogue (the English text in the code is the key)."""

    name: str | None
    help: str | None

    # the catalogue's key for the command's help: its name, unless two commands share one
    # (`checker init` and `checker pack init`)
    help_key: str | None = None

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _swapped(self, "help", i18n.command_help(self.help_key or self.name or "", self.help)):
            super().format_help_text(ctx, formatter)  # type: ignore[misc]

    def get_short_help_str(self, limit: int = 45) -> str:
        text = i18n.command_help(self.help_key or self.name or "", self.help)
        if i18n.current() == "zh" and text:
            return text.strip().split("\n")[0].split("。")[0]
        return super().get_short_help_str(limit)  # type: ignore[misc]

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        created = getattr(self, "_help_option", None) is None
        option: click.Option | None = super().get_help_option(ctx)  # type: ignore[misc]
        if created and option is not None:  # click keeps it, worded in the language of its first use
            option.help = "Show this message and exit."  # translated when shown
        return option

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces: list[str] = super().collect_usage_pieces(ctx)  # type: ignore[misc]
        return [i18n.t(piece) for piece in pieces]

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        params = [p for p in self.get_params(ctx) if getattr(p, "help", None)]  # type: ignore[attr-defined]
        with contextlib.ExitStack() as stack:
            for param in params:
                stack.enter_context(_swapped(param, "help", i18n.t(param.help)))  # type: ignore[attr-defined]
            super().format_options(ctx, formatter)  # type: ignore[misc]


@contextlib.contextmanager
def _swapped(target: Any, attribute: str, value: Any) -> Iterator[None]:
    original = getattr(target, attribute)
    setattr(target, attribute, value)
    try:
        yield
    finally:
        setattr(target, attribute, original)


class _OneLineErrors(_Translated, _OneLineMain, click.Command):
    """`check`, and every `checker` subcommand: usage errors on one line."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            raise _UsageLine(exc.format_message()) from None


class _TranslatedGroup(_OneLineErrors, click.Group):
    """A `checker` subcommand with subcommands of its own (`checker pack`): help in the chosen
    language, usage errors on one line."""


# formats read by programs (JSON and its relatives, CSV, HTML): UTF-8 whatever the console uses
MACHINE_FORMATS = ("json", "jsonl", "sarif", "junit", "csv", "html", "github")


def _write_utf8(text: str) -> None:
    """Print a machine-readable report as UTF-8 bytes, as written: JSON is UTF-8 by definition,
    and a spreadsheet recognises the CSV's byte order mark only in UTF-8."""
    from checker.report_output import write_stdout

    write_stdout(text.encode("utf-8", "surrogateescape"))  # a file name's undecodable bytes as given


def output_encoding(fmt: str) -> tuple[str, str, str]:
    """How a batch's workers encode their output for stdout: (encoding, errors, line ending).

    Machine formats are UTF-8 as written (a file name's undecodable bytes written back as they
    were given, as Python prints them); text reports take the console's encoding (a character it
    lacks becomes a visible escape) and, as text written to it would, its line ending."""
    if fmt in MACHINE_FORMATS:
        return "utf-8", "surrogateescape", "\n"
    errors = getattr(sys.stdout, "errors", None) or "strict"
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    return encoding, "backslashreplace" if errors == "strict" else errors, os.linesep


def _legible_output() -> None:
    """Make sure every character of a report can be printed on stdout and stderr.

    The reports are Chinese text with a few signs beyond GBK (m³, µ, ∉). Where a redirected file or
    pipe is GBK (Chinese Windows: code page 936), printing them failed with an internal error;
    GB18030 writes every GBK character with the same bytes and has the rest, so such a stream is
    switched to it (a viewer reading it as GBK shows only those few signs garbled). Any other
    stream that cannot encode a character writes it as a visible escape (\\xb3) rather than
    failing. Machine-readable formats are written as UTF-8 whatever the stream (`_write_utf8`).
    """
    for stream in (sys.stdout, sys.stderr):
        encoding, reconfigure = getattr(stream, "encoding", None), getattr(stream, "reconfigure", None)
        if not encoding or reconfigure is None:
            continue
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            continue
        if name in ("gbk", "gb2312"):
            reconfigure(encoding="gb18030")
        elif not name.startswith(("utf-", "gb18030")) and getattr(stream, "errors", "") == "strict":
            reconfigure(errors="backslashreplace")


def _say(line: str) -> None:
    """One line on stderr; a stderr that cannot be written (a full disk, closed) loses the line,
    never the exit code."""
    try:
        stream = sys.stderr
        if stream is not None:
            stream.write(line + "\n")
            stream.flush()
    except (OSError, ValueError):
        pass


# errors of the output streams and files, not of the checker: exit 2, never 70
_OUTPUT_ERRNOS = frozenset((errno.EPIPE, errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG, errno.EBADF))


def _finish_stdout() -> None:
    """Flush standard output now, inside the guard, so a failure is reported with exit 2; after a
    failure, point it at the null device so the interpreter's own flush at exit stays quiet."""
    from checker.report_output import stdout_failure

    stream = sys.stdout
    if stream is None:
        return
    try:
        stream.flush()
    except OSError as exc:
        _silence_stdout()
        raise stdout_failure(exc) from None
    except ValueError:  # closed
        pass


class _ClosedStdout(io.RawIOBase):
    """Standard output of a process started with it closed (Python then sets sys.stdout to None,
    and printing to None prints nothing): every write fails, so the run says so and exits 2."""

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


def _stand_in_for_closed_stdout() -> None:
    global _closed_stdout
    if sys.stdout is None:
        _closed_stdout = io.TextIOWrapper(_ClosedStdout(), encoding="utf-8")
        sys.stdout = _closed_stdout


_closed_stdout: io.TextIOWrapper | None = None


def _silence_stdout() -> None:
    if _closed_stdout is not None and sys.stdout is _closed_stdout:
        sys.stdout = None  # nothing for the interpreter to flush at exit
        return
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _run_guarded(action: Callable[[], int], debug: bool) -> None:
    """Run `action`, turning domain errors into one clear message and the right exit code."""
    try:
        _stand_in_for_closed_stdout()
        _legible_output()
        code = action()
        _finish_stdout()
    except InputError as exc:
        for problem in exc.problems[:MAX_PROBLEMS_SHOWN]:
            _say(error_line(str(problem)))
        if len(exc.problems) > MAX_PROBLEMS_SHOWN:
            more = len(exc.problems) - MAX_PROBLEMS_SHOWN
            _say(i18n.t("error: ... and {more} more problems (fix the ones above first)", more=more))
        sys.exit(EXIT_INVALID)
    except (UsageError, RuleDataError) as exc:
        from checker.errors import OutputError

        if isinstance(exc, OutputError):
            _silence_stdout()
        _say(error_line(str(exc)))
        sys.exit(EXIT_INVALID)
    except CheckerError as exc:
        _say(error_line(str(exc)))
        sys.exit(EXIT_INTERNAL)
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as exc:
        if exc.errno not in _OUTPUT_ERRNOS:
            _internal_error(exc, debug)
        _silence_stdout()
        from checker.report_output import stdout_failure

        _say(error_line(str(stdout_failure(exc))))
        sys.exit(EXIT_INVALID)
    except Exception as exc:
        _internal_error(exc, debug)
    sys.exit(code)


def error_line(message: str) -> str:
    """One `error:` line of a domain error, its prose in the chosen language (names, paths, key
    paths, lines and values as they are)."""
    return i18n.t("error: {message}", message=i18n.problem(message))


def _internal_error(exc: BaseException, debug: bool) -> None:
    from checker.errors import shown

    if debug:
        with contextlib.suppress(OSError, ValueError):
            traceback.print_exc()
    _say(
        i18n.t("internal error: {kind}: {detail}", kind=type(exc).__name__, detail=shown(exc, 500))
        + "\n"
        + i18n.t(
            "This is a bug in the checker; please report it with the input file "
            "(run again with --debug for the details)."
        )
    )
    sys.exit(EXIT_INTERNAL)


def _make_checker(
    as_of: dt.date | None,
    params_file: str | None,
    limits: Limits = DEFAULT_LIMITS,
    waivers_file: str | None = None,
) -> Any:
    from checker.factory import make_checker

    return make_checker(as_of, params_file, limits, waivers_file)


def _select_rules(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    from checker import packs

    packs.select(value)


# `--rules DIR` on every command that loads rules: the pack the command runs with
rules_option = click.option(
    "--rules",
    "rules_dir",
    type=click.Path(),
    metavar="DIR",
    callback=_select_rules,
    expose_value=False,
    help="A rule pack (a folder with pack.yaml) to use instead of the shipped rules (nm-14th-fyp).",
)


def _select_engine(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    from checker import evaluation

    evaluation.select(value)


# `--engine` on every command that evaluates rules: which engine does (the findings are the same)
engine_option = click.option(
    "--engine",
    type=click.Choice(["durable", "reference"]),
    default="durable",
    show_default=True,
    callback=_select_engine,
    expose_value=False,
    help="The rules engine: durable (durable_rules) or reference (the pure-Python reference "
    "evaluator). Both give the same findings.",
)

_common_options = [
    rules_option,
    click.option(
        "--as-of",
        "as_of",
        callback=_parse_date,
        metavar="YYYY-MM-DD",
        help="Check date: picks the parameters in force and expires waivers. Default: today.",
    ),
    click.option(
        "--params",
        "params_file",
        type=click.Path(dir_okay=False),
        metavar="FILE",
        help="A review authority's policy file overriding parameter values.",
    ),
    click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default=None,
        help="Language of the report and messages. Default: from the locale (LANG, "
        "LC_ALL; en_* English), else Chinese.",
    ),
    click.option("--debug", is_flag=True, help="Show a traceback on internal errors."),
]


def _with_common(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_common_options):
        func = option(func)
    return func


def _version_option(prog: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--version` in the chosen language: click words its message once, when the module is
    imported, before the language of the run is known; this words it when it is printed."""

    def show(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
        if not value or ctx.resilient_parsing:
            return
        click.echo(i18n.t("%(prog)s, version %(version)s") % {"prog": prog, "version": __version__})
        ctx.exit()

    return click.option(
        "--version", is_flag=True, expose_value=False, is_eager=True, callback=show, help="Show the version and exit."
    )


@click.command("check", cls=_OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, required=True, type=click.Path(), metavar="PATH...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(_FORMATS)),
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
@click.option(
    "--waivers",
    "waivers_file",
    type=click.Path(dir_okay=False),
    metavar="REGISTER",
    help="The review authority's waiver register (format 1). Only its entries waive; "
    "a waiver written in the project file is a claim that a person must verify.",
)
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
@_with_common
@_version_option("check")
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

    _run_guarded(action, debug)


def protected_paths(
    inputs: tuple[str, ...] | list[str], record: str | None, params_file: str | None, waivers_file: str | None = None
) -> list[tuple[str, str]]:
    """What a report must never be written over: every file this run reads or keeps."""
    found = [("the input file", path) for path in inputs]
    if record is not None:
        from checker.ledger import sqlite_file

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
    from checker import report, report_output
    from checker.verdict import gated_exit_code

    chosen = fmt or (report.format_for(output) if output else "text")
    if record is not None:  # a ledger that cannot be named is refused before any work
        from checker.ledger import ledger_url

        ledger_url(record)
    if output is not None:  # refused before any work: an empty name, a device, a protected file
        report_output.writable_target(output, protected_paths((path,), record, params_file, waivers_file))
    limits = Limits(max_bytes=max_bytes)
    checker = _make_checker(as_of, params_file, limits, waivers_file)
    result = checker.check_path(path, limits)
    compact = not text.verbose
    if output is not None:  # a file never gets colour codes
        report_output.write_atomically(
            output,
            report.render(result, chosen, lang, compact=compact),
            protected_paths((path,), record, params_file, waivers_file),
        )
        from checker.receipts import written

        _say(written(output, result.verdict, lang))
    else:
        color = chosen == "text" and text.paints()
        rendered = report.render(result, chosen, lang, color=color, compact=compact)
        if chosen in MACHINE_FORMATS:
            _write_utf8(rendered)
        else:
            encoding, errors, newline = output_encoding(chosen)
            report_output.write_stdout(rendered.replace("\n", newline).encode(encoding, errors))
    if record is not None:  # only once the whole report is out: no entry for a lost report
        from checker.ledger import record as record_entry
        from checker.receipts import recorded

        entry = record_entry(record, result)
        _say(recorded(record, [entry.seq], entry.entry_hash, lang))
    return gated_exit_code(result.verdict, fail_on)


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
    from checker.batch import Settings, default_jobs
    from checker.cli_batch import check_batch
    from checker.inputs import expand_paths

    if output is not None:
        raise UsageError(i18n.t("--output takes one project; for several, redirect the output (> file)"))
    if record is not None:
        from checker.ledger import ledger_url

        ledger_url(record)  # an empty name or a URL without a file: refused before any work
    encoding, errors, newline = output_encoding(fmt or "text")
    settings = Settings(
        fmt=fmt or "text",
        lang=lang,
        as_of=as_of,
        params_file=params_file,
        limits=limits,
        record=record,
        encoding=encoding,
        errors=errors,
        newline=newline,
        waivers_file=waivers_file,
        verbose=text.verbose,
        color=(fmt or "text") == "text" and text.paints(),
    )
    return check_batch(expand_paths(list(paths)), settings, jobs or default_jobs(), fail_on)


class _LazyGroup(_Translated, _OneLineMain, click.Group):
    """Subcommands are imported only when one runs: `check FILE` (same module) and `checker X`
    then load only what they use (the ledger's SQLAlchemy, the docs' schema building...)."""

    COMMANDS: ClassVar[dict[str, str]] = {
        "rules": "checker.cli_catalogue:rules_command",
        "params": "checker.cli_catalogue:params_command",
        "explain": "checker.cli_docs:explain",
        "schema": "checker.cli_docs:schema",
        "init": "checker.cli_docs:init",
        "diff": "checker.cli_audit:diff_command",
        "verify": "checker.cli_audit:verify_command",
        "history": "checker.cli_audit:history_command",
        "test": "checker.cli_packs:test_command",
        "pack": "checker.cli_packs:pack_group",
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
@_version_option("checker")
def checker_main() -> None:
    """Tools around the compliance checker: the rules, parameters and reports.

    To check a project, use `check PATH`.
    """
