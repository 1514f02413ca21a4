"""`checker serve` as an operator runs it: refusals in one line (exit 2), a real server on
loopback answering as a client would call it, and a clean stop on SIGTERM and SIGINT."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SERVE = [str(Path(sys.executable).with_name("checker")), "serve"]  # the installed console script


def refused(*args: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [*SERVE, *args], capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})}
    )
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_a_non_loopback_address_without_a_token_is_refused_in_one_line():
    line = refused("--host", "0.0.0.0", "--port", "0")
    assert "0.0.0.0" in line and "--token" in line
    refused("--host", "::", "--port", "0")
    refused("--host", "example.org", "--port", "0")


def test_a_short_token_is_refused():
    assert "at least 16" in refused("--token", "short", "--port", "0")
    assert "at least 16" in refused("--port", "0", env={"CHECKER_TOKEN": "short"})


def test_a_bad_policy_file_is_refused_before_serving(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text("format: 1\nparameters:\n  water_permit_treshold_m3: 5\n", encoding="utf-8")
    line = refused("--port", "0", "-j", "1", "--params", str(policy))
    assert "water_permit_treshold_m3" in line and "unknown parameter" in line


def test_a_port_in_use_is_refused(tmp_path):
    import socket

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        assert "cannot listen on 127.0.0.1" in refused("--port", str(taken.getsockname()[1]))
    finally:
        taken.close()


def start(*args: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [*SERVE, "--port", "0", "-j", "1", *args], stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    line = process.stderr.readline()
    found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    assert found, line + process.stderr.read()
    return process, f"http://127.0.0.1:{found.group(1)}"


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_real_server_answers_and_stops_cleanly_on_a_signal(stop):
    process, base = start()
    try:
        with urllib.request.urlopen(base + "/api/v1/health", timeout=30) as response:
            assert json.load(response)["status"] == "ok"
        sample = (REPO / "projects" / "ordos-calcium-carbide.yaml").read_bytes()
        request = urllib.request.Request(
            base + "/api/v1/check?format=json&as_of=2025-06-01",
            data=sample,
            headers={"Content-Type": "application/yaml"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.headers["X-Checker-Verdict"] == "rejected"
            assert json.load(response)["exit_code"] == 1
        process.send_signal(stop)
        assert process.wait(timeout=30) == 0
        assert "Traceback" not in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_the_command_module_loads_no_web_framework():
    code = (
        "import sys, checker.cli.app, checker.serve.command; print('fastapi' in sys.modules, 'uvicorn' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False False"
