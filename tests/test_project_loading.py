"""Loading project.yaml: every validation error names the file, the key path and the line."""

from __future__ import annotations

import pytest

from checker.check import load_project
from checker.errors import InputError

VALID = """\
format: 1
project:
  name: 测试项目
  league_city: Ordos
  construction_type: new
  industry_code: C2613
  products:
    - product: calcium_carbide
      capacity: 300000
energy:
  electricity_kwh: 1.2e9
"""


def write(tmp_path, text: str):
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path, text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_project(write(tmp_path, text))
    return [str(p) for p in caught.value.problems]


def test_a_valid_project_loads_with_aliases_normalised_and_yaml12_floats(tmp_path):
    _doc, project = load_project(write(tmp_path, VALID))
    assert project.project.league_city == "鄂尔多斯市"
    assert project.energy.electricity_kwh == 1.2e9


def test_a_negative_quantity_names_file_key_path_and_line(tmp_path):
    text = VALID.replace("electricity_kwh: 1.2e9", "electricity_kwh: -5")
    path = str(tmp_path / "a.yaml")
    assert problems(tmp_path, text) == [f"{path}:11: energy.electricity_kwh: must be >= 0, got -5"]


def test_an_unknown_key_is_an_error_with_a_suggestion(tmp_path):
    text = VALID.replace("electricity_kwh: 1.2e9", "electricty_kwh: 5")
    (message,) = problems(tmp_path, text)
    assert ":11: energy.electricty_kwh: unknown key (did you mean electricity_kwh?)" in message


def test_a_list_item_error_names_its_index(tmp_path):
    text = VALID.replace("capacity: 300000", "capacity: lots")
    (message,) = problems(tmp_path, text)
    assert ":9: project.products[0].capacity: must be a number, got 'lots'" in message


def test_duplicate_keys_are_refused_naming_both_lines(tmp_path):
    text = VALID + "energy:\n  coke_t: 5\n"
    (message,) = problems(tmp_path, text)
    assert ":12: energy: duplicate key (first given on line 10)" in message


def test_a_missing_required_key_is_named(tmp_path):
    text = VALID.replace("  name: 测试项目\n", "")
    (message,) = problems(tmp_path, text)
    assert "project.name: required key is missing" in message


def test_an_unknown_league_city_suggests_the_official_name(tmp_path):
    text = VALID.replace("league_city: Ordos", "league_city: 鄂尔多斯")
    (message,) = problems(tmp_path, text)
    assert ":4: project.league_city: unknown 盟市 '鄂尔多斯' (did you mean 鄂尔多斯市?)" in message


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("  renewable_electricity_share: 1.5", "must be <= 1"),
        ("  renewable_electricity_share: .nan", "must be a finite number"),
        ("  coke_t: .inf", "must be a finite number"),
        ("  coke_t: true", "must be a number, got true (true/false is not a number)"),
        ("  coke_t: '1,000'", "must be a number, got '1,000'"),
    ],
)
def test_bad_values_are_rejected_with_their_key(tmp_path, line, expected):
    (message,) = problems(tmp_path, VALID + line + "\n")
    assert ":12: energy." in message and expected in message


def test_several_problems_are_all_reported_in_line_order(tmp_path):
    text = VALID.replace("construction_type: new", "construction_type: brand_new").replace(
        "electricity_kwh: 1.2e9", "electricity_kwh: -1"
    )
    found = problems(tmp_path, text)
    assert [m.split(":")[1] for m in found] == ["5", "11"]


def test_a_malformed_industry_code_is_refused(tmp_path):
    (message,) = problems(tmp_path, VALID.replace("C2613", "CC2613"))
    assert "project.industry_code: must be an industry code such as C2613" in message


@pytest.mark.parametrize(
    "code, said",
    [
        ("C1000", "section C holds divisions 13 to 43, not 10"),
        ("C0100", "section C holds divisions 13 to 43, not 01"),
        ("C99", "section C holds divisions 13 to 43, not 99"),
        ("C9999", "section C holds divisions 13 to 43, not 99"),
        ("T9999", "section T holds only division 97, not 99"),
        ("D4711", "section D holds divisions 44 to 46, not 47"),
        ("A06", "section A holds divisions 01 to 05, not 06"),
    ],
)
def test_a_code_whose_division_is_not_of_its_section_is_refused(tmp_path, code, said):
    """A code of the right form that names no class of GB/T 4754-2017 was read as "not a
    high-energy sector" (C1000 approved a graphite-electrode plant): it is invalid input."""
    (message,) = problems(tmp_path, VALID.replace("C2613", code))
    assert message == f"{tmp_path / 'a.yaml'}:6: project.industry_code: {code} is not a code of GB/T 4754-2017: {said}"


@pytest.mark.parametrize("code", ["A01", "A0511", "B06", "B1200", "C13", "C4390", "D44", "D4611", "K70", "P83", "T97"])
def test_each_section_takes_its_first_and_last_division(tmp_path, code):
    _doc, project = load_project(write(tmp_path, VALID.replace("C2613", code)))
    assert project.project.industry_code == code


def test_every_code_the_shipped_rules_name_is_a_code_of_its_section():
    """The parameters list codes the rules read (high-energy sectors, mining, data centres...): each
    must be one a project file may carry, or the rule could never see it."""
    import re

    from checker.project import model
    from tests.support import REPO

    pattern = re.compile(model.industry_code_pattern())
    code = re.compile(r"(?<![A-Za-z0-9])[A-T][0-9]{2,4}(?![0-9])")
    named = set()
    for path in (REPO / "rules" / "parameters").glob("*.yaml"):
        named |= set(code.findall(path.read_text("utf-8").split("values:")[-1]))
    assert named and not [code for code in sorted(named) if not pattern.fullmatch(code)]


def test_a_yaml_syntax_error_gives_line_and_column(tmp_path):
    (message,) = problems(tmp_path, VALID + "water: [1\n")
    assert "YAML syntax error, column" in message


def test_python_tags_are_refused(tmp_path):
    (message,) = problems(tmp_path, VALID + "land: !!python/object:os.system {}\n")
    assert "land" in message and "not allowed" in message


def test_a_gb18030_file_is_read(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes(VALID.encode("gb18030"))
    _doc, project = load_project(path)
    assert project.project.name == "测试项目"
