"""The ruleset checks itself: metadata, citations, parameters, facts and fixtures of every rule.

As conftest's policy meta-checks do, these tests fail the build when a rule lacks a title, a
verbatim plan quote, a cited parameter or a fixture for a status it can produce, so a rule cannot
reach reviewers half-written. The list of rule IDs is the catalogue's (docs/rules-catalogue.md).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli.app import check_main
from checker.rules import conditions as cond
from checker.rules.parameters import PROVENANCES, shipped_definitions
from checker.rules.ruleset import load_ruleset, plan_text
from tests.support import REPO
from tests.support.casebook import load_cases

RULESET = load_ruleset()
RULES = RULESET.rules
RULE_IDS = [rule.id for rule in RULES]
CASES = load_cases()
CATALOGUE = (REPO / "docs" / "rules-catalogue.md").read_text(encoding="utf-8")
CATALOGUE_IDS = re.findall(r"^\*\*([A-Z]{2}-\d{3}) ", CATALOGUE, flags=re.MULTILINE)
SAMPLES = sorted((REPO / "projects").glob("*.yaml"))
HAN = re.compile(r"[\u4e00-\u9fff]")


def _catalogue_sections() -> dict[str, str]:
    """Each rule ID of the catalogue and the category of the `### XX — ...` section that lists it."""
    sections, section = {}, None
    for line in CATALOGUE.splitlines():
        if heading := re.match(r"^### ([A-Z]{2}) ", line):
            section = heading.group(1)
        elif entry := re.match(r"^\*\*([A-Z]{2}-\d{3}) ", line):
            sections[entry.group(1)] = section
    return sections


CATALOGUE_SECTION = _catalogue_sections()


def by_rule(rule_id: str) -> list[str]:
    return [case.expect for case in CASES if case.rule == rule_id]


def test_the_catalogue_copy_lists_each_rule_once():
    assert CATALOGUE_IDS, "the catalogue lists rules as **ID title**"
    assert len(set(CATALOGUE_IDS)) == len(CATALOGUE_IDS)


def test_rule_ids_are_unique_and_exactly_the_catalogue_ids():
    assert len(RULE_IDS) == len(set(RULE_IDS))
    assert sorted(RULE_IDS) == sorted(CATALOGUE_IDS)


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_rule_has_titles_category_binding_and_a_basis(rule):
    spec = rule.spec
    assert spec.title.zh.strip() and spec.title.en.strip()
    assert spec.summary.zh.strip() and spec.summary.en.strip()
    # each language in its own words: Chinese in the Chinese title, none in the English one
    assert HAN.search(spec.title.zh) and not HAN.search(spec.title.en), "titles in their own language"
    # the category is the ID's prefix and the catalogue's section that lists the rule
    assert spec.category == rule.id[:2] == CATALOGUE_SECTION[rule.id]
    # binding: a binding rule can fail or send to review; a guidance rule warns when breached and
    # fails only through an outcome that is itself binding (LA-005)
    statuses = rule.outcome_statuses
    if spec.binding:
        assert statuses & {"fail", "review"}, "a binding rule binds nothing that can neither fail nor ask"
    else:
        assert "warn" in statuses, "a guidance rule warns when it is breached"
        assert "fail" not in statuses or any(o.binding for o in spec.outcomes if o.status == "fail")
    assert spec.basis, "a rule needs at least one plan quote"


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_rule_has_a_neutral_subject_beside_its_violation_title(rule):
    """A passing rule is headed with its subject: "[通过] EC-002 用能指标来源", never the double
    negative "[通过] EC-002 未落实用能指标来源"."""
    subject = rule.spec.subject
    assert subject is not None, "a rule needs a subject (what it is about, whatever the status)"
    assert subject.zh.strip() and subject.en.strip()
    assert not subject.zh.startswith(("未", "无", "不")), "a subject reads right when the rule passes"


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_every_quote_fragment_occurs_verbatim_in_the_plan_text_it_names(rule):
    for basis in rule.spec.basis:
        text = plan_text(basis.document)
        fragments = basis.fragments()
        assert fragments
        for fragment in fragments:
            assert fragment in text, f"{rule.id}: {fragment!r} is not in {basis.document}"


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_rule_binding_matches_the_catalogue(rule):
    entry = re.search(rf"^\*\*{rule.id} [^*]+\*\*(.*?)$", CATALOGUE, flags=re.MULTILINE)
    assert entry, rule.id
    guidance = "guidance" in entry.group(1).split(".")[0]
    assert rule.spec.binding is not guidance


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_every_parameter_a_rule_uses_exists_with_unit_source_dates_and_provenance(rule):
    definitions = shipped_definitions()
    used = set(rule.spec.parameters)
    for condition in [rule.spec.applies_when, *(o.when for o in rule.spec.outcomes)]:
        if condition is not None:
            used |= set(cond.params_named(condition))
    assert used <= set(rule.spec.parameters), "every parameter used is listed"
    for name in used:
        definition = definitions[name]
        assert definition.description.zh and definition.description.en
        if definition.type == "number" and not re.search(r"ratio|share|pue", name):
            assert definition.unit, f"{name} needs a unit"
        first = min(value.effective_from for value in definition.values)
        assert first <= RULESET.plan.start, f"{name} is not in force when the plan begins"
        for value in definition.values:
            assert value.source.strip(), f"{name} needs a source"
            kinds = value.provenance  # for the whole value, or per entry of a table
            assert set(kinds.values() if isinstance(kinds, dict) else [kinds]) <= set(PROVENANCES)


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_every_fact_a_rule_names_is_declared(rule):
    for name in rule.facts:
        declared = name in RULESET.facts or (name.startswith("item.") and name.split(".", 1)[1] in RULESET.facts)
        assert declared, f"{rule.id}: fact {name} is not in facts.yaml"


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_rule_has_message_templates_in_both_languages(rule):
    for lang in ("zh", "en"):
        assert Path(rule.message_path(lang)).is_file()
        assert Path(rule.message_path(lang)).parent == REPO / "rules" / rule.id[:2] / rule.id


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_rule_has_a_fixture_for_every_status_it_can_produce(rule):
    expected = set(by_rule(rule.id))
    assert rule.outcome_statuses <= expected, f"{rule.id}: no fixture for {sorted(rule.outcome_statuses - expected)}"
    assert expected <= rule.outcome_statuses, f"{rule.id}: a fixture expects an impossible status"


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_rule_has_a_complying_and_a_violating_fixture(rule):
    statuses = rule.outcome_statuses
    expects = by_rule(rule.id)
    # complying: pass; a rule that can never pass (HE-004, MI-002) complies by not applying
    complying = "pass" if "pass" in statuses else "not_applicable"
    # violating: fail for a binding rule, warn for guidance; MI-002 can only send to review
    violating = next(s for s in ("fail", "warn", "review") if s in statuses)
    assert complying in expects and violating in expects
    if not rule.spec.binding:
        assert "fail" not in statuses or any(o.binding for o in rule.spec.outcomes)


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_rule_that_can_fail_or_warn_has_example_fragments_for_checker_explain(rule):
    # tests/test_report_docs.py checks that each fragment gives the status it illustrates
    if rule.outcome_statuses & {"fail", "warn"}:
        assert rule.spec.examples is not None, f"{rule.id} needs examples: complying / violating"


def test_every_fixture_names_a_loaded_rule():
    assert {case.rule for case in CASES} <= set(RULE_IDS)


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.name for p in SAMPLES])
def test_json_report_of_every_sample_lists_every_rule_exactly_once(sample):
    options = ["--format", "json", "--as-of", "2026-01-01"]
    result = CliRunner().invoke(check_main, [str(sample), *options])
    findings = json.loads(result.output)["findings"]
    assert Counter(f["rule"] for f in findings) == Counter(CATALOGUE_IDS)
