"""The command line: a thin edge that maps domain errors to messages and exit codes.

Exit codes: 0 approved (with or without warnings), 1 rejected, 3 needs review, 2 invalid input or
usage, 70 an internal error (a bug: please report it). Library code never prints or exits.
"""

from __future__ import annotations

import datetime as dt
import sys
import traceback
from collections.abc import Callable
from typing import Any

import click

from checker import __version__
from checker.errors import CheckerError, InputError, RuleDataError, UsageError
from checker.hints import date_hint
from checker.source import DEFAULT_LIMITS, MAX_FILE_BYTES, Limits

EXIT_INVALID = 2
EXIT_INTERNAL = 70
MAX_PROBLEMS_SHOWN = 50  # a spreadsheet pasted as YAML can hold thousands


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        hint = date_hint(value)
        raise click.BadParameter(
            f"{value!r} is not a date YYYY-MM-DD" + (f" ({hint})" if hint else "")
        ) from None


class _UsageLine(click.ClickException):
    """A usage error shown as one line, in the `error: ...` form of every other input error."""

    exit_code = EXIT_INVALID

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message().rstrip('.')} (see --help)", err=True)


class _OneLineErrors(click.Command):
    """Reports a bad option value, a missing PATH or a directory given as PATH on one line and
    exits 2, instead of click's three-line usage block."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None,
                     **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            raise _UsageLine(exc.format_message()) from None


def _run_guarded(action: Callable[[], int], debug: bool) -> None:
    """Run `action`, turning domain errors into one clear message and the right exit code."""
    try:
        code = action()
    except InputError as exc:
        for problem in exc.problems[:MAX_PROBLEMS_SHOWN]:
            click.echo(f"error: {problem}", err=True)
        if len(exc.problems) > MAX_PROBLEMS_SHOWN:
            more = len(exc.problems) - MAX_PROBLEMS_SHOWN
            click.echo(f"error: ... and {more} more problems (fix the ones above first)", err=True)
        sys.exit(EXIT_INVALID)
    except (UsageError, RuleDataError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_INVALID)
    except CheckerError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_INTERNAL)
    except (KeyboardInterrupt, BrokenPipeError):
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for users
        if debug:
            traceback.print_exc()
        click.echo(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in the checker; please report it with the input file "
            "(run again with --debug for the details).",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
    sys.exit(code)


def _make_checker(
    as_of: dt.date | None, params_file: str | None, limits: Limits = DEFAULT_LIMITS
) -> Any:
    from checker.check import Checker, default_as_of
    from checker.parameters import load_policy, resolve
    from checker.ruleset import load_ruleset

    policy = load_policy(params_file, limits) if params_file else None
    return Checker(load_ruleset(), resolve(as_of or default_as_of(), policy))


_common_options = [
    click.option("--as-of", "as_of", callback=_parse_date, metavar="YYYY-MM-DD",
                 help="Check date: picks the parameters in force and expires waivers. Default: today."),
    click.option("--params", "params_file", type=click.Path(dir_okay=False), metavar="FILE",
                 help="A review authority's policy file overriding parameter values."),
    click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                 help="Language of the report."),
    click.option("--debug", is_flag=True, help="Show a traceback on internal errors."),
]


def _with_common(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_common_options):
        func = option(func)
    return func


@click.command(cls=_OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Report format.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=MAX_FILE_BYTES, show_default=True,
              help="Refuse input files larger than this.")
@_with_common
@click.version_option(__version__, "--version", prog_name="check")
def check_main(path: str, fmt: str, max_bytes: int, as_of: dt.date | None,
               params_file: str | None, lang: str, debug: bool) -> None:
    """Check one project description (project.yaml) against the plan's rules.

    \b
    Examples:
      check projects/ordos-calcium-carbide.yaml
      check projects/hohhot-data-centre.yaml --format json --as-of 2022-06-01
      check project.yaml --params policy.yaml --lang en

    \b
    Exit codes: 0 approved (with or without warnings), 1 rejected,
    3 needs review, 2 invalid input or usage, 70 internal error.
    """

    def action() -> int:
        from checker import report
        from checker.verdict import exit_code

        limits = Limits(max_bytes=max_bytes)
        checker = _make_checker(as_of, params_file, limits)
        result = checker.check_path(path, limits)
        click.echo(report.render(result, fmt, lang), nl=False)
        return exit_code(result.verdict)

    _run_guarded(action, debug)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="checker")
def checker_main() -> None:
    """Tools around the compliance checker: the rules, parameters and reports.

    To check a project, use `check PATH`.
    """
