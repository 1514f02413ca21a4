"""Re-verifying a ledger: is the chain intact, and does every verdict follow from what was stored?

Two independent checks, because either alone can be fooled. The hash chain shows that no entry was
edited, inserted or deleted after the fact (short of rewriting every later entry); the re-run shows
that the verdict and every finding really follow from the stored input, ruleset and parameters, which
also catches a chain rewritten wholesale with a forged verdict. An entry whose ruleset can no longer
be found is reported as not re-runnable: never as verified.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal, TypedDict

from checker import __version__
from checker.audit.ledger import (
    GENESIS,
    MAX_STORED_INPUT_BYTES,
    Entry,
    Ledger,
    TooLarge,
    entry_hash,
    extract_legacy_snapshot,
    extract_snapshot,
    findings_json,
    is_legacy_snapshot,
    params_from_body,
    records_outcome,
    snapshot_sha256,
    unpack_snapshot,
    waivers_applied_json,
)
from checker.check import Checker
from checker.digests import sha256_text
from checker.errors import CheckerError, InputError
from checker.input.source import parse_document
from checker.input.validation import validate_document
from checker.project.model import Project
from checker.rules.ruleset import Ruleset, load_chain, load_ruleset
from checker.verdict.waivers import WaiverRegister, register_from_document

# what re-checking one ledger entry found
EntryState = Literal["verified", "tampered", "differs", "not_rerunnable"]


@dataclass
class EntryCheck:
    """The outcome for one entry: its status and, unless verified, what is wrong."""

    seq: int
    project_id: str | None
    status: EntryState = "verified"
    problems: list[tuple[EntryState, str]] = field(default_factory=list)

    def flag(self, status: EntryState, problem: str) -> None:
        """Record a problem; the entry's status is the worst (tampered > differs > not re-runnable)."""
        order = ["verified", "not_rerunnable", "differs", "tampered"]
        if order.index(status) > order.index(self.status):
            self.status = status
        self.problems.append((status, problem))


@dataclass
class VerifyReport:
    checks: list[EntryCheck]
    head_hash: str | None  # the last entry's hash: keep it elsewhere to detect a truncated ledger

    @property
    def ok(self) -> bool:
        return all(c.status == "verified" for c in self.checks)

    def count(self, status: EntryState) -> int:
        return sum(1 for c in self.checks if c.status == status)


def check_chain(entries: list[Entry]) -> dict[int, list[str]]:
    """Problems of the hash chain, by entry: contents that no longer hash, links that do not join."""
    problems: dict[int, list[str]] = {}
    expected_seq, previous_hash = 1, GENESIS
    for entry in entries:
        found = problems.setdefault(entry.seq, [])
        if entry_hash(entry.fields()) != entry.entry_hash:
            found.append("its contents do not match its hash: the entry was edited")
        if entry.seq != expected_seq:
            missing = f"{expected_seq}" if entry.seq == expected_seq + 1 else f"{expected_seq}–{entry.seq - 1}"
            found.append(f"entry {missing} before it is missing: deleted")
        if entry.prev_hash != previous_hash:
            found.append("its link to the previous entry is broken: an earlier entry was deleted, edited or replaced")
        expected_seq, previous_hash = entry.seq + 1, entry.entry_hash
    return {seq: p for seq, p in problems.items() if p}


class _Rerunner:
    """Re-runs entries, loading each ruleset and compiling each parameter set once."""

    def __init__(self, ledger: Ledger, max_bytes: int = MAX_STORED_INPUT_BYTES) -> None:
        self.ledger = ledger
        self.max_bytes = max_bytes
        self.rulesets: dict[str, Ruleset | str] = {}  # sha → ruleset, or why it is unavailable
        self.checkers: dict[tuple[str, str, str, str | None, str | None], Checker] = {}
        self.bodies: dict[str, str | None] = {}
        self.registers: dict[tuple[str, str, str], WaiverRegister | str] = {}

    def ruleset(self, sha: str) -> Ruleset | str:
        if sha not in self.rulesets:
            self.rulesets[sha] = self._load_ruleset(sha)
        return self.rulesets[sha]

    def _load_ruleset(self, sha: str) -> Ruleset | str:
        shipped = load_ruleset()
        if shipped.sha256 == sha:
            return shipped
        archive = self.ledger.ruleset_archive(sha)
        if archive is None:
            return "its ruleset is neither the shipped one nor stored in the ledger"
        try:
            files = unpack_snapshot(archive)
            with tempfile.TemporaryDirectory(prefix="ledger-ruleset-") as folder:
                if is_legacy_snapshot(files):  # recorded before rule packs: hashed as it was then
                    if snapshot_sha256(files) != sha:
                        return "its stored ruleset snapshot does not hash to the ruleset's sha256 (altered)"
                    loaded = replace(load_chain(extract_legacy_snapshot(files, Path(folder))), sha256=sha)
                else:
                    loaded = load_chain(extract_snapshot(files, Path(folder)))
        except (CheckerError, ValueError, OSError) as exc:
            return f"its stored ruleset cannot be loaded: {exc}"
        except Exception as exc:  # a corrupt archive: zlib.error, JSON errors
            return f"its stored ruleset cannot be read: {type(exc).__name__}: {exc}"
        if loaded.sha256 != sha:
            return "its stored ruleset snapshot does not hash to the ruleset's sha256 (altered)"
        return loaded

    def register(self, entry: Entry, ruleset: Ruleset) -> WaiverRegister | str:
        """The waiver register an entry was checked with, from its stored bytes, or what is wrong."""
        sha, path = entry.waiver_register_sha256 or "", entry.waiver_register_path or ""
        key = (sha, path, ruleset.sha256)
        if key not in self.registers:
            raw = self.ledger.register_bytes(sha)
            if raw is None:
                found: WaiverRegister | str = f"its waiver register {sha[:12]} is missing"
            elif hashlib.sha256(raw).hexdigest() != sha:
                found = f"its waiver register {sha[:12]} was altered"
            else:
                try:
                    found = register_from_document(parse_document(raw, path), ruleset)
                except InputError as exc:
                    found = f"its stored waiver register is no longer accepted: {exc}"
            self.registers[key] = found
        return self.registers[key]

    def check(self, entry: Entry, report: EntryCheck) -> None:
        try:
            raw = self.ledger.input_bytes(entry.seq, self.max_bytes)
        except TooLarge as exc:
            report.flag(
                "not_rerunnable",
                f"not re-runnable: its stored input is too large to re-run: {exc} "
                "(verify --max-bytes raises the limit; a few MB is a zlib bomb, not a project)",
            )
            return
        if raw is None:
            report.flag("tampered", "its stored input cannot be decompressed")
            return
        if hashlib.sha256(raw).hexdigest() != entry.input_sha256:
            report.flag("tampered", "its stored input does not hash to the recorded input sha256: altered")
            return
        if entry.params_sha256 not in self.bodies:
            self.bodies[entry.params_sha256] = self.ledger.params_body(entry.params_sha256)
        body = self.bodies[entry.params_sha256]
        if body is None:
            report.flag("tampered", f"its parameter set {entry.params_sha256[:12]} is missing")
            return
        if sha256_text(body) != entry.params_sha256:
            report.flag("tampered", f"its parameter set {entry.params_sha256[:12]} was altered")
            return
        ruleset = self.ruleset(entry.ruleset_sha256)
        if isinstance(ruleset, str):
            report.flag("not_rerunnable", f"not re-runnable: {ruleset}")
            return
        register: WaiverRegister | None = None
        if entry.waiver_register_sha256:
            found = self.register(entry, ruleset)
            if isinstance(found, str):
                report.flag("tampered" if "altered" in found or "missing" in found else "differs", found)
                return
            register = found
        key = (entry.ruleset_sha256, entry.params_sha256, entry.as_of, entry.policy_path, entry.waiver_register_sha256)
        try:
            if key not in self.checkers:
                params = params_from_body(body, dt.date.fromisoformat(entry.as_of), entry.policy_path)
                self.checkers[key] = Checker(ruleset, params, register)
            doc = parse_document(raw, entry.input_path)
            result = self.checkers[key].check(doc, validate_document(doc, Project))
        except InputError as exc:
            report.flag("differs", f"its stored input is no longer accepted: {exc}")
            return
        except Exception as exc:  # e.g. a parameter this checker needs that the entry lacks
            report.flag("not_rerunnable", f"not re-runnable: {type(exc).__name__}: {exc}")
            return
        if result.verdict != entry.verdict:
            report.flag("differs", f"verdict recorded {entry.verdict}, re-run gives {result.verdict}")
        rerun = findings_json(result.findings, outcome=records_outcome(entry.findings))
        if rerun != entry.findings:
            for problem in _finding_differences(entry.findings, rerun):
                report.flag("differs", problem)
        if register is not None and waivers_applied_json(result) != entry.waivers_applied:
            report.flag("differs", "the register entries applied differ from those recorded")
        if report.status == "differs" and entry.checker_version != __version__:
            report.problems.append(("differs", f"recorded by checker {entry.checker_version}, re-run by {__version__}"))


def _finding_differences(stored: str, rerun: str) -> list[str]:
    """Which findings differ, by rule, and in which part."""
    try:
        before = {f["rule"]: f for f in json.loads(stored)}
    except (ValueError, TypeError, KeyError):
        return ["its stored findings cannot be read"]
    after = {f["rule"]: f for f in json.loads(rerun)}
    out = []
    for rule in dict.fromkeys([*before, *after]):
        old, new = before.get(rule), after.get(rule)
        if old == new:
            continue
        if old is None or new is None:
            out.append(
                f"{rule}: {'not recorded' if old is None else 'recorded'}, "
                f"{'absent' if new is None else 'present'} on re-run"
            )
            continue
        parts = sorted(k for k in {*old, *new} if old.get(k) != new.get(k))
        detail = (
            f"status recorded {old.get('status')}, re-run {new.get('status')}"
            if "status" in parts
            else "differs in " + ", ".join(parts)
        )
        out.append(f"{rule}: {detail}")
    return out or ["its findings differ from the re-run"]


def verify(ledger: Ledger, entry: int | None = None, max_bytes: int = MAX_STORED_INPUT_BYTES) -> VerifyReport:
    """Check the chain (up to `entry`, or all of it) and re-run every entry (or just `entry`);
    a stored input is never inflated beyond `max_bytes`."""
    stored = ledger.entries(up_to=entry)
    if entry is not None and not any(e.seq == entry for e in stored):
        from checker.errors import UsageError

        raise UsageError(f"the ledger has no entry {entry}")
    chain = check_chain(stored)
    rerunner = _Rerunner(ledger, max_bytes)
    checks: list[EntryCheck] = []
    for item in stored:
        if entry is not None and item.seq != entry:
            if item.seq in chain:  # an entry before the one asked about: its chain still matters
                report = EntryCheck(item.seq, item.project_id)
                for problem in chain[item.seq]:
                    report.flag("tampered", problem)
                checks.append(report)
            continue
        report = EntryCheck(item.seq, item.project_id)
        for problem in chain.get(item.seq, []):
            report.flag("tampered", problem)
        rerunner.check(item, report)
        checks.append(report)
    return VerifyReport(checks=checks, head_hash=stored[-1].entry_hash if stored else None)


class _Words(TypedDict):
    """The words of verify's report in one language."""

    labels: dict[str, str]
    entry: str
    no_id: str
    summary: str
    head: str
    empty: str


_WORDS: dict[str, _Words] = {
    "en": {
        "labels": {"tampered": "TAMPERED", "differs": "DIFFERS", "not_rerunnable": "NOT RE-RUNNABLE"},
        "entry": "entry {seq} ({project}): {label}: {problem}",
        "no_id": "no id",
        "summary": "{n} entries checked: {verified} verified, {tampered} tampered, {differs} differ, "
        "{not_rerunnable} not re-runnable",
        "head": "head hash: {hash} (keep it elsewhere: a later verify can compare)",
        "empty": "the ledger is empty",
    },
    "zh": {
        "labels": {"tampered": "被篡改", "differs": "结果不同", "not_rerunnable": "无法重新运行"},
        "entry": "第 {seq} 条记录({project}): {label}: {problem}",
        "no_id": "无项目编号",
        "summary": "共核对 {n} 条记录: 核对无误 {verified} 条,被篡改 {tampered} 条,结果不同 {differs} 条,"
        "无法重新运行 {not_rerunnable} 条",
        "head": "链头哈希: {hash}(请另行保存,日后核对时可作比较)",
        "empty": "台账为空",
    },
}


def report_lines(report: VerifyReport, lang: str = "en") -> list[str]:
    """One line per problem, naming the entry, then a summary; in `lang` (a problem's details,
    which name hashes, versions and statuses, as the ledger records them)."""
    words = _WORDS[lang]
    lines: list[str] = []
    for check in report.checks:
        for status, problem in check.problems:
            lines.append(
                words["entry"].format(
                    seq=check.seq,
                    project=check.project_id or words["no_id"],
                    label=words["labels"][status],
                    problem=problem,
                )
            )
    lines.append(
        words["summary"].format(
            n=len(report.checks),
            verified=report.count("verified"),
            tampered=report.count("tampered"),
            differs=report.count("differs"),
            not_rerunnable=report.count("not_rerunnable"),
        )
    )
    lines.append(words["head"].format(hash=report.head_hash) if report.head_hash else words["empty"])
    return lines
