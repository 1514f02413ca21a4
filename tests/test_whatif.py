"""Policy what-if (`checker diff`): exact transitions on a small registry with known answers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil

import pytest
from click.testing import CliRunner

from checker.audit.diff import collect_paths, compare, iter_checked
from checker.check import Checker
from checker.cli.app import checker_main
from checker.errors import InputError
from checker.rules.parameters import load_policy, resolve
from checker.rules.ruleset import load_ruleset
from tests.support import REPO

AS_OF = dt.date(2026, 1, 1)


@pytest.fixture
def registry(tmp_path):
    """The four samples in two folders, a Hohhot variant without a water permit, one broken file."""
    root = tmp_path / "registry"
    (root / "ordos").mkdir(parents=True)
    (root / "others").mkdir()
    for name in ("ordos-calcium-carbide.yaml", "kubuqi-desert-pv.yaml"):
        shutil.copy(REPO / "projects" / name, root / "ordos" / name)
    for name in ("chifeng-coal-chp-exemption.yaml", "hohhot-data-centre.yaml"):
        shutil.copy(REPO / "projects" / name, root / "others" / name)
    text = (REPO / "projects" / "hohhot-data-centre.yaml").read_text(encoding="utf-8")
    no_permit = text.replace("  water_permit: 和林格尔县水利局取水许可 D150123S2025-0008\n", "")
    no_permit = no_permit.replace("NM-2025-0330", "NM-2025-0331")
    assert no_permit.count("water_permit") == 0 and "NM-2025-0331" in no_permit
    (root / "others" / "hohhot-no-permit.yml").write_text(no_permit, encoding="utf-8")
    (root / "others" / "broken.yaml").write_text("format: 1\nproject: [unclosed\n", encoding="utf-8")
    (root / "others" / "notes.txt").write_text("not a project", encoding="utf-8")
    return root


@pytest.fixture
def tight(tmp_path):
    path = tmp_path / "tight.yaml"
    path.write_text("format: 1\nparameters:\n  max_energy_intensity_tce_per_10k_yuan: 0.5\n")
    return path


@pytest.fixture
def water(tmp_path):
    path = tmp_path / "water.yaml"
    path.write_text(
        "format: 1\nsource: 水利厅征求意见稿\nparameters:\n  water_permit_threshold_m3: 200000\n", encoding="utf-8"
    )
    return path


def checker(policy=None) -> Checker:
    return Checker(load_ruleset(), resolve(AS_OF, load_policy(policy) if policy else None))


def test_directories_are_searched_recursively_and_sorted(registry):
    names = [p.relative_to(registry).as_posix() for p in collect_paths([registry])]
    assert names == [
        "ordos/kubuqi-desert-pv.yaml",
        "ordos/ordos-calcium-carbide.yaml",
        "others/broken.yaml",
        "others/chifeng-coal-chp-exemption.yaml",
        "others/hohhot-data-centre.yaml",
        "others/hohhot-no-permit.yml",
    ]


def test_iter_checked_yields_an_error_for_an_unreadable_file_and_goes_on(registry):
    paths = collect_paths([registry])
    results = dict(iter_checked(checker(), paths))
    assert isinstance(results[registry / "others" / "broken.yaml"], InputError)
    assert results[registry / "ordos" / "ordos-calcium-carbide.yaml"].verdict == "rejected"
    assert results[registry / "others" / "hohhot-no-permit.yml"].verdict == "rejected"
    assert len(results) == 6


def test_tightening_energy_intensity_rejects_the_data_centre(registry, tight):
    diff = compare(checker(), checker(tight), [registry])
    assert diff.checked == 5
    assert [(c.project_id, c.base_verdict, c.new_verdict) for c in diff.changes] == [
        ("NM-2025-0330", "approved", "rejected"),
        ("NM-2025-0331", "rejected", "rejected"),
    ]
    assert dict(diff.verdict_transitions) == {("approved", "rejected"): 1}
    assert dict(diff.rule_transitions) == {("EC-001", "pass", "fail"): 2}
    hohhot = diff.by_league_city["呼和浩特市"]
    assert (hohhot.checked, hohhot.changed, hohhot.verdict_changed) == (2, 2, 1)
    assert diff.by_league_city["鄂尔多斯市"].changed == 0
    assert [u.path.endswith("broken.yaml") for u in diff.unreadable] == [True]
    assert "YAML syntax error" in diff.unreadable[0].message


def test_raising_the_water_threshold_approves_the_project_without_a_permit(registry, water):
    diff = compare(checker(), checker(water), [registry])
    assert [
        (c.project_id, c.base_verdict, c.new_verdict, [(r.rule, r.base, r.new) for r in c.rules]) for c in diff.changes
    ] == [("NM-2025-0331", "rejected", "approved", [("WA-002", "fail", "pass")])]
    assert dict(diff.verdict_transitions) == {("rejected", "approved"): 1}
    assert diff.unchanged == 4


def test_base_params_compare_two_policies(registry, tight, water):
    diff = compare(checker(tight), checker(water), [registry])
    assert dict(diff.verdict_transitions) == {("rejected", "approved"): 2}
    assert dict(diff.rule_transitions) == {("EC-001", "fail", "pass"): 2, ("WA-002", "fail", "pass"): 1}


def run(*args: str):
    return CliRunner().invoke(checker_main, ["diff", *args], catch_exceptions=False)


def test_cli_json_reports_counts_and_exits_1_when_something_changes(registry, tight):
    result = run(str(registry), "--params", str(tight), "--as-of", "2026-01-01", "--format", "json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["verdict_transitions"] == [{"from": "approved", "to": "rejected", "count": 1}]
    assert data["rule_transitions"] == [{"rule": "EC-001", "from": "pass", "to": "fail", "count": 2}]
    assert {c["league_city"]: c["changed"] for c in data["by_league_city"]} == {
        "呼和浩特市": 2,
        "赤峰市": 0,
        "鄂尔多斯市": 0,
    }
    assert (data["checked"], data["changed"], data["unchanged"], data["unreadable_count"]) == (5, 2, 3, 1)
    assert "broken.yaml: could not be checked" in result.stderr


def test_cli_csv_has_one_row_per_rule_change_and_one_per_unreadable_file(registry, water):
    result = run(str(registry), "--params", str(water), "--as-of", "2026-01-01", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["project_id"], r["rule"], r["base_status"], r["new_status"]) for r in rows if not r["error"]] == [
        ("NM-2025-0331", "WA-002", "fail", "pass")
    ]
    assert [r["path"].endswith("broken.yaml") for r in rows if r["error"]] == [True]


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_cli_human_formats_show_the_transition(registry, tight, fmt):
    result = run(str(registry), "--params", str(tight), "--as-of", "2026-01-01", "--format", fmt)
    assert result.exit_code == 1
    assert "approved → rejected" in result.stdout
    assert "EC-001" in result.stdout and "呼和浩特市" in result.stdout


def test_cli_exits_0_when_nothing_changes(registry, tmp_path):
    same = tmp_path / "same.yaml"
    same.write_text("format: 1\nparameters:\n  max_energy_intensity_tce_per_10k_yuan: 1.3\n")
    result = run(str(registry), "--params", str(same), "--as-of", "2026-01-01")
    assert result.exit_code == 0, result.output
    assert "0 changed" in result.stdout


def test_cli_refuses_a_diff_of_nothing_and_a_bad_policy(registry, tmp_path):
    assert run(str(registry), "--as-of", "2026-01-01").exit_code == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\nparameters:\n  no_such_parameter: 1\n")
    result = run(str(registry), "--params", str(bad))
    assert result.exit_code == 2
    assert "unknown parameter" in result.stderr


def test_the_audit_commands_are_registered_on_checker():
    result = CliRunner().invoke(checker_main, ["--help"])
    assert result.exit_code == 0
    for command in ("diff", "verify", "history"):
        assert f"  {command} " in result.stdout


def test_the_cli_diff_in_worker_processes_matches_the_in_process_comparison(registry, tight):
    """`checker diff` runs on the batch machinery: any -j gives the same report as `compare`."""
    args = (str(registry), "--params", str(tight), "--as-of", "2026-01-01", "--format", "json")
    one, two = run(*args, "-j", "1"), run(*args, "-j", "2")
    assert one.exit_code == two.exit_code == 1
    assert one.stdout == two.stdout
    reported = json.loads(two.stdout)
    expected = compare(checker(), checker(tight), [registry])
    assert reported["changed"] == len(expected.changes) > 0
    assert reported["checked"] == expected.checked


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_a_side_dated_after_the_plan_period_carries_the_notice_and_one_inside_does_not(fmt):
    sample = str(REPO / "projects" / "ordos-calcium-carbide.yaml")
    after = CliRunner().invoke(
        checker_main,
        ["diff", sample, "--as-of", "2026-06-01", "--base-as-of", "2025-06-01", "--format", fmt, "-j", "1"],
    )
    assert after.exit_code in (0, 1), after.output
    assert "after the period" in after.stdout and "new side" in after.stdout.replace('"side": "new"', "new side")
    assert "base side" not in after.stdout
    inside = CliRunner().invoke(
        checker_main,
        ["diff", sample, "--as-of", "2025-12-31", "--base-as-of", "2025-06-01", "--format", fmt, "-j", "1"],
    )
    assert "after the period" not in inside.stdout
    if fmt == "json":
        assert json.loads(after.stdout)["notices"][0]["code"] == "outside_plan_period"
        assert json.loads(inside.stdout)["notices"] == []


def test_cli_lists_an_unreadable_file_as_check_does_in_the_run_s_language(registry, tight):
    """`path:3: …` with the line after the file, in Chinese in a Chinese locale (text and Markdown)."""
    broken = registry / "others" / "broken.yaml"
    for fmt in ("text", "markdown"):
        result = CliRunner().invoke(
            checker_main,
            ["diff", str(registry), "--params", str(tight), "--as-of", "2026-01-01", "--format", fmt],
            env={"LC_MESSAGES": None, "LC_ALL": None, "LANG": None},
        )
        assert result.exit_code == 1, result.output
        assert "YAML syntax error" not in result.stdout and "line 2" not in result.stdout
        if fmt == "text":
            assert f"  {broken}:3: YAML 语法错误" in result.stdout
        else:
            assert f"{str(broken).replace('_', chr(92) + '_')}:3 | YAML 语法错误" in result.stdout


def test_cli_refuses_a_folder_without_project_files_as_check_does(tmp_path, tight):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not a project", encoding="utf-8")
    result = CliRunner().invoke(checker_main, ["diff", str(empty), "--params", str(tight), "--as-of", "2026-01-01"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"error: {empty}: no *.yaml or *.yml file in this folder\n"
