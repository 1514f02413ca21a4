"""One document for a folder of projects, in the formats CI servers and reviewers read whole.

SARIF: one run; the tool's rules once, every project an artifact, every finding a result located
in its artifact at the YAML line the rule read; files that could not be checked are error
notifications located in theirs. JUnit: one <testsuite> per project (each with the moment of its
check), files that could not be checked as a suite with one <error>. HTML and Markdown: one
document opening with a table of contents (each project, its verdict, a link to its section),
then each project's full report, then the files that could not be checked. GitHub annotations
need no document: each project's lines are written as they come.

Workers render each project's part (`fragment`); the parent keeps the parts in input order and
writes the document once the batch is done (`Document`): a table of contents and a run's totals
come before the parts they count. The parts are the text of the report, so a batch of N projects
holds N reports in memory; for very large batches, jsonl or csv stream in constant memory.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from checker.check import CheckResult
from checker.errors import Problem

if TYPE_CHECKING:  # annotations only: the runner imports this module
    from checker.batch.runner import CheckedFile

DOCUMENT_FORMATS = ("sarif", "junit", "html", "markdown")
FRAGMENT_FORMATS = (*DOCUMENT_FORMATS, "github")

# How a problem line of the library (English, `str(Problem)`) reads in a language: the CLI's
# catalogue (`checker.cli.i18n.problem`), handed down because the batch sits below the CLI.
ProblemText = Callable[[str, str], str]


def as_written(line: str, lang: str) -> str:
    """No catalogue at hand: the library's own English line."""
    return line


def problem_line(problem: Problem, lang: str, text: ProblemText = as_written) -> str:
    """The problem as one line in `lang`, as stderr prints it: file, line, key path, message."""
    return text(str(problem), lang)


def problem_message(problem: Problem, lang: str, text: ProblemText = as_written) -> str:
    """The problem in `lang` without its file and line (`key.path: message`), for the formats
    that locate the file apart (SARIF, GitHub annotations, a JSON error object).

    The catalogue translates whole lines, some of its patterns leaning on the `: ` that follows
    the file; so the whole line is translated and the file and line taken off again."""
    where = str(Problem(problem.path, "", problem.line, ""))  # `path:23: `
    line = problem_line(problem, lang, text)
    if line.startswith(where):
        return line[len(where) :]
    message = f"{problem.key_path}: {problem.message}" if problem.key_path else problem.message
    return text(message, lang)


def anchor(path: str) -> str:
    """The id of a project's section: from its path, so worker and parent agree without talking,
    and an identifier in HTML and CSS (a named page) alike."""
    return "p-" + hashlib.sha256(path.encode("utf-8", "surrogateescape")).hexdigest()[:12]


def fragment(result: CheckResult, fmt: str, lang: str, *, with_driver: bool = False) -> str:
    """A worker's part of the document for one checked project."""
    if fmt == "github":
        from checker.reports.github import render_github

        return render_github(result, lang)
    if fmt == "sarif":
        from checker.reports import sarif as report_sarif

        part: dict[str, Any] = {
            "artifact": report_sarif.artifact(result),
            "results": report_sarif.results(result, lang),
            "notifications": report_sarif.notifications(result, lang),
        }
        if with_driver:  # the same for every project: each worker sends it once
            part["driver"] = report_sarif.driver(result, lang)
        return json.dumps(part, ensure_ascii=False, allow_nan=False, separators=(",", ":")) + "\n"
    if fmt == "junit":
        import xml.etree.ElementTree as ET

        from checker.reports.junit import testsuite

        suite = testsuite(result, lang)
        ET.indent(suite, level=1)
        return "  " + ET.tostring(suite, encoding="unicode").rstrip() + "\n"
    if fmt == "html":
        from checker.reports.html import render_html_section

        return render_html_section(result, lang, anchor(result.document.path))
    if fmt == "markdown":
        from checker.reports import formats

        return f'<a id="{anchor(result.document.path)}"></a>\n\n' + formats.render(result, "markdown", lang)
    raise ValueError(f"no batch fragment for {fmt!r}")


def failure_fragment(
    path: str, problems: tuple[Problem, ...], fmt: str, lang: str = "en", text: ProblemText = as_written
) -> str:
    """A worker's part for a file that could not be checked (GitHub only: the other formats list
    such files from the outcome's problems), each problem in `lang`."""
    if fmt == "github":
        from checker.reports.github import problem_annotations

        return problem_annotations(path, problems, [problem_message(p, lang, text) for p in problems])
    return ""


class Document:
    """The parts of a batch in input order, and the document they make at the end."""

    def __init__(self, fmt: str, lang: str, problem_text: ProblemText = as_written) -> None:
        self.fmt = fmt
        self.lang = lang
        self.problem_text = problem_text  # the unreadable files' problems are said in `lang`
        self.parts: list[tuple[CheckedFile, str | dict[str, Any]]] = []  # (file, its part: text, or SARIF's JSON)
        self.driver: dict[str, Any] | None = None

    def add(self, outcome: CheckedFile, text: str) -> None:
        if self.fmt == "sarif" and text:
            part = json.loads(text)
            self.driver = self.driver or part.pop("driver", None)
            part.pop("driver", None)
            self.parts.append((outcome, part))
            return
        self.parts.append((outcome, text))

    def render(self, exit_code: int) -> str:
        rendered: str = getattr(self, f"_{self.fmt}")(exit_code)
        return rendered

    def _problems(self) -> list[tuple[str, tuple[Problem, ...]]]:
        return [(o.path, o.problems) for o, _ in self.parts if o.verdict is None]

    def _lines(self) -> list[str]:
        """Every problem of the files that could not be checked, one line each, in `lang`."""
        return [problem_line(p, self.lang, self.problem_text) for _, problems in self._problems() for p in problems]

    def _checked(self) -> list[tuple[CheckedFile, Any]]:
        return [(o, part) for o, part in self.parts if o.verdict is not None]

    # ------------------------------------------------------------------ SARIF

    def _sarif(self, exit_code: int) -> str:
        from checker import __version__
        from checker.reports.sarif import SARIF_SCHEMA, TOOL_NAME, artifact_uri

        artifacts: list[dict[str, Any]] = []
        results: list[dict[str, Any]] = []
        notifications: list[dict[str, Any]] = []
        projects: list[dict[str, Any]] = []
        for outcome, part in self._checked():
            index = len(artifacts)
            artifacts.append(part["artifact"])
            for result in part["results"]:
                for location in result["locations"]:
                    location["physicalLocation"]["artifactLocation"]["index"] = index
                results.append(result)
            for notification in part["notifications"]:
                notification["locations"] = [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": part["artifact"]["location"]["uri"], "index": index}
                        }
                    }
                ]
                notifications.append(notification)
            projects.append(
                {
                    "uri": part["artifact"]["location"]["uri"],
                    "id": outcome.project_id,
                    "name": outcome.project_name,
                    "verdict": outcome.verdict,
                    "exitCode": outcome.exit_code,
                }
            )
        for path, problems in self._problems():
            for problem in problems:
                region = {"region": {"startLine": problem.line}} if problem.line else {}
                message = problem_message(problem, self.lang, self.problem_text)
                notifications.append(
                    {
                        "descriptor": {"id": "invalid_input"},
                        "level": "error",
                        "message": {"text": message},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": artifact_uri(problem.path or path)},
                                    **region,
                                }
                            }
                        ],
                    }
                )
        driver = self.driver or {
            "name": TOOL_NAME,
            "version": __version__,
            "semanticVersion": __version__,
            "language": "zh-CN" if self.lang == "zh" else "en",
            "rules": [],
        }
        log = {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {"driver": driver},
                    "artifacts": artifacts,
                    "invocations": [
                        {
                            "executionSuccessful": not self._problems(),
                            "exitCode": exit_code,
                            "toolExecutionNotifications": notifications,
                        }
                    ],
                    "results": results,
                    "properties": {"projects": projects},
                }
            ],
        }
        return json.dumps(log, ensure_ascii=False, indent=2, allow_nan=False) + "\n"

    # ------------------------------------------------------------------ JUnit

    def _junit(self, exit_code: int) -> str:
        import xml.etree.ElementTree as ET

        from checker.reports.escaping import xml_text
        from checker.reports.junit import TOTALS, check_timestamp, suite_totals

        numbers = dict.fromkeys(TOTALS, 0)
        for _, text in self._checked():  # each suite as its worker counted it
            for key, value in suite_totals(ET.fromstring(text)).items():
                numbers[key] += value
        unreadable = []
        for path, problems in self._problems():
            numbers["tests"] += 1
            numbers["errors"] += 1
            suite = ET.Element(
                "testsuite",
                {
                    "name": f"nm-project-checker.{path}",
                    "timestamp": check_timestamp(),
                    "tests": "1",
                    "failures": "0",
                    "errors": "1",
                    "skipped": "0",
                    "time": "0",
                },
            )
            case = ET.SubElement(
                suite,
                "testcase",
                {
                    "name": "project.yaml",
                    "classname": "nm-project-checker.input",
                    "file": path,
                    "line": str(problems[0].line or 0) if problems else "0",
                    "time": "0",
                },
            )
            lines = [problem_line(p, self.lang, self.problem_text) for p in problems]
            error = ET.SubElement(
                case,
                "error",
                {
                    "message": lines[0] if lines else path,
                    "type": "invalid_input",
                },
            )
            error.text = "\n".join(lines)
            ET.indent(suite, level=1)
            unreadable.append("  " + ET.tostring(suite, encoding="unicode").rstrip() + "\n")
        head = ET.Element(
            "testsuites",
            {
                "name": "nm-project-checker",
                **{k: str(v) for k, v in numbers.items()},
                "time": "0",
            },
        )
        opening = ET.tostring(head, encoding="unicode").replace(" />", ">")
        body = "".join(text for _, text in self._checked()) + "".join(unreadable)
        return xml_text('<?xml version="1.0" encoding="UTF-8"?>\n' + opening + "\n" + body + "</testsuites>\n")

    # ------------------------------------------------------------------ HTML and Markdown

    def _contents(self) -> list[dict[str, Any]]:
        from checker.reports.words import term

        return [
            {
                "anchor": anchor(o.path),
                "path": o.path,
                "id": o.project_id,
                "name": o.project_name,
                "verdict": o.verdict,
                "verdict_label": term(o.verdict, self.lang, "verdict"),
                "failed": list(o.failed),
            }
            for o, _ in self._checked()
        ]

    def _html(self, exit_code: int) -> str:
        from checker.reports.html import render_html_batch

        return render_html_batch(self._contents(), [t for _, t in self._checked()], self._lines(), self.lang)

    def _markdown(self, exit_code: int) -> str:
        from checker.reports import render as report

        env = report.environment(self.lang)
        return env.get_template("report_batch.markdown.j2").render(
            contents=self._contents(),
            sections=[t for _, t in self._checked()],
            unreadable=self._lines(),
            labels=report.labels(self.lang),
        )
