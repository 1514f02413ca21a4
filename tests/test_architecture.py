"""The layout docs/architecture.md describes, held: the layers' contracts, no import cycle (also
through the command table the CLI loads by name), and a top level a newcomer can read at a glance."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from checker.cli.app import _LazyGroup

REPO = Path(__file__).resolve().parent.parent
CHECKER = REPO / "checker"
MAX_TOP_LEVEL_MODULES = 12


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("checker", exclude_type_checking_imports=True)


def _with_command_table(graph: grimp.ImportGraph) -> dict[str, set[str]]:
    """Every module's imports, plus the edges `checker` makes by name to its sub-command modules."""
    edges = {module: set(graph.find_modules_directly_imported_by(module)) for module in graph.modules}
    for target in _LazyGroup.COMMANDS.values():
        edges["checker.cli.app"].add(target.split(":")[0])
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in edges:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_module_imports_one_that_imports_it_back(graph):
    assert _cycles(_with_command_table(graph)) == []


def test_the_cycle_finder_finds_a_cycle():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(edges) == [["a", "b", "c"]]


def test_the_layer_contracts_hold():
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_the_top_of_the_package_is_a_facade_not_a_flat_list():
    modules = sorted(path.name for path in CHECKER.glob("*.py"))
    assert len(modules) <= MAX_TOP_LEVEL_MODULES, modules
    packages = sorted(path.parent.name for path in CHECKER.glob("*/__init__.py"))
    assert packages == sorted(
        [
            "input",
            "project",
            "rules",
            "facts",
            "evaluation",
            "verdict",
            "remedies",
            "reports",
            "batch",
            "audit",
            "cli",
            "serve",
        ]
    )


def test_every_package_and_module_opens_with_its_purpose():
    missing = [
        str(path.relative_to(REPO))
        for path in sorted(CHECKER.rglob("*.py"))
        if not ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert missing == []


def test_the_architecture_page_names_every_package():
    page = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    packages = sorted(path.parent.name for path in CHECKER.glob("*/__init__.py"))
    assert packages, f"no package under {CHECKER}"
    for package in packages:
        assert f"`checker.{package}`" in page, package
