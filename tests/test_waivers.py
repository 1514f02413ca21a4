"""Waivers: only the review authority's register waives; the project file's waivers are claims.

The cases of tests/waivers/cases.yaml give exact statuses and verdicts; the tests below them follow
the register through every command that takes it: a single check, a batch, `checker diff`, the
ledger and `checker verify`.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from click.testing import CliRunner

from checker.audit.ledger import entry_waivers, ledger_url, waiver_registers
from checker.cli.app import check_main, checker_main
from checker.reports import formats
from checker.reports import render as report
from tests.support import REPO
from tests.support.casebook import Case
from tests.support.checkers import checker_on, checker_with_register, write_register

CASES_FILE = Path(__file__).parent / "waivers" / "cases.yaml"
AS_OF = dt.date(2026, 1, 1)


@dataclass(frozen=True)
class WaiverCase:
    name: str
    project: dict[str, Any]
    register: list[dict[str, Any]] | None
    as_of: dt.date
    expect: dict[str, str]
    verdict: str
    message: dict[str, str]  # rule → words its Chinese message must contain


def _cases() -> list[WaiverCase]:
    raw = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))["cases"]
    out = []
    for entry in raw:
        project = Case(
            rule="",
            name=entry["name"],
            base=entry["base"],
            expect="",
            set=entry.get("set", {}),
            unset=tuple(entry.get("unset", [])),
        ).project_data()
        out.append(
            WaiverCase(
                entry["name"],
                project,
                entry.get("register"),
                entry.get("as_of", AS_OF),
                entry["expect"],
                entry["verdict"],
                entry.get("message", {}),
            )
        )
    return out


CASES = _cases()


def run_case(case: WaiverCase, directory: Path):
    path = directory / "project.yaml"
    path.write_text(yaml.safe_dump(case.project, allow_unicode=True), encoding="utf-8")
    if case.register is None:
        return checker_on(case.as_of).check_path(path)
    return checker_with_register(case.as_of, write_register(directory, case.register)).check_path(path)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case, tmp_path):
    result = run_case(case, tmp_path)
    statuses = {f.id: f.status for f in result.findings}
    assert {rule: statuses[rule] for rule in case.expect} == case.expect
    assert result.verdict == case.verdict
    by_rule = {f.id: f for f in result.findings}
    for rule, words in case.message.items():
        assert words in report.render_message(by_rule[rule], "zh")


def _case(start: str) -> WaiverCase:
    return next(c for c in CASES if c.name.startswith(start))


def test_a_claim_names_the_claimed_document_and_who_claims_it_in_the_message(tmp_path):
    result = run_case(_case("Waivers the applicant typed"), tmp_path)
    he001 = next(f for f in result.findings if f.id == "HE-001")
    assert (he001.status, he001.claimed_status, he001.waiver) == ("review", "fail", None)
    zh = report.render_message(he001, "zh")
    assert "主张人:申请人" in zh and "文件:无" in zh and "须人工核实" in zh
    en = report.render_message(he001, "en")
    assert "claimed by 申请人" in en and "document: 无" in en
    verdict = json.loads(formats.render(result, "json", "en"))
    finding = next(f for f in verdict["findings"] if f["rule"] == "HE-001")
    assert finding["status"] == "review"
    assert finding["claim"]["claimed_status"] == "fail"
    assert "original_status" not in finding  # that is a register waiver's, and there is none
    assert verdict["audit"]["waivers"] == []
    assert [c["rule"] for c in verdict["audit"]["claims"]] == ["HE-001", "HE-002", "EC-001", "CO-002"]
    assert verdict["audit"]["waiver_register_sha256"] is None
    text = formats.render(result, "text", "zh")
    assert "通过(有警告)" not in text


def test_a_claim_on_a_red_line_says_that_the_rule_cannot_be_waived(tmp_path):
    result = run_case(_case("Claims on the red lines"), tmp_path)
    la001 = next(f for f in result.findings if f.id == "LA-001")
    assert la001.claim_note == "the rule cannot be waived: a red line of the plan"
    assert "本条为红线,不得豁免" in report.render_message(la001, "zh")
    assert "cannot be waived" in report.render_message(la001, "en")


def test_the_audit_block_of_every_human_format_names_the_register_and_the_entries_applied(tmp_path):
    case = _case("A register entry naming this project and rule")
    result = run_case(case, tmp_path)
    assert result.register is not None
    for fmt in ("text", "markdown", "html"):
        rendered = formats.render(result, fmt, "zh")
        assert result.register.sha256 in rendered, fmt
        assert "自治区能源局" in rendered, fmt  # the register's keeper
        assert "内发改环资字〔2025〕7号" in rendered, fmt
    block = report.audit_block(result)
    assert block["waiver_register_authority"] == "自治区能源局"
    assert [(w["rule"], w["applied"], w["original_status"]) for w in block["waivers"]] == [("HE-002", True, "fail")]


def test_an_expired_register_entry_is_listed_as_expired(tmp_path):
    result = run_case(_case("A register entry that expired"), tmp_path)
    [entry] = report.audit_block(result)["waivers"]
    assert (entry["applied"], entry["note"]) == (False, "expired on 2025-12-31")


# ---- the command line --------------------------------------------------------------------------


def invoke(*args: str | Path, main=check_main):
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def applicant(tmp_path):
    """The ferroalloy case with the applicant's own claims, and a register for it."""
    case = _case("Waivers the applicant typed")
    path = tmp_path / "applicant.yaml"
    path.write_text(yaml.safe_dump(case.project, allow_unicode=True), encoding="utf-8")
    register = write_register(tmp_path, [dict(HE_001_DECISION)])
    return path, register


# the authority's decision on the applicant's HE-001, as its register holds it
HE_001_DECISION = {
    "project": "NM-2025-0734",
    "rule": "HE-001",
    "reason": "决定",
    "approved_by": "自治区发展和改革委员会",
    "document": "内发改环资字〔2025〕7号",
    "expires": dt.date(2027, 12, 31),
}


def test_check_with_a_register_waives_and_keeps_the_claims_apart(applicant):
    path, register = applicant
    code, out, err = invoke(path, "--waivers", register, "--as-of", "2026-01-01", "--format", "json")
    assert (code, err) == (3, "")
    verdict = json.loads(out)
    statuses = {f["rule"]: f["status"] for f in verdict["findings"]}
    assert statuses["HE-001"] == "waived" and statuses["HE-002"] == "review"
    assert verdict["audit"]["waiver_register"] == str(register)
    claims = {c["rule"]: c for c in verdict["audit"]["claims"]}
    assert claims["HE-001"]["note"] == "superseded by the review authority's register"


@pytest.mark.parametrize("protected", ["register", "policy"])
def test_the_report_may_not_overwrite_the_register_or_the_policy_file(applicant, tmp_path, protected):
    path, register = applicant
    policy = tmp_path / "policy.yaml"
    policy.write_text("format: 1\nparameters:\n  max_energy_intensity_tce_per_10k_yuan: 1.0\n")
    target = register if protected == "register" else policy
    before = target.read_bytes()
    code, _, err = invoke(
        path, "--waivers", register, "--params", policy, "--output", target, "--format", "json", "--as-of", "2026-01-01"
    )
    named = "the waiver register" if protected == "register" else "the policy file"
    assert code == 2 and f"refusing to write the report over {named} " in err
    assert target.read_bytes() == before


def test_a_batch_applies_the_register_to_every_project(applicant, tmp_path):
    path, register = applicant
    folder = tmp_path / "batch"
    folder.mkdir()
    shutil.copy(path, folder / "a.yaml")
    shutil.copy(REPO / "projects" / "ordos-calcium-carbide.yaml", folder / "b.yaml")
    code, out, err = invoke(folder, "--waivers", register, "--as-of", "2026-01-01", "--format", "json", "-j", "2")
    assert err == ""
    lines = [json.loads(line) for line in out.splitlines()]
    by_id = {line["project"]["id"]: line for line in lines}
    a = {f["rule"]: f["status"] for f in by_id["NM-2025-0734"]["findings"]}
    assert a["HE-001"] == "waived" and a["HE-002"] == "review"
    b = {f["rule"]: f["status"] for f in by_id["NM-2025-0042"]["findings"]}
    assert b["HE-001"] == "fail"  # the register names another project
    assert all(line["audit"]["waiver_register_sha256"] for line in lines)
    assert code == 1


def test_diff_shows_what_a_new_register_changes(applicant, tmp_path):
    path, register = applicant
    empty = write_register(tmp_path, [], name="empty.yaml")
    code, out, err = invoke(
        "diff",
        path,
        "--waivers",
        register,
        "--base-waivers",
        empty,
        "--as-of",
        "2026-01-01",
        "--format",
        "json",
        "-j",
        "1",
        main=checker_main,
    )
    assert code == 1, err
    diff = json.loads(out)
    assert diff["rule_transitions"] == [{"rule": "HE-001", "from": "review", "to": "waived", "count": 1}]
    assert "waiver register" in diff["new"] and str(register) in diff["new"]
    assert str(empty) in diff["base"]


def test_diff_with_one_register_for_both_sides_and_nothing_else_has_nothing_to_compare(applicant):
    path, register = applicant
    code, _, err = invoke("diff", path, "--waivers", register, main=checker_main)
    assert code == 2 and "nothing to compare" in err


def test_the_ledger_records_the_register_and_verify_reproduces_it(applicant, tmp_path):
    path, register = applicant
    ledger = str(tmp_path / "ledger.db")
    code, _, err = invoke(path, "--waivers", register, "--record", ledger, "--as-of", "2026-01-01", "--format", "json")
    assert code == 3, err
    invoke(REPO / "projects" / "kubuqi-desert-pv.yaml", "--record", ledger, "--as-of", "2026-01-01")
    engine = sa.create_engine(ledger_url(ledger))
    with engine.connect() as conn:
        [link] = list(conn.execute(sa.select(entry_waivers)))
        stored = list(conn.execute(sa.select(waiver_registers.c.sha256)))
    assert link.seq == 1 and [s.sha256 for s in stored] == [link.register_sha256]
    applied = json.loads(link.waivers_applied)
    assert [(a["rule"], a["applied"]) for a in applied] == [("HE-001", True)]
    code, out, err = invoke("verify", ledger, main=checker_main)
    assert code == 0, out + err
    assert "2 entries checked: 2 verified" in out

    # the entry's link to its register is part of its hash: removing it is an edit
    with engine.begin() as conn:
        conn.execute(sa.update(entry_waivers).values(waivers_applied="[]"))
    code, out, _ = invoke("verify", ledger, main=checker_main)
    assert code == 1 and "entry 1 (NM-2025-0734): TAMPERED" in out
    engine.dispose()


def test_an_altered_stored_register_is_caught(applicant, tmp_path):
    import zlib

    path, register = applicant
    ledger = str(tmp_path / "ledger.db")
    invoke(path, "--waivers", register, "--record", ledger, "--as-of", "2026-01-01")
    engine = sa.create_engine(ledger_url(ledger))
    forged = register.read_text(encoding="utf-8").replace("HE-001", "HE-002")
    with engine.begin() as conn:
        conn.execute(sa.update(waiver_registers).values(body_zlib=zlib.compress(forged.encode())))
    engine.dispose()
    code, out, _ = invoke("verify", ledger, main=checker_main)
    assert code == 1 and "waiver register" in out and "altered" in out


def test_a_ledger_of_the_first_schema_stays_verifiable(tmp_path):
    ledger = str(tmp_path / "ledger.db")
    invoke(REPO / "projects" / "kubuqi-desert-pv.yaml", "--record", ledger, "--as-of", "2026-01-01")
    engine = sa.create_engine(ledger_url(ledger))
    with engine.begin() as conn:  # as a checker before waiver registers left it
        conn.execute(sa.text("DROP TABLE entry_waivers"))
        conn.execute(sa.text("DROP TABLE waiver_registers"))
        conn.execute(sa.text("DELETE FROM ledger_schema WHERE version = 2"))
    engine.dispose()
    code, out, err = invoke("verify", ledger, main=checker_main)
    assert code == 0, out + err
    assert "1 entries checked: 1 verified" in out


def test_history_names_a_change_of_waiver_register(applicant, tmp_path):
    path, register = applicant
    ledger = str(tmp_path / "ledger.db")
    invoke(path, "--record", ledger, "--as-of", "2026-01-01")
    invoke(path, "--waivers", register, "--record", ledger, "--as-of", "2026-01-01")
    code, out, err = invoke("history", ledger, "NM-2025-0734", "--format", "json", main=checker_main)
    assert code == 0, err
    first, second = json.loads(out)["NM-2025-0734"]
    assert first["waiver_register_sha256"] is None and len(second["waiver_register_sha256"]) == 64
    assert second["changed"] == ["waiver register"]  # needs review both times: HE-002 is still claimed


def test_the_rule_data_marks_exactly_the_red_lines_as_not_waivable():
    from checker.rules.ruleset import load_ruleset

    assert sorted(r.id for r in load_ruleset().rules if not r.spec.waivable) == ["HE-004", "LA-001", "LA-002", "LA-003"]
    code, out, _ = invoke("rules", "--format", "json", main=checker_main)
    assert code == 0
    assert sorted(r["id"] for r in json.loads(out) if not r["waivable"]) == ["HE-004", "LA-001", "LA-002", "LA-003"]
    code, out, _ = invoke("explain", "LA-003", main=checker_main)
    assert code == 0 and "红线,不得豁免" in out.splitlines()[1]


def test_every_note_of_every_case_reads_in_chinese_in_a_chinese_report(tmp_path):
    notes = set()
    for index, case in enumerate(CASES):
        folder = tmp_path / str(index)
        folder.mkdir()
        result = run_case(case, folder)
        notes |= {n for f in result.findings for n in (f.waiver_note, f.claim_note) if n}
    assert len(notes) >= 6
    for note in notes:
        shown = report._note(note, "zh")
        assert shown != note and not any("a" <= ch <= "z" for ch in shown), (note, shown)


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_a_claim_without_approver_or_document_reads_not_stated_never_none(tmp_path, fmt):
    project = tmp_path / "project.yaml"
    raw = (REPO / "projects" / "ordos-calcium-carbide.yaml").read_text(encoding="utf-8")
    project.write_text(raw + "waivers:\n  - rule: HE-002\n", encoding="utf-8")
    result = checker_on(AS_OF).check_path(project)
    for lang, words in (("zh", "未写明"), ("en", "not stated")):
        rendered = formats.render(result, fmt, lang)
        assert "None" not in rendered
        assert words in rendered
    claims = json.loads(formats.render(result, "json", "zh"))["audit"]["claims"]
    assert (claims[0]["approved_by"], claims[0]["document"]) == (None, None)


def test_a_projects_register_entries_are_found_in_the_registers_order_and_only_its_own(tmp_path):
    from checker.rules.ruleset import load_ruleset
    from checker.verdict.waivers import load_register

    def entry(project: str, rule: str) -> dict[str, str]:
        return {
            "project": project,
            "rule": rule,
            "reason": "依据批复",
            "approved_by": "自治区能源局",
            "document": "内能源字〔2025〕1号",
            "expires": "2030-01-01",
        }

    rows = [entry("P-2", "HE-002"), entry("P-1", "EC-001"), entry("P-2", "WA-001"), entry("P-3", "HE-002")]
    register = load_register(write_register(tmp_path, rows), load_ruleset())
    assert [(e.project, e.rule) for e in register.for_project("P-2")] == [("P-2", "HE-002"), ("P-2", "WA-001")]
    assert [e.rule for e in register.for_project("P-1")] == ["EC-001"]
    assert register.for_project("P-9") == []
    assert register.for_project(None) == []
    # a caller may change the list it is given without changing what the next project gets
    register.for_project("P-2").clear()
    assert len(register.for_project("P-2")) == 2


def _named_register(tmp_path, project_name: str) -> Path:
    return write_register(tmp_path, [{**HE_001_DECISION, "project_name": project_name}], name="named.yaml")


def test_an_entry_naming_the_project_waives_that_project_written_with_other_spacing_or_width(applicant, tmp_path):
    path, _ = applicant
    name = yaml.safe_load(path.read_text(encoding="utf-8"))["project"]["name"]
    spaced = " ".join(name).replace("(", "(")  # spaces between the characters, a full-width parenthesis
    code, out, err = invoke(
        path, "--waivers", _named_register(tmp_path, spaced), "--as-of", "2026-01-01", "--format", "json"
    )
    assert (code, err) == (3, "")
    assert {f["rule"]: f["status"] for f in json.loads(out)["findings"]}["HE-001"] == "waived"


def test_a_register_name_differing_by_x_for_times_case_or_punctuation_is_the_same_name():
    from checker.verdict.waivers import RegisterEntry

    entry = RegisterEntry.model_validate({**HE_001_DECISION, "project_name": "赤峰市2×35万千瓦热电联产项目(一期)"})
    assert not entry.name_mismatch("赤峰市2x35万千瓦热电联产项目(一期)。")
    assert not entry.name_mismatch("赤峰市 2 X 35 万千瓦 热电联产项目 (一期)")
    assert entry.name_mismatch("赤峰市2×35万千瓦热电联产项目(二期)")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_file_carrying_the_id_of_another_project_named_in_the_register_is_refused_not_waived(
    applicant, tmp_path, lang
):
    path, _ = applicant
    register = _named_register(tmp_path, "另一个项目")
    code, out, err = invoke(path, "--waivers", register, "--as-of", "2026-01-01", "--lang", lang)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and f"{path}:" in err and "project.id" in err
    assert "另一个项目" in err and str(register) in err
    assert ("登记册的记录只适用于其所列的项目" in err) == (lang == "zh")
