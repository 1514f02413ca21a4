"""Waivers: the review authority's register decides; a waiver written in the project file is a claim.

A verdict is a signature, so only the authority that signs may set a finding aside: its register
(`check --waivers register.yaml`) names the project, the rule, the decision's document and its
expiry, and only an entry of it that names this project's `project.id` and has not expired on the
check date makes a finding `waived` (catalogue amendment 7). A `waivers:` entry in the applicant's
own file is a claim: it never improves a finding beyond `review` (a person must check the claimed
document), never makes missing information complete, and never touches a red line
(`waivable: false` in the rule's data: LA-001, LA-002, LA-003, HE-004).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field

from checker.errors import InputError, Problem
from checker.input.source import DEFAULT_LIMITS, Limits, SourceDocument, read_document
from checker.input.validation import validate_document
from checker.project.model import CalendarDate, FormatNumber, Reference, ReferenceText, Strict, Text, Waiver
from checker.rules.ruleset import Ruleset
from checker.vocabulary import WAIVABLE as _WAIVABLE
from checker.vocabulary import Status

if TYPE_CHECKING:  # the findings import this module's entry type: only for annotations
    from checker.verdict.findings import Finding

# the statuses a register entry sets aside; a passing or inapplicable finding needs no waiver
WAIVABLE = _WAIVABLE
# the statuses a claim turns into `review`: a person must verify the claimed decision. A claim
# never touches missing_info (a claimed decision does not supply an absent figure), review (it is
# already a person's), pass or not_applicable (nothing to set aside).
CLAIMABLE = (Status.FAIL, Status.WARN)
_RULE_ID = re.compile(r"[A-Z]{2}-[0-9]{3}")


class RegisterEntry(Strict):
    """One decision of the review authority: this rule does not hold against this project."""

    project: Reference
    rule: Annotated[str, Field(strict=True, pattern=r"^[A-Z]{2}-[0-9]{3}$")]
    reason: Text
    approved_by: ReferenceText
    document: ReferenceText
    expires: CalendarDate
    # optional: the project's name as the authority decided on it. The id alone is what the
    # applicant's own file says; with the name, an entry never follows an id copied into the file
    # of another project (`name_mismatch`)
    project_name: Text | None = None

    def name_mismatch(self, name: str) -> bool:
        """Whether this entry names a project other than one called `name`: compared by its
        letters, digits and signs, ignoring width, case, spacing and punctuation, and reading ×
        as x (2×350MW, 2 × 350 MW, 2x350mw。 are one name)."""
        return self.project_name is not None and _name_key(self.project_name) != _name_key(name)


def _name_key(name: str) -> str:
    folded = unicodedata.normalize("NFKC", name).casefold().replace("×", "x")
    return "".join(c for c in folded if not unicodedata.category(c).startswith(("P", "Z", "C")))


class RegisterFile(Strict):
    """The register file, format 1: who keeps it and its entries; every key required."""

    format: FormatNumber
    authority: Text
    waivers: list[RegisterEntry]


@dataclass(frozen=True)
class WaiverRegister:
    """A loaded, validated register: its file, the sha256 of its bytes, its keeper and entries."""

    path: str
    sha256: str
    authority: str
    entries: tuple[RegisterEntry, ...]
    # the bytes read and checked, recorded in the ledger as they were (never read twice)
    raw: bytes | None = field(default=None, repr=False, compare=False)

    def for_project(self, project_id: str | None) -> list[RegisterEntry]:
        """The entries naming `project_id`; a project without an id is named by none."""
        if project_id is None:
            return []
        return list(self._by_project.get(project_id, ()))

    @cached_property
    def _by_project(self) -> dict[str, list[RegisterEntry]]:
        """The entries by the project they name, in the register's order: a batch asks once per
        project, and scanning a province's register for each would grow with the register."""
        found: dict[str, list[RegisterEntry]] = {}
        for entry in self.entries:
            found.setdefault(entry.project, []).append(entry)
        return found


def load_register(path: str | Path, ruleset: Ruleset, limits: Limits = DEFAULT_LIMITS) -> WaiverRegister:
    """Read and validate a register; every problem is an InputError naming file, key path, line."""
    doc = read_document(path, limits)
    return register_from_document(doc, ruleset)


def register_from_document(doc: SourceDocument, ruleset: Ruleset) -> WaiverRegister:
    """Validate a parsed register against its model and the ruleset it is used with."""
    try:
        register = validate_document(doc, RegisterFile)
    except InputError as exc:
        problems = exc.problems + _raw_rule_problems(doc, ruleset)
        raise InputError(sorted(problems, key=lambda p: (p.line or 0, p.key_path))) from None
    problems = _entry_problems(doc, ruleset, [(e.project, e.rule) for e in register.waivers])
    if problems:
        raise InputError(problems)
    return WaiverRegister(
        path=doc.path,
        sha256=doc.sha256,
        authority=register.authority,
        entries=tuple(register.waivers),
        raw=doc.raw,
    )


def _entry_problems(doc: SourceDocument, ruleset: Ruleset, named: list[tuple[str | None, str | None]]) -> list[Problem]:
    """Entries naming an unknown rule, a rule that cannot be waived, or a project and rule that an
    earlier entry already names (two decisions on one question: which one holds is not for the
    checker to guess). `None` skips what could not be read."""
    known = ruleset.by_id()
    problems: list[Problem] = []
    first: dict[tuple[str, str], int] = {}
    for index, (project, rule) in enumerate(named):
        if rule is None:
            continue
        key = ("waivers", index, "rule")
        where = f"waivers[{index}].rule"
        if rule not in known:
            problems.append(
                Problem(doc.path, where, doc.line_of(key), f"names unknown rule {rule} ({known_rules(rule, known)})")
            )
            continue
        if not known[rule].spec.waivable:
            problems.append(
                Problem(
                    doc.path,
                    where,
                    doc.line_of(key),
                    f"{rule} cannot be waived: it is a red line of the plan (waivable: false in its rule data)",
                )
            )
            continue
        if project is None:
            continue
        earlier = first.setdefault((project, rule), index)
        if earlier != index:
            line = doc.line_of(("waivers", earlier))
            problems.append(
                Problem(
                    doc.path,
                    where,
                    doc.line_of(key),
                    f"a second entry for project {project} and rule {rule} "
                    f"(the first is waivers[{earlier}]" + (f", line {line})" if line else ")"),
                )
            )
    return problems


def _raw_rule_problems(doc: SourceDocument, ruleset: Ruleset) -> list[Problem]:
    """The same, from a register that failed validation: one run names every problem."""
    raw = doc.data.get("waivers") if isinstance(doc.data, dict) else None
    if not isinstance(raw, list):
        return []
    named: list[tuple[str | None, str | None]] = []
    for entry in raw:
        if not isinstance(entry, dict):
            named.append((None, None))
            continue
        rule = entry.get("rule")
        project = entry.get("project")
        named.append(
            (
                str(project) if isinstance(project, str | int) and not isinstance(project, bool) else None,
                rule if isinstance(rule, str) and _RULE_ID.fullmatch(rule) else None,
            )
        )
    return _entry_problems(doc, ruleset, named)


def known_rules(rule: str, known: Iterable[str]) -> str:
    """What a mistyped rule id could have been: the rules of its family, or the families."""
    family = sorted(k for k in known if k[:2] == rule[:2])
    if family:
        return f"the {rule[:2]} rules are {', '.join(family)}"
    families = ", ".join(sorted({k[:2] for k in known}))
    return f"no rule family {rule[:2]}; the families are {families}"


# ---------------------------------------------------------------- applying them to findings


def apply_register(findings: list[Finding], entries: list[RegisterEntry], on: dt.date) -> None:
    """Set aside each finding that an entry in force on `on` names; note the expired ones."""
    by_rule = {f.id: f for f in findings}
    for entry in entries:
        finding = by_rule.get(entry.rule)
        if finding is None:
            continue
        finding.waiver = entry
        if not finding.rule.spec.waivable:  # a register checked against other rule data
            finding.waiver_note = "not applied: the rule cannot be waived"
        elif entry.expires < on:
            finding.waiver_note = f"expired on {entry.expires.isoformat()}"
        elif finding.status not in WAIVABLE:
            finding.waiver_note = f"not needed: the rule's status is {finding.status}"
        else:
            finding.original_status, finding.status = finding.status, Status.WAIVED


def apply_claims(findings: list[Finding], claims: list[Waiver], on: dt.date) -> None:
    """A claimed waiver sends a failing or warning finding to a person (`review`); nothing else."""
    by_rule = {f.id: f for f in findings}
    for claim in claims:
        finding = by_rule[claim.rule]
        finding.claim = claim
        if not finding.rule.spec.waivable:
            finding.claim_note = "the rule cannot be waived: a red line of the plan"
        elif finding.status == Status.WAIVED:
            finding.claim_note = "superseded by the review authority's register"
        elif claim.expires is not None and claim.expires < on:
            finding.claim_note = f"expired on {claim.expires.isoformat()}"
        elif finding.status in CLAIMABLE:
            finding.claimed_status, finding.status = finding.status, Status.REVIEW
            finding.claim_note = "the claimed decision must be verified: not in the review authority's register"
        elif finding.status == Status.MISSING_INFO:
            finding.claim_note = "a claim does not supply the missing information"
        else:
            finding.claim_note = f"not needed: the rule's status is {finding.status}"


_CLAIM_SENTENCE = {
    "zh": {
        "review": "申请文件自述豁免(主张人:{by};文件:{doc}),未列入审查机关豁免登记,须人工核实。",
        "red_line": "申请文件自述豁免(主张人:{by};文件:{doc})不予采纳:本条为红线,不得豁免。",
    },
    "en": {
        "review": "The application claims a waiver (claimed by {by}; document: {doc}); it is not in "
        "the review authority's register and must be verified.",
        "red_line": "The waiver the application claims (claimed by {by}; document: {doc}) is not "
        "accepted: this rule is a red line and cannot be waived.",
    },
}


# what people read for a claim that leaves out who approved it or which document decided it
_UNNAMED = {"zh": "未写明", "en": "not stated"}


def unstated(lang: str) -> str:
    """The words for a claim's approver or document that the file does not state."""
    return _UNNAMED[lang]


# the notes above are English in the machine formats (stable strings); people read them in zh too
_NOTES_ZH = (
    (re.compile(r"expired on ([0-9-]+)"), "已于{0}到期,不予适用"),
    (re.compile(r"not needed: the rule's status is (\w+)"), "无需豁免:本条结论为{status}"),
    (re.compile(r"not applied: the rule cannot be waived"), "不予适用:本条不得豁免"),
    (re.compile(r"the rule cannot be waived: a red line of the plan"), "本条为规划红线,不得豁免"),
    (re.compile(r"superseded by the review authority's register"), "以审查机关豁免登记为准"),
    (
        re.compile(r"the claimed decision must be verified: not in the review authority's register"),
        "所称决定未列入审查机关豁免登记,须人工核实",
    ),
    (re.compile(r"a claim does not supply the missing information"), "自述豁免不能补足缺失的信息"),
)


def note_text(note: str | None, lang: str, status_label: Callable[[str], str]) -> str | None:
    """A waiver's or claim's note in the report's language (`status_label` names a status)."""
    if note is None or lang != "zh":
        return note
    for pattern, text in _NOTES_ZH:
        match = pattern.fullmatch(note)
        if match:
            groups = match.groups()
            return text.format(*groups, status=status_label(groups[0]) if groups else "")
    return note


def claim_sentence(finding: Finding, lang: str) -> str:
    """What the finding's message adds about a claim: who claims which document, and its effect."""
    claim = finding.claim
    if claim is None:
        return ""
    if finding.claimed_status is not None:
        kind = "review"
    elif not finding.rule.spec.waivable:
        kind = "red_line"
    else:
        return ""
    return _CLAIM_SENTENCE[lang][kind].format(
        by=claim.approved_by or unstated(lang), doc=claim.document or unstated(lang)
    )


def register_view(register: WaiverRegister | None) -> dict[str, Any]:
    """The register's identity in the audit block: file, sha256 and keeper (None without one)."""
    return {
        "waiver_register": register.path if register else None,
        "waiver_register_sha256": register.sha256 if register else None,
        "waiver_register_authority": register.authority if register else None,
    }


def register_entries_json(findings: list[Finding]) -> list[dict[str, Any]]:
    """The register entries that named the project, each with whether it applied and why not."""
    out = []
    for finding in findings:
        entry = finding.waiver
        if entry is None:
            continue
        applied = finding.status == Status.WAIVED
        out.append(
            {
                "project": entry.project,
                "rule": entry.rule,
                "approved_by": entry.approved_by,
                "document": entry.document,
                "reason": entry.reason,
                "expires": entry.expires.isoformat(),
                "applied": applied,
                "original_status": finding.original_status if applied else None,
                "note": finding.waiver_note,
            }
        )
    return out


def claims_json(findings: list[Finding]) -> list[dict[str, Any]]:
    """The waivers the project file claims, each with what it did (never `waived`)."""
    out = []
    for finding in findings:
        claim = finding.claim
        if claim is None:
            continue
        out.append(
            {
                "rule": claim.rule,
                "approved_by": claim.approved_by,
                "document": claim.document,
                "reason": claim.reason,
                "expires": claim.expires.isoformat() if claim.expires else None,
                "status": finding.status,
                "claimed_status": finding.claimed_status,
                "note": finding.claim_note,
            }
        )
    return out
