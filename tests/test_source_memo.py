"""Scalars already read are remembered per process: a file read after others must parse the same.

`source._RESOLVED` keeps what plain scalars resolved to (keys and common values repeat in every
file of a batch). These tests read documents after the memo holds their scalars, and check that
nothing about a scalar's meaning or an error's line depends on what was read before.
"""

from __future__ import annotations

import datetime as dt

import pytest

from checker.errors import InputError
from checker.input import source
from checker.input.source import parse_document

DOC = b"""\
a: 123
b: '123'
c: "true"
d: true
e: 1.5e3
f: 2025-06-01
g: ~
h: |
  123
"""

EXPECTED = {
    "a": 123,
    "b": "123",
    "c": "true",
    "d": True,
    "e": 1500.0,
    "f": dt.date(2025, 6, 1),
    "g": None,
    "h": "123\n",
}


def test_a_second_read_gives_the_same_values_and_types():
    first = parse_document(DOC, "one.yaml").data
    second = parse_document(DOC, "two.yaml").data
    assert first == second == EXPECTED
    assert {k: type(v) for k, v in first.items()} == {k: type(v) for k, v in second.items()}


def test_quoting_decides_even_when_the_plain_scalar_was_read_first():
    parse_document(b"x: 42\ny: yes\n", "plain.yaml")
    data = parse_document(b"x: '42'\ny: 'yes'\n", "quoted.yaml").data
    assert data == {"x": "42", "y": "yes"}


@pytest.mark.parametrize("earlier", [b"v: x\n", b"k: '<<'\n"])
def test_a_merge_key_is_refused_every_time_with_its_line(earlier):
    parse_document(earlier, "earlier.yaml")
    for _ in range(2):
        with pytest.raises(InputError) as info:
            parse_document(b"a: 1\nb:\n  <<: {c: 1}\n", "merge.yaml")
        assert info.value.problems[0].line == 3
        assert "merge keys" in info.value.problems[0].message


def test_an_invalid_date_stays_text_each_time():
    for _ in range(2):
        assert parse_document(b"d: 2026-13-45\n", "date.yaml").data == {"d": "2026-13-45"}


def test_duplicate_keys_are_found_with_their_lines_when_the_keys_are_remembered():
    parse_document(b"water: 1\nenergy: 2\n", "first.yaml")
    with pytest.raises(InputError) as info:
        parse_document(b"water: 1\nenergy: 2\nwater: 3\n", "dup.yaml")
    problem = info.value.problems[0]
    assert (problem.key_path, problem.line) == ("water", 3)
    assert "first given on line 1" in problem.message


def test_the_memo_is_bounded(monkeypatch):
    monkeypatch.setattr(source, "_RESOLVED_MAX", 10)
    source._RESOLVED.clear()
    text = "".join(f"k{i}: {i}\n" for i in range(50)).encode()
    assert parse_document(text, "many.yaml").data == {f"k{i}": i for i in range(50)}
    assert len(source._RESOLVED) <= 10
    long = "x" * (source._RESOLVED_TEXT_MAX + 1)
    parse_document(f"{long}: 1\n".encode(), "long.yaml")
    assert not any(key[0] == long for key in source._RESOLVED)
