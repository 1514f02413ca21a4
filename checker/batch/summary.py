"""What a batch adds to the per-project reports: CSV rows, the end summary and a progress bar.

A reviewer with a folder of applications wants first the overview (how many pass, which rules fail
most, which files could not even be read) and, for spreadsheets, one row per project. These are
built from the small summaries workers send back, so the parent never holds a project's findings.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, NamedTuple, TextIO

from checker.batch.documents import ProblemText, as_written, problem_line
from checker.errors import printable
from checker.reports.escaping import csv_line
from checker.vocabulary import COUNT_ORDER, VERDICTS_WORST_FIRST, Verdict

if TYPE_CHECKING:
    from checker.batch.runner import CheckedFile

BOM = "\ufeff"  # Excel opens UTF-8 CSV as UTF-8 only with it
# `notices` last, so that the earlier columns keep their places: the codes of run-level notices
CSV_COLUMNS = ("file", "id", "name", "verdict", *COUNT_ORDER, "failed_rules", "error", "notices")
VERDICTS = tuple(Verdict)  # best first
TOP_RULES = 10


def _csv_line(values: list[object]) -> str:
    """A record with formula-like cells neutralised (a file or project name is the applicant's)."""
    return csv_line(values)


def csv_header() -> str:
    """The header row, preceded by the byte order mark: written once, at the start."""
    return BOM + _csv_line(list(CSV_COLUMNS))


def csv_row(outcome: CheckedFile, lang: str = "en", text: ProblemText = as_written) -> str:
    """One project: file, id, name, verdict, findings per status, failed rule IDs, error (in
    `lang`: a spreadsheet is read by people), the codes of the run's notices
    (`outside_plan_period`: a check dated after the plan period)."""
    error = problem_line(outcome.problems[0], lang, text) if outcome.problems else ""
    return _csv_line(
        [
            outcome.path,
            outcome.project_id or "",
            outcome.project_name or "",
            outcome.verdict or "",
            *(outcome.counts.get(s, "") for s in COUNT_ORDER),
            " ".join(outcome.failed),
            error,
            " ".join(outcome.notices),
        ]
    )


class ProjectLine(NamedTuple):
    """A checked project as the summary lists it: a few strings, never its findings."""

    path: str
    project_id: str | None
    name: str | None
    verdict: str
    failed: tuple[str, ...]


class Summary:
    """Running totals over a batch, the unreadable files, and one small line per checked project
    (which project was rejected is what a reviewer asks first), never a project's findings.

    `by_project`: keep the lines per project, for the text summary that lists them; the other
    formats print no summary, and ~0.4 kB a project would make the memory of a batch grow with
    its size (40 MB at 100 000 projects)."""

    def __init__(self, by_project: bool = True) -> None:
        self.by_project = by_project
        self.total = 0
        self.verdicts: Counter[str] = Counter()
        self.failed_rules: Counter[str] = Counter()
        self.unreadable: list[tuple[str, str]] = []  # (path, first problem)
        self.exit_codes: Counter[int] = Counter()
        self.projects: list[ProjectLine] = []

    def add(self, outcome: CheckedFile) -> None:
        self.total += 1
        self.exit_codes[outcome.exit_code] += 1
        if outcome.verdict is None:
            first = outcome.problems[0] if outcome.problems else None
            self.unreadable.append((outcome.path, str(first) if first else "?"))
            return
        self.verdicts[outcome.verdict] += 1
        self.failed_rules.update(outcome.failed)
        if self.by_project:
            self.projects.append(
                ProjectLine(outcome.path, outcome.project_id, outcome.project_name, outcome.verdict, outcome.failed)
            )

    def worst_first(self) -> list[ProjectLine]:
        """The checked projects, rejected first, then needing review, approved with warnings,
        approved; by file name within a verdict."""
        return sorted(self.projects, key=lambda p: (VERDICTS_WORST_FIRST.index(p.verdict), p.path))


@cache
def _verdict_labels() -> dict[str, dict[str, str]]:
    import yaml

    from checker.resources import templates_dir

    with open(templates_dir() / "terms.yaml", encoding="utf-8") as fh:
        terms: dict[str, dict[str, dict[str, str]]] = yaml.load(
            fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )
    return terms.get("verdict", {})


_HEADINGS = {
    "zh": {
        "title": "批量审查汇总",
        "projects": "项目数",
        "verdicts": "审查结论",
        "by_project": "各项目结论(由重到轻)",
        "failed": "未通过",
        "unreadable_count": "无法读取",
        "rules": "未通过次数最多的规则",
        "files": "无法读取的文件",
        "none": "无",
    },
    "en": {
        "title": "Batch summary",
        "projects": "projects",
        "verdicts": "Verdicts",
        "by_project": "Projects, worst first",
        "failed": "failed",
        "unreadable_count": "could not be read",
        "rules": "Rules failed most often",
        "files": "Files that could not be read",
        "none": "none",
    },
}


def summary_text(summary: Summary, lang: str, problem_text: Callable[[str], str] = str) -> str:
    """The end-of-batch overview for the text format. `problem_text` puts an unreadable file's
    problem (the library's English line) into the report's language: the CLI's catalogue."""
    h = _HEADINGS[lang]
    labels = _verdict_labels()
    lines = ["", h["title"], "=" * 40, h["by_project"] + ":"]
    lines += [project_line(p, lang) for p in summary.worst_first()] or [f"  {h['none']}"]
    lines += ["", f"{h['projects']}: {summary.total}", "", h["verdicts"] + ":"]
    for verdict in VERDICTS:
        label = labels.get(verdict, {}).get(lang, verdict)
        lines.append(f"  {label}: {summary.verdicts.get(verdict, 0)}")
    lines.append(f"  {h['unreadable_count']}: {len(summary.unreadable)}")
    lines += ["", h["rules"] + ":"]
    ranked = sorted(summary.failed_rules.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_RULES]
    lines += [f"  {rule}: {count}" for rule, count in ranked] or [f"  {h['none']}"]
    lines += ["", h["files"] + ":"]
    lines += [f"  {problem_text(problem)}" for _, problem in summary.unreadable] or [f"  {h['none']}"]
    return "\n".join(lines) + "\n"


def project_line(project: ProjectLine, lang: str) -> str:
    """`  [不予通过] NM-2025-0042 某项目 (projects/x.yaml) 未通过: HE-001 EC-001`: the verdict,
    the project's id (its file when it has none), name and file, and the rules it failed."""
    h = _HEADINGS[lang]
    label = _verdict_labels().get(project.verdict, {}).get(lang, project.verdict)
    who = " ".join(printable(part) for part in (project.project_id, project.name) if part)
    line = f"  [{label}] {who} ({printable(project.path)})" if who else f"  [{label}] {printable(project.path)}"
    if project.failed:
        line += f" {h['failed']}: {' '.join(project.failed)}"
    return line


class Progress:
    """A one-line progress bar on a terminal's stderr; silent in pipes, files and CI."""

    MIN_FILES = 30
    INTERVAL = 0.1  # seconds between redraws

    def __init__(self, stream: TextIO, total: int) -> None:
        self.stream = stream
        self.total = total
        self.done = 0
        self._last = 0.0
        self.enabled = total > self.MIN_FILES and _is_terminal(stream) and not os.environ.get("CI")

    def advance(self) -> None:
        self.done += 1
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last >= self.INTERVAL or self.done == self.total:
            self._last = now
            self._draw()

    def _draw(self) -> None:
        width = 30
        filled = width * self.done // self.total
        percent = 100 * self.done // self.total
        bar = "#" * filled + "." * (width - filled)
        self.stream.write(f"\r[{bar}] {self.done}/{self.total} {percent:3d}%")
        self.stream.flush()

    def clear(self) -> None:
        """Erase the bar, before printing a message on the same stream or at the end."""
        if self.enabled and self._last:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._last = 0.0


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
