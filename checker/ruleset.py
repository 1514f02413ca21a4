"""Rule files: the plan's constraints as data, loaded strictly and checked for consistency.

A rule file (`rules/<category>/<ID>.yaml`) says which plan sentence it implements, which facts it
reads, when it applies, its outcomes in order of precedence (the first that holds wins), and which
message template explains the result. Loading refuses anything malformed, naming file and key, so a
broken rule never reaches a reviewer.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from checker import conditions as cond
from checker import datacache
from checker.errors import InputError, RuleDataError
from checker.parameters import Localised, ParameterDefinition, shipped_definitions
from checker.plan_period import PlanFile, load_plan
from checker.resources import rules_dir, templates_dir
from checker.source import read_document
from checker.validation import validate_document

RULE_ID = r"^(HE|EC|CO|RE|WA|LA|MI|CB)-[0-9]{3}$"
Status = Literal["fail", "warn", "review", "pass", "not_applicable", "missing_info"]
DOCUMENTS = {
    "outline": "outline-14th-five-year-plan-excerpt.zh.txt",
    "briefing": "press-conference-2021-03-11.zh.txt",
}
# constants written here, not read from a file: constructed without building Localised's validator
DOCUMENT_TITLES = {
    "outline": Localised.model_construct(
        zh="《内蒙古自治区国民经济和社会发展第十四个五年规划和2035年远景目标纲要》",
        en="Inner Mongolia 14th Five-Year Plan and 2035 Outline",
    ),
    "briefing": Localised.model_construct(
        zh="《纲要》政策解读新闻发布会(2021年3月11日)",
        en="Official policy briefing on the Outline (11 March 2021)",
    ),
}


class _Strict(BaseModel):
    """Unknown keys are errors. Validators are built on first use (`defer_build`), not at import:
    a start that finds the loaded data in the cache (`checker.datacache`) never validates with them."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Basis(_Strict):
    """A plan sentence a rule implements; fragments of a quote are separated by "…"."""

    document: Literal["outline", "briefing"]
    location: Annotated[str, Field(min_length=1)]
    quote: Annotated[str, Field(min_length=2)]
    gloss: Annotated[str, Field(min_length=1)]

    def fragments(self) -> list[str]:
        return [f.strip(" “”\"") for f in re.split(r"…+|\.\.\.", self.quote) if f.strip(" “”\"")]


class Outcome(_Strict):
    status: Status
    when: Any
    binding: bool | None = None  # overrides the rule's binding for this outcome (LA-005)
    missing: list[str] = Field(default_factory=list)  # facts named by a missing_info outcome
    reason: Annotated[str, Field(pattern=r"^[a-z_]+$")] | None = None  # passed to the message

    @field_validator("when")
    @classmethod
    def _parse_when(cls, raw: Any) -> cond.Condition:
        return cond.parse(raw, "when")


class RuleExamples(_Strict):
    """Two small project.yaml fragments shown by `checker explain`: one complying, one not.

    Each fragment, added to a minimal project (format, name, 盟市), must give the rule a
    non-failing and a failing (or warning) status; tests/test_report_docs.py checks that, so an
    example can never drift from the rule it illustrates.
    """

    complying: Annotated[str, Field(min_length=1)]
    violating: Annotated[str, Field(min_length=1)]


class RuleFile(_Strict):
    """The contents of one rule file."""

    id: Annotated[str, Field(pattern=RULE_ID)]
    title: Localised  # what a violation is called: "未落实用能指标来源"
    # what the rule is about, read right whatever the status ("用能指标来源"): a report heads a
    # rule that passes, does not apply or lacks information with it. Optional only so that a
    # ruleset stored in a ledger before subjects existed still loads; every shipped rule has one.
    subject: Localised | None = None
    category: Literal["HE", "EC", "CO", "RE", "WA", "LA", "MI", "CB"]
    binding: bool
    # false for the plan's red lines: no register entry may set the rule aside, no claim is heard
    waivable: bool = True
    summary: Localised
    basis: list[Basis] = Field(min_length=1)
    parameters: list[str] = Field(default_factory=list)
    shows: list[str] = Field(default_factory=list)  # facts shown in the finding besides those read
    for_each: Literal["products", "boilers"] | None = None
    applies_when: Any = None
    requires: list[str] = Field(default_factory=list)
    outcomes: list[Outcome] = Field(default_factory=list)
    otherwise: Status = "pass"
    message: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+$")]
    references: list[str] = Field(default_factory=list)
    examples: RuleExamples | None = None  # optional: shown by `checker explain`

    @field_validator("applies_when")
    @classmethod
    def _parse_applies(cls, raw: Any) -> cond.Condition | None:
        return None if raw is None else cond.parse(raw, "applies_when")


@dataclass(frozen=True)
class FactInfo:
    """What a fact means and where it comes from (`rules/facts.yaml`)."""

    name: str
    label: Localised
    unit: str
    key: str | None  # the key path in project.yaml for facts read from the file
    source_keys: tuple[str, ...]  # the keys a derived fact is computed from


@dataclass(frozen=True)
class Rule:
    """A loaded rule with what it reads, uses and depends on made explicit."""

    spec: RuleFile
    path: str
    facts: tuple[str, ...]
    depends_on: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def outcome_statuses(self) -> set[str]:
        statuses = {o.status for o in self.spec.outcomes} | {self.spec.otherwise}
        if self.spec.requires:
            statuses.add("missing_info")
        if self.spec.applies_when is not None or self.spec.for_each:
            statuses.add("not_applicable")
        return statuses


@dataclass(frozen=True)
class Ruleset:
    """Every loaded rule, in catalogue order, with the fact catalogue and a content hash."""

    rules: tuple[Rule, ...]
    facts: dict[str, FactInfo]
    version: str
    sha256: str
    plan: PlanFile | None = None  # the plan the rules implement and its period (rules/plan.yaml)

    def by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.rules}


def _load_facts(path: Path) -> dict[str, FactInfo]:
    try:
        doc = read_document(path)
    except InputError as exc:
        raise RuleDataError("rules/facts.yaml", "", str(exc)) from None
    facts = {}
    for name, raw in doc.data.items():
        if not isinstance(raw, dict) or "zh" not in raw or "en" not in raw:
            raise RuleDataError("rules/facts.yaml", name, "needs zh, en, unit and key or from")
        unknown = set(raw) - {"zh", "en", "unit", "key", "from"}
        if unknown:
            raise RuleDataError("rules/facts.yaml", name, f"unknown keys {sorted(unknown)}")
        facts[name] = FactInfo(
            name=name, label=Localised(zh=raw["zh"], en=raw["en"]), unit=raw.get("unit", ""),
            key=raw.get("key"), source_keys=tuple(raw.get("from", [raw.get("key")] if raw.get("key") else [])),
        )
    return facts


def _conditions(spec: RuleFile) -> list[cond.Condition]:
    """Every condition of a rule: its applicability and each outcome's."""
    found = [spec.applies_when] if spec.applies_when is not None else []
    return found + [outcome.when for outcome in spec.outcomes]


def _named(spec: RuleFile, collect: Callable[[cond.Condition], list[str]]) -> list[str]:
    return list(dict.fromkeys(name for c in _conditions(spec) for name in collect(c)))


def _rule_facts(spec: RuleFile) -> list[str]:
    names = _named(spec, cond.facts_named) + spec.requires + spec.shows
    return list(dict.fromkeys(names))


def _rule_params(spec: RuleFile) -> list[str]:
    return _named(spec, cond.params_named)


def _rule_dependencies(spec: RuleFile) -> list[str]:
    return _named(spec, cond.rules_named)


def load_rule(path: Path, shown: str) -> RuleFile:
    try:
        doc = read_document(path)
        return validate_document(doc, RuleFile)
    except InputError as exc:
        raise RuleDataError(shown, "", "; ".join(
            f"line {p.line}: {p.key_path}: {p.message}" for p in exc.problems
        )) from None
    except cond.ConditionError as exc:  # pragma: no cover - pydantic wraps it as value_error
        raise RuleDataError(shown, exc.key_path, str(exc)) from None


def _check_rule(
    spec: RuleFile, shown: str, facts: dict[str, FactInfo], templates: Path,
    definitions: dict[str, ParameterDefinition],
) -> None:
    """Cross-checks that a schema cannot express: names resolve, statuses fit the binding."""
    for name in _rule_facts(spec):
        base = name.split(".", 1)[1] if name.startswith("item.") else name
        if name not in facts and base not in facts:
            raise RuleDataError(shown, "", f"fact {name!r} is not declared in rules/facts.yaml")
        if name.startswith("item.") and spec.for_each is None:
            raise RuleDataError(shown, "", f"fact {name!r} needs `for_each`")
    used = _rule_params(spec)
    for name in used:
        if name not in definitions:
            raise RuleDataError(shown, "parameters", f"unknown parameter {name!r}")
        if name not in spec.parameters:
            raise RuleDataError(shown, "parameters", f"uses {name!r} but does not list it")
    for name in spec.parameters:
        if name not in definitions:
            raise RuleDataError(shown, "parameters", f"unknown parameter {name!r}")
    for index, outcome in enumerate(spec.outcomes):
        binding = spec.binding if outcome.binding is None else outcome.binding
        if outcome.status == "fail" and not binding:
            raise RuleDataError(
                shown, f"outcomes[{index}].status", "a guidance (non-binding) outcome cannot fail"
            )
    for lang in ("zh", "en"):
        template = templates / "messages" / f"{spec.message}.{lang}.j2"
        if not template.is_file():
            raise RuleDataError(shown, "message", f"no template templates/messages/{template.name}")


@cache
def load_ruleset(directory: Path | None = None, templates: Path | None = None) -> Ruleset:
    """Load every rule file under `rules/` (sorted by ID); refuse malformed or inconsistent ones.

    `directory` and `templates` default to the shipped data, which comes from the data cache when
    it holds it for these very files (`checker.datacache`); the ledger passes an extracted
    snapshot of both to re-run an old entry with the rules it was made with.
    """
    if directory is None and templates is None:
        return datacache.cached("ruleset", Ruleset, lambda: _load_ruleset(None, None))
    return _load_ruleset(directory, templates)


def _load_ruleset(directory: Path | None, templates: Path | None) -> Ruleset:
    root = directory or rules_dir()
    templates = templates or templates_dir()
    own_parameters = root / "parameters"
    # `shipped_definitions()`, not `(None)`: functools.cache keys the two apart and would load twice
    definitions = (
        shipped_definitions(own_parameters) if directory and own_parameters.is_dir() else shipped_definitions()
    )
    facts = _load_facts(root / "facts.yaml")
    digest = hashlib.sha256()
    rules: list[Rule] = []
    data_files = sorted(
        p for p in root.rglob("*.yaml") if "plan" not in p.relative_to(root).parts
    )
    for path in data_files:
        relative = path.relative_to(root).as_posix()
        digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    for path in sorted(root.glob("[A-Z][A-Z]/*.yaml")):
        shown = f"rules/{path.relative_to(root).as_posix()}"
        spec = load_rule(path, shown)
        if path.stem != spec.id:
            raise RuleDataError(shown, "id", f"{spec.id} must live in a file named {spec.id}.yaml")
        if path.parent.name != spec.category:
            raise RuleDataError(shown, "category", f"must live in rules/{spec.category}/")
        _check_rule(spec, shown, facts, templates, definitions)
        rules.append(
            Rule(spec=spec, path=shown, facts=tuple(_rule_facts(spec)),
                 depends_on=tuple(_rule_dependencies(spec)))
        )
    known = {rule.id for rule in rules}
    for rule in rules:
        for dependency in rule.depends_on:
            if dependency not in known:
                raise RuleDataError(rule.path, "", f"depends on unknown rule {dependency}")
    for path in sorted((templates / "messages").glob("*.j2")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    sha = digest.hexdigest()
    version = _ruleset_version(root)
    return Ruleset(rules=tuple(sorted(rules, key=_catalogue_order)), facts=facts,
                   version=version, sha256=sha, plan=load_plan(root / "plan.yaml"))


_CATEGORY_ORDER = ["HE", "EC", "CO", "RE", "WA", "LA", "MI", "CB"]


def _catalogue_order(rule: Rule) -> tuple[int, str]:
    return (_CATEGORY_ORDER.index(rule.spec.category), rule.id)


def _ruleset_version(root: Path) -> str:
    version_file = root / "VERSION"
    return version_file.read_text(encoding="utf-8").strip() if version_file.is_file() else "0"


@cache
def plan_text(document: str) -> str:
    from checker.resources import plan_dir

    return (plan_dir() / DOCUMENTS[document]).read_text(encoding="utf-8")
