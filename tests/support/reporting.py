"""Shared material for the report tests: checked samples on a fixed date, and a hostile project.

Reports show the input path, so every result is produced from the repository root with a relative
path: the golden files then do not depend on where the checkout lives.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import jsonschema
import yaml

from checker.check import Checker, CheckResult
from tests.support import REPO
from tests.support.checkers import checker_on, checker_with_register, write_register

AS_OF = dt.date(2026, 1, 1)
SAMPLES = sorted(p.name for p in (REPO / "projects").glob("*.yaml"))
# SARIF 2.1.0 as OASIS publishes it (tests/schemas/README.md says where the copy comes from)
SARIF_VALIDATOR = jsonschema.Draft4Validator(
    json.loads((REPO / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text("utf-8"))
)
HOSTILE_NAME = "<script>alert(1)</script>{{7*7}}"
HOSTILE_REASON = '<img src="http://evil.example/x.png"> =HYPERLINK("http://evil.example")'


def check_sample(name: str, as_of: dt.date = AS_OF, checker: Checker | None = None) -> CheckResult:
    """The shipped sample `projects/<name>` checked on `as_of`, with a repository-relative path."""
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        return (checker or checker_on(as_of)).check_path(f"projects/{name}")
    finally:
        os.chdir(cwd)


def write_hostile_project(directory: Path) -> Path:
    """The calcium-carbide sample with markup in user strings and a waiver it claims for itself
    (EC-001: the claim sends the failing finding to review); its register is `write_hostile_register`."""
    data = yaml.safe_load((REPO / "projects" / "ordos-calcium-carbide.yaml").read_text("utf-8"))
    data["project"]["name"] = HOSTILE_NAME
    data["project"]["applicant"] = "=cmd|' /C calc'!A0"
    data["waivers"] = [
        {"rule": "EC-001", "reason": HOSTILE_REASON, "approved_by": "=申请人", "document": "+无"},
    ]
    path = directory / "hostile.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_hostile_register(directory: Path) -> Path:
    """The authority's register for the hostile project: one waiver applied, one expired."""
    return write_register(
        directory,
        [
            {
                "project": "NM-2025-0042",
                "rule": "WA-002",
                "reason": HOSTILE_REASON,
                "approved_by": "@某盟市发改委",
                "document": "-内发改审批〔2025〕1号",
                "expires": dt.date(2026, 12, 31),
            },
            {
                "project": "NM-2025-0042",
                "rule": "WA-001",
                "reason": "expired long ago",
                "approved_by": "某局",
                "document": "+旧文件",
                "expires": dt.date(2020, 1, 1),
            },
        ],
        authority="=某盟市发展和改革委员会",
    )


def check_hostile(directory: Path) -> CheckResult:
    checker = checker_with_register(AS_OF, write_hostile_register(directory))
    return checker.check_path(write_hostile_project(directory))


def check_on_a_terminal(*args: str, env_extra: dict[str, str] | None = None) -> str:
    """Run `check ARGS` with its standard output on a pseudo-terminal (so `--color auto` sees a
    terminal) and NO_COLOR unset unless `env_extra` sets it; return what it printed."""
    master, slave = pty.openpty()
    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    env.update(env_extra or {})
    code = "from checker.cli.app import check_main; check_main()"
    process = subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=slave, stderr=subprocess.PIPE, cwd=REPO, env=env
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal's other end closed: all is read
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")
