"""Starting the web application for tests: its worker processes and FastAPI's test client.

A test module makes a client with `client_for(config)` inside a module-scoped fixture: the
workers are started once per module (starting them costs a Checker per worker) and stopped at
its end.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from fastapi.testclient import TestClient

from checker.serve.app import create_app
from checker.serve.config import ServeConfig
from checker.serve.run import start_workers
from tests.support import REPO

PROJECTS = REPO / "projects"
SAMPLES = sorted(PROJECTS.glob("*.yaml"))
AS_OF = "2025-06-01"  # inside the plan period: no date-dependent notice in the reports


@contextlib.contextmanager
def client_for(config: ServeConfig | None = None) -> Iterator[TestClient]:
    config = config or ServeConfig(jobs=1)
    workers = start_workers(config)
    try:
        with TestClient(create_app(config, workers), base_url="http://127.0.0.1:8000") as client:
            yield client
    finally:
        workers.stop(5)
