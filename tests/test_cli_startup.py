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


def _models_under(model: type) -> list[type]:
    """`model` and every pydantic model its fields hold, each once."""
    import typing

    from pydantic import BaseModel

    found: list[type] = []
    todo = [model]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.append(current)
        for info in current.model_fields.values():
            stack = [info.annotation]
            while stack:
                annotation = stack.pop()
                if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                    todo.append(annotation)
                stack.extend(typing.get_args(annotation))
    return found


def test_no_project_field_defaults_through_a_builtin_whose_signature_must_be_parsed():
    """pydantic reads each default factory's signature while building the Project validator on a
    single check's path; a builtin's (`list`) is parsed from its text, compiling the tokenizer's
    patterns first. The factories are the checker's own functions or models, and give a fresh
    value each time."""
    import inspect

    from checker.project.model import Project

    models = _models_under(Project)
    assert len(models) > 5
    for model in models:
        for name, info in model.model_fields.items():
            factory = info.default_factory
            if factory is not None:
                assert getattr(factory, "__module__", None) != "builtins", f"{model.__name__}.{name}: {factory!r}"
                assert inspect.isfunction(factory) or inspect.isclass(factory)
                first, second = factory(), factory()
                assert first == second and first is not second


def test_a_check_of_passes_loads_neither_the_remedy_solver_nor_pydantic_plugins():
    """Nothing to improve, nothing to solve: the remedy solver is imported only when a finding can
    improve. pydantic's plugins are not looked for (each installed package's entry points) unless
    the user sets PYDANTIC_DISABLE_PLUGINS."""
    import os
    import subprocess
    import sys

    code = (
        "import atexit, os, sys\n"
        "atexit.register(lambda: print('checker.remedies.solve' in sys.modules,"
        " os.environ.get('PYDANTIC_DISABLE_PLUGINS'), file=sys.stderr))\n"
        "from checker.cli.app import check_main\n"
        "check_main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, SAMPLE, "--as-of", "2025-06-01"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        env={k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-1] == "False __all__"


def test_a_users_pydantic_plugin_setting_is_kept(monkeypatch):
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "")
    result = CliRunner().invoke(cli.check_main, [SAMPLE, "--as-of", "2025-06-01"])
    assert result.exit_code == 0, result.output
    import os

    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == ""
