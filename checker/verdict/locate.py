"""Where in project.yaml a finding points: the key (and its line) a reviewer should look at.

SARIF, CSV and the HTML report all say "see line N"; they must agree, so the choice lives here.
A finding points at the keys of the facts that decided it (the deciding outcome's condition), then
at the other facts the rule read; for missing information, at the key to supply. A key absent from
the file points at its nearest ancestor that is present (the section where it belongs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checker.input.source import KeyPath, SourceDocument
from checker.rules import conditions as cond
from checker.verdict.findings import FactReading, Finding
from checker.vocabulary import Status

_PIECE = re.compile(r"([^\[\]]+)((?:\[\d*\])*)")


@dataclass(frozen=True)
class Location:
    """A key path in the input file (dotted, as the format spec writes it) and its line."""

    key: str
    line: int
    exact: bool  # False when the key is absent and `line` is that of its nearest ancestor


def key_path(dotted: str, index: int = 0) -> KeyPath:
    """`project.products[].product` → ("project", "products", index, "product")."""
    parts: list[str | int] = []
    for piece in dotted.split("."):
        match = _PIECE.fullmatch(piece)
        if match is None:
            return tuple(parts)
        parts.append(match.group(1))
        for number in re.findall(r"\[(\d*)\]", match.group(2)):
            parts.append(int(number) if number else index)
    return tuple(parts)


def _show(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + part
    return out


def _deciding_facts(finding: Finding) -> list[str]:
    """The facts of the outcome that decided the finding (or of the applicability test)."""
    spec = finding.rule.spec
    decision = finding.decision
    names: list[str] = []
    if decision.outcome is not None:
        names += cond.facts_named(spec.outcomes[decision.outcome].when)
    elif spec.applies_when is not None and finding.status == Status.NOT_APPLICABLE:
        names += cond.facts_named(spec.applies_when)
    return names


def _readings(finding: Finding) -> tuple[list[FactReading], int]:
    """Every reading of the finding and the index of the item to point at.

    In a per-item rule the item that decided (the first with the finding's status) is the subject,
    so its facts come first: a product on the no-new-capacity list points at that product's line.
    """
    readings = list(finding.facts.values())
    index = 0
    if finding.items:
        worst = next((i for i in finding.items if i.status == finding.status), finding.items[0])
        index = worst.index
        readings = list(worst.facts.values()) + readings
    return readings, index


def locate(finding: Finding, doc: SourceDocument) -> Location:
    """The key in `doc` this finding is about, with its line (1 when nothing better is known)."""
    readings, index = _readings(finding)
    by_name = {r.name: r for r in readings}
    candidates: list[str] = list(finding.missing_keys)
    for name in _deciding_facts(finding):
        reading = by_name.get(name)
        if reading is not None:
            candidates += list(reading.keys)
    for reading in readings:
        candidates += list(reading.keys)
    paths = [key_path(key, index) for key in dict.fromkeys(candidates)]
    paths = [p for p in paths if p]
    if finding.status != Status.MISSING_INFO:
        for path in paths:
            if path in doc.lines:
                return Location(_show(path), doc.lines[path], exact=True)
    if paths:
        path = paths[0]
        return Location(_show(path), doc.line_of(path) or 1, exact=path in doc.lines)
    return Location("", 1, exact=False)
