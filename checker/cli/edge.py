"""The command line's shared edge: one-line usage and error messages, translated help, stdout that
fails loudly, the options every command takes, and the mapping of domain errors to exit codes.

Every command module (`app`, `audit`, `catalogue`, `docs`, `packs`, `batch`) builds on this one and
on nothing of each other's, so the commands load one way: `app` names the others, they name this.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import errno
import io
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import click

from checker import __version__
from checker.cli import i18n
from checker.errors import CheckerError, InputError, RuleDataError, UsageError, quoted
from checker.input.hints import date_hint
from checker.input.source import DEFAULT_LIMITS, Limits
from checker.vocabulary import ExitCode

# the report formats (kept here, not imported from checker.reports.render, so `--help` stays fast)
FORMATS = ("text", "markdown", "html", "json", "jsonl", "sarif", "junit", "csv", "github")
MAX_PROBLEMS_SHOWN = 50  # a spreadsheet pasted as YAML can hold thousands
# a worker costs ~20 MB and a core: beyond 64 a batch only exhausts memory (`-j 200` took 4 GB);
# batch.MAX_WORKERS, repeated so that `check --help` need not import the batch machinery
MAX_JOBS = 64
MAX_BYTES_LIMIT = 1 << 30  # --max-bytes: a project file is a few KB; more is a typo (10**30)


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
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

    exit_code = ExitCode.INVALID

    def show(self, file: Any = None) -> None:
        say(_usage_line(self.format_message()))


# pydantic's switch for its plugins (observability hooks that other installed packages register)
PYDANTIC_PLUGINS_VARIABLE = "PYDANTIC_DISABLE_PLUGINS"


def _no_pydantic_plugins() -> None:
    """The commands validate with pydantic's models without its plugins, unless the user says
    otherwise by setting the variable.

    To find plugins, pydantic imports `importlib.metadata` and reads the entry points of every
    installed distribution when it builds its first model: ~10 ms of each `check FILE` (and of
    each batch worker), longer the more packages the environment holds, for hooks that would
    observe the checker's internal models, and code of other packages run on every project file.
    """
    os.environ.setdefault(PYDANTIC_PLUGINS_VARIABLE, "__all__")


class OneLineMain(click.Command):
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
        _no_pydantic_plugins()
        # help and usage errors come before --lang is parsed: the language is decided here
        i18n.decide(sys.argv[1:] if args is None else args)
        i18n.install_click()
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            say(_usage_line(exc.format_message()))
            sys.exit(ExitCode.INVALID)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except (click.Abort, KeyboardInterrupt):
            sys.exit(ExitCode.INTERRUPTED)
        sys.exit(ExitCode.OK)


class Translated(click.Command):
    """Help in the chosen language: the command's text from the catalogue of command helps, each
    option's from the message catalogue (the English text in the code is the key)."""

    # the catalogue's key for the command's help: its name, unless two commands share one
    # (`checker init` and `checker pack init`)
    help_key: str | None = None

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _swapped(self, "help", i18n.command_help(self.help_key or self.name or "", self.help)):
            super().format_help_text(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        text = i18n.command_help(self.help_key or self.name or "", self.help)
        if i18n.current() == "zh" and text:
            return text.strip().split("\n")[0].split("。")[0]
        short: str = super().get_short_help_str(limit)
        return short

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        created = getattr(self, "_help_option", None) is None
        option: click.Option | None = super().get_help_option(ctx)
        if created and option is not None:  # click keeps it, worded in the language of its first use
            option.help = "Show this message and exit."  # translated when shown
        return option

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces: list[str] = super().collect_usage_pieces(ctx)
        return [i18n.t(piece) for piece in pieces]

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with contextlib.ExitStack() as stack:
            for param in self.get_params(ctx):
                text: str | None = getattr(param, "help", None)  # options have help, arguments not
                if text:
                    stack.enter_context(_swapped(param, "help", i18n.t(text)))
            super().format_options(ctx, formatter)


@contextlib.contextmanager
def _swapped(target: Any, attribute: str, value: Any) -> Iterator[None]:
    original = getattr(target, attribute)
    setattr(target, attribute, value)
    try:
        yield
    finally:
        setattr(target, attribute, original)


class OneLineErrors(Translated, OneLineMain, click.Command):
    """`check`, and every `checker` subcommand: usage errors on one line."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            raise _UsageLine(exc.format_message()) from None


class TranslatedGroup(OneLineErrors, click.Group):
    """A `checker` subcommand with subcommands of its own (`checker pack`): help in the chosen
    language, usage errors on one line."""


# formats read by programs (JSON and its relatives, CSV, HTML): UTF-8 whatever the console uses
MACHINE_FORMATS = ("json", "jsonl", "sarif", "junit", "csv", "html", "github")


def write_utf8(text: str) -> None:
    """Print a machine-readable report as UTF-8 bytes, as written: JSON is UTF-8 by definition,
    and a spreadsheet recognises the CSV's byte order mark only in UTF-8."""
    from checker.reports.output import write_stdout

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
    failing. Machine-readable formats are written as UTF-8 whatever the stream (`write_utf8`).
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


def say(line: str) -> None:
    """One line on stderr; a stderr that cannot be written (a full disk, closed) loses the line,
    never the exit code."""
    stream = sys.stderr
    try:
        if stream is not None:
            stream.write(line + "\n")
            stream.flush()
    except OSError:
        # a line-buffered stderr keeps what it could not write, and the interpreter's flush at
        # exit would fail on it again and exit 120: let that flush go to the null device
        _to_null_device(stream)
    except ValueError:  # closed
        pass


# errors of the output streams and files, not of the checker: exit 2, never 70
_OUTPUT_ERRNOS = frozenset((errno.EPIPE, errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG, errno.EBADF))


def _finish_stdout() -> None:
    """Flush standard output now, inside the guard, so a failure is reported with exit 2; after a
    failure, point it at the null device so the interpreter's own flush at exit stays quiet."""
    from checker.reports.output import stdout_failure

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

    name = "<stdout>"

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
    _to_null_device(sys.stdout)


def _to_null_device(stream: Any) -> None:
    """Point a standard stream's file descriptor at the null device, so that what it still holds
    is flushed there at exit."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


def run_guarded(action: Callable[[], int], debug: bool) -> None:
    """Run `action`, turning domain errors into one clear message and the right exit code."""
    try:
        _stand_in_for_closed_stdout()
        _legible_output()
        code = action()
        _finish_stdout()
    except InputError as exc:
        for problem in exc.problems[:MAX_PROBLEMS_SHOWN]:
            say(error_line(str(problem)))
        if len(exc.problems) > MAX_PROBLEMS_SHOWN:
            more = len(exc.problems) - MAX_PROBLEMS_SHOWN
            say(i18n.t("error: ... and {more} more problems (fix the ones above first)", more=more))
        sys.exit(ExitCode.INVALID)
    except (UsageError, RuleDataError) as exc:
        from checker.errors import OutputError

        if isinstance(exc, OutputError):
            _silence_stdout()
        say(error_line(str(exc)))
        sys.exit(ExitCode.INVALID)
    except CheckerError as exc:
        say(error_line(str(exc)))
        sys.exit(ExitCode.INTERNAL)
    except KeyboardInterrupt:
        sys.exit(ExitCode.INTERRUPTED)
    except OSError as exc:
        if exc.errno not in _OUTPUT_ERRNOS:
            _internal_error(exc, debug)
        _silence_stdout()
        from checker.reports.output import stdout_failure

        say(error_line(str(stdout_failure(exc))))
        sys.exit(ExitCode.INVALID)
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
    say(
        i18n.t("internal error: {kind}: {detail}", kind=type(exc).__name__, detail=shown(exc, 500))
        + "\n"
        + i18n.t(
            "This is a bug in the checker; please report it with the input file "
            "(run again with --debug for the details)."
        )
    )
    sys.exit(ExitCode.INTERNAL)


def make_checker_from_options(
    as_of: dt.date | None,
    params_file: str | None,
    limits: Limits = DEFAULT_LIMITS,
    waivers_file: str | None = None,
    fail_on: str = "review",
) -> Any:
    from checker.factory import make_checker

    return make_checker(as_of, params_file, limits, waivers_file, fail_on)


def _select_rules(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    from checker.rules import packs

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

# the review authority's own files: its parameter values and its waiver register (check, serve)
params_option = click.option(
    "--params",
    "params_file",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="A review authority's policy file overriding parameter values.",
)
waivers_option = click.option(
    "--waivers",
    "waivers_file",
    type=click.Path(dir_okay=False),
    metavar="REGISTER",
    help="The review authority's waiver register (format 1). Only its entries waive; "
    "a waiver written in the project file is a claim that a person must verify.",
)

_common_options = [
    rules_option,
    click.option(
        "--as-of",
        "as_of",
        callback=parse_date,
        metavar="YYYY-MM-DD",
        help="Check date: picks the parameters in force and expires waivers. Default: today.",
    ),
    params_option,
    click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default=None,
        help="Language of the report and messages. Default: from the locale (LANG, "
        "LC_ALL; en_* English), else Chinese.",
    ),
    click.option("--debug", is_flag=True, help="Show a traceback on internal errors."),
]


def with_common(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_common_options):
        func = option(func)
    return func


def version_option(prog: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
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
