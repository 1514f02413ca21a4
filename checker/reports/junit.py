"""JUnit XML: one test case per rule, so a CI server shows the check like a test run.

Mapping, chosen so that the CI result agrees with the exit code under `--fail-on`
(`verdict.findings.fails_gate`): a finding that makes the exit code non-zero is a <failure> with
its status as `type` (a binding `fail` always; `review` and `missing_info`, which make the verdict
needs_review, unless `--fail-on rejected`; `warn` and a failure of guidance, which make it
approved_with_warnings, under `--fail-on warn`); such a finding the gate lets pass passes with its
reasoning in <system-out>; `not_applicable` and `waived` are <skipped> (the rule did not judge, or
a reviewer set it aside), with the reason; `pass` passes. The audit block goes into the suite's
<properties>.

The suite's `timestamp` is the moment of the check, in UTC (ISO 8601, `+00:00`); the check date
(`--as-of`, which may lie in the past) is a property. `SOURCE_DATE_EPOCH` (seconds since 1970, the
reproducible-builds convention) fixes that clock, so that a report can be compared byte for byte.
"""

from __future__ import annotations

import datetime as dt
import os
import xml.etree.ElementTree as ET

from checker.check import CheckResult
from checker.remedies import attach
from checker.reports.escaping import xml_text
from checker.reports.render import (
    audit_view,
    claim_entry_text,
    fact_line,
    fact_view,
    finding_comparands,
    item_line,
    item_views,
    labels,
    notices_json,
    original_status_label,
    param_line,
    param_text,
    param_view,
    register_entry_text,
    remedy_lines,
    render_message,
    waiver_text,
)
from checker.reports.words import term as display_term
from checker.verdict.findings import Finding, fails_gate
from checker.verdict.locate import locate
from checker.vocabulary import Status

SKIPPED = (Status.NOT_APPLICABLE, Status.WAIVED)


def _property_items(result: CheckResult, lang: str) -> list[tuple[str, str]]:
    """The suite's properties: the audit's identity (codes, as written), then each parameter in
    force, register entry and claim, worded as the text report's audit block words them."""
    audit = audit_view(result, lang)
    items = [
        (key, str(value))
        for key, value in audit.items()
        if key not in ("parameters", "waivers", "claims") and value is not None
    ]
    items += [(f"parameter.{view['name']}", param_text(view, lang)) for view in audit["parameters"]]
    items += [(f"waiver.{entry['rule']}", register_entry_text(entry, lang)) for entry in audit["waivers"]]
    # the project file's own waivers: claims, never decisions
    items += [(f"claim.{entry['rule']}", claim_entry_text(entry, lang)) for entry in audit["claims"]]
    return items


def _testcase(finding: Finding, result: CheckResult, lang: str, suite: str) -> ET.Element:
    spec = finding.rule.spec
    where = locate(finding, result.document)
    case = ET.Element(
        "testcase",
        {
            # the rule's neutral subject, whatever the status: the title states a violation, which a
            # passing test must not, and a CI server follows a test's history by its name
            "name": f"{finding.id} {getattr(spec.subject or spec.title, lang)}",
            "classname": f"{suite}.{spec.category}",
            "file": result.document.path,
            "line": str(where.line),
            "time": "0",
        },
    )
    message = render_message(finding, lang)
    details = [message, ""]
    original = original_status_label(finding, lang)
    if original and finding.status != Status.WAIVED:  # a claim sent it to review (waived: skipped says)
        details = [message, f"{labels(lang)['waived_from']}: {original}", ""]
    comparands = finding_comparands(finding)
    details += [fact_line(fact_view(r, lang, comparands)) for r in finding.facts.values()]
    details += [item_line(item) for item in item_views(finding, lang, comparands)]
    details += [param_line(param_view(p, lang), lang) for p in finding.parameters.values()]
    details += [f"{b.location}: “{b.quote}”" for b in spec.basis]
    if where.key:
        details.append(f"{result.document.path}:{where.line} ({where.key})")
    if finding.remedies:
        details += [labels(lang)["how_to_meet"] + ":", *(f"- {line}" for line in remedy_lines(finding, lang))]
    if fails_gate(finding, result.fail_on):
        failure = ET.SubElement(case, "failure", {"message": message, "type": finding.status})
        failure.text = "\n".join(details)
    elif finding.status in SKIPPED:
        reason = message
        waiver = waiver_text(finding, lang)
        if finding.status == Status.WAIVED and waiver is not None:  # who set which status aside
            words = labels(lang)
            original = display_term(finding.original_status or finding.status, lang, "status")
            status = display_term(finding.status, lang, "status")
            reason = f"[{status}; {words['waived_from']}: {original}] {words['waiver']}: {waiver} — {message}"
        ET.SubElement(case, "skipped", {"message": reason})
    elif finding.status != Status.PASS:  # a warning, or what `--fail-on` lets pass: said, not failed
        status = display_term(finding.status, lang, "status")
        ET.SubElement(case, "system-out").text = f"[{status}] " + "\n".join(details)
    return case


def check_timestamp() -> str:
    """Now, in UTC, to the second (ISO 8601); `SOURCE_DATE_EPOCH` fixes it when set.

    A value that is not a whole number of seconds is a usage error, never silently ignored."""
    fixed = os.environ.get("SOURCE_DATE_EPOCH")
    if fixed is not None:
        try:
            moment = dt.datetime.fromtimestamp(int(fixed), dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            from checker.errors import UsageError

            raise UsageError(f"SOURCE_DATE_EPOCH={fixed!r} is not a number of seconds since 1970-01-01") from None
    else:
        moment = dt.datetime.now(dt.timezone.utc)
    return moment.replace(microsecond=0).isoformat()


def totals(result: CheckResult) -> dict[str, int]:
    """A suite's counters: tests, failures (as its test cases: `fails_gate`), errors, skipped."""
    return {
        "tests": len(result.findings),
        "failures": sum(fails_gate(f, result.fail_on) for f in result.findings),
        "errors": 0,
        "skipped": sum(f.status in SKIPPED for f in result.findings),
    }


TOTALS = ("tests", "failures", "errors", "skipped")


def suite_totals(suite: ET.Element) -> dict[str, int]:
    """The counters a rendered <testsuite> states: a folder's <testsuites> adds them up."""
    return {key: int(suite.get(key, "0")) for key in TOTALS}


def _totals_attributes(numbers: dict[str, int]) -> dict[str, str]:
    return {**{key: str(value) for key, value in numbers.items()}, "time": "0"}


def testsuite(result: CheckResult, lang: str, timestamp: str | None = None) -> ET.Element:
    """The <testsuite> of one checked project: its properties, then one test case per rule."""
    attach(result)
    findings = result.findings
    name = result.project.project.id or result.project.project.name
    suite_name = f"nm-project-checker.{name}"
    suite = ET.Element(
        "testsuite",
        {
            "name": suite_name,
            "timestamp": timestamp or check_timestamp(),
            **_totals_attributes(totals(result)),
        },
    )
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", {"name": "project", "value": result.project.project.name})
    ET.SubElement(properties, "property", {"name": "verdict", "value": result.verdict})
    for notice in notices_json(result, lang):  # said before anything else about the run
        ET.SubElement(properties, "property", {"name": f"notice.{notice['code']}", "value": notice["message"]})
    for key, value in _property_items(result, lang):
        ET.SubElement(properties, "property", {"name": key, "value": value})
    for finding in findings:
        suite.append(_testcase(finding, result, lang, suite_name))
    return suite


def testsuites(suites: list[ET.Element], numbers: dict[str, int]) -> ET.Element:
    root = ET.Element("testsuites", {"name": "nm-project-checker", **_totals_attributes(numbers)})
    root.extend(suites)
    return root


def junit_tree(result: CheckResult, lang: str) -> ET.Element:
    """The <testsuites> element of one checked project."""
    return testsuites([testsuite(result, lang)], totals(result))


def xml_document(root: ET.Element) -> str:
    """The XML declaration and `root`, indented; what XML 1.0 forbids never in it."""
    ET.indent(root)
    # a file name may hold what XML 1.0 forbids (ElementTree writes it as is): never in the XML
    return xml_text('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n")


def render_junit(result: CheckResult, lang: str) -> str:
    return xml_document(junit_tree(result, lang))
