"""Starting and stopping the server: workers first, then the listening socket, then uvicorn.

The worker processes are started before anything else runs threads (so they can be forked, and
a bad --params file is refused before the port is taken); the socket is bound here so an address
in use is one `error:` line and exit 2, not a log record. uvicorn handles SIGTERM and SIGINT:
it stops accepting, answers the requests under way (at most `GRACE` seconds), then the workers
are stopped.
"""

from __future__ import annotations

import socket
import sys
from typing import Any

from checker.cli import i18n
from checker.errors import CheckerError, InputError, Problem, UsageError
from checker.serve.config import ServeConfig

GRACE = 10  # seconds the requests under way get to finish once a stop is asked


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise UsageError(
            i18n.t("cannot listen on {host}:{port}: {reason}", host=host, port=port, reason=exc.strerror)
        ) from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def start_workers(config: ServeConfig) -> Any:
    """Started workers, or the error that stopped them (as the CLI reports it)."""
    from checker.batch.runner import Settings
    from checker.input.source import Limits
    from checker.serve.app import create_app  # noqa: F401 - imported before the workers fork
    from checker.serve.workers import Workers

    settings = Settings(
        fmt="json",
        lang="zh",
        params_file=config.params_file,
        waivers_file=config.waivers_file,
        limits=Limits(max_bytes=config.max_bytes),
        record=config.record,
    )
    workers = Workers(settings, config.jobs)
    reply = workers.start()
    if reply.status != "ok":
        workers.stop(0)
        kind = reply.extra.get("kind", "internal")
        message = "; ".join(reply.messages)
        if kind == "input":
            raise InputError(list(reply.problems) or [Problem(config.params_file or "", "", None, message)])
        if kind == "usage":
            raise UsageError(message)
        raise CheckerError(message)
    return workers


def serve(config: ServeConfig, uvicorn: Any) -> int:
    """Run the server until SIGTERM or SIGINT; the exit code."""
    sock = _bind(config.host, config.port)
    workers = start_workers(config)
    try:
        from checker.serve.app import create_app

        app = create_app(config, workers)
        shown_host = f"[{config.host}]" if ":" in config.host else config.host
        port = sock.getsockname()[1]
        print(
            i18n.t("serving on http://{host}:{port}/ (Ctrl-C stops)", host=shown_host, port=port),
            file=sys.stderr,
            flush=True,
        )

        class Server(uvicorn.Server):  # type: ignore[misc]
            def handle_exit(self, sig: int, frame: Any) -> None:
                super().handle_exit(sig, frame)
                # a signal is how this server is meant to stop: once the requests under way are
                # answered it exits 0, rather than uvicorn raising the signal again at the end
                self._captured_signals.clear()

        server = Server(
            uvicorn.Config(
                app,
                log_level="warning",
                server_header=False,
                timeout_graceful_shutdown=GRACE,
                limit_concurrency=workers.max_in_flight + 64,
                timeout_keep_alive=5,
            )
        )
        server.run(sockets=[sock])
    finally:
        workers.stop(GRACE)
        sock.close()
    return 0
