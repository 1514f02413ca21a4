"""JUnit XML: one test case per rule, so a CI server shows the check like a test run.

Mapping, chosen so that the CI result agrees with the exit code: a binding `fail` and the two
statuses that need a reviewer (`review`, `missing_info`, which make the verdict needs_review and
the exit code 3) are <failure>s, each with its own `type`; `not_applicable` and `waived` are
<skipped> (the rule did not judge, or a reviewer set it aside), with the reason; `warn` passes
(the verdict is approved_with_warnings, exit code 0) with the warning in <system-out>; `pass`
passes. The audit block goes into the suite's <properties>.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from checker.check import CheckResult
from checker.locate import locate
from checker.parameters import ParameterValue
from checker.report import (
    audit_block,
    entry_marks,
    format_param_value,
    notices_json,
    parameters_in_force,
    provenance_label,
    render_message,
)
from checker.verdict import Finding

FAILURES = ("fail", "review", "missing_info")
SKIPPED = ("not_applicable", "waived")


def _param_text(param: ParameterValue, lang: str) -> str:
    """A parameter's value and unit, then what kind of number it is (`provenance_label`)."""
    value = f"{format_param_value(param.value, entry_marks(param))} {param.unit}".rstrip()
    return f"{value} [{provenance_label(param, lang)}]"


def _property_items(result: CheckResult, lang: str) -> list[tuple[str, str]]:
    audit = audit_block(result)
    items = [
        (key, str(value)) for key, value in audit.items()
        if key not in ("parameters", "waivers", "claims") and value is not None
    ]
    for param in parameters_in_force(result):
        items.append((
            f"parameter.{param.name}",
            f"{_param_text(param, lang)} (from {param.effective_from.isoformat()}; "
            f"source: {param.source})",
        ))
    for waiver in audit["waivers"]:
        state = "applied" if waiver["applied"] else "not applied"
        items.append((
            f"waiver.{waiver['rule']}",
            f"{state}; {waiver['approved_by']}, {waiver['document']}"
            + (f", expires {waiver['expires']}" if waiver["expires"] else "")
            + (f": {waiver['reason']}" if waiver["reason"] else "")
            + (f" ({waiver['note']})" if waiver["note"] else ""),
        ))
    for claim in audit["claims"]:  # the project file's own waivers: claims, never decisions
        items.append((
            f"claim.{claim['rule']}",
            f"{claim['status']}"
            + (f" (was {claim['claimed_status']})" if claim["claimed_status"] else "")
            + f"; {claim['approved_by']}, {claim['document']}"
            + (f", expires {claim['expires']}" if claim["expires"] else "")
            + (f": {claim['reason']}" if claim["reason"] else "")
            + (f" ({claim['note']})" if claim["note"] else ""),
        ))
    return items


def _testcase(finding: Finding, result: CheckResult, lang: str, suite: str) -> ET.Element:
    spec = finding.rule.spec
    where = locate(finding, result.document)
    case = ET.Element("testcase", {
        "name": f"{finding.id} {getattr(spec.title, lang)}",
        "classname": f"{suite}.{spec.category}",
        "file": result.document.path,
        "line": str(where.line),
        "time": "0",
    })
    message = render_message(finding, lang)
    details = [message, ""]
    details += [f"{r.name} = {r.value!r} {r.unit}".rstrip() for r in finding.facts.values()]
    details += [f"{p.name} = {_param_text(p, lang)}" for p in finding.parameters.values()]
    details += [f"{b.location}: “{b.quote}”" for b in spec.basis]
    if where.key:
        details.append(f"{result.document.path}:{where.line} ({where.key})")
    if finding.status in FAILURES:
        failure = ET.SubElement(case, "failure", {"message": message, "type": finding.status})
        failure.text = "\n".join(details)
    elif finding.status in SKIPPED:
        reason = message
        if finding.status == "waived" and finding.waiver is not None:
            reason = (
                f"waived ({finding.original_status}) by {finding.waiver.approved_by}, "
                f"{finding.waiver.document}: {message}"
            )
        ET.SubElement(case, "skipped", {"message": reason})
    elif finding.status == "warn":
        ET.SubElement(case, "system-out").text = "WARNING: " + "\n".join(details)
    return case


def junit_tree(result: CheckResult, lang: str) -> ET.Element:
    """The <testsuites> element of one checked project."""
    findings = result.findings
    name = result.project.project.id or result.project.project.name
    suite_name = f"nm-project-checker.{name}"
    totals = {
        "tests": str(len(findings)),
        "failures": str(sum(1 for f in findings if f.status in FAILURES)),
        "errors": "0",
        "skipped": str(sum(1 for f in findings if f.status in SKIPPED)),
        "time": "0",
    }
    root = ET.Element("testsuites", {"name": "nm-project-checker", **totals})
    suite = ET.SubElement(root, "testsuite", {
        "name": suite_name, "timestamp": result.params.as_of.isoformat() + "T00:00:00",
        **totals,
    })
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", {"name": "project", "value": result.project.project.name})
    ET.SubElement(properties, "property", {"name": "verdict", "value": result.verdict})
    for notice in notices_json(result, lang):  # said before anything else about the run
        ET.SubElement(properties, "property", {"name": f"notice.{notice['code']}", "value": notice["message"]})
    for key, value in _property_items(result, lang):
        ET.SubElement(properties, "property", {"name": key, "value": value})
    for finding in findings:
        suite.append(_testcase(finding, result, lang, suite_name))
    return root


def render_junit(result: CheckResult, lang: str) -> str:
    root = junit_tree(result, lang)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
