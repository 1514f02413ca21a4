"""Computed remedies: what change to the project file would improve a finding's status.

`attach(result)` computes, once per checked project, the remedies of every finding that fails,
warns, goes to review or lacks information (`checker.remedies.solve`), and attaches them to the
finding; the report formats that show them call it, the others never pay for it. A remedy never
changes the verdict: it says which rule's status the change gave when the changed file was
checked, and the report keeps the verdict of the file as given.
"""

from __future__ import annotations

from checker.check import CheckResult
from checker.remedies.model import Change, Effect, Remedy, Via
from checker.remedies.solve import Solver
from checker.vocabulary import IMPROVABLE

__all__ = ["IMPROVABLE", "Change", "Effect", "Remedy", "Via", "attach", "compute"]


def compute(result: CheckResult) -> dict[str, list[Remedy]]:
    """The remedies of each finding that can improve, by rule ID."""
    solver = Solver(result)
    return {f.id: solver.remedies(f) for f in result.findings if f.status in IMPROVABLE}


def attach(result: CheckResult) -> CheckResult:
    """Attach to each finding its remedies (an empty tuple where it cannot improve), once."""
    if all(f.remedies is not None for f in result.findings):
        return result
    found = compute(result)
    for finding in result.findings:
        finding.remedies = tuple(found.get(finding.id, ()))
    return result
