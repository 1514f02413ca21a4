"""Hostile and broken input: a clear error every time, never a traceback, nothing lost or changed.

Each stored case in tests/hostile/ is one file that is wrong in one way; the table says the exact
exit code and the words the message must contain (the line, the key path, the hint). Files that
cannot usefully be stored (an alias bomb, binary data, a file over the size limit) are generated.
"""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

import checker.input.source
from checker.cli.app import check_main
from checker.errors import InputError
from checker.input.source import parse_document

HERE = Path(__file__).parent / "hostile"
REPO = Path(__file__).resolve().parent.parent
AS_OF = ["--as-of", "2026-01-01"]
VALID = HERE / "valid.yaml"
NAME = "和林格尔新区绿色数据中心项目(一期)"


def run(*args: str | Path) -> tuple[int, str, str]:
    """Run `check` in-process; stdout and stderr apart (click >= 8.2 keeps them apart)."""
    result = CliRunner().invoke(check_main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def assert_clear_error(code: int, out: str, err: str, words: tuple[str, ...]) -> None:
    assert code == 2, err
    assert out == ""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines and all(line.startswith("error: ") for line in lines), err
    for word in words:
        assert word in err, f"{word!r} not in {err!r}"


# file, exit code, words the message must contain
PROJECT_CASES = [
    # encodings
    ("valid.yaml", 0, ()),
    ("bom.yaml", 0, ()),
    ("gbk.yaml", 0, ()),
    ("broken_utf8.yaml", 2, ("broken_utf8.yaml:33:", "UTF-8", "0xE9")),
    ("undecodable.yaml", 2, ("undecodable.yaml:3:", "neither UTF-8 nor GBK", "save the file as")),
    ("control_character.yaml", 2, (":3:", "column 11", "U+0007")),
    # YAML
    ("syntax_error.yaml", 2, ("syntax_error.yaml:3:", "YAML syntax error, column 7")),
    ("bad_indentation.yaml", 2, ("bad_indentation.yaml:4:", "YAML syntax error, column 2")),
    (
        "tab_indentation.yaml",
        2,
        ("tab_indentation.yaml:3:", "YAML syntax error, column 1", "line 3 is indented with a tab"),
    ),
    ("fullwidth_colon.yaml", 2, ("fullwidth_colon.yaml:7:", "YAML syntax error", "line 6 has a full-width colon ：")),
    ("duplicate_key.yaml", 2, ("duplicate_key.yaml:18:", "energy.diesel_t", "duplicate key", "first given on line 17")),
    ("python_tag.yaml", 2, (":2:", "!!python/object/apply:os.system", "not allowed")),
    ("python_name_tag.yaml", 2, (":3:", "project.name", "!!python/name:os.system", "not allowed")),
    ("binary_tag.yaml", 2, (":3:", "!!binary", "not allowed")),
    ("deep_nesting.yaml", 2, ("nesting deeper than 40 levels",)),
    ("empty.yaml", 2, ("empty.yaml: the file is empty",)),
    ("comments_only.yaml", 2, ("the file is empty",)),
    ("top_level_list.yaml", 2, ("top level must be a mapping", "got a list")),
    ("top_level_scalar.yaml", 2, ("top level must be a mapping", "'just some text'")),
    ("two_documents.yaml", 2, ("two_documents.yaml:33:", "second YAML document")),
    ("undefined_alias.yaml", 2, (":2:", "*p", "no anchor")),
    ("merge_key.yaml", 2, (":4:", "merge keys (<<) are not supported")),
    # YAML 1.2 core schema: what YAML 1.1 misread stays text, and is then the wrong type
    ("yaml11_sexagesimal.yaml", 2, (":20:", "energy.capacity_replacement_ratio", "'1:0.8'", "write one number")),
    ("yaml11_octal_id.yaml", 0, ()),  # the id stays "0042" (test_an_id_keeps_its_leading_zeros)
    ("yaml11_yes_boolean.yaml", 2, (":32:", "land.in_industrial_park", "got 'yes'", "write true or false")),
    # explicit tags: only !!str; a tag that would have to be constructed is refused by name
    ("tag_int_empty.yaml", 2, (":17:", "energy.diesel_t", "!!int", "not allowed")),
    ("tag_timestamp.yaml", 2, (":17:", "energy.diesel_t", "!!timestamp", "not allowed")),
    ("tag_float_text.yaml", 2, (":17:", "energy.diesel_t", "!!float", "not allowed")),
    # control and formatting characters written as escapes in quotes
    ("escape_nul.yaml", 2, (":5:", "project.applicant", "U+0000", "not allowed in text")),
    ("escape_terminal.yaml", 2, (":5:", "project.applicant", "U+001B")),
    ("escape_noncharacter.yaml", 2, (":7:", "project.banner_county", "U+FFFE")),
    ("escape_line_separator.yaml", 2, (":5:", "project.applicant", "U+2028")),
    ("escape_c1.yaml", 2, (":5:", "project.applicant", "U+009B")),
    ("escape_bidi.yaml", 2, (":9:", "project.industry_code", "U+202E")),
    ("forged_verdict_line.yaml", 2, (":4:", "project.name", "must be one line")),
    # figures that overflow once computed: no Infinity in any report
    (
        "tiny_value_added.yaml",
        2,
        (":14:", "output.annual_value_added_10k_yuan", "too large to compute", "energy_intensity_tce_per_10k_yuan"),
    ),
    ("overflowing_sum.yaml", 2, (":15:", "energy", "too large to compute")),
    # values
    ("nan.yaml", 2, ("nan.yaml:27:", "land.area_ha", "finite number")),
    ("inf.yaml", 2, ("inf.yaml:16:", "energy.electricity_kwh", "finite number")),
    ("negative.yaml", 2, ("negative.yaml:17:", "energy.diesel_t", "must be >= 0, got -200")),
    ("share_above_one.yaml", 2, (":18:", "energy.renewable_electricity_share", "<= 1, got 1.6")),
    ("share_percent.yaml", 2, (":18:", "renewable_electricity_share", "'60%'", "write 0.6")),
    ("chinese_number.yaml", 2, (":10:", "project.investment_10k_yuan", "'四十五亿'", "in digits")),
    ("wan_number.yaml", 2, (":10:", "investment_10k_yuan", "45万 is 450000")),
    ("thousands_separator.yaml", 2, (":10:", "'450,000'", "write 450000")),
    ("quoted_number.yaml", 2, (":17:", "energy.diesel_t", "without quotes")),
    ("fullwidth_number.yaml", 2, (":17:", "diesel_t", "'２００'", "write 200, in half-width")),
    ("unit_in_value.yaml", 2, (":27:", "land.area_ha", "the unit is part of the key's name")),
    ("boolean_number.yaml", 2, (":23:", "water.fresh_water_m3", "got true", "not a number")),
    ("number_for_boolean.yaml", 2, (":32:", "land.in_industrial_park", "true or false")),
    ("unknown_league_city.yaml", 2, (":6:", "project.league_city", "did you mean 鄂尔多斯市?")),
    ("unknown_league_city_far.yaml", 2, (":6:", "project.league_city", "'北京市'", "呼和浩特市")),
    ("unknown_product.yaml", 2, (":13:", "project.products[0].product", "did you mean calcium_carbide?")),
    ("unknown_key.yaml", 2, (":16:", "energy.electricity_kw", "did you mean electricity_kwh?")),
    ("wrong_construction_type.yaml", 2, (":8:", "project.construction_type", "did you mean new?")),
    ("float_year.yaml", 2, (":11:", "project.commissioning_year", "whole number")),
    ("bad_industry_code.yaml", 2, (":9:", "project.industry_code", "did you mean I6450?")),
    ("format_2.yaml", 2, (":1:", "format: must be 1, got 2")),
    ("format_missing.yaml", 2, ("format: required key is missing",)),
    ("format_true.yaml", 2, (":1:", "format: must be 1, got true")),
    # waivers
    ("waiver_unknown_rule.yaml", 2, (":34:", "waivers[0].rule", "unknown rule ZZ-999")),
    ("waiver_unknown_rule_in_family.yaml", 2, (":34:", "names unknown rule HE-010", "the HE rules are HE-001")),
    ("waiver_bad_rule_id.yaml", 2, (":34:", "waivers[0].rule", "did you mean HE-001?")),
    ("waiver_impossible_date.yaml", 2, (":38:", "waivers[0].expires", "'2026-13-45'", "no such date")),
    ("waiver_unreadable_date.yaml", 2, (":38:", "waivers[0].expires", "YYYY-MM-DD")),
    ("waiver_number_date.yaml", 2, (":37:", "waivers[0].expires", "got 20261231", "write 2026-12-31")),
    ("waiver_twice.yaml", 2, (":38:", "waivers[1].rule", "a second waiver for HE-001")),
    (
        "waiver_several_problems.yaml",
        2,
        (  # reported in one run, the unknown rule included
            ":38: waivers[0].rule: names unknown rule ZZ-999",
            "the families are CB, CO, EC, HE, LA, MI, RE, WA",
            ":42: waivers[1].aproved_by: unknown key (did you mean approved_by?)",
            ":46: waivers[2].expires",
            ":50: waivers[3].expires",
        ),
    ),
]

PARAMS_CASES = [
    ("params_valid.yaml", 0, ()),
    ("params_rich.yaml", 0, ()),
    (
        "params_unknown.yaml",
        2,
        (":4:", "parameters.water_permit_treshold_m3", "unknown parameter", "did you mean water_permit_threshold_m3?"),
    ),
    ("params_wrong_type.yaml", 2, (":4:", "parameters.water_permit_threshold_m3", "must be a number, got 'lots'")),
    ("params_thousands.yaml", 2, (":4:", "write 20000")),
    (
        "params_out_of_range.yaml",
        2,
        (":4:", "parameters.max_energy_intensity_tce_per_10k_yuan", "must be >= 0, got -1.5"),
    ),
    (
        "params_unknown_product.yaml",
        2,
        (":5:", "product_benchmark_level_kgce.calcium_carbid", "did you mean calcium_carbide?"),
    ),
    ("params_bad_date.yaml", 2, (":5:", "parameters.water_permit_threshold_m3[0].from", "no such date")),
    ("params_not_mapping.yaml", 2, (":3:", "parameters", "must be a mapping")),
    ("params_to_before_from.yaml", 2, (":5:", "max_energy_intensity_tce_per_10k_yuan[0]", "`to` is before `from`")),
    ("params_mixed_dated.yaml", 2, (":6:", "max_energy_intensity_tce_per_10k_yuan[1]", "a mapping with `from`")),
    (
        "params_number_date.yaml",
        2,
        (":6:", "max_energy_intensity_tce_per_10k_yuan[0].to", "got 0", "a number is not a date"),
    ),
    ("params_missing_section.yaml", 2, ("parameters: required key is missing",)),
    ("params_sexagesimal.yaml", 2, (":4:", "parameters.water_permit_threshold_m3", "'2:00'")),
    ("params_tag.yaml", 2, (":4:", "parameters.water_permit_threshold_m3", "!!int", "not allowed")),
    ("params_timestamp_tag.yaml", 2, (":5:", "water_permit_threshold_m3[0].from", "!!timestamp")),
    ("params_escape.yaml", 2, (":2:", "source", "U+001B")),
    ("params_newline_source.yaml", 2, (":2:", "source", "must be one line")),
]


# the review authority's waiver register (--waivers), checked with valid.yaml
REGISTER_CASES = [
    ("register_valid.yaml", 0, ()),
    ("register_rich.yaml", 0, ()),
    (
        "register_unknown_key.yaml",
        2,
        (
            ":7: waivers[0].approvedby: unknown key",
            "did you mean approved_by?",
            ":4: waivers[0].approved_by: required key is missing",
        ),
    ),
    ("register_missing_document.yaml", 2, (":4:", "waivers[0].document: required key is missing")),
    ("register_no_expiry.yaml", 2, (":4:", "waivers[0].expires: required key is missing")),
    ("register_no_authority.yaml", 2, ("authority: required key is missing",)),
    (
        "register_unknown_rule.yaml",
        2,
        (":5:", "waivers[0].rule", "names unknown rule HE-010", "the HE rules are HE-001, HE-002, HE-003, HE-004"),
    ),
    ("register_red_line.yaml", 2, (":5:", "waivers[0].rule", "LA-001 cannot be waived", "red line")),
    ("register_impossible_date.yaml", 2, (":9:", "waivers[0].expires", "'2026-13-45'", "no such date")),
    ("register_number_date.yaml", 2, (":9:", "waivers[0].expires", "got 20271231", "write 2027-12-31")),
    (
        "register_twice.yaml",
        2,
        (":11:", "waivers[1].rule", "a second entry for project NM-2025-0330 and rule RE-001", "line 4"),
    ),
    ("register_waivers_not_a_list.yaml", 2, (":3:", "waivers: must be a list")),
    (
        "register_several_problems.yaml",
        2,
        (  # reported in one run
            ":5: waivers[0].rule: names unknown rule ZZ-999",
            ":11: waivers[1].rule: HE-004 cannot be waived",
            ":16: waivers[2].approved_by: required key is missing",
        ),
    ),
]


def test_every_stored_case_is_in_a_table():
    listed = {name for name, _, _ in PROJECT_CASES + PARAMS_CASES + REGISTER_CASES} | {"injection.yaml"}
    assert {p.name for p in HERE.glob("*.yaml")} == listed


@pytest.mark.parametrize(("name", "code", "words"), PROJECT_CASES, ids=[c[0] for c in PROJECT_CASES])
def test_project_file(name, code, words):
    code_seen, out, err = run(HERE / name, *AS_OF)
    if code == 2:
        assert_clear_error(code_seen, out, err, (name, *words))
    else:
        assert (code_seen, err) == (code, "")
        assert NAME in out  # decoded right, whatever the encoding


@pytest.mark.parametrize(("name", "code", "words"), PARAMS_CASES, ids=[c[0] for c in PARAMS_CASES])
def test_policy_file(name, code, words):
    code_seen, out, err = run(VALID, "--params", HERE / name, *AS_OF)
    if code == 2:
        assert_clear_error(code_seen, out, err, (name, *words))
    else:
        assert (code_seen, err) == (code, "")


@pytest.mark.parametrize(("name", "code", "words"), REGISTER_CASES, ids=[c[0] for c in REGISTER_CASES])
def test_waiver_register(name, code, words):
    code_seen, out, err = run(VALID, "--waivers", HERE / name, *AS_OF)
    if code == 2:
        assert_clear_error(code_seen, out, err, (name, *words))
    else:
        assert (code_seen, err) == (code, "")


def test_a_broken_register_stops_a_batch_before_any_project(tmp_path):
    code, out, err = run(VALID, VALID, "--waivers", HERE / "register_red_line.yaml", *AS_OF)
    assert code == 2 and out == ""
    assert "register_red_line.yaml:5: waivers[0].rule: LA-001 cannot be waived" in err
    assert "Traceback" not in err


def test_an_id_keeps_its_leading_zeros():
    """YAML 1.1 read `id: 0042` as the octal 34; the ledger grouped history by it."""
    code, out, err = run(HERE / "yaml11_octal_id.yaml", *AS_OF, "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out)["project"]["id"] == "0042"


@pytest.mark.parametrize("fmt", ["json", "sarif", "jsonl"])
def test_json_never_holds_an_infinity_even_past_the_input_checks(monkeypatch, tmp_path, fmt):
    """The serializers refuse NaN and Infinity: a figure that slipped past is a bug (exit 70),
    never a report no JSON reader can parse."""
    from checker.check import Checker

    monkeypatch.setattr(Checker, "_refuse_incomputable", lambda *args: None)
    args: list[str | Path] = [HERE / "tiny_value_added.yaml", *AS_OF]
    if fmt == "jsonl":  # a batch line
        args += [HERE / "valid.yaml", "--format", "json", "-j", "1"]
    else:
        args += ["--format", fmt]
    code, out, _err = run(*args)
    assert code == 70
    assert "Infinity" not in out and "NaN" not in out


# ---------------------------------------------------------------- generated files


def test_utf16_with_bom_reads_like_utf8(tmp_path):
    path = tmp_path / "utf16.yaml"
    path.write_bytes(codecs.BOM_UTF16_LE + VALID.read_text(encoding="utf-8").encode("utf-16-le"))
    code, out, err = run(path, *AS_OF, "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out)["project"]["name"] == NAME


def test_gbk_names_survive_into_json(tmp_path):
    code, out, _ = run(HERE / "gbk.yaml", *AS_OF, "--format", "json")
    assert code == 0
    assert json.loads(out)["project"]["name"] == NAME
    assert NAME in out  # not \\u escapes


@pytest.mark.parametrize("size", [2000, 200_000])
def test_binary_file(tmp_path, size):
    path = tmp_path / "photo.yaml"
    path.write_bytes(bytes(range(256)) * (size // 256))
    assert_clear_error(*run(path), ("binary file",))


@pytest.mark.parametrize(
    ("start", "words"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "Excel .xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1", "Excel .xls"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF"),
    ],
    ids=["xlsx", "xls", "pdf"],
)
def test_what_people_send_instead(tmp_path, start, words):
    path = tmp_path / "project.yaml"
    path.write_bytes(start + bytes(range(256)))
    assert_clear_error(*run(path), (words, "not a YAML text file"))


def test_binary_file_without_nul_bytes(tmp_path):
    path = tmp_path / "noise.yaml"
    path.write_bytes(bytes(b for b in range(1, 32) if b not in (9, 10, 13)) * 50)
    assert_clear_error(*run(path), ("binary file",))


def billion_laughs(levels: int = 9) -> bytes:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return ("\n".join(lines) + "\n").encode()


def _refusal_cost(raw: bytes, match: str) -> tuple[float, int]:
    """CPU seconds (measured alone: tracemalloc slows Python down) and peak bytes to refuse `raw`.
    CPU time, not wall time: a bound on the work done, which other load on the machine does not
    stretch."""
    started = time.process_time()
    with pytest.raises(InputError, match=match):
        parse_document(raw, "hostile.yaml")
    elapsed = time.process_time() - started
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match=match):
            parse_document(raw, "hostile.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return elapsed, peak


def test_billion_laughs_is_refused_fast_and_small():
    elapsed, peak = _refusal_cost(billion_laughs(), "more than 100000 values")
    assert elapsed < 1.0
    assert peak < 10 * 1024 * 1024


def test_billion_laughs_through_the_command(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_bytes(billion_laughs())
    assert_clear_error(*run(path), ("bomb.yaml:", "too many aliases", "refused"))


def test_a_flat_list_just_under_the_size_limit_is_refused_while_reading():
    """1 MB of `1,` is 500 000 values: refused after 100 000, in a process that stays small
    (measured in a fresh process by its own peak RSS, VmHWM: the rusage maximum also counts the
    forked copy of a large parent before exec; tracemalloc would take seconds here) and with a
    bounded amount of work (CPU seconds, which other load on the machine does not stretch)."""
    probe = (
        "import time\n"
        "from checker.errors import InputError\n"
        "from checker.input.source import parse_document\n"
        "raw = b'format: 1\\nx: [' + b'1,' * 500_000 + b'1]\\n'\n"
        "started = time.process_time()\n"
        "try:\n"
        "    parse_document(raw, 'flat.yaml')\n"
        "except InputError as exc:\n"
        "    assert 'more than 100000 values' in str(exc)\n"
        "peak = next(line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM:'))\n"
        "print(time.process_time() - started, peak)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, cwd=REPO, timeout=60, check=True, text=True
    )
    elapsed, peak_kb = done.stdout.split()
    assert float(elapsed) < 3.0
    assert int(peak_kb) < 150 * 1024


def test_a_legitimate_anchor_still_works():
    doc = parse_document(b"a: &x {b: 1}\nc: *x\n", "ok.yaml")
    assert doc.data == {"a": {"b": 1}, "c": {"b": 1}}


def test_default_size_limit(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(VALID.read_bytes() + b"#" * checker.input.source.MAX_FILE_BYTES)
    assert_clear_error(*run(path), ("larger than the limit of 1048576 bytes", "--max-bytes"))


def test_max_bytes_option(tmp_path):
    assert_clear_error(*run(VALID, "--max-bytes", "100"), ("larger than the limit of 100 bytes",))
    assert run(VALID, "--max-bytes", "100000", *AS_OF)[0] == 0
    assert_clear_error(*run(VALID, "--max-bytes", "0"), ("--max-bytes",))
    assert_clear_error(
        *run(VALID, "--params", HERE / "params_valid.yaml", "--max-bytes", "20"),
        ("params_valid.yaml", "larger than the limit of 20 bytes"),
    )


# ---------------------------------------------------------------- the command line


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ([HERE / "no-such-file.yaml"], ("no-such-file.yaml", "no such file")),
        ([HERE.parent / "schemas"], ("schemas", "no *.yaml or *.yml file in this folder")),
        ([VALID, "--format", "xml"], ("--format", "'xml'")),
        ([VALID, "--lang", "fr"], ("--lang", "'fr'")),
        ([VALID, "--as-of", "2026-13-45"], ("--as-of", "'2026-13-45'", "no such date")),
        ([VALID, "--as-of", "tomorrow"], ("--as-of", "YYYY-MM-DD")),
        ([VALID, "--params", HERE / "nope.yaml"], ("nope.yaml", "no such file")),
        ([VALID, "--params", HERE], ("--params", "is a directory")),
        ([VALID, "--no-such-option"], ("--no-such-option",)),
        ([], ("Missing argument 'PATH...'",)),
    ],
    ids=[
        "missing",
        "folder-without-yaml",
        "format",
        "lang",
        "as-of",
        "as-of-word",
        "params-missing",
        "params-directory",
        "option",
        "no-path",
    ],
)
def test_usage_errors_are_one_line(args, words):
    code, out, err = run(*args)
    assert_clear_error(code, out, err, words)
    assert len(err.strip().splitlines()) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path):
    path = tmp_path / "locked.yaml"
    path.write_bytes(VALID.read_bytes())
    path.chmod(0)
    try:
        assert_clear_error(*run(path), ("locked.yaml", "permission denied"))
    finally:
        path.chmod(0o644)


def test_unreadable_file_simulated(tmp_path, monkeypatch):
    """As root chmod 000 does not stop a read: make `open` refuse the way the OS would."""
    path = tmp_path / "locked.yaml"
    path.write_bytes(VALID.read_bytes())

    real_open = os.open

    def refuse(file, *args, **kwargs):
        if Path(file) == path:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)  # how the checker opens an input (without blocking)
    assert_clear_error(*run(path), ("locked.yaml", "permission denied"))


def test_internal_error_asks_for_a_report_and_exits_70(monkeypatch):
    from checker.check import Checker

    def broken(self, *args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(Checker, "check", broken)
    code, out, err = run(VALID, *AS_OF)
    assert out == ""
    assert code == 70
    assert "Traceback" not in err
    assert "bug" in err and "report" in err and "--debug" in err
    code, _, err = run(VALID, *AS_OF, "--debug")
    assert code == 70
    assert "Traceback" in err and "simulated bug" in err


# ---------------------------------------------------------------- no injection


@pytest.mark.parametrize("fmt", ["text", "text --verbose", "json"])
def test_user_text_is_never_a_template(fmt):
    fmt, *verbose = fmt.split()
    code, out, err = run(HERE / "injection.yaml", *AS_OF, "--format", fmt, "--lang", "en", *verbose)
    assert (code, err) == (0, "")
    assert "{{ 7*7 }} {% raw %}x{% endraw %} ${HOME} %s" in out
    assert "<class" not in out
    if verbose:
        assert "{{ ''.__class__.__mro__ }}" in out  # the applicant: only the full report shows it
    if fmt == "json":
        assert json.loads(out)["project"]["name"] == "{{ 7*7 }} {% raw %}x{% endraw %} ${HOME} %s"


# ---------------------------------------------------------------- nothing changed


@pytest.mark.parametrize("name", ["valid.yaml", "gbk.yaml", "nan.yaml", "syntax_error.yaml"])
def test_the_input_file_is_never_written(tmp_path, name):
    path = tmp_path / name
    path.write_bytes((HERE / name).read_bytes())
    os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    for fmt in ("text", "json"):
        run(path, *AS_OF, "--format", fmt)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no stray files either


# ---------------------------------------------------------------- through a real process


def _python_m_checker(*args: str | Path, env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "checker", *[str(a) for a in args]],
        capture_output=True,
        cwd=REPO,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize(
    ("content", "code", "words"),
    [
        (None, 0, ()),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 2, ("this is a PNG image",)),
        (billion_laughs(), 2, ("too many aliases",)),
        (b"format: 1\nproject: {name: [\n", 2, ("YAML syntax error",)),
    ],
    ids=["valid", "png", "bomb", "syntax"],
)
def test_subprocess_never_shows_a_traceback(tmp_path, content, code, words):
    path = VALID
    if content is not None:
        path = tmp_path / "input.yaml"
        path.write_bytes(content)
    done = _python_m_checker(path, *AS_OF)
    err = done.stderr.decode("utf-8")
    assert done.returncode == code, err
    assert "Traceback" not in err
    for word in words:
        assert word in err
    if code == 0:
        assert NAME in done.stdout.decode("utf-8")


def test_subprocess_with_a_c_locale_keeps_chinese_intact():
    done = _python_m_checker(HERE / "gbk.yaml", *AS_OF, env={"LC_ALL": "C", "LANG": "C"})
    assert done.returncode == 0, done.stderr
    assert NAME in done.stdout.decode("utf-8")


# ---------------------------------------------------------------- what the messages look like


def test_thousands_of_problems_are_cut_to_fifty(tmp_path):
    path = tmp_path / "sheet.yaml"
    keys = "".join(f"  k{i}: 1\n" for i in range(3000))
    path.write_text(
        "format: 1\nproject: {name: x, league_city: Hohhot, construction_type: new}\nland:\n" + keys,
        encoding="utf-8",
    )
    code, out, err = run(path)
    assert_clear_error(code, out, err, ("land.k0: unknown key", "and 2950 more problems"))
    assert len(err.splitlines()) == 51


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("\\x1e", "project.'\\x1e'"),
        ("\\u202e", "project.'\\u202e'"),
        ("a.b", "project.'a.b'"),
        ("", "project.''"),
        ("x" * 300, "project." + "x" * 59 + "…"),
    ],
    ids=["record-separator", "right-to-left", "dot", "empty", "long"],
)
def test_odd_keys_are_shown_on_one_line(tmp_path, key, shown):
    path = tmp_path / "keys.yaml"
    path.write_text(
        f'format: 1\nproject:\n  name: x\n  league_city: Hohhot\n  construction_type: new\n  "{key}": 1\n',
        encoding="utf-8",
    )
    code, out, err = run(path)
    assert_clear_error(code, out, err, (":6:", shown, "unknown key"))
    assert len(err.splitlines()) == 1
