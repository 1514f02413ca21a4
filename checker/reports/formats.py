"""Choosing a report format, by its name or an output file's extension, and rendering with it:
the one entry point every caller (the command line, a batch worker, a folder document) goes through.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable

from checker.check import CheckResult
from checker.errors import UsageError, quoted
from checker.reports.escaping import visible
from checker.reports.render import LANGS, render_json, render_markdown, render_text

FORMATS = ("text", "markdown", "html", "json", "jsonl", "sarif", "junit", "csv", "github")
# output file extension → format, for `check --output` without `--format`
EXTENSIONS = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".sarif": "sarif",
    ".xml": "junit",
    ".csv": "csv",
}


def renderer(fmt: str) -> Callable[..., str]:
    """The function that renders `fmt`. Each format's module is imported here, when asked for,
    for start-up time: a `check` that prints text never loads the SARIF or HTML writer."""
    if fmt in ("text", "markdown", "json"):
        return {"text": render_text, "markdown": render_markdown, "json": render_json}[fmt]
    if fmt == "html":
        from checker.reports.html import render_html

        return render_html
    if fmt == "jsonl":
        from checker.reports.line import render_jsonl

        return render_jsonl
    if fmt == "sarif":
        from checker.reports.sarif import render_sarif

        return render_sarif
    if fmt == "junit":
        from checker.reports.junit import render_junit

        return render_junit
    if fmt == "csv":
        from checker.reports.csv import render_csv

        return render_csv
    if fmt == "github":
        from checker.reports.github import render_github

        return render_github
    raise UsageError(f"unknown report format {fmt!r}; one of: {', '.join(FORMATS)}")


def format_for(path: str) -> str:
    """The format an output file name asks for, from its extension; UsageError if none does."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in EXTENSIONS:
        known = ", ".join(sorted(EXTENSIONS))
        raise UsageError(
            f"cannot tell the report format from {quoted(path)}: use one of the extensions {known} or give --format"
        )
    return EXTENSIONS[suffix]


def render(result: CheckResult, fmt: str, lang: str, *, color: bool = False, compact: bool = False) -> str:
    """The report of one checked project in format `fmt`: the one entry point for every format.

    `color` asks for ANSI colours on status labels; only the text format has any, and only the
    caller knows whether its output is a terminal, so it decides. `compact` asks for the text
    report of what needs attention (`compact_view`) instead of the full one; the other formats
    are always whole.
    """
    if lang not in LANGS:
        raise UsageError(f"unknown language {lang!r}; one of: {', '.join(LANGS)}")
    render_as = renderer(fmt)
    shown = visible(result.document.path)
    if fmt == "text":  # a line break in a file name would start a line of the report ("审查结论: ...")
        shown = shown.replace("\n", "\\n")
    if shown != result.document.path and fmt in ("text", "markdown", "html"):
        # a file name is the one text no reader checked: never a terminal or markup sequence
        result = dataclasses.replace(result, document=dataclasses.replace(result.document, path=shown))
    if fmt == "text":
        return render_as(result, lang, color=color, compact=compact)
    return render_as(result, lang)
