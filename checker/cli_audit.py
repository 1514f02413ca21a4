"""The auditor's commands: `checker diff` (policy what-if), `checker verify` and `checker history`.

Kept apart from `cli.py`, which other work edits heavily; `cli.py` only registers these commands.
Like the rest of the CLI this is a thin edge: the library returns data, this module prints it and
chooses the exit code (2 for bad input or usage, through the shared guard).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

EXIT_DIFFERENT = 1


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    from checker.cli import _parse_date

    return _parse_date(ctx, param, value)


def _guard(action: Any, debug: bool) -> None:
    from checker.cli import _run_guarded

    _run_guarded(action, debug)


def _label(params_file: str | None, as_of: dt.date) -> str:
    source = f"policy {params_file}" if params_file else "shipped parameters"
    return f"{source}, as of {as_of.isoformat()}"


@click.command("diff", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--params", "params_file", type=click.Path(dir_okay=False), metavar="NEW.yaml",
              help="The policy file to try (default: the shipped parameters).")
@click.option("--base-params", "base_params_file", type=click.Path(dir_okay=False), metavar="OLD.yaml",
              help="The policy file to compare against (default: the shipped parameters).")
@click.option("--as-of", "as_of", callback=_date, metavar="YYYY-MM-DD",
              help="Check date of the new side. Default: today.")
@click.option("--base-as-of", "base_as_of", callback=_date, metavar="YYYY-MM-DD",
              help="Check date of the base side. Default: the --as-of date.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json", "csv"]), default="text",
              show_default=True)
@click.option("--debug", is_flag=True, help="Show a traceback on internal errors.")
def diff_command(paths: tuple[str, ...], params_file: str | None, base_params_file: str | None,
                 as_of: dt.date | None, base_as_of: dt.date | None, fmt: str, debug: bool) -> None:
    """Which projects change verdict or rule status under other parameters (or another date).

    PATHS are project files or folders (searched recursively for *.yaml and *.yml).

    \b
    Examples:
      checker diff projects/ --params tighter.yaml
      checker diff registry/ --params 2026.yaml --base-params 2025.yaml --format csv
      checker diff registry/ --as-of 2026-01-01 --base-as-of 2025-01-01

    \b
    Exit codes: 0 nothing changes, 1 some project changes, 2 invalid input or usage.
    Files that cannot be checked are listed in the report and do not stop the comparison.
    """

    def action() -> int:
        from checker.check import Checker, default_as_of
        from checker.errors import UsageError
        from checker.parameters import load_policy, resolve
        from checker.ruleset import load_ruleset
        from checker.whatif import compare
        from checker.whatif_render import render

        new_date = as_of or default_as_of()
        base_date = base_as_of or new_date
        if params_file is None and base_params_file is None and base_date == new_date:
            raise UsageError("nothing to compare: give --params, --base-params or --base-as-of")
        ruleset = load_ruleset()
        new = Checker(ruleset, resolve(new_date, load_policy(params_file) if params_file else None))
        base = Checker(ruleset, resolve(base_date, load_policy(base_params_file) if base_params_file else None))
        result = compare(base, new, paths, _label(base_params_file, base_date), _label(params_file, new_date))
        click.echo(render(result, fmt), nl=False)
        for unreadable in result.unreadable:
            click.echo(f"warning: {unreadable.path}: could not be checked", err=True)
        return EXIT_DIFFERENT if result.changes else 0

    _guard(action, debug)
