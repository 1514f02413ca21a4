"""A single `check FILE` runs without cyclic garbage collection, and leaves the collector as found.

The CLI also runs in-process (here, and for anyone calling `check_main` from Python): whatever it
does to speed up a one-shot process must not outlive the call.
"""

from __future__ import annotations

import gc

from click.testing import CliRunner

from checker.cli import app as cli
from tests.support import REPO

SAMPLE = str(REPO / "projects" / "kubuqi-desert-pv.yaml")


def test_the_collector_is_off_during_a_single_check_and_on_again_after(monkeypatch):
    seen = []
    real = cli._check_one

    def spy(*args):
        seen.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(cli, "_check_one", spy)
    assert gc.isenabled()
    result = CliRunner().invoke(cli.check_main, [SAMPLE, "--as-of", "2025-06-01"])
    assert result.exit_code == 0, result.output
    assert seen == [False]
    assert gc.isenabled()
    assert cli._freeze_registered


def test_the_collector_is_on_again_after_a_failing_check(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: 1\nproject: [\n", encoding="utf-8")
    result = CliRunner().invoke(cli.check_main, [str(broken)])
    assert result.exit_code == 2
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_caller_stays_off():
    gc.disable()
    try:
        CliRunner().invoke(cli.check_main, [SAMPLE, "--as-of", "2025-06-01"])
        assert not gc.isenabled()
    finally:
        gc.enable()
