"""The README's Quick start: two one-line commands that make and use a virtual environment, on
the Python versions that pyproject.toml declares and the README says were tested."""

from __future__ import annotations

import re
import shlex
import sys

from tests.support import REPO

README = (REPO / "README.md").read_text("utf-8")
PYPROJECT = (REPO / "pyproject.toml").read_text("utf-8")
TESTED = ("3.10", "3.11", "3.12")


def quick_start() -> str:
    return README.split("## Quick start", 1)[1].split("\n## ", 1)[0]


def commands() -> list[str]:
    block = re.search(r"```bash\n(.*?)```", quick_start(), re.S)
    assert block, "the Quick start has a bash block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_the_quick_start_is_two_one_line_commands():
    assert len(commands()) == 2


def test_the_first_command_makes_and_uses_a_virtual_environment_then_checks_a_sample():
    first = commands()[0]
    steps = [step.strip() for step in first.split("&&")]
    assert steps[0] == "python3 -m venv .venv"
    assert steps[1] == ". .venv/bin/activate"
    assert steps[2] == "pip install ."
    program, sample = shlex.split(steps[3])
    assert program == "check" and (REPO / sample).is_file()


def test_the_second_command_installs_the_test_extras_into_it_and_runs_the_whole_suite():
    steps = [step.strip() for step in commands()[1].split("&&")]
    assert steps == [". .venv/bin/activate", "pip install '.[test]'", "python -m pytest -q"]


def test_the_readme_says_why_a_c_compiler_is_needed_and_what_debian_lacks():
    text = quick_start()
    assert "C compiler" in text and "durable_rules" in text and "compiles its C engine" in text
    assert "python3-venv" in text and "externally-managed-environment" in text


def test_the_declared_pythons_are_the_tested_ones():
    assert 'requires-python = ">=3.10,<3.13"' in PYPROJECT
    declared = re.findall(r'"Programming Language :: Python :: (3\.\d+)"', PYPROJECT)
    assert tuple(declared) == TESTED
    assert "Python 3.10, 3.11 or 3.12" in quick_start()
    assert f"{sys.version_info.major}.{sys.version_info.minor}" in TESTED
