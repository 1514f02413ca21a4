"""CSV: one row per finding, for spreadsheets (UTF-8 with a BOM, so Excel reads the Chinese).

Every cell that a spreadsheet would take for a formula (starting with = + - @, or a tab or
carriage return) is neutralised with a leading apostrophe (OWASP "CSV injection"): a project name
or waiver reason is the applicant's text and must never run in a reviewer's spreadsheet. The audit
block is repeated on every row, so that a row copied elsewhere still says what produced it.
"""

from __future__ import annotations

from typing import Any

from checker.check import CheckResult
from checker.remedies import attach
from checker.reports.escaping import csv_line, neutralise  # noqa: F401 - neutralise is the API
from checker.reports.render import (
    audit_block,
    claim_text,
    fact_line,
    fact_view,
    finding_comparands,
    item_line,
    item_views,
    notices_json,
    param_line,
    param_view,
    remedy_lines,
    render_message,
    set_aside_status,
    waiver_text,
)
from checker.reports.words import term
from checker.rules.ruleset import DOCUMENT_TITLES
from checker.verdict.findings import Finding
from checker.verdict.locate import locate

BOM = "\ufeff"
CSV_DIGITS = 4  # a spreadsheet gets a fact's figure with more decimals than a page
COLUMNS = (
    "rule",
    "title",
    "category",
    "binding",
    "status",
    "status_label",
    "original_status",
    "message",
    "facts",
    "parameters",
    "missing",
    "remedies",
    "basis",
    "location",
    "waiver",
    "claim",
    "project_id",
    "project_name",
    "verdict",
    "as_of",
    "checker_version",
    "ruleset_version",
    "ruleset_sha256",
    "input_path",
    "input_sha256",
    "policy_file",
    "waiver_register_sha256",
    "notices",
)


def _facts_cell(finding: Finding, lang: str) -> str:
    """The facts a finding read, then each item of a per-item rule (a product, a boiler) with its
    status and its own facts, each as the text report's line (`render.fact_line`, `item_line`):
    a number printed apart from the finding's limits (a PUE of 1.2000001 never shows as 1.2
    beside a limit of 1.2), words in the report's language."""
    comparands = finding_comparands(finding)
    lines = [fact_line(fact_view(r, lang, comparands, CSV_DIGITS)) for r in finding.facts.values()]
    lines += [item_line(item) for item in item_views(finding, lang, comparands, CSV_DIGITS)]
    return " / ".join(lines)


def _rows(result: CheckResult, lang: str) -> list[dict[str, Any]]:
    attach(result)
    audit = audit_block(result)
    info = result.project.project
    notices = " / ".join(n["message"] for n in notices_json(result, lang))
    rows = []
    for finding in result.findings:
        spec = finding.rule.spec
        where = locate(finding, result.document)
        rows.append(
            {
                "rule": finding.id,
                "title": getattr(spec.title, lang),
                "category": spec.category,
                "binding": "true" if finding.binding else "false",
                "status": finding.status,
                "status_label": term(finding.status, lang, "status"),
                "original_status": set_aside_status(finding) or "",
                "message": render_message(finding, lang),
                "facts": _facts_cell(finding, lang),
                "parameters": " / ".join(param_line(param_view(p, lang), lang) for p in finding.parameters.values()),
                "missing": "; ".join(finding.missing_keys),
                "remedies": " / ".join(remedy_lines(finding, lang)),
                "basis": " / ".join(
                    f"{getattr(DOCUMENT_TITLES[b.document], lang)} {b.location}: “{b.quote}”" for b in spec.basis
                ),
                "location": f"{result.document.path}:{where.line} {where.key}".rstrip(),
                "waiver": waiver_text(finding, lang) or "",
                "claim": claim_text(finding, lang) or "",
                "project_id": info.id or "",
                "project_name": info.name,
                "verdict": result.verdict,
                **{
                    key: audit[key] or ""
                    for key in (
                        "as_of",
                        "checker_version",
                        "ruleset_version",
                        "ruleset_sha256",
                        "input_path",
                        "input_sha256",
                        "policy_file",
                        "waiver_register_sha256",
                    )
                },
                "notices": notices,
            }
        )
    return rows


def render_csv(result: CheckResult, lang: str) -> str:
    """The CSV text, BOM first; the header row names the columns (stable, English keys)."""
    lines = [csv_line(list(COLUMNS))]
    lines += [csv_line([row[key] for key in COLUMNS]) for row in _rows(result, lang)]
    return BOM + "".join(lines)
