"""The smaller rule language: what the engine derives so that a rule file need not spell it out.

Undecided conditions (`when_unknown`): an outcome asks for exactly the absent facts that keep its
condition from being decided, so LA-004 needs one outcome where it listed one per combination of
absent facts; its findings ask for the same keys as the enumeration did, on every combination.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from pathlib import Path

import pytest
import yaml

from checker.evaluation import ENGINES
from checker.evaluation.stages import Evaluation
from checker.rules import conditions as cond
from checker.rules.parameters import resolve
from checker.rules.ruleset import Rule, RuleFile, RuleOutcome, load_ruleset

PARAMS = resolve(dt.date(2026, 1, 1))

# LA-004 as it was written before undecided conditions: one outcome per combination of absent facts
LA_004_ENUMERATED = """
requires: [land.main_function_zone]
outcomes:
  - status: pass
    reason: urbanized
    when: {fact: land.main_function_zone, eq: urbanized}
  - status: missing_info
    when:
      all:
        - {absent: industrial_project}
        - any:
            - {fact: land.area_ha, gte: {param: large_scale_area_ha}}
            - {fact: project.investment_10k_yuan, gte: {param: large_scale_investment_10k_yuan}}
    missing: [project.industry_code]
  - status: missing_info
    when:
      all:
        - {absent: industrial_project}
        - {absent: land.area_ha}
        - {absent: project.investment_10k_yuan}
    missing: [project.industry_code, land.area_ha, project.investment_10k_yuan]
  - status: missing_info
    when: {all: [{absent: industrial_project}, {absent: land.area_ha}]}
    missing: [project.industry_code, land.area_ha]
  - status: missing_info
    when: {all: [{absent: industrial_project}, {absent: project.investment_10k_yuan}]}
    missing: [project.industry_code, project.investment_10k_yuan]
  - status: fail
    when:
      any:
        - {fact: land.area_ha, gte: {param: large_scale_area_ha}}
        - {fact: project.investment_10k_yuan, gte: {param: large_scale_investment_10k_yuan}}
  - status: missing_info
    when: {all: [{absent: land.area_ha}, {absent: project.investment_10k_yuan}]}
    missing: [land.area_ha, project.investment_10k_yuan]
  - status: missing_info
    when: {absent: land.area_ha}
    missing: [land.area_ha]
  - status: missing_info
    when: {absent: project.investment_10k_yuan}
    missing: [project.investment_10k_yuan]
"""


def _variant(rule: Rule, yaml_text: str) -> Rule:
    """`rule` with its requirements and outcomes replaced by those of `yaml_text`."""
    dropped = {"applies_when", "outcomes", "requires", "applies_labels"}
    raw = rule.spec.model_dump(mode="python", by_alias=True, exclude=dropped)
    raw["applies_when"] = {"any": [{"fact": "industrial_project", "eq": True}, {"absent": "industrial_project"}]}
    raw.update(yaml.safe_load(yaml_text))
    return dataclasses.replace(rule, spec=RuleFile.model_validate(raw))


def _decisions(rule: Rule, projects: list[dict], engine: str = "durable") -> list[tuple[str, tuple[str, ...]]]:
    ruleset = dataclasses.replace(load_ruleset(), rules=(rule,), sha256=f"test-{id(rule)}")
    evaluation = Evaluation(ruleset, PARAMS, engine)
    found = []
    for facts in projects:
        decision = evaluation.decide(facts, {})[rule.id].decision
        found.append((decision.status, decision.missing_facts))
    return found


def _grid() -> list[dict]:
    zones = [None, "urbanized", "ecological"]
    industrial = [None, True]
    areas = [None, 1.0, 100000.0]
    money = [None, 10.0, 1e9]
    projects = []
    for zone, ind, area, inv in itertools.product(zones, industrial, areas, money):
        facts = {
            "land.main_function_zone": zone,
            "industrial_project": ind,
            "land.area_ha": area,
            "project.investment_10k_yuan": inv,
        }
        projects.append({k: v for k, v in facts.items() if v is not None})
    return projects


@pytest.mark.parametrize("engine", ENGINES)
def test_an_undecided_condition_asks_for_what_the_enumeration_asked_for(engine):
    shipped = load_ruleset().by_id()["LA-004"]
    assert len(shipped.spec.outcomes) <= 2
    assert any(outcome.when_unknown for outcome in shipped.spec.outcomes)
    projects = _grid()
    assert _decisions(shipped, projects, engine) == _decisions(_variant(shipped, LA_004_ENUMERATED), projects, engine)
    # and the grid reaches every combination of asked keys the enumeration knew
    asked = {missing for status, missing in _decisions(shipped, projects, engine) if status == "missing_info"}
    assert {
        ("land.main_function_zone",),
        ("project.industry_code",),
        ("project.industry_code", "land.area_ha", "project.investment_10k_yuan"),
        ("project.industry_code", "land.area_ha"),
        ("project.industry_code", "project.investment_10k_yuan"),
        ("land.area_ha", "project.investment_10k_yuan"),
        ("land.area_ha",),
        ("project.investment_10k_yuan",),
    } <= asked


def test_a_fact_a_decided_part_reads_is_not_asked_for():
    condition = cond.parse(
        {
            "all": [
                {"fact": "a", "eq": True},
                {"any": [{"fact": "b", "gt": 1}, {"fact": "c", "gt": 1}]},
            ]
        },
        "t",
    )
    assert cond.unknown_facts(condition) == ["a", "b", "c"]
    # b > 1 decides the disjunction: c is not needed; a false `a` decides all of it
    reason_c = cond.unknown_for(condition, "c")
    assert cond.Compare("b", "lte", 1) in list(cond.walk(reason_c))
    assert cond.unknown_for(cond.parse({"present": "a"}, "t"), "a") is None


def test_ask_needs_when_unknown_and_names_a_fact_the_condition_reads():
    base = {"status": "fail", "when": {"fact": "a", "gt": 1}}
    RuleOutcome.model_validate({**base, "when_unknown": "missing_info", "ask": {"a": "x.a"}})
    for bad in (
        {**base, "ask": {"a": "x.a"}},
        {**base, "when_unknown": "missing_info", "ask": {"b": "x.b"}},
        {**base, "when_unknown": "missing_info", "missing": ["a"]},
        {**base, "when_unknown": "fail"},
    ):
        with pytest.raises(ValueError):
            RuleOutcome.model_validate(bad)


# ---------------------------------------------------------------- which outcome fired

SAMPLE = "projects/ordos-calcium-carbide.yaml"


def _json_findings(*args: str) -> dict[str, dict]:
    from click.testing import CliRunner

    from checker.cli.app import check_main
    from tests.support import REPO

    result = CliRunner().invoke(check_main, [str(REPO / SAMPLE), "--as-of", "2026-01-01", *args])
    assert result.exit_code in (0, 1, 3), result.output
    import json

    lines = (
        [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
        if "jsonl" in args
        else [json.loads(result.stdout)]
    )
    return {f["rule"]: f for f in lines[0]["findings"]}


def test_every_finding_says_which_branch_of_its_rule_decided():
    findings = _json_findings("--format", "json")
    ruleset = load_ruleset().by_id()
    branches = {"applies_when", "requires", "outcome", "unknown", "otherwise", "no_items"}
    for rule_id, finding in findings.items():
        fired = finding["outcome"]
        assert fired["branch"] in branches, rule_id
        spec = ruleset[rule_id].spec
        if fired["branch"] in ("outcome", "unknown"):
            outcome = spec.outcomes[fired["index"]]
            if fired["branch"] == "outcome":
                assert outcome.status == (finding.get("original_status") or finding["status"])
                assert fired.get("reason") == outcome.reason
        else:
            assert "index" not in fired
        if fired["branch"] == "otherwise":
            assert spec.otherwise == finding["status"]
        for item in finding.get("items", []):
            assert item["outcome"]["branch"] in branches
    # the sample fails HE-001 on a product on the no-new-capacity list: the rule's first outcome
    assert findings["HE-001"]["status"] == "fail"
    assert {f["outcome"]["branch"] for f in findings.values()} >= {"outcome", "applies_when"}
    compact = _json_findings("--format", "jsonl")
    assert {r: f["outcome"] for r, f in compact.items()} == {r: f["outcome"] for r, f in findings.items()}


def test_a_missing_info_from_an_undecided_condition_names_its_outcome(tmp_path):
    from checker.evaluation.decision import fired

    rule = load_ruleset().by_id()["LA-004"]
    ruleset = dataclasses.replace(load_ruleset(), rules=(rule,), sha256="test-fired")
    evaluation = Evaluation(ruleset, PARAMS)
    decision = evaluation.decide({"land.main_function_zone": "ecological"}, {})["LA-004"].decision
    assert decision.status == "missing_info"
    assert fired(rule, decision) == {"branch": "unknown", "index": 1}
    urbanized = evaluation.decide({"land.main_function_zone": "urbanized"}, {})["LA-004"].decision
    assert fired(rule, urbanized) == {"branch": "outcome", "index": 0, "reason": "urbanized"}


def test_the_ledger_records_the_branch_and_still_verifies_entries_recorded_without_it(tmp_path, monkeypatch):
    import json

    import sqlalchemy as sa
    from click.testing import CliRunner

    from checker.audit import ledger
    from checker.audit.verify import verify
    from checker.cli.app import check_main
    from tests.support import REPO

    target = str(tmp_path / "ledger.db")

    def record() -> None:
        result = CliRunner().invoke(check_main, [str(REPO / SAMPLE), "--record", target, "--as-of", "2026-01-01"])
        assert result.exit_code in (0, 1, 3), result.output

    original = ledger.findings_json
    monkeypatch.setattr(ledger, "findings_json", lambda findings, outcome=True: original(findings, outcome=False))
    record()  # as a checker that did not keep the branch wrote it
    monkeypatch.setattr(ledger, "findings_json", original)
    record()
    engine = sa.create_engine(f"sqlite:///{target}")
    with engine.connect() as conn:
        stored = [json.loads(row[0]) for row in conn.execute(sa.text("SELECT findings FROM entries ORDER BY seq"))]
    engine.dispose()
    assert all("outcome" not in f for f in stored[0])
    assert all("outcome" in f for f in stored[1])
    with ledger.Ledger(target) as opened:
        report = verify(opened)
    assert report.ok and report.count("verified") == 2, report


# ---------------------------------------------------------------- effective dates


def _rule_file(root, rule_id: str):
    """A rule's file in a rules folder, whichever layout it has (`<ID>.yaml` or `<ID>/rule.yaml`)."""
    found = [
        p
        for p in root.rglob("*.yaml")
        if p.name == f"{rule_id}.yaml" or (p.name == "rule.yaml" and p.parent.name == rule_id)
    ]
    assert len(found) == 1, found
    return found[0]


@pytest.fixture
def dated_rules(tmp_path):
    import shutil

    from tests.support import REPO

    target = tmp_path / "rules"
    shutil.copytree(REPO / "rules", target)

    def dated(rule_id: str, effective: str):
        path = _rule_file(target, rule_id)
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("\nbinding:", f"\neffective: {effective}\nbinding:", 1), encoding="utf-8")
        load_ruleset.cache_clear()
        try:
            return load_ruleset(target)
        finally:
            load_ruleset.cache_clear()

    return dated


def _check(ruleset, as_of: str):
    from checker.check import Checker
    from tests.support import REPO

    return Checker(ruleset, resolve(dt.date.fromisoformat(as_of))).check_path(REPO / SAMPLE)


@pytest.mark.parametrize(
    "effective, as_of, zh, en",
    [
        ("{from: 2027-01-01}", "2026-01-01", "本规则自2027-01-01起施行", "This rule is in force from 2027-01-01"),
        ("{to: 2025-06-30}", "2026-01-01", "本规则施行至2025-06-30止", "This rule was in force until 2025-06-30"),
        ("{from: 2026-02-01, to: 2026-12-31}", "2026-01-01", "自2026-02-01起施行", "in force from 2026-02-01"),
        ("{from: 2021-01-01, to: 2025-12-31}", "2026-01-01", "施行至2025-12-31止", "in force until 2025-12-31"),
    ],
)
def test_a_rule_not_in_force_on_the_check_date_does_not_apply_and_says_when(dated_rules, effective, as_of, zh, en):
    import json

    from checker.reports.formats import render

    ruleset = dated_rules("HE-003", effective)
    result = _check(ruleset, as_of)
    finding = next(f for f in result.findings if f.id == "HE-003")
    assert finding.status == "not_applicable"
    assert finding.decision.branch == "effective"
    for fmt in ("text", "markdown", "html", "json", "jsonl", "sarif", "junit", "csv"):
        assert zh in render(result, fmt, "zh"), fmt
        assert en in render(result, fmt, "en"), fmt
    line = json.loads(render(result, "json", "en"))
    assert next(f for f in line["findings"] if f["rule"] == "HE-003")["outcome"] == {"branch": "effective"}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_rule_reading_the_status_of_a_rule_not_in_force_reads_not_applicable(engine):
    ruleset = load_ruleset()
    evaluation = Evaluation(ruleset, PARAMS, engine)
    facts = {
        "high_energy_sector": True,
        "adds_capacity": True,
        "builds_coal_power": False,
        "review_energy_tce": 1e6,
        "energy.energy_replacement_tce": 1e9,
        "comprehensive_energy_tce": 1e6,
        "products_declared": True,
    }
    items = {"products": [{"product": "calcium_carbide", "unit_energy_kgce": 1, "undeclared": False}], "boilers": []}
    by_id = ruleset.by_id()
    in_force = evaluation.decide(facts, items)
    assert [s.decision.status for s in in_force["HE-003"].subjects] == ["pass"]
    before = in_force["HE-002"].decision
    assert (before.status, by_id["HE-002"].spec.outcomes[before.outcome].reason) == ("review", "benchmark")
    dormant = evaluation.decide(facts, items, frozenset({"HE-003"}))
    assert [s.decision.branch for s in dormant["HE-003"].subjects] == ["effective"]
    he002 = dormant["HE-002"].decision
    assert (he002.status, by_id["HE-002"].spec.outcomes[he002.outcome].reason) == ("review", "no_benchmark")


def test_a_rule_in_force_on_the_check_date_decides_as_without_dates(dated_rules):
    plain = _check(load_ruleset(), "2026-01-01")
    dated = _check(dated_rules("HE-003", "{from: 2021-01-01, to: 2026-01-01}"), "2026-01-01")
    assert [(f.id, f.status, f.missing_keys) for f in dated.findings] == [
        (f.id, f.status, f.missing_keys) for f in plain.findings
    ]


@pytest.mark.parametrize(
    "effective, expected",
    [
        ("{from: 2027-02-30}", "effective.from"),
        ("{from: 2027-01-01, to: 2026-01-01}", "is before `from`"),
        ("{}", "give `from`, `to` or both"),
        ("{since: 2027-01-01}", "effective.since"),
    ],
)
def test_a_bad_effective_date_is_refused_naming_file_key_and_line(dated_rules, effective, expected):
    from checker.errors import RuleDataError

    with pytest.raises(RuleDataError) as caught:
        dated_rules("WA-002", effective)
    message = str(caught.value)
    assert "WA-002" in message and expected in message and "line " in message, message


def test_a_bad_effective_date_exits_2_with_one_line(tmp_path, dated_rules):
    import os
    import subprocess
    import sys

    from checker.errors import RuleDataError
    from tests.support import REPO

    with pytest.raises(RuleDataError):  # writes the edited copy, which the loader refuses
        dated_rules("WA-002", "{from: 2027-13-01}")
    code = (
        "import sys; from pathlib import Path; import checker.resources as r; "
        f"r.rules_dir = lambda: Path({str(tmp_path / 'rules')!r}); "
        "from checker.cli.app import check_main; "
        "sys.argv = ['check', sys.argv[1], '--as-of', '2026-01-01']; check_main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(REPO / SAMPLE)],
        capture_output=True,
        text=True,
        env={**os.environ, "NM_PROJECT_CHECKER_NO_CACHE": "1"},
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "WA-002" in lines[0] and "effective.from" in lines[0] and "line " in lines[0], lines


# ---------------------------------------------------------------- derived facts declare what they read

# keys added to each sample, one at a time, to see which derived facts read them
_ADDED = {
    "energy.washed_coal_t": 1000.0,
    "energy.raw_coal_t": 1000.0,
    "energy.coke_t": 500.0,
    "energy.natural_gas_m3": 1e6,
    "energy.electricity_kwh": 1e7,
    "energy.feedstock.raw_coal_t": 10.0,
    "energy.feedstock.washed_coal_t": 10.0,
    "coal.fuel_coal_t": 800.0,
    "coal.coal_replacement_t": 300.0,
    "emissions.co2_t": 5000.0,
    "water.fresh_water_m3": 1e5,
    "output.annual_value_added_10k_yuan": 1e4,
    "project.adds_capacity": True,
    "energy.renewable_electricity_share": 0.5,
}


def _key_paths(data: dict, prefix: tuple = ()):
    for key, value in data.items():
        yield (*prefix, key)
        if isinstance(value, dict):
            yield from _key_paths(value, (*prefix, key))


def _declares(key: str, declared: tuple[str, ...]) -> bool:
    """A declared key covers itself, the keys inside it (`energy` covers `energy.raw_coal_t`), and
    a section holding it (taking out `coal` takes out `coal.fuel_coal_t`)."""
    return any(key == k or key.startswith(k + ".") or k.startswith(key + ".") for k in declared)


def _variants(data: dict):
    """(key, the project data with that key taken out or added)."""
    import copy

    for path in _key_paths(data):
        changed = copy.deepcopy(data)
        node = changed
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
        yield ".".join(path), changed
    for dotted, value in _ADDED.items():
        changed = copy.deepcopy(data)
        node = changed
        *parents, last = dotted.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        if last not in node:
            node[last] = value
            yield dotted, changed


def test_a_derived_fact_changes_only_with_keys_it_declares():
    import copy
    import glob

    from checker.errors import InputError
    from checker.facts.derived import READS, compute
    from checker.input.source import read_document
    from checker.input.validation import validate_document
    from checker.project.model import Project
    from tests.support import REPO

    undeclared: dict[str, set[str]] = {}
    files = sorted(glob.glob(str(REPO / "projects" / "*.yaml")))
    assert files
    for path in files:
        doc = read_document(path)
        original = copy.deepcopy(doc.data)

        def values(data, doc=doc):
            doc.data = data
            return compute(validate_document(doc, Project), PARAMS).values

        base = values(original)
        assert set(base) == set(READS)  # every derived fact declares what it reads
        for key, changed in _variants(original):
            try:
                found = values(changed)
            except (InputError, ValueError):  # a variant the format refuses
                continue
            for name, value in found.items():
                if value != base[name] and not _declares(key, READS[name]):
                    undeclared.setdefault(name, set()).add(key)
    assert not undeclared, undeclared


def test_the_fact_catalogue_from_lists_are_those_the_code_declares():
    from checker.facts.derived import ASKS, READS
    from checker.facts.sources import generated
    from tests.support import REPO

    text = (REPO / "rules" / "facts.yaml").read_text(encoding="utf-8")
    assert generated(text) == text, "run python -m checker.facts.sources"
    facts = load_ruleset().facts
    for name, keys in READS.items():
        assert facts[name].source_keys == keys
        assert facts[name].asked_keys == ASKS.get(name, keys)
    # a fact asks for some of the keys it reads, never for one it does not read
    for name, asked in ASKS.items():
        assert asked and set(asked) < set(READS[name]), name
    # the coal facts read washed coal as they read raw coal
    for name in ("fuel_coal_t", "net_new_fuel_coal_t", "net_new_coal_t"):
        assert "energy.washed_coal_t" in facts[name].source_keys


def test_a_hand_written_from_list_is_rewritten_and_an_undeclared_one_refused():
    from checker.errors import RuleDataError
    from checker.facts.sources import generated
    from tests.support import REPO

    text = (REPO / "rules" / "facts.yaml").read_text(encoding="utf-8")
    declared = "  from: [coal.fuel_coal_t, coal.coal_replacement_t, energy.raw_coal_t, energy.washed_coal_t, "
    drifted = text.replace(declared, "  from: [coal.fuel_coal_t, coal.coal_replacement_t, energy.raw_coal_t, ", 1)
    assert drifted != text and generated(drifted) == text
    with pytest.raises(RuleDataError, match="not declared"):
        generated(text + "\nmade_up:\n  zh: 编造\n  en: made up\n  unit: ''\n  from: [energy]\n")


# ---------------------------------------------------------------- not_applicable reasons from labels


def _decide_on(rule_id: str, facts: dict):
    ruleset = load_ruleset()
    rule = ruleset.by_id()[rule_id]
    return rule, Evaluation(ruleset, PARAMS).decide(facts, {"products": [], "boilers": []})[rule_id].decision


@pytest.mark.parametrize(
    "rule_id, facts, condition, zh",
    [
        ("HE-002", {"adds_capacity": False, "builds_coal_power": True}, 0, "项目不新增产能。"),
        (
            "HE-002",
            {"adds_capacity": True, "builds_coal_power": True},
            1,
            "燃煤发电项目由 CO-001、CO-006 规范,本规则不适用。",
        ),
        (
            "CO-001",
            {"adds_capacity": True, "builds_coal_units": False, "builds_coal_power": False},
            0,
            "项目不新建燃煤发电机组。",
        ),
        (
            "CO-001",
            {"adds_capacity": False, "builds_coal_units": True, "builds_coal_power": True},
            1,
            "项目不新增产能,本规则不适用。",
        ),
        (
            "EC-001",
            {"adds_capacity": True, "generates_electricity": True},
            1,
            "电力生产项目的能效由 CO-006 判断,本规则不适用。",
        ),
        ("LA-004", {"industrial_project": False}, 0, "项目不属于工业项目(B、C、D门类,可再生能源发电除外)。"),
    ],
)
def test_a_rule_that_does_not_apply_says_why_with_the_label_of_the_condition_that_did_not_hold(
    rule_id, facts, condition, zh
):
    from checker.evaluation.decision import fired
    from checker.reports.render import rule_sentence
    from checker.verdict.findings import Finding

    rule, decision = _decide_on(rule_id, facts)
    assert (decision.status, decision.branch, decision.gate) == ("not_applicable", "applies_when", condition)
    assert fired(rule, decision) == {"branch": "applies_when", "condition": condition}
    finding = Finding(
        rule=rule, status=decision.status, binding=decision.binding, decision=decision, facts={}, parameters={}
    )
    assert rule_sentence(finding, "zh") == zh
    assert rule_sentence(finding, "en") == rule.spec.applies_labels[condition].en


def test_templates_no_longer_re_derive_why_a_rule_did_not_apply():
    """A project rule's reason for not applying is the label of its applies_when condition; its
    templates phrase only the not_applicable outcomes a rule lists (with their reasons)."""

    for rule in load_ruleset().rules:
        spec = rule.spec
        if spec.applies_when is None or spec.for_each:
            continue
        if rule.id == "WA-003":  # its reason prints the permit threshold, which a label cannot
            continue
        assert spec.applies_labels and all(spec.applies_labels), rule.id
        na_outcomes = any(o.status == "not_applicable" for o in spec.outcomes)
        for lang in ("zh", "en"):
            text = (Path(rule.folder) / f"message.{lang}.j2").read_text(encoding="utf-8")
            # what the applicability conditions test, tested again beside not_applicable
            derived = re.findall(
                r'status == "not_applicable" and [^%]*(?:adds_capacity|builds_coal|generates_el)', text
            )
            assert not derived, (rule.id, lang, derived)
            if not na_outcomes:  # then no not_applicable is the template's to phrase
                assert "not_applicable" not in text, (rule.id, lang)


@pytest.mark.parametrize(
    "applies, expected",
    [
        ("[]", "at least one"),
        ("[{label: {zh: 甲, en: A}}]", "give `when`"),
        ("[{when: {present: mine}, label: {zh: 甲}}]", "en"),
        ("[{when: {present: mine}, why: x}]", "give `when`"),
    ],
)
def test_a_malformed_labelled_applies_when_is_refused(applies, expected):
    raw = yaml.safe_load(LA_004_ENUMERATED)
    base = (
        load_ruleset()
        .by_id()["LA-004"]
        .spec.model_dump(
            mode="python", by_alias=True, exclude={"applies_when", "outcomes", "requires", "applies_labels"}
        )
    )
    with pytest.raises(ValueError, match=expected):
        RuleFile.model_validate({**base, **raw, "applies_when": yaml.safe_load(applies)})


def _spelled_out(rule: Rule) -> Rule:
    """`rule` with each `when_unknown` outcome on one fact written as before: a missing_info
    outcome for the absent fact, then the outcome."""
    outcomes = []
    for outcome in rule.spec.outcomes:
        facts = cond.unknown_facts(outcome.when)
        if outcome.when_unknown and len(facts) == 1:
            outcomes.append(
                RuleOutcome(
                    status="missing_info", when={"absent": facts[0]}, missing=[outcome.ask.get(facts[0], facts[0])]
                )
            )
            outcomes.append(outcome.model_copy(update={"when_unknown": None, "ask": {}}))
        else:
            outcomes.append(outcome)
    return dataclasses.replace(rule, spec=rule.spec.model_copy(update={"outcomes": outcomes}))


def test_rules_asking_for_an_undecided_fact_decide_as_the_outcomes_they_replaced():
    import glob

    from checker.check import Checker
    from tests.support import REPO

    shipped = load_ruleset()
    collapsed = [
        r.id
        for r in shipped.rules
        if any(o.when_unknown and len(cond.unknown_facts(o.when)) == 1 for o in r.spec.outcomes)
    ]
    assert {"EC-002", "RE-001", "RE-002", "RE-004", "MI-003", "CB-001"} <= set(collapsed)
    spelled = dataclasses.replace(
        shipped,
        rules=tuple(_spelled_out(r) if r.id in collapsed else r for r in shipped.rules),
        sha256="test-spelled-out",
    )
    files = sorted(glob.glob(str(REPO / "projects" / "*.yaml")))
    for as_of in ("2026-01-01",):
        params = resolve(dt.date.fromisoformat(as_of))
        for path in files:
            now = Checker(shipped, params).check_path(path)
            before = Checker(spelled, params).check_path(path)
            assert [(f.id, f.status, f.missing_keys) for f in now.findings] == [
                (f.id, f.status, f.missing_keys) for f in before.findings
            ], path


def test_the_collapsed_rules_decide_every_case_as_the_outcomes_they_replaced(tmp_path):
    """Every case of every rule, checked on its own date, gives the same findings (status and
    keys asked for) with each `when_unknown` outcome on one fact spelled out as before."""
    from checker.audit.cases import rule_cases, write_case
    from checker.check import Checker

    shipped = load_ruleset()
    collapsed = {
        r.id
        for r in shipped.rules
        if any(o.when_unknown and len(cond.unknown_facts(o.when)) == 1 for o in r.spec.outcomes)
    }
    spelled = dataclasses.replace(
        shipped,
        rules=tuple(_spelled_out(r) if r.id in collapsed else r for r in shipped.rules),
        sha256="test-spelled-out-cases",
    )
    cases = rule_cases(shipped)
    assert {case.rule for case in cases} >= collapsed
    checkers: dict = {}
    for case in cases:
        if case.as_of not in checkers:
            params = resolve(case.as_of)
            checkers[case.as_of] = (Checker(shipped, params), Checker(spelled, params))
        now, before = checkers[case.as_of]
        path = write_case(case, tmp_path)
        assert [(f.id, f.status, f.missing_keys) for f in now.check_path(path).findings] == [
            (f.id, f.status, f.missing_keys) for f in before.check_path(path).findings
        ], case.name


def test_a_finding_cannot_ask_for_an_undeclared_fact(tmp_path):
    import shutil

    from checker.errors import RuleDataError
    from tests.support import REPO

    target = tmp_path / "rules"
    shutil.copytree(REPO / "rules", target)
    path = _rule_file(target, "CO-002")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("missing: [coal.fuel_coal_t]", "missing: [coal.fuel_coal]", 1), encoding="utf-8")
    load_ruleset.cache_clear()
    try:
        with pytest.raises(RuleDataError, match=r"outcomes\[\d+\]\.missing.*coal\.fuel_coal"):
            load_ruleset(target)
    finally:
        load_ruleset.cache_clear()


def test_the_batch_line_says_since_or_until_as_the_full_verdict_does_for_each_check_date(dated_rules):
    """The batch line remembers rendered messages by what their templates read; a rule not in
    force says since or until when, which depends on the check date alone. Two checks with the
    very same parameter values but different dates must not share a remembered sentence."""
    import json

    from checker.check import Checker
    from checker.reports.line import verdict_line
    from checker.reports.render import verdict_json
    from tests.support import REPO

    ruleset = dated_rules("WA-002", "{from: 2026-02-01, to: 2026-12-31}")  # a rule without items
    before = resolve(dt.date(2026, 1, 1))
    after = dataclasses.replace(before, as_of=dt.date(2027, 6, 1))  # the same value objects
    seen = set()
    for params in (before, after, before, after):
        result = Checker(ruleset, params).check_path(REPO / SAMPLE)
        for lang in ("zh", "en"):
            full = json.dumps(verdict_json(result, lang), ensure_ascii=False, separators=(",", ":"))
            assert verdict_line(result, lang) == full, (params.as_of, lang)
            seen.add(next(f["message"] for f in json.loads(full)["findings"] if f["rule"] == "WA-002"))
    assert len(seen) == 4  # two dates, two languages: four sentences
