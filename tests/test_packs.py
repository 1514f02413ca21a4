"""Rule packs: `checker test`, `--rules DIR`, `extends`, disabled rules, broken packs, `pack init`.

A pack is a folder (pack.yaml and one folder per rule); these tests build small packs in a
temporary folder, most of them extending the shipped pack, and run the commands as a reviewer
would (click's CliRunner: exit code, stdout and stderr apart).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from checker.cli.app import check_main, checker_main
from tests.support import REPO

SAMPLE = str(REPO / "projects" / "hohhot-data-centre.yaml")
AS_OF = "2026-01-01"
EXAMPLE = REPO / "examples" / "packs" / "ordos-local"
SKELETON_RULE = REPO / "templates" / "pack" / "EC" / "EC-101"


def checker(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(checker_main, [str(a) for a in args])


def check(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(check_main, [str(a) for a in args])


def write_pack(folder: Path, **fields) -> Path:
    """A pack extending the shipped one, with `fields` in its pack.yaml."""
    folder.mkdir(parents=True, exist_ok=True)
    body = {"format": 1, "name": "test-pack", "version": "1", "extends": "nm-14th-fyp", **fields}
    (folder / "pack.yaml").write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def with_local_rule(folder: Path) -> Path:
    """The pack `pack init` writes: one extra rule folder (EC-101) and its parameter."""
    shutil.copytree(SKELETON_RULE, folder / "EC" / "EC-101")
    shutil.copytree(REPO / "templates" / "pack" / "parameters", folder / "parameters")
    return folder


@pytest.fixture
def shipped_copy(tmp_path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(REPO / "rules", target)
    return target


def json_verdict(*args: str) -> dict:
    result = check(SAMPLE, "--format", "json", "--as-of", AS_OF, *args)
    assert result.exit_code in (0, 1, 3), result.output
    return json.loads(result.stdout)


# --- checker test ---------------------------------------------------------------------------


def test_checker_test_passes_on_the_shipped_pack():
    result = checker("test")
    assert result.exit_code == 0, result.output
    assert "nm-14th-fyp" in result.stdout and " 0 failed" in result.stdout
    assert "FAIL" not in result.stdout


def test_a_copy_with_one_parameter_loosened_fails_and_names_the_rule(shipped_copy):
    path = shipped_copy / "parameters" / "water_permit_threshold_m3.yaml"
    text = path.read_text(encoding="utf-8")
    assert "  value: 10000\n" in text
    path.write_text(text.replace("  value: 10000\n", "  value: 100000000\n"), encoding="utf-8")
    result = checker("test", shipped_copy)
    assert result.exit_code == 1, result.output
    failing = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    # the rules that compare that parameter (WA-002, WA-003) are named, each failing case once
    assert {line.split()[1] for line in failing} == {"WA-002", "WA-003"}, result.stdout
    permit = next(line for line in failing if line.startswith("FAIL WA-002 "))
    assert "expected fail, got pass" in permit and "/WA/WA-002/cases/" in permit
    assert f", {len(failing)} failed (" in result.stdout.splitlines()[-1]


def test_a_case_whose_message_lacks_its_words_fails(tmp_path):
    pack = with_local_rule(write_pack(tmp_path / "pack"))
    case = next((pack / "EC" / "EC-101" / "cases").glob("*转人工复核.yaml"))
    case.write_text(case.read_text(encoding="utf-8").replace("{zh: 转人工复核}", "{zh: 不予通过}"), encoding="utf-8")
    result = checker("test", pack)
    assert result.exit_code == 1
    assert "FAIL EC-101" in result.stdout and "does not contain '不予通过'" in result.stdout


def test_the_example_pack_passes_its_cases():
    result = checker("test", EXAMPLE)
    assert result.exit_code == 0, result.output
    assert "ordos-local-example" in result.stdout


# --- check --rules ----------------------------------------------------------------------------


def test_a_copy_without_one_rule_gives_one_finding_fewer_and_another_ruleset_hash(shipped_copy):
    shipped = json_verdict()
    shutil.rmtree(shipped_copy / "WA" / "WA-002")
    reduced = json_verdict("--rules", str(shipped_copy))
    assert len(reduced["findings"]) == len(shipped["findings"]) - 1
    assert "WA-002" not in {f["rule"] for f in reduced["findings"]}
    assert reduced["ruleset"]["sha256"] != shipped["ruleset"]["sha256"]


def test_an_unchanged_copy_hashes_as_the_shipped_pack(shipped_copy):
    assert json_verdict("--rules", str(shipped_copy))["ruleset"] == json_verdict()["ruleset"]


def test_a_pack_with_one_extra_rule_folder_needs_nothing_else(tmp_path):
    # no Python, no template outside the folder, no count: the folder (and its parameter) is all
    pack = with_local_rule(write_pack(tmp_path / "pack"))
    shipped = json_verdict()
    extended = json_verdict("--rules", str(pack))
    assert len(extended["findings"]) == len(shipped["findings"]) + 1
    local = next(f for f in extended["findings"] if f["rule"] == "EC-101")
    assert local["status"] == "review" and "本地复核门槛" in local["message"]
    assert checker("test", pack).exit_code == 0
    rules = checker("rules", "--rules", pack, "--as-of", AS_OF)
    assert "EC-101" in rules.stdout
    assert "local_review_energy_tce" in checker("params", "--rules", pack, "--as-of", AS_OF).stdout
    explained = checker("explain", "EC-101", "--rules", pack, "--as-of", AS_OF)
    assert explained.exit_code == 0 and "本地复核门槛" in explained.stdout


def test_an_extending_pack_sets_parameter_values_as_a_policy_file_does(tmp_path):
    shipped = {f["rule"]: f for f in json_verdict()["findings"]}
    assert shipped["EC-004"]["status"] == "pass"
    pack = write_pack(tmp_path / "pack", parameters={"max_data_center_pue": 1.1}, source="某盟市审查口径")
    tightened = {f["rule"]: f for f in json_verdict("--rules", str(pack))["findings"]}
    assert tightened["EC-004"]["status"] == "fail"
    params = json.loads(checker("params", "--rules", pack, "--as-of", AS_OF, "--format", "json").stdout)
    pue = next(p for p in params["parameters"] if p["name"] == "max_data_center_pue")
    assert pue["value"] == 1.1 and pue["source"] == "某盟市审查口径"


def test_a_policy_file_still_overrides_a_pack_value(tmp_path):
    pack = write_pack(tmp_path / "pack", parameters={"max_data_center_pue": 1.1})
    policy = tmp_path / "policy.yaml"
    policy.write_text("format: 1\nparameters:\n  max_data_center_pue: 1.5\n", encoding="utf-8")
    findings = {f["rule"]: f for f in json_verdict("--rules", str(pack), "--params", str(policy))["findings"]}
    assert findings["EC-004"]["status"] == "pass"


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json", "sarif", "junit", "csv"])
def test_a_disabled_rule_and_its_reason_show_in_every_report_format(tmp_path, fmt):
    pack = write_pack(
        tmp_path / "pack",
        disable=[
            {"rule": "WA-003", "reason": {"zh": "本盟市由水利部门统一审查", "en": "reviewed by the water authority"}},
        ],
    )
    result = check(SAMPLE, "--format", fmt, "--as-of", AS_OF, "--rules", str(pack))
    assert result.exit_code in (0, 1, 3), result.output
    assert "WA-003" in result.stdout and "本盟市由水利部门统一审查" in result.stdout
    if fmt == "json":
        verdict = json.loads(result.stdout)
        assert "WA-003" not in {f["rule"] for f in verdict["findings"]}
        assert [n["code"] for n in verdict["notices"]].count("rule_disabled") == 1


def test_explaining_a_disabled_rule_says_who_disabled_it_and_why(tmp_path):
    pack = write_pack(
        tmp_path / "pack",
        disable=[
            {"rule": "WA-003", "reason": {"zh": "本盟市由水利部门统一审查", "en": "reviewed by the water authority"}},
        ],
    )
    result = checker("explain", "WA-003", "--rules", pack)
    assert result.exit_code == 2
    assert "WA-003 is disabled by the rule pack test-pack: 本盟市由水利部门统一审查" in result.stderr


def test_the_shipped_pack_shows_no_disabled_rule():
    assert "rule_disabled" not in json.dumps(json_verdict()["notices"])


def test_a_batch_and_the_what_if_diff_run_with_the_pack(tmp_path):
    pack = write_pack(tmp_path / "pack", parameters={"max_data_center_pue": 1.1})
    folder = tmp_path / "projects"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "a.yaml")
    shutil.copy(REPO / "projects" / "kubuqi-desert-pv.yaml", folder / "b.yaml")
    batch = check(folder, "--format", "json", "--as-of", AS_OF, "-j", "2", "--rules", str(pack))
    lines = [json.loads(line) for line in batch.stdout.splitlines()]
    centre = next(v for v in lines if v["input"]["path"].endswith("a.yaml"))
    assert {f["rule"]: f["status"] for f in centre["findings"]}["EC-004"] == "fail"
    looser = tmp_path / "looser.yaml"
    looser.write_text("format: 1\nparameters:\n  max_data_center_pue: 1.5\n", encoding="utf-8")
    diff = checker("diff", folder, "--params", looser, "--as-of", AS_OF, "--rules", pack, "-j", "1")
    assert diff.exit_code == 1, diff.output  # the pack's 1.1 fails the data centre; 1.5 passes it
    assert "EC-004" in diff.stdout


def test_the_ledger_stores_the_pack_and_verify_re_runs_with_it(tmp_path):
    pack = with_local_rule(write_pack(tmp_path / "pack"))
    ledger = tmp_path / "ledger.db"
    recorded = check(SAMPLE, "--as-of", AS_OF, "--rules", str(pack), "--record", str(ledger))
    assert recorded.exit_code in (0, 1, 3), recorded.output
    shutil.rmtree(pack)  # the pack is gone: the entry re-runs from the copy the ledger keeps
    verified = checker("verify", ledger)
    assert verified.exit_code == 0, verified.output
    assert "1 verified" in verified.stdout


# --- broken packs -------------------------------------------------------------------------------


def _broken(tmp_path: Path, kind: str) -> tuple[Path, str]:
    """A pack broken in one way, and the words the one error line must hold."""
    pack = with_local_rule(write_pack(tmp_path / "pack"))
    rule = pack / "EC" / "EC-101" / "rule.yaml"
    if kind == "bad YAML":
        rule.write_text(rule.read_text(encoding="utf-8").replace("binding: true", "binding: [true"), encoding="utf-8")
        return pack, "EC/EC-101/rule.yaml"
    if kind == "unknown key":
        text = (pack / "pack.yaml").read_text(encoding="utf-8")
        (pack / "pack.yaml").write_text(text + "colour: red\n", encoding="utf-8")
        return pack, "pack.yaml:5: colour"
    if kind == "missing message":
        (pack / "EC" / "EC-101" / "message.en.j2").unlink()
        return pack, "EC/EC-101/rule.yaml: no message template message.en.j2"
    if kind == "duplicate rule ID":
        shutil.copytree(REPO / "rules" / "WA" / "WA-002", pack / "WA" / "WA-002")
        return pack, "duplicate rule ID WA-002"
    if kind == "extends cycle":
        write_pack(tmp_path / "other", extends="../pack")
        write_pack(pack, extends="../other")
        return pack, "(a cycle)"
    if kind == "unknown extends":
        write_pack(pack, extends="nm-15th-fyp")
        return pack, "pack.yaml: extends: unknown pack 'nm-15th-fyp'"
    if kind == "bad parameter value":
        write_pack(pack, parameters={"max_data_center_pue": "low"})
        return pack, "pack.yaml:6: parameters.max_data_center_pue"
    if kind == "disabling a rule it does not have":
        write_pack(pack, disable=[{"rule": "WA-009", "reason": {"zh": "无", "en": "none"}}])
        return pack, "WA-009 is not a rule of the packs it extends"
    raise AssertionError(kind)


BROKEN = [
    "bad YAML",
    "unknown key",
    "missing message",
    "duplicate rule ID",
    "extends cycle",
    "unknown extends",
    "bad parameter value",
    "disabling a rule it does not have",
]


@pytest.mark.parametrize("kind", BROKEN)
def test_a_broken_pack_is_invalid_input_on_one_line_naming_the_file(tmp_path, kind):
    pack, words = _broken(tmp_path, kind)
    for result in (check(SAMPLE, "--rules", str(pack)), checker("test", pack), checker("rules", "--rules", pack)):
        assert result.exit_code == 2, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
        assert words in lines[0] and "Traceback" not in result.output


def test_a_missing_pack_folder_is_invalid_input(tmp_path):
    result = check(SAMPLE, "--rules", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "nowhere: no such pack folder" in result.stderr


# --- checker pack init -----------------------------------------------------------------------------


def test_pack_init_writes_a_pack_that_extends_the_shipped_one_and_passes_its_cases(tmp_path):
    target = tmp_path / "审查规则"
    result = checker("pack", "init", target)
    assert result.exit_code == 0, result.output
    spec = yaml.safe_load((target / "pack.yaml").read_text(encoding="utf-8"))
    assert spec["extends"] == "nm-14th-fyp"
    assert "规则包" in (target / "pack.yaml").read_text(encoding="utf-8")  # commented in Chinese
    assert sorted(p.name for p in (target / "EC" / "EC-101").iterdir()) == [
        "cases",
        "message.en.j2",
        "message.zh.j2",
        "rule.yaml",
    ]
    assert checker("test", target).exit_code == 0


def test_pack_init_never_writes_into_a_folder_that_holds_something(tmp_path):
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    result = checker("pack", "init", tmp_path)
    assert result.exit_code == 2
    assert "not an empty folder" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_the_example_packs_own_rules_quote_the_plan_verbatim_and_have_cases_for_their_statuses():
    from checker.audit.cases import rule_cases
    from checker.rules.ruleset import load_ruleset, plan_text
    from tests.support.checkers import PACKS

    for pack in PACKS[1:]:
        ruleset = load_ruleset(Path(pack))
        cases = rule_cases(ruleset)
        for rule in ruleset.rules:
            if rule.path.startswith("rules/"):
                continue  # the shipped rules: tests/test_rules_meta.py
            for basis in rule.spec.basis:
                assert all(f in plan_text(basis.document) for f in basis.fragments()), rule.id
            expected = {c.expect for c in cases if c.rule == rule.id}
            assert expected == rule.outcome_statuses, (pack, rule.id)


def test_a_pack_can_extend_another_by_relative_path_and_inherits_its_values_and_rules(tmp_path):
    write_pack(tmp_path / "region", name="region", parameters={"max_data_center_pue": 1.1})
    local = with_local_rule(write_pack(tmp_path / "local", name="local", extends="../region"))
    findings = {f["rule"]: f for f in json_verdict("--rules", str(local))["findings"]}
    assert findings["EC-004"]["status"] == "fail" and "EC-101" in findings
    ledger = tmp_path / "ledger.db"
    check(SAMPLE, "--as-of", AS_OF, "--rules", str(local), "--record", str(ledger))
    shutil.rmtree(tmp_path / "region")  # both packs of the chain are kept in the ledger
    assert "1 verified" in checker("verify", ledger).stdout
