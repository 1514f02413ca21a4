"""SARIF 2.1.0: the findings as static-analysis results, for code-review tools and CI dashboards.

One run, one result per rule (every rule of the loaded ruleset, whatever its status), each
pointing at the line of project.yaml the rule read (`checker.verdict.locate`). SARIF's `kind` and `level`
carry the status: a result whose kind is not "fail" must have level "none" (SARIF 2.1.0 §3.27.9),
so every status that asks for action is kind "fail", with the level saying how loud:

    fail → error · warn, review → warning · missing_info → note · pass → kind "pass" ·
    not_applicable → kind "notApplicable" · waived → the level of its original status, with an
    accepted external suppression carrying the register's waiver. A waiver the project file claims
    adds an in-source suppression "underReview" (the finding went to review) or "rejected" (a red
    line): never accepted.

The checker's own status, the audit block and the verdict ride in `properties` bags, which SARIF
reserves for exactly such producer-specific data.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from checker import __version__
from checker.check import CheckResult
from checker.remedies import attach
from checker.reports.render import (
    audit_block,
    claim_text,
    finding_items_json,
    notices_json,
    render_message,
    ruleset_json,
    waiver_text,
)
from checker.rules.ruleset import DOCUMENT_TITLES, Rule
from checker.verdict.findings import Finding
from checker.verdict.locate import locate
from checker.vocabulary import Status

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "nm-project-checker"
_LEVEL: dict[str, str] = {
    Status.FAIL: "error",
    Status.WARN: "warning",
    Status.REVIEW: "warning",
    Status.MISSING_INFO: "note",
    Status.PASS: "none",
    Status.NOT_APPLICABLE: "none",
}
_KIND: dict[str, str] = {Status.PASS: "pass", Status.NOT_APPLICABLE: "notApplicable"}


def artifact_uri(path: str) -> str:
    """A URI reference for the input: relative paths stay relative (and portable), with / and
    percent-encoding, as SARIF's artifactLocation.uri requires. A file name that is not UTF-8
    (Python carries its bytes as surrogates) is percent-encoded byte for byte, as given."""
    pure = PurePath(path)
    if pure.is_absolute():
        return "file://" + quote(pure.as_posix(), safe="/:", errors="surrogateescape")
    return quote(pure.as_posix(), safe="/", errors="surrogateescape")


def _rule_descriptor(rule: Rule, lang: str) -> dict[str, Any]:
    spec = rule.spec
    quotes = [f"{getattr(DOCUMENT_TITLES[b.document], lang)} {b.location}: “{b.quote}”" for b in spec.basis]
    help_text = getattr(spec.summary, lang) + "\n\n" + "\n".join(quotes)
    help_md = getattr(spec.summary, lang) + "\n\n" + "\n\n".join(f"> {q}" for q in quotes)
    if spec.references:
        help_text += "\n\n" + "\n".join(spec.references)
        help_md += "\n\n" + "\n".join(f"- {r}" for r in spec.references)
    return {
        "id": rule.id,
        "name": rule.id.replace("-", ""),
        "shortDescription": {"text": getattr(spec.title, lang)},
        "fullDescription": {"text": getattr(spec.summary, lang)},
        "help": {"text": help_text, "markdown": help_md},
        "defaultConfiguration": {"level": "error" if spec.binding else "warning"},
        "properties": {
            "category": spec.category,
            "binding": spec.binding,
            "tags": [spec.category, "binding" if spec.binding else "guidance"],
            "basis": [b.model_dump() for b in spec.basis],
            "parameters": list(spec.parameters),
        },
    }


def _result(finding: Finding, index: int, result: CheckResult, lang: str, artifact: int = 0) -> dict[str, Any]:
    status = finding.status
    decisive = finding.original_status if status == Status.WAIVED and finding.original_status else status
    where = locate(finding, result.document)
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(result.document.path), "index": artifact},
            "region": {"startLine": where.line},
        },
    }
    if where.key:
        location["logicalLocations"] = [{"fullyQualifiedName": where.key, "kind": "member"}]
    out: dict[str, Any] = {
        "ruleId": finding.id,
        "ruleIndex": index,
        "kind": _KIND.get(decisive, "fail"),
        "level": _LEVEL[decisive],
        "message": {"text": render_message(finding, lang)},
        "locations": [location],
        "properties": {
            "status": status,
            "binding": finding.binding,
            "keyPresent": where.exact,
            "facts": {name: reading.value for name, reading in finding.facts.items()},
            "parameters": {name: p.to_json() for name, p in finding.parameters.items()},
            "missing": list(finding.missing_keys),
        },
    }
    if finding.items:  # a per-item rule read its facts product by product (boiler by boiler)
        out["properties"]["items"] = finding_items_json(finding)
    if finding.original_status:
        out["properties"]["originalStatus"] = finding.original_status
    if status == Status.WAIVED and finding.waiver is not None:
        waiver = finding.waiver
        out["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": waiver_text(finding, lang),
                "properties": {
                    "approvedBy": waiver.approved_by,
                    "document": waiver.document,
                    "expires": waiver.expires.isoformat() if waiver.expires else None,
                },
            }
        ]
    elif finding.claim is not None and (finding.claimed_status or not finding.rule.spec.waivable):
        # a waiver written in the project file: in source, and never accepted by the checker
        claim = finding.claim
        out["suppressions"] = [
            {
                "kind": "inSource",
                "status": "underReview" if finding.claimed_status else "rejected",
                "justification": claim_text(finding, lang),
                "properties": {
                    "approvedBy": claim.approved_by,
                    "document": claim.document,
                    "expires": claim.expires.isoformat() if claim.expires else None,
                    "claimedStatus": finding.claimed_status,
                    "note": finding.claim_note,
                },
            }
        ]
    if finding.claimed_status:
        out["properties"]["claimedStatus"] = finding.claimed_status
    if finding.remedies:
        stated, fixes = _fixes(finding, result, lang, artifact)
        out["properties"]["remedies"] = stated
        if fixes:
            out["fixes"] = fixes
    return out


def _fixes(
    finding: Finding, result: CheckResult, lang: str, artifact: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A finding's remedies (`checker.remedies`): each that changes keys of the file as a SARIF
    fix, described in words and anchored at the line of its first key with an empty region (the
    change is stated, not written as text: the values go where the file holds them); every
    remedy, a "no change helps" included, in the result's `remedies` property."""
    from checker.remedies.keys import parts
    from checker.reports.remedy_words import remedy_json

    stated = [remedy_json(r, lang) for r in finding.remedies or ()]
    fixes = []
    for remedy, shown in zip(finding.remedies or (), stated, strict=True):
        if not remedy.changes:
            continue
        line = result.document.line_of(tuple(parts(remedy.changes[0].key))) or 1
        fixes.append(
            {
                "description": {"text": shown["message"]},
                "artifactChanges": [
                    {
                        "artifactLocation": {"uri": artifact_uri(result.document.path), "index": artifact},
                        "replacements": [{"deletedRegion": {"startLine": line, "startColumn": 1, "endColumn": 1}}],
                    }
                ],
            }
        )
    return stated, fixes


def driver(result: CheckResult, lang: str) -> dict[str, Any]:
    """The tool's driver: the checker and every rule of the ruleset (the same for every project
    checked with one ruleset, so a batch states it once)."""
    return {
        "name": TOOL_NAME,
        "version": __version__,
        "semanticVersion": __version__,
        "language": "zh-CN" if lang == "zh" else "en",
        "rules": [_rule_descriptor(rule, lang) for rule in result.ruleset.rules],
        "properties": {
            "rulesetVersion": result.ruleset.version,
            "rulesetSha256": result.ruleset.sha256,
            "rulesetPlan": ruleset_json(result)["plan"],
        },
    }


def artifact(result: CheckResult) -> dict[str, Any]:
    """The checked file as a SARIF artifact: its URI and its sha-256."""
    return {
        "location": {"uri": artifact_uri(result.document.path)},
        "hashes": {"sha-256": result.document.sha256},
        "mimeType": "application/yaml",
    }


def results(result: CheckResult, lang: str, artifact_index: int = 0) -> list[dict[str, Any]]:
    """One SARIF result per finding, each located in the artifact at `artifact_index`."""
    index = {rule.id: i for i, rule in enumerate(result.ruleset.rules)}
    attach(result)
    return [_result(f, index[f.id], result, lang, artifact_index) for f in result.findings]


def notifications(result: CheckResult, lang: str) -> list[dict[str, Any]]:
    """Run-level notices (a check dated after the plan period), as SARIF notifications."""
    return [
        {"descriptor": {"id": n["code"]}, "level": "warning", "message": {"text": n["message"]}}
        for n in notices_json(result, lang)
    ]


def sarif_log(result: CheckResult, lang: str) -> dict[str, Any]:
    """The SARIF log object of one checked project."""
    audit = audit_block(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver(result, lang)},
                "artifacts": [artifact(result)],
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "exitCode": result.exit_code,
                        "toolExecutionNotifications": notifications(result, lang),
                        "properties": {"asOf": audit["as_of"]},
                    }
                ],
                "results": results(result, lang),
                "properties": {
                    "verdict": result.verdict,
                    "project": {"id": result.project.project.id, "name": result.project.project.name},
                    "audit": audit,
                },
            }
        ],
    }


def render_sarif(result: CheckResult, lang: str) -> str:
    return json.dumps(sarif_log(result, lang), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
