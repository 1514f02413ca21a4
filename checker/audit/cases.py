"""A rule's cases: small variations of a few realistic base projects, each with the status it expects.

A case is one file in the rule's `cases/` folder, named as a sentence ("新建电石项目未申报减量置换,不通过").
It names a base project of the pack (`bases/<name>.yaml`, or one of a pack it extends), the keys it
sets or removes (dotted paths, `project.products[0].unit_energy_kgce`), an optional check date, the
exact status it expects of its rule and, where useful, words the rule's message must contain.
Keeping cases as deltas keeps them small and makes the one fact that decides each case visible.
`checker test` and the test suite run them with the same code (`run_case`).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from checker.errors import InputError, RuleDataError
from checker.input.source import read_document
from checker.input.validation import validate_document
from checker.resources import rules_dir

DEFAULT_AS_OF = dt.date(2026, 1, 1)
CaseStatus = Literal["fail", "warn", "review", "pass", "not_applicable", "missing_info", "waived"]


def shipped_bases() -> tuple[str, ...]:
    return (str(rules_dir() / "bases"),)


@dataclass(frozen=True)
class Case:
    rule: str
    name: str
    base: str
    expect: str
    set: dict[str, Any] = field(default_factory=dict)
    unset: tuple[str, ...] = ()
    as_of: dt.date = DEFAULT_AS_OF
    message: dict[str, str] = field(default_factory=dict)  # lang → words the message must contain
    bases: tuple[str, ...] = ()  # folders searched for the base project, nearest first
    path: str = ""  # the case file, as messages name it

    def project_data(self) -> dict[str, Any]:
        data = copy.deepcopy(base_project(self.base, self.bases or shipped_bases()))
        for path in self.unset:
            parent, last = _walk(data, path, create=False)
            if isinstance(parent, list):
                parent.pop(int(last))
            else:
                parent.pop(last, None)
        for path, value in self.set.items():
            parent, last = _walk(data, path, create=True)
            if isinstance(parent, list):
                parent[int(last)] = value
            else:
                parent[last] = value
        return data


class CaseFile(BaseModel):
    """The contents of one case file."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    base: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    as_of: dt.date = DEFAULT_AS_OF
    set: dict[str, Any] = Field(default_factory=dict)
    unset: list[str] = Field(default_factory=list)
    expect: CaseStatus
    message: dict[Literal["zh", "en"], Annotated[str, Field(min_length=1)]] = Field(default_factory=dict)


_PATH_PIECE = re.compile(r"([^\[]+)((?:\[\d+\])*)")


def _parts(path: str) -> list[str | int]:
    parts: list[str | int] = []
    for piece in path.split("."):
        match = _PATH_PIECE.fullmatch(piece)
        if not match:
            raise ValueError(f"bad key path {path!r}")
        parts.append(match.group(1))
        parts += [int(i) for i in re.findall(r"\[(\d+)\]", match.group(2))]
    return parts


def _walk(data: Any, path: str, create: bool) -> tuple[Any, Any]:
    parts = _parts(path)
    node = data
    for part in parts[:-1]:
        if isinstance(part, int):
            node = node[part]
        else:
            if part not in node and create:
                node[part] = {}
            node = node[part]
    return node, parts[-1]


@cache
def base_project(name: str, folders: tuple[str, ...]) -> dict[str, Any]:
    for folder in folders:
        path = Path(folder) / f"{name}.yaml"
        if path.is_file():
            with open(path, encoding="utf-8") as fh:
                project: dict[str, Any] = yaml.safe_load(fh)
            return project
    raise RuleDataError(name, "base", f"no base project {name}.yaml in {', '.join(folders)}")


def case_bases(pack_roots: tuple[str, ...]) -> tuple[str, ...]:
    """The folders a pack's cases take their base projects from: its own, then those it extends."""
    return tuple(str(Path(root) / "bases") for root in reversed(pack_roots))


def load_case(path: Path, rule: str, shown: str, bases: tuple[str, ...]) -> Case:
    try:
        doc = read_document(path)
        doc.path = shown
        spec = validate_document(doc, CaseFile)
    except InputError as exc:
        first = exc.problems[0]
        raise RuleDataError(f"{shown}:{first.line}" if first.line else shown, first.key_path, first.message) from None
    if not any((Path(folder) / f"{spec.base}.yaml").is_file() for folder in bases):
        raise RuleDataError(shown, "base", f"no base project {spec.base}.yaml in the pack's bases/")
    return Case(
        rule=rule,
        name=path.stem,
        base=spec.base,
        expect=spec.expect,
        set=dict(spec.set),
        unset=tuple(spec.unset),
        as_of=spec.as_of,
        message={lang: text for lang, text in spec.message.items()},
        bases=bases,
        path=shown,
    )


def rule_cases(ruleset: Any) -> list[Case]:
    """Every case of every rule of a ruleset, in catalogue order (a rule's cases by file name)."""
    from checker.rules.packs import read_pack

    bases = case_bases(ruleset.packs)
    chain = [read_pack(Path(root), shown) for root, shown in zip(ruleset.packs, ruleset.packs_shown, strict=True)]
    folders: dict[str, list[tuple[Path, str]]] = {}
    for pack in chain:  # a rule's own cases, then those an extending pack adds for it
        for rule_id, folder in pack.case_folders().items():
            folders.setdefault(rule_id, []).append((folder, pack.show(folder)))
    cases = []
    for rule in ruleset.rules:
        for folder, shown in folders.get(rule.id, []):
            for path in sorted(folder.glob("*.yaml")):
                cases.append(load_case(path, rule.id, f"{shown}/{path.name}", bases))
    return cases


def write_case(case: Case, directory: Path) -> Path:
    target = directory / f"{case.rule}-{abs(hash(case.name))}.yaml"
    target.write_text(yaml.safe_dump(case.project_data(), allow_unicode=True), encoding="utf-8")
    return target


@dataclass(frozen=True)
class CaseResult:
    case: Case
    status: str
    problem: str | None  # why the case fails, None when it passes


def run_case(case: Case, checker: Any, directory: Path) -> CaseResult:
    """Check the case's project with `checker` (one for the case's date) and compare."""
    from checker.reports import render as report

    result = checker.check_path(write_case(case, directory))
    finding = next((f for f in result.findings if f.id == case.rule), None)
    if finding is None:
        return CaseResult(case, "", f"the rule {case.rule} gave no finding")
    if finding.status != case.expect:
        return CaseResult(case, finding.status, f"expected {case.expect}, got {finding.status}")
    for lang, words in case.message.items():
        text = report.render_message(finding, lang)
        if words not in text:
            return CaseResult(case, finding.status, f"the {lang} message does not contain {words!r}: {text}")
    return CaseResult(case, finding.status, None)


def run_cases(ruleset: Any, make_checker: Any) -> Iterator[CaseResult]:
    """Run every case of `ruleset`; `make_checker(as_of)` gives the Checker for a date."""
    checkers: dict[dt.date, Any] = {}
    with tempfile.TemporaryDirectory(prefix="checker-cases-") as folder:
        for case in rule_cases(ruleset):
            if case.as_of not in checkers:
                checkers[case.as_of] = make_checker(case.as_of)
            yield run_case(case, checkers[case.as_of], Path(folder))
