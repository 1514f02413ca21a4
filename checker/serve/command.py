"""`checker serve`: the command that starts the web server.

Only click is imported here, so `checker --help` and the help of this command need neither the
web framework nor the rules engine; those are imported when the server starts.
"""

from __future__ import annotations

import click

from checker.cli import i18n
from checker.cli.edge import (
    MAX_BYTES_LIMIT,
    MAX_JOBS,
    OneLineErrors,
    params_option,
    rules_option,
    run_guarded,
    waivers_option,
)
from checker.input.source import MAX_FILE_BYTES


@click.command("serve", cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True, help="The port to listen on."
)
@click.option(
    "--token",
    envvar="CHECKER_TOKEN",
    metavar="T",
    help="Require this token (Authorization: Bearer T, or the page's sign-in) on every page and API call; "
    "also read from CHECKER_TOKEN. Required to listen on any address other than loopback.",
)
@click.option(
    "--record",
    metavar="LEDGER",
    help="Append every verdict to a ledger (a SQLite file path or a postgresql:// URL); "
    "enables the ledger's history and verification.",
)
@rules_option
@params_option
@waivers_option
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1, max=MAX_JOBS),
    default=None,
    metavar="N",
    help=f"Worker processes that run the checks (at most {MAX_JOBS}). Default: the number of cores.",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1, max=MAX_BYTES_LIMIT),
    default=MAX_FILE_BYTES,
    show_default=True,
    help="Refuse project files larger than this with 413 (at most 1 GiB).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1, max=600),
    default=10.0,
    show_default=True,
    help="Seconds one check may take before the request is answered 503.",
)
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    metavar="ORIGIN",
    help="Allow browser calls from this origin (repeatable). Default: none, CORS is off.",
)
@click.option("--debug", is_flag=True, help="Show a traceback on internal errors.")
def serve_command(
    host: str,
    port: int,
    token: str | None,
    record: str | None,
    params_file: str | None,
    waivers_file: str | None,
    jobs: int | None,
    max_bytes: int,
    timeout: float,
    cors_origins: tuple[str, ...],
    debug: bool,
) -> None:
    """Serve the checker to browsers and other systems: a Chinese page and a JSON API.

    The page (English by a switch) checks uploaded or pasted project files and shows the report,
    fills a project from a form, and lists the rules and parameters in force. The API under
    /api/v1/ answers `check` with the bytes the CLI prints; its OpenAPI description is at
    /openapi.json. Checks run in worker processes. SIGTERM or Ctrl-C stops the server after
    the requests under way.

    \b
    Examples:
      checker serve
      checker serve --port 8080 -j 4 --record ledger.sqlite
      CHECKER_TOKEN=... checker serve --host 0.0.0.0

    \b
    Exit codes: 0 stopped, 2 invalid usage (a non-loopback address without --token,
    a bad --params file, the extra `serve` not installed).
    """

    def action() -> int:
        from checker.errors import UsageError
        from checker.serve.config import MIN_TOKEN_LENGTH, ServeConfig, is_loopback

        if token is not None and len(token) < MIN_TOKEN_LENGTH:
            raise UsageError(i18n.t("--token must be at least {n} characters", n=MIN_TOKEN_LENGTH))
        if not is_loopback(host) and token is None:
            raise UsageError(
                i18n.t("refusing to listen on {host} without --token: only loopback is served without one", host=host)
            )
        if record is not None:
            from checker.audit.ledger import ledger_url

            ledger_url(record)
        try:
            import fastapi  # noqa: F401
            import uvicorn
        except ImportError:
            raise UsageError(
                i18n.t("checker serve needs the serve extra: pip install 'nm-project-checker[serve]'")
            ) from None
        from checker.batch.runner import default_jobs
        from checker.serve.run import serve

        config = ServeConfig(
            host=host,
            port=port,
            token=token,
            record=record,
            params_file=params_file,
            waivers_file=waivers_file,
            jobs=jobs or default_jobs(),
            max_bytes=max_bytes,
            timeout=timeout,
            cors_origins=cors_origins,
        )
        return serve(config, uvicorn)

    run_guarded(action, debug)
