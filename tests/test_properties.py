"""Property-based tests: random valid projects check cleanly; random damage never crashes.

The quick profile (the default) keeps the normal run fast; `HYPOTHESIS_PROFILE=long` runs each
property on 100 000 examples (see tests/README.md).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import event, given, reject
from hypothesis import strategies as st

from checker.cli.app import check_main
from checker.errors import InputError
from checker.input.source import parse_document
from checker.input.validation import validate_document
from checker.project.model import Project
from checker.reports import formats
from checker.rules.ruleset import load_ruleset
from checker.vocabulary import DECISION_SEVERITY as SEVERITY
from checker.vocabulary import VERDICT_EXIT_CODES
from tests.support.checkers import checker_on
from tests.support.strategies import BASES, dump, projects

HOSTILE = Path(__file__).parent / "hostile"
AS_OF_DATES = [dt.date(2022, 6, 1), dt.date(2026, 1, 1)]
STATUSES = set(SEVERITY) | {"waived"}


def expected_verdict(findings: list[Any]) -> str:
    """The verdict contract of project-format.md, restated independently of checker.verdict.findings."""
    statuses = [(f.status, f.binding) for f in findings]
    if ("fail", True) in statuses:
        return "rejected"
    if any(s in ("review", "missing_info") for s, _ in statuses):
        return "needs_review"
    if any(s in ("warn", "fail") for s, _ in statuses):
        return "approved_with_warnings"
    return "approved"


@given(data=projects(), as_of=st.sampled_from(AS_OF_DATES))
def test_random_valid_projects_check_cleanly(data, as_of):
    doc = parse_document(dump(data), "random.yaml")
    project = validate_document(doc, Project)
    checker = checker_on(as_of)
    try:
        result = checker.check(doc, project)
    except InputError as exc:  # a figure so small or large that a derived one overflows: exit 2
        assert "too large to compute" in str(exc), exc
        reject()

    rule_ids = [rule.id for rule in checker.ruleset.rules]
    assert [f.id for f in result.findings] == rule_ids  # every rule exactly once, in order
    assert len(set(rule_ids)) == len(rule_ids)
    assert {f.status for f in result.findings} <= STATUSES
    claimed = {w.rule for w in project.waivers}
    for finding in result.findings:
        # without the authority's register nothing is waived: the file's own waivers are claims,
        # which send only a fail or a warning to review, and never touch a red line
        assert finding.status != "waived"
        if finding.claimed_status is not None:
            assert finding.id in claimed and finding.rule.spec.waivable
            assert (finding.claimed_status, finding.status) in {("fail", "review"), ("warn", "review")}
        if finding.status == "missing_info":
            assert finding.missing_keys
    assert result.verdict == expected_verdict(result.findings)
    event(f"verdict {result.verdict}")

    verdict = json.loads(formats.render(result, "json", "en"))
    assert verdict["verdict"] == result.verdict
    assert verdict["exit_code"] == VERDICT_EXIT_CODES[result.verdict]
    assert sum(verdict["counts"].values()) == len(rule_ids)
    assert [f["rule"] for f in verdict["findings"]] == rule_ids
    for lang in ("zh", "en"):
        assert formats.render(result, "text", lang)


# ---------------------------------------------------------------- damaged files


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, child in items:
        found.append((*prefix, key))
        found += _paths(child, (*prefix, key))
    return found


WRONG_VALUES = st.one_of(
    st.text(max_size=12),
    st.integers(-(10**30), 10**30),
    st.floats(),
    st.booleans(),
    st.none(),
    st.dates(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.sampled_from(["12%", "1,000", "一百万", "2026-13-45", ".nan", "-1", "鄂尔多斯", "~"]),
    st.sampled_from([1e308, 5e-324, -5e-324, 1.7976931348623157e308, 2.2250738585072014e-308]),
    st.sampled_from(['=HYPERLINK("x")', "\x1b[2J", "a\nb", "\u202e", "\ufffe", "\x85", "\0"]),
)

# text spliced into the YAML as written: what YAML 1.1 misreads, tags, escapes, extreme numbers
RAW_SPLICES = [
    b": 1:0.8",
    b": 0042",
    b": yes",
    b": off",
    b": !!int ''",
    b": !!timestamp x",
    b": !!float abc",
    b": !!str 12",
    b": !!binary aGk=",
    b": !!set {a}",
    b': "\\e[31m"',
    b': "\\0"',
    b': "\\uFFFE"',
    b': "\\u2028"',
    b": 5e-324",
    b": 1e308",
    b": -1e308",
    b": .inf",
    b": 0x7FFFFFFFFFFFFFFFFFFF",
    b": 0o777",
    b": 1_000",
    b": 2026-02-30",
    b": ~",
    b"\n<<: {a: 1}",
]


@st.composite
def damaged(draw: st.DrawFn, bases: list[dict[str, Any]]) -> bytes:
    """One of `bases` with keys deleted, values of the wrong type, garbage bytes or a cut."""
    data = copy.deepcopy(draw(st.sampled_from(bases)))
    for _ in range(draw(st.integers(0, 3))):
        paths = _paths(data)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        if draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(WRONG_VALUES)
    raw = dump(data)
    for _ in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(["garbage", "truncate", "flip", "splice"]))
        at = draw(st.integers(0, len(raw)))
        if kind == "splice":  # replace the value after a colon, or insert where it falls
            snippet = draw(st.sampled_from(RAW_SPLICES))
            colon = raw.find(b": ", at)
            end = raw.find(b"\n", colon) if colon >= 0 else -1
            raw = raw[:colon] + snippet + raw[end:] if colon >= 0 and end >= 0 else raw[:at] + snippet + raw[at:]
        elif kind == "garbage":
            raw = raw[:at] + draw(st.binary(min_size=1, max_size=16)) + raw[at:]
        elif kind == "truncate":
            raw = raw[:at]
        elif raw:
            at = min(at, len(raw) - 1)
            raw = raw[:at] + bytes([draw(st.integers(0, 255))]) + raw[at + 1 :]
    return raw


def damaged_files() -> st.SearchStrategy[bytes]:
    return damaged(BASES)


POLICY_BASES = [
    parse_document(p.read_bytes(), str(p)).data for p in (HOSTILE / "params_valid.yaml", HOSTILE / "params_rich.yaml")
]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("damaged") / "project.yaml"


def _strict_json(text: str) -> Any:
    """json.loads that refuses NaN and Infinity, which Python's reader accepts and JSON forbids."""

    def refuse(constant: str) -> Any:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def _assert_sound_report(fmt: str, stdout: str) -> None:
    """What a report may never be: invalid JSON, or text a terminal would act on."""
    if fmt in ("json", "sarif"):
        _strict_json(stdout)
    else:
        assert not any(ch in stdout for ch in "\x1b\x00\x07\x9b\u2028\u202e"), stdout


@given(raw=damaged_files(), fmt=st.sampled_from(["text", "json", "sarif"]))
def test_damaged_files_end_in_a_known_exit_code(scratch, raw, fmt):
    scratch.write_bytes(raw)
    args = [str(scratch), "--as-of", "2026-01-01", "--format", fmt]
    result = CliRunner().invoke(check_main, args)
    event(f"exit {result.exit_code}")  # the share of each outcome, in --hypothesis-show-statistics
    assert result.exit_code in (0, 1, 2, 3), result.stderr
    assert "Traceback" not in result.stderr
    if result.exit_code == 2:
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert lines and all(line.startswith("error: ") for line in lines), result.stderr
    else:
        assert result.stderr == ""
        assert result.stdout
        _assert_sound_report(fmt, result.stdout)


# ---------------------------------------------------------------- any bytes at all

YAML_ISH = st.text(alphabet=":-[]{}&*!|>'\"#%@`?,. \n\t\r\\01e9aZ_中\u3000\ufeff\x85", max_size=300)


@given(raw=st.one_of(st.binary(max_size=2000), YAML_ISH.map(lambda t: t.encode("utf-8"))))
def test_any_bytes_parse_or_fail_with_an_input_error(raw):
    """The reader and the validator raise nothing but InputError, whatever they are given."""
    try:
        doc = parse_document(raw, "any.yaml")
        validate_document(doc, Project)
    except InputError as exc:
        assert exc.problems
        assert all("\n" not in str(p) for p in exc.problems)


@given(raw=damaged(POLICY_BASES), fmt=st.sampled_from(["text", "json", "sarif"]))
def test_damaged_policy_files_end_in_a_known_exit_code(scratch, raw, fmt):
    policy = scratch.with_name("policy.yaml")
    policy.write_bytes(raw)
    scratch.write_bytes((HOSTILE / "valid.yaml").read_bytes())
    result = CliRunner().invoke(
        check_main, [str(scratch), "--params", str(policy), "--as-of", "2026-01-01", "--format", fmt]
    )
    assert_known_exit(result, fmt)


def assert_known_exit(result: Any, fmt: str) -> None:
    """Exit 0-3, never 70 nor a traceback; exit 2 prints only `error: ...` lines; otherwise a sound
    report (strict JSON for the JSON formats, no terminal controls in text) and nothing on stderr."""
    event(f"exit {result.exit_code}")
    assert result.exit_code in (0, 1, 2, 3), result.stderr
    assert "Traceback" not in result.stderr
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert lines and all(line.startswith("error: ") for line in lines), result.stderr
    else:
        assert result.stderr == ""
        _assert_sound_report(fmt, result.stdout)


REGISTER_BASES = [
    parse_document(p.read_bytes(), str(p)).data
    for p in (HOSTILE / "register_valid.yaml", HOSTILE / "register_rich.yaml")
]
RULE_IDS = [rule.id for rule in load_ruleset().rules] + ["ZZ-999", "HE-010", "la-001"]


@st.composite
def registers(draw: st.DrawFn) -> bytes:
    """A register with entries renamed to any rule (red lines included), duplicated or given to
    other projects, then damaged like any file."""
    data = copy.deepcopy(draw(st.sampled_from(REGISTER_BASES)))
    entries = data["waivers"]
    for _ in range(draw(st.integers(0, 3))):
        entry = draw(st.sampled_from(entries))
        kind = draw(st.sampled_from(["rule", "project", "twice"]))
        if kind == "rule":
            entry["rule"] = draw(st.sampled_from(RULE_IDS))
        elif kind == "project":
            entry["project"] = draw(st.sampled_from(["NM-2025-0330", "NM-2025-0042", 42, "", None]))
        else:
            entries.append(copy.deepcopy(entry))
    return draw(damaged([data]))


# an approved project, and a rejected one whose failures a register entry can set aside
REGISTER_PROJECTS = [HOSTILE / "valid.yaml", Path(__file__).parent.parent / "projects" / "ordos-calcium-carbide.yaml"]


@given(raw=registers(), project=st.sampled_from(REGISTER_PROJECTS), fmt=st.sampled_from(["text", "json", "sarif"]))
def test_damaged_waiver_registers_end_in_a_known_exit_code(scratch, raw, project, fmt):
    register = scratch.with_name("register.yaml")
    register.write_bytes(raw)
    scratch.write_bytes(project.read_bytes())
    result = CliRunner().invoke(
        check_main, [str(scratch), "--waivers", str(register), "--as-of", "2026-01-01", "--format", fmt]
    )
    assert_known_exit(result, fmt)
    if result.exit_code == 2:
        assert result.stdout == ""
        assert "register.yaml" in result.stderr
