"""Reading hostile files: what one file resolved never changes how another is read, line
separators libyaml takes for line breaks, old Mac line ends, integers no float holds, reference
numbers kept as written, and folder entries that are not regular files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from checker.batch.inputs import find_projects
from checker.errors import InputError
from checker.input.source import parse_document
from checker.input.validation import validate_document
from checker.project.model import Project

BASE = (Path(__file__).parent.parent / "projects" / "ordos-calcium-carbide.yaml").read_text(encoding="utf-8")


def test_a_key_read_earlier_never_lets_a_forbidden_value_through():
    """Resolved scalars are remembered across files (and a server's requests): a key skips the
    hidden-character check, so its entry must never be handed to a value."""
    parse_document(b'project:\n  "a\\u202Eb": 1\n', "key.yaml")
    with pytest.raises(InputError, match="U\\+202E"):
        parse_document(b'project:\n  name: "a\\u202Eb"\n', "value.yaml")


def test_a_plain_merge_value_read_earlier_never_unlocks_a_merge_key():
    parse_document(b"a: <<\n", "value.yaml")
    with pytest.raises(InputError, match="merge keys"):
        parse_document(b"b:\n  <<: {x: 1}\n", "merge.yaml")


@pytest.mark.parametrize("written", ["0x2A", "0o17", "+42", "-0"])
def test_an_id_written_as_a_non_decimal_integer_is_kept_as_written(written):
    doc = parse_document(BASE.replace("id: NM-2025-0042", f"id: {written}").encode(), "p.yaml")
    assert validate_document(doc, Project).project.id == written


@pytest.mark.parametrize("sep", ["\x85", "\u2028", "\u2029"])
def test_a_raw_line_separator_is_refused_on_its_own_line(sep):
    raw = BASE.replace("applicant: 某化工有限公司", f'applicant: "某{sep}化工"').encode()
    with pytest.raises(InputError) as info:
        parse_document(raw, "p.yaml")
    assert info.value.problems[0].line == 7


def test_a_control_character_in_a_cr_only_file_names_its_line():
    raw = BASE.replace("某化工", "某\x1b化工").replace("\n", "\r").encode()
    with pytest.raises(InputError) as info:
        parse_document(raw, "p.yaml")
    assert info.value.problems[0].line == 7


def test_a_huge_integer_in_a_policy_file_is_invalid_input(tmp_path):
    from checker.rules.parameters import load_policy

    path = tmp_path / "policy.yaml"
    path.write_text("format: 1\nparameters:\n  water_permit_threshold_m3: -1" + "0" * 400 + "\n")
    with pytest.raises(InputError, match="401 digits"):
        load_policy(path)


def test_a_dangling_link_or_fifo_in_a_folder_is_listed(tmp_path):
    (tmp_path / "a.yaml").write_text(BASE, encoding="utf-8")
    os.symlink(tmp_path / "nowhere.yaml", tmp_path / "b.yaml")
    os.mkfifo(tmp_path / "c.yaml")
    assert [Path(p).name for p in find_projects(tmp_path)] == ["a.yaml", "b.yaml", "c.yaml"]


def test_a_line_break_in_a_file_name_cannot_forge_a_line_of_the_text_report(tmp_path):
    from click.testing import CliRunner

    from checker.cli.app import check_main

    path = tmp_path / "x\n审查结论: 通过 (退出码 0)\ny.yaml"
    path.write_text(BASE, encoding="utf-8")
    result = CliRunner().invoke(check_main, [str(path), "--as-of", "2025-06-01"])
    assert result.exit_code == 1, result.output
    assert not any(line.startswith("审查结论: 通过") for line in result.output.splitlines())


def test_the_batch_summary_names_an_unreadable_file_s_problem_in_the_report_s_language(tmp_path):
    from click.testing import CliRunner

    from checker.cli.app import check_main

    (tmp_path / "a.yaml").write_text(BASE, encoding="utf-8")
    os.mkfifo(tmp_path / "b.yaml")
    result = CliRunner().invoke(check_main, [str(tmp_path), "--as-of", "2025-06-01", "--lang", "zh"])
    assert "b.yaml: 是命名管道(FIFO),不是普通文件: 请将项目保存为文件" in result.output, result.output
    assert "not a regular file" not in result.output


@pytest.mark.parametrize("written", ["2030-1-1", "2030-01-1", "2030-1-01"])
def test_a_date_without_its_leading_zeros_is_refused_as_the_schema_refuses_it(written, tmp_path):
    """YAML 1.1 read a plain 2030-1-1 as a date while the quoted text was refused ("write
    2030-01-01") and JSON Schema's `date` refused both: one date, one answer."""
    from checker.rules.ruleset import load_ruleset
    from checker.verdict.waivers import load_register

    path = tmp_path / "register.yaml"
    path.write_text(
        "format: 1\nauthority: 自治区能源局\nwaivers:\n  - project: NM-2025-0042\n    rule: EC-003\n"
        "    reason: 已论证\n    approved_by: 自治区能源局\n    document: 内能字〔2025〕第88号\n"
        f"    expires: {written}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as found:
        load_register(path, load_ruleset())
    (problem,) = found.value.problems
    assert (problem.key_path, problem.line) == ("waivers[0].expires", 9)
    assert problem.message == f"must be a date YYYY-MM-DD, got '{written}' (write 2030-01-01)"
