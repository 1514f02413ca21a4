"""Determinism and isolation: the same input gives the same bytes; one check leaves nothing behind.

A batch checks thousands of projects in one process through one durable_rules host. If a session
outlived its check (the engine holds at most 1 024), or a fact leaked from one project into the
next, results would depend on what was checked before; these tests would see it.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import os
import random
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from checker.cli.app import check_main
from checker.input.source import parse_document
from checker.input.validation import validate_document
from checker.project.model import Project
from checker.reports import render as report
from tests.support import REPO
from tests.support.checkers import checker_on
from tests.support.strategies import (
    BASES,
    consistent_coal_and_capacity,
    consistent_feedstock,
    consistent_products,
    consistent_water_and_documents,
    dump,
)

AS_OF = dt.date(2026, 1, 1)
SAMPLES = [
    REPO / "projects" / "ordos-calcium-carbide.yaml",
    REPO / "projects" / "hohhot-data-centre.yaml",
    REPO / "tests" / "hostile" / "gbk.yaml",
]


def _cli(*args: Any) -> tuple[int, bytes]:
    result = CliRunner().invoke(check_main, [str(a) for a in args])
    return result.exit_code, result.stdout_bytes


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
@pytest.mark.parametrize(("fmt", "lang"), [("text", "zh"), ("text", "en"), ("json", "zh")])
def test_same_input_same_bytes_in_process(path, fmt, lang):
    args = (path, "--as-of", "2026-01-01", "--format", fmt, "--lang", lang)
    first = _cli(*args)
    assert first[1]
    assert all(_cli(*args) == first for _ in range(3))


def test_same_input_same_bytes_across_processes():
    """Different hash seeds change set and dict-of-set orders: the output must not notice."""
    path = SAMPLES[0]
    outputs = set()
    for seed in ("0", "1", "12345"):
        for fmt in ("text", "json"):
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "checker",
                    str(path),
                    "--as-of",
                    "2026-01-01",
                    "--format",
                    fmt,
                    "--params",
                    str(REPO / "tests/hostile/params_valid.yaml"),
                ],
                capture_output=True,
                cwd=REPO,
                timeout=60,
                env={**os.environ, "PYTHONHASHSEED": seed},
            )
            assert done.returncode in (0, 1, 3), done.stderr
            outputs.add((fmt, done.stdout))
    assert len(outputs) == 2  # one output per format, whatever the seed


# ---------------------------------------------------------------- many projects in one process


def _varied(rng: random.Random, index: int) -> dict[str, Any]:
    """A realistic variation: a base with its figures scaled and some optional keys dropped."""
    data = copy.deepcopy(BASES[index % len(BASES)])
    data["project"]["id"] = f"BATCH-{index:05d}"

    def scale(node: Any, may_drop: bool) -> None:
        if isinstance(node, dict):
            for key, value in list(node.items()):
                if key in ("format", "commissioning_year", "pue") or "share" in key or isinstance(value, bool):
                    continue
                if isinstance(value, int | float) and rng.random() < 0.5:
                    node[key] = round(value * rng.choice([0, 0.1, 0.5, 0.9, 1.1, 2, 10]), 3)
                elif may_drop and key != "project" and rng.random() < 0.05:
                    del node[key]  # every key outside `project` is optional
                else:
                    scale(value, may_drop and key != "project")
        elif isinstance(node, list):
            for item in node:
                scale(item, False)

    scale(data, True)
    return consistent_products(consistent_water_and_documents(consistent_coal_and_capacity(consistent_feedstock(data))))


def _rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _result(raw: bytes, path: str) -> Any:
    doc = parse_document(raw, path)
    return checker_on(AS_OF).check(doc, validate_document(doc, Project))


def _check(raw: bytes, path: str) -> str:
    return report.render_json(_result(raw, path), "en")


def _signature(result: Any) -> str:
    """What a check decided, compactly: statuses (per item too), verdict and every figure."""
    decided = [(f.id, f.status, f.binding, [(i.index, i.status) for i in f.items]) for f in result.findings]
    figures = sorted((k, repr(v)) for k, v in result.metrics.values.items())
    return hashlib.sha256(repr((result.verdict, decided, figures)).encode()).hexdigest()


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs /proc for the RSS")
def test_two_thousand_projects_leave_no_state_behind(tmp_path):
    rng = random.Random(20261125)
    projects = [dump(_varied(rng, i)) for i in range(2000)]
    signatures: list[str] = []  # what each check decided, hashed: memory stays the engine's
    verdicts: set[str] = set()
    for i, raw in enumerate(projects):
        result = _result(raw, f"batch/{i:05d}.yaml")
        signatures.append(_signature(result))
        verdicts.add(result.verdict)
        if i == 199:
            after_200 = _rss_bytes()
    after_2000 = _rss_bytes()
    assert after_2000 - after_200 < 8 * 1024 * 1024, (after_200, after_2000)
    assert len(verdicts) >= 2  # the variations are not all alike

    # the same project checked again, now that 2 000 others went before, gives the same result
    for i in (0, 1, 2, 3, 999, 1999):
        assert _signature(_result(projects[i], f"batch/{i:05d}.yaml")) == signatures[i]

    # and a fresh process checking that project alone agrees, byte for byte
    sample = rng.sample(range(2000), 4)
    (tmp_path / "batch").mkdir()
    for i in sample:
        relative = f"batch/{i:05d}.yaml"
        (tmp_path / relative).write_bytes(projects[i])
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "checker",
                relative,
                "--as-of",
                AS_OF.isoformat(),
                "--format",
                "json",
                "--lang",
                "en",
            ],
            capture_output=True,
            cwd=tmp_path,
            timeout=60,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        assert done.stderr == ""
        here = _check(projects[i], relative)  # in this process, after all the others
        assert done.stdout == here, f"project {i} differs in a fresh process"


def test_the_engine_runs_no_threads_of_its_own():
    """durable's stock Host polls the C core from timer threads; the core is not thread-safe (a
    long property run segfaulted in `dispatch_timers`). The adapter drives the core directly and
    starts no thread at all."""
    before = threading.active_count()
    _check(dump(BASES[0]), "threads.yaml")
    assert not [t for t in threading.enumerate() if isinstance(t, threading.Timer)]
    assert threading.active_count() == before
