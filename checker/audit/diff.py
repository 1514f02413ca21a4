"""Policy what-if: which projects change verdict, or rule status, under other parameters.

A review authority that tightens a threshold (or simply moves the check date) wants to know,
before it publishes the change, whose applications it turns around. This module checks the same
files under two parameter sets and returns the differences as data; `whatif_render` lays them out.

`compare_in_batch` checks both sides with the batch machinery (worker processes, each compiling
its rules once), as `checker diff` does; `compare` does the same in this process with two given
Checkers. Only a small summary of each result is kept, so a large registry does not sit in memory
twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from checker.batch.inputs import expand_paths
from checker.batch.runner import Settings
from checker.check import Checker, CheckResult
from checker.errors import CheckerError, InputError, Problem


def collect_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; folders replaced by their project files, found as a batch finds them.

    The same refusals as `check`'s (`expand_paths`): a folder without a project file is a
    mistake on the command line, not a registry that no policy changes, so it raises UsageError
    rather than report "0 compared, nothing changed"; so does a path that does not exist.
    """
    return [Path(p) for p in dict.fromkeys(expand_paths([str(given) for given in paths]))]


def iter_checked(checker: Checker, paths: Iterable[Path]) -> Iterator[tuple[Path, CheckResult | CheckerError]]:
    """Check each path in turn; a file that cannot be read or checked yields its error instead.

    The one seam for the batch machinery: same contract, one (path, result-or-error) per path.
    """
    for path in paths:
        try:
            yield path, checker.check_path(path)
        except CheckerError as exc:
            yield path, exc


@dataclass(frozen=True)
class Outcome:
    """What a diff keeps of one checked project: enough to compare, nothing to render a report."""

    input_sha256: str
    project_id: str | None
    name: str
    league_city: str
    verdict: str
    statuses: dict[str, str]


def summarise(result: CheckResult) -> Outcome:
    info = result.project.project
    return Outcome(
        input_sha256=result.document.sha256,
        project_id=info.id,
        name=info.name,
        league_city=info.league_city,
        verdict=result.verdict,
        statuses={f.id: f.status for f in result.findings},
    )


@dataclass(frozen=True)
class RuleChange:
    rule: str
    base: str | None  # None: the rule did not exist under the base parameters/ruleset
    new: str | None


@dataclass(frozen=True)
class ProjectChange:
    path: str
    project_id: str | None
    name: str
    league_city: str
    base_verdict: str
    new_verdict: str
    rules: list[RuleChange]

    @property
    def verdict_changed(self) -> bool:
        return self.base_verdict != self.new_verdict


@dataclass(frozen=True)
class Unreadable:
    """A file not compared: `message` is the library's English without the file (what JSON and
    CSV give, for programs); `problems` are what the text and Markdown say, each in its line."""

    path: str
    message: str
    problems: tuple[Problem, ...] = ()


@dataclass
class LeagueCounts:
    checked: int = 0
    changed: int = 0
    verdict_changed: int = 0


@dataclass
class Diff:
    """The result of a what-if: per project, and counted per verdict transition, rule and 盟市."""

    base_label: str
    new_label: str
    checked: int = 0
    changes: list[ProjectChange] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)
    verdict_transitions: Counter[tuple[str, str]] = field(default_factory=Counter)
    rule_transitions: Counter[tuple[str, str | None, str | None]] = field(default_factory=Counter)
    by_league_city: dict[str, LeagueCounts] = field(default_factory=dict)
    # run-level notices of either side (`{"side", "code", "message"}`): a date after the plan period
    notices: list[dict[str, str]] = field(default_factory=list)

    @property
    def unchanged(self) -> int:
        return self.checked - len(self.changes)


def _problems(path: Path, error: CheckerError) -> tuple[Problem, ...]:
    """What is wrong with a file that could not be checked, as problems located in it."""
    if isinstance(error, InputError):
        return tuple(error.problems)
    return (Problem(str(path), "", None, str(error)),)


def _message(problems: tuple[Problem, ...]) -> str:
    """The problems without the file name, which JSON and CSV give beside them."""
    return "; ".join(
        (f"line {p.line}: " if p.line else "") + (f"{p.key_path}: " if p.key_path else "") + p.message for p in problems
    )


# a summary, or the problems for which the file was not checked
Summaries = Iterator[tuple[Path, "Outcome | tuple[Problem, ...]"]]


def compare(
    base: Checker,
    new: Checker,
    paths: Iterable[str | Path],
    base_label: str = "base",
    new_label: str = "new",
) -> Diff:
    """Check every project under `base` and under `new`, in this process; return what differs."""

    def summaries(checker: Checker, files: list[Path]) -> Summaries:
        for path, result in iter_checked(checker, files):
            yield path, _problems(path, result) if isinstance(result, CheckerError) else summarise(result)

    return _diff(
        collect_paths(paths),
        lambda files: summaries(base, files),
        lambda files: summaries(new, files),
        base_label,
        new_label,
    )


def compare_in_batch(
    base: Settings,
    new: Settings,
    paths: Iterable[str | Path],
    jobs: int,
    base_label: str = "base",
    new_label: str = "new",
) -> Diff:
    """As `compare`, each side checked by the batch machinery in `jobs` worker processes."""
    from checker.batch.runner import run

    def summaries(settings: Settings, files: list[Path]) -> Summaries:
        for outcome in run([str(p) for p in files], settings, jobs):
            if outcome.verdict is None:
                yield Path(outcome.path), outcome.problems
                continue
            yield (
                Path(outcome.path),
                Outcome(
                    input_sha256=outcome.input_sha256 or "",
                    project_id=outcome.project_id,
                    name=outcome.project_name or "",
                    league_city=outcome.league_city or "",
                    verdict=outcome.verdict,
                    statuses=dict(outcome.statuses),
                ),
            )

    summary = replace(base, fmt="summary"), replace(new, fmt="summary")
    return _diff(
        collect_paths(paths),
        lambda files: summaries(summary[0], files),
        lambda files: summaries(summary[1], files),
        base_label,
        new_label,
    )


def _diff(
    files: list[Path],
    base: Callable[[list[Path]], Summaries],
    new: Callable[[list[Path]], Summaries],
    base_label: str,
    new_label: str,
) -> Diff:
    diff = Diff(base_label=base_label, new_label=new_label)
    base_outcomes: dict[Path, Outcome] = {}
    errors: dict[Path, tuple[Problem, ...]] = {}
    for path, result in base(files):
        if isinstance(result, tuple):
            errors[path] = result
        else:
            base_outcomes[path] = result
    for path, result in new([p for p in files if p in base_outcomes]):
        prior = base_outcomes[path]
        if isinstance(result, tuple):
            errors[path] = result
            continue
        if prior.input_sha256 != result.input_sha256:
            errors[path] = (Problem(str(path), "", None, "the file changed while it was being compared"),)
            continue
        _count(diff, str(path), prior, result)
    order = {str(p): index for index, p in enumerate(files)}
    diff.changes.sort(key=lambda change: order[change.path])
    diff.unreadable = [Unreadable(str(p), _message(errors[p]), errors[p]) for p in files if p in errors]
    return diff


def _count(diff: Diff, path: str, prior: Outcome, after: Outcome) -> None:
    diff.checked += 1
    league = diff.by_league_city.setdefault(after.league_city, LeagueCounts())
    league.checked += 1
    rules = [
        RuleChange(rule, prior.statuses.get(rule), after.statuses.get(rule))
        for rule in dict.fromkeys([*prior.statuses, *after.statuses])
        if prior.statuses.get(rule) != after.statuses.get(rule)
    ]
    if not rules and prior.verdict == after.verdict:
        return
    change = ProjectChange(
        path=path,
        project_id=after.project_id,
        name=after.name,
        league_city=after.league_city,
        base_verdict=prior.verdict,
        new_verdict=after.verdict,
        rules=rules,
    )
    diff.changes.append(change)
    league.changed += 1
    if change.verdict_changed:
        league.verdict_changed += 1
        diff.verdict_transitions[(prior.verdict, after.verdict)] += 1
    for rule in rules:
        diff.rule_transitions[(rule.rule, rule.base, rule.new)] += 1
