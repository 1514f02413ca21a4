"""Rule files: the plan's constraints as data, loaded strictly and checked for consistency.

A rule file (`<category>/<ID>/rule.yaml` in a pack, see `checker.rules.packs`) says which plan sentence
it implements, which facts it reads, when it applies, its outcomes in order of precedence (the
first that holds wins), and which message template explains the result. Loading refuses anything
malformed, naming file and key, so a broken rule never reaches a reviewer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from checker.errors import InputError, RuleDataError
from checker.input.source import read_document
from checker.input.validation import validate_document
from checker.rules import conditions as cond
from checker.rules import datacache, packs
from checker.rules.parameters import Localised, ParameterDefinition, pack_values, shipped_definitions
from checker.rules.plan_period import Notice, PlanFile
from checker.vocabulary import Status

RULE_ID = packs.RULE_ID
# a status as a rule file names it: every status but `waived` (the register's), the same words as
# checker.vocabulary.RULE_STATUSES (a Literal, so that a wrong word is reported as the file's error)
StatusName = Literal["fail", "warn", "review", "pass", "not_applicable", "missing_info"]
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
    a start that finds the loaded data in the cache (`checker.rules.datacache`) never validates with them."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Basis(_Strict):
    """A plan sentence a rule implements; fragments of a quote are separated by "…"."""

    document: Literal["outline", "briefing"]
    location: Annotated[str, Field(min_length=1)]
    quote: Annotated[str, Field(min_length=2)]
    gloss: Annotated[str, Field(min_length=1)]

    def fragments(self) -> list[str]:
        return [f.strip(' “”"') for f in re.split(r"…+|\.\.\.", self.quote) if f.strip(' “”"')]


class RuleOutcome(_Strict):
    """One outcome a rule file lists: the status the rule reaches when `when` holds, a row of the
    rule's first-hit decision table (not a checked project's result, nor a diff's)."""

    status: StatusName
    when: Any
    binding: bool | None = None  # overrides the rule's binding for this outcome (LA-005)
    missing: list[str] = Field(default_factory=list)  # facts named by a missing_info outcome
    reason: Annotated[str, Field(pattern=r"^[a-z_]+$")] | None = None  # passed to the message
    # when `when` can be decided neither way for want of facts: this status, asking for exactly
    # the absent facts that keep it undecided (`conditions.unknown_for`)
    when_unknown: Literal["missing_info"] | None = None
    ask: dict[str, str] = Field(default_factory=dict)  # a fact → the key to ask for in its place

    @field_validator("when")
    @classmethod
    def _parse_when(cls, raw: Any) -> cond.Condition:
        return cond.parse(raw, "when")

    @model_validator(mode="after")
    def _unknown_branch(self) -> RuleOutcome:
        if self.ask and not self.when_unknown:
            raise ValueError("`ask` needs `when_unknown`")
        if self.when_unknown and self.missing:
            raise ValueError("a `when_unknown` outcome derives what is missing: drop `missing`")
        candidates = cond.unknown_facts(self.when)
        for fact in self.ask:
            if fact not in candidates:
                raise ValueError(f"`ask` names {fact!r}, which no comparison of `when` reads")
        return self


class RuleExamples(_Strict):
    """Two small project.yaml fragments shown by `checker explain`: one complying, one not.

    Each fragment, added to a minimal project (format, name, 盟市), must give the rule a
    non-failing and a failing (or warning) status; tests/test_report_docs.py checks that, so an
    example can never drift from the rule it illustrates.
    """

    complying: Annotated[str, Field(min_length=1)]
    violating: Annotated[str, Field(min_length=1)]


class Effective(_Strict):
    """The dates a rule is in force, both inclusive, either open: a rule not in force on the check
    date is `not_applicable`, and says since or until when (a measure that takes effect or lapses
    within a plan period)."""

    start: dt.date | None = Field(default=None, alias="from")
    end: dt.date | None = Field(default=None, alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> Effective:
        if self.start is None and self.end is None:
            raise ValueError("give `from`, `to` or both")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"`to` ({self.end}) is before `from` ({self.start})")
        return self

    def in_force(self, on: dt.date) -> bool:
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)


class RemedyHints(_Strict):
    """What a rule's conditions cannot say about remedies (`checker.remedies`): the facts no
    remedy may propose to change although an outcome compares them (where the project is, what
    it is), and a sentence saying why, when no change of figures can help."""

    fixed: list[str] = Field(default_factory=list)
    note: Localised | None = None


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
    outcomes: list[RuleOutcome] = Field(default_factory=list)
    otherwise: StatusName = "pass"
    # the messages are message.zh.j2 and message.en.j2 in the rule's folder; this names them
    message: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+$")] | None = None
    references: list[str] = Field(default_factory=list)
    examples: RuleExamples | None = None  # optional: shown by `checker explain`
    effective: Effective | None = None  # optional: the dates the rule is in force
    remedy: RemedyHints | None = None  # optional: hints for computed remedies
    # filled from a labelled `applies_when` (a list of {when, label}): per condition, what the
    # report says when it does not hold; `applies_when` is then their conjunction
    applies_labels: tuple[Localised | None, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _labelled_applicability(cls, raw: Any) -> Any:
        """`applies_when: [{when: c, label: {zh, en}}, …]`: the rule applies when every `when`
        holds; the first that does not gives the not_applicable reason, its `label`."""
        if not isinstance(raw, dict):
            return raw
        if "applies_labels" in raw:
            raise ValueError("unknown key applies_labels (label the conditions of applies_when)")
        gates = raw.get("applies_when")
        if not isinstance(gates, list):
            return raw
        if not gates:
            raise ValueError("applies_when: a list needs at least one {when, label}")
        whens, labels = [], []
        for index, gate in enumerate(gates):
            if not isinstance(gate, dict) or "when" not in gate or set(gate) - {"when", "label"}:
                raise ValueError(f"applies_when[{index}]: give `when` (a condition) and optionally `label` (zh, en)")
            whens.append(gate["when"])
            labels.append(Localised.model_validate(gate["label"]) if gate.get("label") is not None else None)
        return {**raw, "applies_when": {"all": whens}, "applies_labels": tuple(labels)}

    def in_force(self, on: dt.date) -> bool:
        return self.effective is None or self.effective.in_force(on)

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
    # the keys a missing_info finding asks for when the fact is unknown: `asks:` where the fact
    # catalogue names fewer than it is computed from, else `source_keys`
    asked_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """A loaded rule with what it reads, uses and depends on made explicit."""

    spec: RuleFile
    path: str
    facts: tuple[str, ...]
    depends_on: tuple[str, ...]
    folder: str = ""  # the rule's folder: its messages and cases
    # the rule's ID, an attribute rather than a property: read some 400 times a project
    id: str = field(init=False, repr=False, compare=False, default="")

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", self.spec.id)

    def message_path(self, lang: str) -> str:
        return _message_path(self.folder, lang)

    @property
    def outcome_statuses(self) -> set[str]:
        statuses: set[str] = {o.status for o in self.spec.outcomes} | {self.spec.otherwise}
        statuses |= {o.when_unknown for o in self.spec.outcomes if o.when_unknown}
        if self.spec.requires:
            statuses.add(Status.MISSING_INFO)
        if self.spec.applies_when is not None or self.spec.for_each or self.spec.effective:
            statuses.add(Status.NOT_APPLICABLE)
        return statuses


@cache
def _message_path(folder: str, lang: str) -> str:
    """A rule's message template path, joined once per folder and language: a batch asks for it
    for every finding it renders, and `pathlib` parses both parts again on every join."""
    return str(Path(folder) / f"message.{lang}.j2")


@dataclass(frozen=True)
class DisabledRule:
    """An inherited rule an extending pack set aside: every report names it and the reason."""

    id: str
    title: Localised
    reason: Localised
    pack: str  # the name of the pack that set it aside


@dataclass(frozen=True)
class Ruleset:
    """Every loaded rule, in catalogue order, with the fact catalogue and a content hash."""

    rules: tuple[Rule, ...]
    facts: dict[str, FactInfo]
    version: str
    sha256: str
    plan: PlanFile | None = None  # the plan the rules implement and its period (pack.yaml)
    name: str = packs.SHIPPED_PACK
    disabled: tuple[DisabledRule, ...] = ()  # inherited rules an extending pack set aside
    # parameter definitions with the packs' values laid over them; None: the shipped ones
    definitions: dict[str, ParameterDefinition] | None = None
    packs: tuple[str, ...] = ()  # the folders of the packs, base first
    packs_shown: tuple[str, ...] = ()  # the same, as messages name them (`rules` for the shipped pack)
    documents: dict[str, str] = field(default_factory=dict)  # the plan texts quoted, by name

    def by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.rules}


def _load_facts(path: Path) -> dict[str, FactInfo]:
    try:
        doc = read_document(path)
    except InputError as exc:
        raise RuleDataError(str(path), "", str(exc)) from None
    facts = {}
    for name, raw in doc.data.items():
        if not isinstance(raw, dict) or "zh" not in raw or "en" not in raw:
            raise RuleDataError(str(path), name, "needs zh, en, unit and key or from")
        unknown = set(raw) - {"zh", "en", "unit", "key", "from", "asks"}
        if unknown:
            raise RuleDataError(str(path), name, f"unknown keys {sorted(unknown)}")
        sources = tuple(raw.get("from", [raw.get("key")] if raw.get("key") else []))
        facts[name] = FactInfo(
            name=name,
            label=Localised(zh=raw["zh"], en=raw["en"]),
            unit=raw.get("unit", ""),
            key=raw.get("key"),
            source_keys=sources,
            asked_keys=tuple(raw.get("asks", sources)),
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
        raise RuleDataError(
            shown, "", "; ".join(f"line {p.line}: {p.key_path}: {p.message}" for p in exc.problems)
        ) from None
    except cond.ConditionError as exc:  # pragma: no cover - pydantic wraps it as value_error
        raise RuleDataError(shown, exc.key_path, str(exc)) from None


def _check_rule(
    spec: RuleFile,
    shown: str,
    facts: dict[str, FactInfo],
    folder: Path,
    definitions: dict[str, ParameterDefinition],
) -> None:
    """Cross-checks that a schema cannot express: names resolve, statuses fit the binding."""
    for name in _rule_facts(spec):
        base = name.split(".", 1)[1] if name.startswith("item.") else name
        if name not in facts and base not in facts:
            raise RuleDataError(shown, "", f"fact {name!r} is not declared in facts.yaml")
        if name.startswith("item.") and spec.for_each is None:
            raise RuleDataError(shown, "", f"fact {name!r} needs `for_each`")
    for index, outcome in enumerate(spec.outcomes):  # what a finding asks for must be a known fact
        for where, names in (("missing", outcome.missing), ("ask", list(outcome.ask.values()))):
            for name in names:
                base = name.split(".", 1)[1] if name.startswith("item.") else name
                if name not in facts and base not in facts:
                    raise RuleDataError(
                        shown, f"outcomes[{index}].{where}", f"fact {name!r} is not declared in rules/facts.yaml"
                    )
    for name in spec.remedy.fixed if spec.remedy is not None else []:
        if name not in facts:
            raise RuleDataError(shown, "remedy.fixed", f"fact {name!r} is not declared in rules/facts.yaml")
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
        if outcome.status == Status.FAIL.value and not binding:
            raise RuleDataError(shown, f"outcomes[{index}].status", "a guidance (non-binding) outcome cannot fail")
    for lang in ("zh", "en"):
        if not (folder / f"message.{lang}.j2").is_file():
            raise RuleDataError(shown, "", f"no message template message.{lang}.j2 beside it")
    if spec.message is not None and spec.message != spec.id:
        raise RuleDataError(shown, "message", f"the messages are those of the rule's folder: write {spec.id}")


@cache
def load_ruleset(directory: Path | None = None) -> Ruleset:
    """Load the pack in `directory` (the shipped pack `nm-14th-fyp` by default) and every pack it
    extends; refuse anything malformed or inconsistent, naming file, key and line.

    The shipped pack comes from the data cache when it holds it for these very files
    (`checker.rules.datacache`).
    """
    if directory is None:
        return datacache.cached("ruleset", Ruleset, lambda: _load_ruleset(None))
    return _load_ruleset(directory)


def active_ruleset() -> Ruleset:
    """The ruleset of the command's `--rules DIR` pack, or the shipped one (`packs.select`).
    A chosen pack is read once per choice: a process that checks again after the pack changed
    (a test, an editor's server) sees the change."""
    chosen = packs.selected()
    if chosen is None:
        return load_ruleset()
    active = _active[0]
    if active is None or active[0] != chosen:
        active = _active[0] = (chosen, _load_ruleset(Path(chosen), chosen))
    return active[1]


_active: list[tuple[str, Ruleset] | None] = [None]


def _load_ruleset(directory: Path | None, shown: str | None = None) -> Ruleset:
    return load_chain(packs.pack_chain(directory, shown))


def load_chain(chain: tuple[packs.Pack, ...]) -> Ruleset:
    """The ruleset of a chain of packs, base first (see `checker.rules.packs`)."""
    definitions = _chain_definitions(chain)
    facts_file = next((p.root / "facts.yaml" for p in reversed(chain) if (p.root / "facts.yaml").is_file()), None)
    if facts_file is None:
        raise RuleDataError(f"{chain[0].shown}/facts.yaml", "", "no such file: a pack that extends none needs one")
    facts = _load_facts(facts_file)
    rules: list[Rule] = []
    where: dict[str, str] = {}
    disabled: list[DisabledRule] = []
    for pack in chain:
        for entry in pack.spec.disable:
            if entry.rule not in where:
                raise RuleDataError(
                    f"{pack.shown}/pack.yaml", "disable", f"{entry.rule} is not a rule of the packs it extends"
                )
            if entry.rule in {d.id for d in disabled}:
                raise RuleDataError(f"{pack.shown}/pack.yaml", "disable", f"{entry.rule} is disabled twice")
            rule = next(r for r in rules if r.id == entry.rule)
            disabled.append(DisabledRule(id=rule.id, title=rule.spec.title, reason=entry.reason, pack=pack.spec.name))
        for path in pack.rule_files():
            shown = pack.show(path)
            spec = load_rule(path, shown)
            if path.parent.name != spec.id:
                raise RuleDataError(shown, "id", f"{spec.id} must live in a folder named {spec.id}")
            if path.parent.parent.name != spec.category:
                raise RuleDataError(shown, "category", f"must live in {pack.shown}/{spec.category}/")
            if spec.id in where:
                raise RuleDataError(shown, "id", f"duplicate rule ID {spec.id}: also {where[spec.id]}")
            where[spec.id] = shown
            _check_rule(spec, shown, facts, path.parent, definitions or shipped_definitions())
            rules.append(
                Rule(
                    spec=spec,
                    path=shown,
                    facts=tuple(_rule_facts(spec)),
                    depends_on=tuple(_rule_dependencies(spec)),
                    folder=str(path.parent.resolve()),
                )
            )
    off = {d.id for d in disabled}
    rules = [rule for rule in rules if rule.id not in off]
    known = {rule.id for rule in rules}
    for pack in chain:
        for rule_id, folder in pack.case_folders().items():
            if rule_id not in known and rule_id not in off:  # a disabled rule's cases are not run
                raise RuleDataError(pack.show(folder), "", f"cases for {rule_id}, which is not a rule of this pack")
    for rule in rules:
        for dependency in rule.depends_on:
            if dependency not in known:
                raise RuleDataError(rule.path, "", f"depends on unknown or disabled rule {dependency}")
    plan = next((p.spec.plan for p in reversed(chain) if p.spec.plan is not None), None)
    documents: dict[str, str] = {}
    for pack in chain:
        for key, name in pack.spec.documents.items():
            documents[key] = str((pack.root / name).resolve())
    return Ruleset(
        rules=tuple(sorted(rules, key=_catalogue_order)),
        facts=facts,
        version=chain[-1].version,
        sha256=packs.ruleset_sha256(chain),
        plan=plan,
        name=chain[-1].spec.name,
        disabled=tuple(disabled),
        definitions=definitions,
        packs=tuple(str(p.root.resolve()) for p in chain),
        packs_shown=tuple(p.shown for p in chain),
        documents=documents,
    )


def _chain_definitions(chain: tuple[packs.Pack, ...]) -> dict[str, ParameterDefinition] | None:
    """The parameter definitions of a chain: the base pack's (the shipped ones when it is the
    shipped pack or has no parameters/ folder: None), each extending pack's own added, and the
    values its pack.yaml sets laid over them as a policy file's are."""
    base = chain[0]
    own = base.root / "parameters"
    if base.root.resolve() == packs.shipped_root().resolve() or not own.is_dir():
        if len(chain) == 1:
            return None
        definitions = dict(shipped_definitions())
    else:
        definitions = dict(shipped_definitions(own))
    for pack in chain[1:]:
        folder = pack.root / "parameters"
        if folder.is_dir():
            for name, definition in shipped_definitions(folder).items():
                if name in definitions:
                    raise RuleDataError(
                        pack.show(folder / f"{name}.yaml"),
                        "",
                        f"parameter {name} is inherited: set its value under `parameters:` in pack.yaml",
                    )
                definitions[name] = definition
        if pack.spec.parameters:
            source = pack.spec.source or f"{pack.spec.name} {pack.version}"
            overrides = pack_values(pack.root / "pack.yaml", f"{pack.shown}/pack.yaml", definitions, source)
            for name, values in overrides.items():
                definitions[name] = definitions[name].model_copy(
                    update={"values": [*values, *definitions[name].values]}
                )
    return definitions


RULE_DISABLED = "rule_disabled"


def disabled_notices(ruleset: Ruleset) -> tuple[Notice, ...]:
    """A run-level notice for each inherited rule the pack set aside: every report format shows
    the rule, the pack and the reason, so an absent finding is never mistaken for a pass."""
    return tuple(
        Notice(RULE_DISABLED, {"rule": off.id, "title": off.title, "pack": off.pack, "reason": off.reason})
        for off in ruleset.disabled
    )


_CATEGORY_ORDER = ["HE", "EC", "CO", "RE", "WA", "LA", "MI", "CB"]


def _catalogue_order(rule: Rule) -> tuple[int, str]:
    return (_CATEGORY_ORDER.index(rule.spec.category), rule.id)


@cache
def plan_text(document: str) -> str:
    """The text of a plan document the shipped rules quote (`documents:` of rules/pack.yaml)."""
    return Path(load_ruleset().documents[document]).read_text(encoding="utf-8")
