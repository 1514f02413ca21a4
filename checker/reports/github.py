"""GitHub Actions workflow commands: one annotation per finding that asks for action.

A workflow step that prints `::error file=F,line=N,title=T::message` gets an annotation on line N
of file F in the run and the pull request. Mapping, as the exit code reads the statuses: `fail` is
an `::error`; `warn`, `review` and `missing_info` are `::warning`s; pass, not applicable and
waived print nothing. A run-level notice (a check dated after the plan period) is a `::notice`
on the file. A file that cannot be checked is an `::error` at the line of its problem.

Escaping follows GitHub's rules for workflow commands (actions/toolkit, `command.ts`): in the
message `%`, CR and LF are percent-encoded; in a property value also `:` and `,`. Nothing an
applicant writes (a project name in a message, a file name) can then start a command of its own.
"""

from __future__ import annotations

from checker.check import CheckResult
from checker.errors import Problem
from checker.remedies import attach
from checker.reports.render import (
    heading,
    labels,
    notices_json,
    original_status_label,
    remedy_lines,
    render_message,
    waiver_text,
)
from checker.reports.words import term as display_term
from checker.verdict.locate import locate
from checker.vocabulary import Status

LEVELS: dict[str, str] = {
    Status.FAIL: "error",
    Status.WARN: "warning",
    Status.REVIEW: "warning",
    Status.MISSING_INFO: "warning",
}


def escape_data(text: str) -> str:
    """A command's message: `%`, CR and LF percent-encoded."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (file, title): the message's escapes, and `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **properties: object) -> str:
    """One workflow command line: `::level key=value,...::message`."""
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{level}{' ' + props if props else ''}::{escape_data(message)}\n"


def annotation_lines(result: CheckResult, lang: str) -> list[str]:
    """The annotation lines of one checked project, in the findings' order."""
    path = result.document.path
    attach(result)
    lines = [
        command("notice", notice["message"], file=path, title=notice["code"]) for notice in notices_json(result, lang)
    ]
    for finding in result.findings:
        level = LEVELS.get(finding.status)
        if level is None:
            continue
        where = locate(finding, result.document)
        title = heading(finding, lang)  # a missing_info finding is headed with the rule's subject
        status = display_term(finding.status, lang, "status")
        original = original_status_label(finding, lang)  # what a claim sent to review
        if original:
            title += f" ({labels(lang)['waived_from']}: {original})"
        message = f"[{status}] {title}: {render_message(finding, lang)}"
        waiver = waiver_text(finding, lang)  # an entry naming the rule that did not apply (expired)
        if waiver:
            message += "\n" + labels(lang)["waiver"] + ": " + waiver
        if finding.remedies:
            message += "\n" + labels(lang)["how_to_meet"] + ":\n" + "\n".join(remedy_lines(finding, lang))
        lines.append(command(level, message, file=path, line=where.line, title=finding.id))
    return lines


def render_github(result: CheckResult, lang: str) -> str:
    return "".join(annotation_lines(result, lang))


def problem_annotations(path: str, problems: tuple[Problem, ...], messages: list[str] | None = None) -> str:
    """A file that could not be checked: an `::error` per problem, at its line when it has one.
    `messages`: each problem's `key.path: message` in the run's language (the catalogue that
    translates the library's English belongs to the CLI); by default as the library wrote it."""
    lines = []
    for index, problem in enumerate(problems):
        if messages is not None:
            message = messages[index]
        else:
            message = f"{problem.key_path}: {problem.message}" if problem.key_path else problem.message
        lines.append(command("error", message, file=problem.path or path, line=problem.line))
    return "".join(lines)
