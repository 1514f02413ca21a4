"""The rule loader refuses malformed or inconsistent rule files, naming the file and the key."""

from __future__ import annotations

import shutil

import pytest

from checker.errors import RuleDataError
from checker.rules.ruleset import load_ruleset
from tests.support import REPO


@pytest.fixture
def rules_copy(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(REPO / "rules", target)
    return target


def edit(rules_dir, relative: str, old: str, new: str) -> None:
    path = rules_dir / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def load(rules_dir):
    load_ruleset.cache_clear()
    try:
        return load_ruleset(rules_dir)
    finally:
        load_ruleset.cache_clear()


def test_the_shipped_rules_load(rules_copy):
    assert {"HE-001", "HE-002", "EC-001", "EC-002", "CO-001", "WA-002", "LA-001"} <= {
        rule.id for rule in load(rules_copy).rules
    }


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("binding: true", "binding: yes please", "binding"),
        ("category: LA", "category: XX", "category"),
        ("otherwise: pass", "otherwise: maybe", "otherwise"),
        ("message: LA-001", "message: LA-001\ncolour: red", "colour"),
        (
            "{fact: land.permanent_basic_farmland_ha, gt: 0}",
            "{fact: land.permanent_basic_farmland_ha, bigger: 0}",
            "a comparison needs exactly one of",
        ),
        (
            "{fact: land.permanent_basic_farmland_ha, gt: 0}",
            "{fact: land.farmland_acres, gt: 0}",
            "fact 'land.farmland_acres' is not declared",
        ),
        ("message: LA-001", "message: LA-999", "the messages are those of the rule's folder"),
    ],
)
def test_a_malformed_rule_file_is_refused_with_its_path_and_key(rules_copy, old, new, expected):
    edit(rules_copy, "LA/LA-001/rule.yaml", old, new)
    with pytest.raises(RuleDataError) as caught:
        load(rules_copy)
    assert "rules/LA/LA-001/rule.yaml" in str(caught.value)
    assert expected in str(caught.value)


def test_a_rule_using_a_parameter_it_does_not_list_is_refused(rules_copy):
    edit(rules_copy, "WA/WA-002/rule.yaml", "parameters: [water_permit_threshold_m3]", "parameters: []")
    with pytest.raises(RuleDataError, match="uses 'water_permit_threshold_m3' but does not list it"):
        load(rules_copy)


def test_a_guidance_rule_cannot_fail(rules_copy):
    edit(rules_copy, "LA/LA-001/rule.yaml", "binding: true", "binding: false")
    with pytest.raises(RuleDataError, match=r"a guidance \(non-binding\) outcome cannot fail"):
        load(rules_copy)


def test_a_rule_must_live_in_a_folder_named_after_its_id(rules_copy):
    (rules_copy / "LA" / "LA-001").rename(rules_copy / "LA" / "LA-009")
    with pytest.raises(RuleDataError, match=r"must live in a folder named LA-001"):
        load(rules_copy)


def test_a_rule_without_a_message_template_is_refused(rules_copy):
    (rules_copy / "LA" / "LA-001" / "message.en.j2").unlink()
    with pytest.raises(RuleDataError, match=r"LA-001/rule.yaml: no message template message.en.j2"):
        load(rules_copy)


def test_a_dependency_on_an_unknown_rule_is_refused(rules_copy):
    edit(rules_copy, "HE/HE-002/rule.yaml", "{rule: HE-003, status: [pass]}", "{rule: HE-099, status: [pass]}")
    with pytest.raises(RuleDataError, match="depends on unknown or disabled rule HE-099"):
        load(rules_copy)


def test_a_remedy_hint_naming_an_undeclared_fact_is_refused(rules_copy):
    edit(rules_copy, "RE/RE-003/rule.yaml", "fixed: [project.league_city]", "fixed: [project.league]")
    with pytest.raises(RuleDataError, match=r"remedy.fixed.*'project.league' is not declared"):
        load(rules_copy)


def test_a_remedy_hint_with_an_unknown_key_is_refused(rules_copy):
    edit(rules_copy, "RE/RE-003/rule.yaml", "fixed: [project.league_city]", "frozen: [project.league_city]")
    with pytest.raises(RuleDataError, match="frozen"):
        load(rules_copy)
