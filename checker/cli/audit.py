"""The auditor's commands: `checker diff` (policy what-if), `checker verify` and `checker history`.

Kept apart from `cli.py`, which other work edits heavily; `cli.py` only registers these commands.
Like the rest of the CLI this is a thin edge: the library returns data, this module prints it and
chooses the exit code (2 for bad input or usage, through the shared guard).
"""

from __future__ import annotations

import datetime as dt
import os

import click

from checker.cli import i18n
from checker.cli.edge import MAX_JOBS, OneLineErrors, engine_option, parse_date, rules_option, run_guarded
from checker.input.source import MAX_FILE_BYTES
from checker.vocabulary import ExitCode

EXIT_DIFFERENT = ExitCode.DIFFERS


def verdict_name(verdict: str) -> str:
    """A verdict in the chosen language (`rejected` → 不予通过), as the reports name it."""
    from checker.batch.summary import _verdict_labels

    return _verdict_labels().get(verdict, {}).get(i18n.current(), verdict)


def _label(params_file: str | None, as_of: dt.date, waivers_file: str | None = None, lang: str = "en") -> str:
    from checker.audit.diff_render import side_label

    return side_label(params_file, as_of.isoformat(), waivers_file, lang)


@click.command("diff", cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--params",
    "params_file",
    type=click.Path(dir_okay=False),
    metavar="NEW.yaml",
    help="The policy file to try (default: the shipped parameters).",
)
@click.option(
    "--base-params",
    "base_params_file",
    type=click.Path(dir_okay=False),
    metavar="OLD.yaml",
    help="The policy file to compare against (default: the shipped parameters).",
)
@click.option(
    "--as-of", "as_of", callback=parse_date, metavar="YYYY-MM-DD", help="Check date of the new side. Default: today."
)
@click.option(
    "--base-as-of",
    "base_as_of",
    callback=parse_date,
    metavar="YYYY-MM-DD",
    help="Check date of the base side. Default: the --as-of date.",
)
@click.option(
    "--waivers",
    "waivers_file",
    type=click.Path(dir_okay=False),
    metavar="REGISTER",
    help="The review authority's waiver register, for both sides (its decisions are not the policy being tried).",
)
@click.option(
    "--base-waivers",
    "base_waivers_file",
    type=click.Path(dir_okay=False),
    metavar="OLD",
    help="A different register for the base side (default: the --waivers register).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json", "csv"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1, max=MAX_JOBS),
    default=None,
    metavar="N",
    help=f"Worker processes (at most {MAX_JOBS}). Default: the number of cores; 1 checks in this process.",
)
@rules_option
@engine_option
@click.option("--debug", is_flag=True, help="Show a traceback on internal errors.")
def diff_command(
    paths: tuple[str, ...],
    params_file: str | None,
    base_params_file: str | None,
    waivers_file: str | None,
    base_waivers_file: str | None,
    as_of: dt.date | None,
    base_as_of: dt.date | None,
    fmt: str,
    jobs: int | None,
    debug: bool,
) -> None:
    """Which projects change verdict or rule status under other parameters (or another date).

    PATHS are project files or folders (searched recursively for *.yaml and *.yml).

    \b
    Examples:
      checker diff projects/ --params tighter.yaml
      checker diff registry/ --params 2026.yaml --base-params 2025.yaml --format csv
      checker diff registry/ --as-of 2026-01-01 --base-as-of 2025-01-01
      checker diff registry/ --waivers register-2026.yaml --base-waivers register-2025.yaml

    \b
    Exit codes: 0 nothing changes, 1 some project changes, 2 invalid input or usage.
    Files that cannot be checked are listed in the report and do not stop the comparison.
    """

    def action() -> int:
        from checker.audit.diff import compare_in_batch
        from checker.audit.diff_render import render
        from checker.batch.runner import Settings, default_jobs
        from checker.check import default_as_of
        from checker.errors import UsageError, shown
        from checker.factory import make_checker

        if not any(os.path.lexists(p) for p in paths):
            raise UsageError(i18n.t("{path}: no such file or folder (nothing to compare)", path=shown(paths[0])))
        new_date = as_of or default_as_of()
        base_date = base_as_of or new_date
        base_register = base_waivers_file or waivers_file
        if params_file is None and base_params_file is None and base_date == new_date and base_register == waivers_file:
            raise UsageError(i18n.t("nothing to compare: give --params, --base-params, --base-as-of or --base-waivers"))
        # build both sides here first: a bad policy file or register is a usage error before any work
        new_checker = make_checker(new_date, params_file, waivers_file=waivers_file)
        base_checker = make_checker(base_date, base_params_file, waivers_file=base_register)
        new = Settings(fmt="summary", lang="zh", as_of=new_date, params_file=params_file, waivers_file=waivers_file)
        base = Settings(
            fmt="summary", lang="zh", as_of=base_date, params_file=base_params_file, waivers_file=base_register
        )
        # the sides' labels are in the JSON and CSV too: in English there, as their keys are
        lang = i18n.current() if fmt in ("text", "markdown") else "en"  # JSON and CSV: for programs
        result = compare_in_batch(
            base,
            new,
            paths,
            jobs or default_jobs(),
            _label(base_params_file, base_date, base_register, lang),
            _label(params_file, new_date, waivers_file, lang),
        )
        from checker.reports.render import notice_message

        result.notices = [  # a side dated after the rules' plan period says so, as a check does
            {"side": side, "code": notice.code, "message": notice_message(notice, lang)}
            for side, made in (("base", base_checker), ("new", new_checker))
            for notice in made.notices
        ]
        click.echo(render(result, fmt, lang, i18n.problem), nl=False)
        for unreadable in result.unreadable:
            click.echo(i18n.t("warning: {path}: could not be checked", path=unreadable.path), err=True)
        return EXIT_DIFFERENT if result.changes else 0

    run_guarded(action, debug)


@click.command("verify", cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("ledger")
@click.option(
    "--entry",
    type=click.IntRange(min=1),
    metavar="N",
    help="Re-run only entry N (the chain up to it is still checked).",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1, max=2**31),
    default=MAX_FILE_BYTES,
    show_default=True,
    help="The largest stored input to inflate and re-run (as check --max-bytes).",
)
@engine_option
@click.option("--debug", is_flag=True, help="Show a traceback on internal errors.")
def verify_command(ledger: str, entry: int | None, max_bytes: int, debug: bool) -> None:
    """Check a verdict ledger's hash chain and re-run its stored inputs.

    LEDGER is a SQLite file path or a postgresql:// URL. Each entry is re-checked with the ruleset
    and parameters it was recorded with; the verdict and every finding must be reproduced.

    \b
    Exit codes: 0 every entry verified, 1 an entry was tampered with, differs on re-run or
    cannot be re-run, 2 invalid input or usage (no such ledger, no such entry).
    """

    def action() -> int:
        from checker.audit.ledger import Ledger
        from checker.audit.verify import report_lines, verify

        with Ledger(ledger, create=False) as opened:
            report = verify(opened, entry, max_bytes)
        for line in report_lines(report, i18n.current()):
            click.echo(line)
        return 0 if report.ok else EXIT_DIFFERENT

    run_guarded(action, debug)


@click.command("history", cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("ledger")
@click.argument("project_id", required=False)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format."
)
@click.option("--debug", is_flag=True, help="Show a traceback on internal errors.")
def history_command(ledger: str, project_id: str | None, fmt: str, debug: bool) -> None:
    """The verdicts each project (or PROJECT_ID) received over time, and what changed in between.

    Between consecutive entries of a project it names what changed: the input file, the ruleset,
    the parameters, the check date or the waiver register. Exit 2 if the project has no entry.
    """

    def action() -> int:
        import json

        from checker.audit.history import history_json, project_history
        from checker.audit.ledger import Ledger
        from checker.errors import UsageError

        with Ledger(ledger, create=False) as opened:
            grouped = project_history(opened.entries(project_id=project_id))
        if project_id is not None and not grouped:
            raise UsageError(i18n.t("no entry for project {project} in {ledger}", project=project_id, ledger=ledger))
        if fmt == "json":
            click.echo(
                json.dumps(
                    {key: history_json(rows) for key, rows in grouped.items()},
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return 0
        for key, rows in grouped.items():
            click.echo(f"{key} {rows[-1].entry.project_name} ({rows[-1].entry.league_city})")
            for row in rows:
                e = row.entry
                since = (
                    i18n.t("first entry")
                    if row is rows[0]
                    else i18n.t("changed: {what}", what=", ".join(i18n.t(c) for c in row.changed))
                    if row.changed
                    else i18n.t("nothing changed")
                )
                click.echo(
                    i18n.t(
                        "  #{seq} {at} as of {as_of}: {verdict} — {since} [input {input}, ruleset {ruleset}, "
                        "parameters {params}]",
                        seq=e.seq,
                        at=e.recorded_at[:19],
                        as_of=e.as_of,
                        verdict=verdict_name(e.verdict),
                        since=since,
                        input=e.input_sha256[:12],
                        ruleset=e.ruleset_sha256[:12],
                        params=e.params_sha256[:12],
                    )
                )
        return 0

    run_guarded(action, debug)
