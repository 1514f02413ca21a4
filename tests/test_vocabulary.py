"""The checker's words are defined once (checker/vocabulary.py) and print as their values on every
supported Python: a status, a verdict or an exit code in an f-string, `format`, `%s`, JSON or a
template reads exactly as the plain string or number it replaced."""

from __future__ import annotations

import json
import typing

import jinja2
import pytest

from checker.audit.cases import CaseStatus
from checker.rules import conditions
from checker.rules.ruleset import StatusName
from checker.vocabulary import (
    ATTENTION,
    COUNT_ORDER,
    DECISION_SEVERITY,
    EXIT_CODES_WORST_FIRST,
    RULE_STATUSES,
    VERDICT_EXIT_CODES,
    VERDICTS_WORST_FIRST,
    ExitCode,
    Status,
    Verdict,
)

WORDS = [*Status, *Verdict]


@pytest.mark.parametrize("word", WORDS, ids=str)
def test_a_word_prints_as_its_value_everywhere(word):
    value = word.value
    assert str(word) == value
    assert f"{word}" == value
    assert f"{word:>20}" == f"{value:>20}"
    assert format(word) == value
    assert "{}".format(word) == value  # noqa: UP032 - str.format is what is being checked
    assert "%s" % word == value  # noqa: UP031 - the old operator is what is being checked
    assert json.dumps({word: [word]}) == json.dumps({value: [value]})
    assert json.dumps([word], indent=2) == json.dumps([value], indent=2)
    assert jinja2.Template("{{ w }}|{{ w|upper }}|{{ w ~ '!' }}").render(w=word) == f"{value}|{value.upper()}|{value}!"
    assert word == value and hash(word) == hash(value)
    assert {value: 1}[word] == 1


@pytest.mark.parametrize("code", list(ExitCode), ids=str)
def test_an_exit_code_prints_as_its_number_everywhere(code):
    number = int(code)
    assert str(code) == str(number)
    assert f"{code}" == str(number)
    assert f"{code:>4}" == f"{number:>4}"
    assert "%s" % code == str(number)  # noqa: UP031
    assert "%d" % code == str(number)  # noqa: UP031
    assert json.dumps({"exit_code": code}) == json.dumps({"exit_code": number})


def test_the_codes_are_those_the_help_documents():
    assert {c.name: int(c) for c in ExitCode} == {
        "OK": 0,
        "REJECTED": 1,
        "INVALID": 2,
        "NEEDS_REVIEW": 3,
        "WARNINGS": 4,
        "INTERNAL": 70,
        "INTERRUPTED": 130,
    }
    assert ExitCode.DIFFERS is ExitCode.REJECTED  # one number, two readings: `checker diff` and `check`
    assert [int(c) for c in EXIT_CODES_WORST_FIRST] == [70, 2, 1, 3, 4, 0]
    assert {str(v): int(c) for v, c in VERDICT_EXIT_CODES.items()} == {
        "approved": 0,
        "approved_with_warnings": 0,
        "rejected": 1,
        "needs_review": 3,
    }


def test_the_orders_derived_from_the_statuses():
    assert [s.value for s in Status] == [
        "fail",
        "review",
        "missing_info",
        "warn",
        "waived",
        "pass",
        "not_applicable",
    ]
    assert [s.value for s in COUNT_ORDER] == [
        "fail",
        "review",
        "missing_info",
        "warn",
        "pass",
        "not_applicable",
        "waived",
    ]
    assert [s.value for s in DECISION_SEVERITY] == ["fail", "missing_info", "review", "warn", "pass", "not_applicable"]
    assert set(DECISION_SEVERITY) == set(RULE_STATUSES)
    assert [s.value for s in ATTENTION] == ["fail", "review", "missing_info", "warn", "waived"]
    assert [v.value for v in VERDICTS_WORST_FIRST] == ["rejected", "needs_review", "approved_with_warnings", "approved"]


def test_the_rule_files_literals_name_the_same_statuses():
    """A rule file's statuses are checked by pydantic Literals (their errors read as the file's):
    they must be the vocabulary's words, no more and no fewer."""
    assert set(typing.get_args(StatusName)) == {s.value for s in RULE_STATUSES}
    assert set(typing.get_args(CaseStatus)) == {s.value for s in Status}
    assert set(conditions.STATUSES) == {s.value for s in RULE_STATUSES}
