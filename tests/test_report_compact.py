"""The default text report: the verdict and only what needs attention, on one screen.

Golden files `tests/golden/<sample>.<lang>.compact.txt` are rendered like the full reports' goldens
(`test_report_text_markdown.py`: frozen ruleset, fixed date, ruleset hash replaced); rewrite them
with `UPDATE_GOLDEN=1 python -m pytest tests/test_report_compact.py` and review the diff. The full
report, byte for byte the one before the compact report existed, prints with `--verbose`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3

import pytest
import yaml
from click.testing import CliRunner

from checker.cli.app import check_main
from checker.cli.receipts import entry_ranges, ledger_name
from checker.reports import formats
from checker.reports import render as report
from tests.support import REPO
from tests.support.checkers import checker_on
from tests.support.goldens import GOLDEN, assert_matches_golden, golden_checker, normalised
from tests.support.reporting import AS_OF, check_hostile, check_on_a_terminal, check_sample

ORDOS = "projects/ordos-calcium-carbide.yaml"
COMPACT_GOLDENS = [
    ("ordos-calcium-carbide.yaml", "zh"),
    ("ordos-calcium-carbide.yaml", "en"),
    ("chifeng-coal-chp-exemption.yaml", "zh"),
    ("chifeng-coal-chp-exemption.yaml", "en"),
    ("baotou-rare-earth-separation.yaml", "zh"),
    ("xilingol-wind-no-storage.yaml", "en"),
    ("kubuqi-desert-pv.yaml", "zh"),
]
ATTENTION = ("fail", "review", "missing_info", "warn", "waived")
SGR = re.compile("\x1b\\[[0-9;]*m")


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(check_main, [str(a) for a in args], env=env, catch_exceptions=False)


@pytest.mark.parametrize(("sample", "lang"), COMPACT_GOLDENS)
def test_compact_report_matches_its_golden_file(sample, lang):
    result = check_sample(sample, checker=golden_checker())
    rendered = normalised(formats.render(result, "text", lang, compact=True), result)
    assert_matches_golden(rendered, GOLDEN / f"{sample.removesuffix('.yaml')}.{lang}.compact.txt")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_ordos_sample_fits_sixty_lines_and_ends_on_its_verdict(lang):
    done = run(REPO / ORDOS, "--lang", lang)  # today, with the shipped rules: what a user sees
    assert done.exit_code == 1
    lines = done.stdout.splitlines()
    assert len(lines) <= 60, len(lines)
    last = {"zh": "审查结论: 不予通过 (退出码 1)", "en": "Verdict: rejected (exit code 1)"}[lang]
    assert lines[-1] == last
    assert done.stdout.count(last) == 2  # under the header, and again as the last line


@pytest.mark.parametrize(
    "sample",
    [
        "ordos-calcium-carbide.yaml",
        "chifeng-coal-chp-exemption.yaml",
        "baotou-rare-earth-separation.yaml",
        "kubuqi-desert-pv.yaml",
    ],
)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_exactly_the_findings_that_need_attention_are_listed_most_severe_first(sample, lang):
    result = check_sample(sample)
    text = formats.render(result, "text", lang, compact=True)
    headings = re.findall(r"^\[[^\]]+\] ([A-Z]{2}-\d{3}) ", text, re.MULTILINE)
    wanted = sorted((f for f in result.findings if f.status in ATTENTION), key=lambda f: ATTENTION.index(f.status))
    assert headings == [f.id for f in wanted]
    for finding in result.findings:
        if finding.status in ("pass", "not_applicable"):
            assert finding.id not in text
    passed = sum(f.status == "pass" for f in result.findings)
    not_applicable = sum(f.status == "not_applicable" for f in result.findings)
    counted = {
        "zh": f"其余规则: 通过 {passed} · 不适用 {not_applicable}",
        "en": f"Other rules: pass {passed} · not applicable {not_applicable}",
    }[lang]
    assert counted in text.splitlines()


def test_missing_information_names_each_key_to_supply_with_its_label():
    result = check_sample("ordos-calcium-carbide.yaml")
    zh = formats.render(result, "text", "zh", compact=True)
    en = formats.render(result, "text", "en", compact=True)
    assert "  需补充: 占用基本草原 (land.basic_grassland_ha)" in zh.splitlines()
    assert "  需补充: 可再生能源电力比重 (energy.renewable_electricity_share)" in zh.splitlines()
    assert "  To supply: basic grassland occupied (land.basic_grassland_ha)" in en.splitlines()


def test_an_item_key_to_supply_reads_with_the_label_of_its_item_fact(tmp_path):
    data = yaml.safe_load((REPO / ORDOS).read_text(encoding="utf-8"))
    del data["project"]["products"][0]["unit_energy_kgce"]
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    text = formats.render(checker_on(AS_OF).check_path(str(path)), "text", "zh", compact=True)
    assert "  需补充: 单位产品能耗 (project.products[].unit_energy_kgce)" in text.splitlines()


def test_a_waived_finding_says_who_waived_it_and_what_it_was(tmp_path):
    text = formats.render(check_hostile(tmp_path), "text", "zh", compact=True)
    lines = text.splitlines()
    heading = next(i for i, line in enumerate(lines) if line.startswith("[已豁免] WA-002 "))
    assert lines[heading].endswith("(约束性; 原结论: 不通过)")
    assert lines[heading + 1].startswith("  豁免: @某盟市发改委, -内发改审批〔2025〕1号, 至 2026-12-31: ")
    # the claim in the project file sends EC-001 to review, and its message says so
    assert "[人工复核] EC-001 " in text


def test_the_plan_period_notice_shows_only_after_the_plan_period():
    after = formats.render(check_sample("kubuqi-desert-pv.yaml"), "text", "zh", compact=True)
    within = formats.render(
        check_sample("kubuqi-desert-pv.yaml", dt.date(2025, 6, 1), checker_on(dt.date(2025, 6, 1))),
        "text",
        "zh",
        compact=True,
    )
    assert "!! 提示: 审查日期2026-01-01已在" in after
    assert "!! " not in within
    assert within.splitlines()[-1] == "审查结论: 通过 (退出码 0)"


# ---------------------------------------------------------------- the command line


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_verbose_prints_the_full_report_byte_for_byte(lang):
    done = run(REPO / ORDOS, "--as-of", "2026-01-01", "--lang", lang, "--verbose")
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        result = checker_on(AS_OF).check_path(str(REPO / ORDOS))
    finally:
        os.chdir(cwd)
    assert done.stdout == formats.render(result, "text", lang)
    assert len(done.stdout.splitlines()) > 200


def test_an_output_file_is_compact_by_default_full_with_verbose_and_never_coloured(tmp_path):
    compact, full = tmp_path / "compact.txt", tmp_path / "full.txt"
    shown = run(REPO / ORDOS, "--as-of", "2026-01-01", "--color", "never")
    first = run(REPO / ORDOS, "--as-of", "2026-01-01", "--output", compact, "--color", "always")
    second = run(REPO / ORDOS, "--as-of", "2026-01-01", "--output", full, "--verbose", "--color", "always")
    assert first.exit_code == second.exit_code == 1
    assert compact.read_text(encoding="utf-8") == shown.stdout
    assert full.read_text(encoding="utf-8") == run(REPO / ORDOS, "--as-of", "2026-01-01", "--verbose").stdout
    assert "\x1b" not in compact.read_text(encoding="utf-8") + full.read_text(encoding="utf-8")
    assert first.stdout == ""


def test_color_always_paints_statuses_and_verdicts_and_nothing_else():
    painted = run(REPO / ORDOS, "--as-of", "2026-01-01", "--color", "always").stdout
    plain = run(REPO / ORDOS, "--as-of", "2026-01-01", "--color", "never").stdout
    assert "\x1b[1;31m不通过\x1b[0m" in painted  # fail: red
    assert "\x1b[33m信息不全\x1b[0m" in painted  # missing information: yellow
    assert "\x1b[32m通过\x1b[0m 5" in painted  # pass: green
    assert "审查结论: \x1b[1;31m不予通过\x1b[0m (退出码 1)" in painted.splitlines()[-1]
    assert "\x1b" not in plain
    assert SGR.sub("", painted) == plain


def test_color_always_overrides_no_color_and_never_overrides_a_terminal():
    assert "\x1b[" in run(REPO / ORDOS, "--color", "always", env={"NO_COLOR": "1"}).stdout
    assert "\x1b[" not in run(REPO / ORDOS, "--color", "auto").stdout  # not a terminal
    assert "\x1b[" not in _on_a_terminal("--color", "never")


def test_color_is_refused_when_unknown():
    done = run(REPO / ORDOS, "--color", "sometimes")
    assert done.exit_code == 2 and "--color" in done.stderr


def _on_a_terminal(*args: str, env_extra: dict[str, str] | None = None) -> str:
    """The Ordos sample checked with stdout on a pseudo-terminal; what it printed."""
    return check_on_a_terminal(ORDOS, "--as-of", "2026-01-01", *args, env_extra=env_extra)


def test_no_color_set_and_not_empty_turns_colour_off_an_empty_one_does_not():
    assert "\x1b[" not in _on_a_terminal(env_extra={"NO_COLOR": "0"})
    assert "\x1b[1;31m不通过\x1b[0m" in _on_a_terminal(env_extra={"NO_COLOR": ""})


# ---------------------------------------------------------------- a folder


def test_a_batch_summary_lists_each_project_worst_first_with_its_failed_rules(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in (
        "kubuqi-desert-pv.yaml",
        "ordos-calcium-carbide.yaml",
        "baotou-rare-earth-separation.yaml",
        "xilingol-wind-no-storage.yaml",
        "wuhai-silicomanganese-expansion.yaml",
    ):
        (folder / name).write_bytes((REPO / "projects" / name).read_bytes())
    done = run(folder, "--as-of", "2026-01-01", "-j", "1")
    assert done.exit_code == 1
    summary = done.stdout[done.stdout.index("批量审查汇总") :].splitlines()
    lines = summary[summary.index("各项目结论(由重到轻):") + 1 : summary.index("项目数: 5")]
    assert lines == [
        f"  [不予通过] NM-2025-0042 某公司年产30万吨电石项目 ({folder}/ordos-calcium-carbide.yaml)"
        " 未通过: HE-001 HE-002 HE-003 EC-001 WA-001 WA-002",
        f"  [不予通过] NM-2025-0734 乌海市某公司20万吨/年硅锰合金扩建项目"
        f" ({folder}/wuhai-silicomanganese-expansion.yaml) 未通过: HE-001 HE-002 EC-001",
        f"  [需人工复核] NM-2025-0815 包头稀土高新区某公司5000吨/年稀土冶炼分离项目"
        f" ({folder}/baotou-rare-earth-separation.yaml)",
        f"  [通过(有警告)] NM-2025-1121 锡林郭勒盟阿巴嘎旗50万千瓦风电项目 ({folder}/xilingol-wind-no-storage.yaml)",
        f"  [通过] NM-2025-0107 库布其沙漠200万千瓦光伏治沙项目 ({folder}/kubuqi-desert-pv.yaml)",
        "",
    ]
    # each project's section is its compact report; --verbose gives the full ones
    assert done.stdout.count("需要关注 (") == 5 and "  读取的事实:" not in done.stdout
    verbose = run(folder, "--as-of", "2026-01-01", "-j", "1", "--verbose", "--lang", "en")
    assert verbose.stdout.count("Facts read:") > 5 and "Needs attention (" not in verbose.stdout
    assert "Projects, worst first:" in verbose.stdout


def test_a_batch_section_is_the_single_file_report(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.yaml").write_bytes((REPO / ORDOS).read_bytes())
    (folder / "b.yaml").write_bytes((REPO / "projects" / "kubuqi-desert-pv.yaml").read_bytes())
    batch = run(folder, "--as-of", "2026-01-01", "-j", "1").stdout
    for name in ("a.yaml", "b.yaml"):
        assert run(folder / name, "--as-of", "2026-01-01").stdout in batch


# ---------------------------------------------------------------- saying what was done


def _head(ledger) -> tuple[int, str]:
    with sqlite3.connect(ledger) as db:
        return db.execute("SELECT seq, entry_hash FROM entries ORDER BY seq DESC LIMIT 1").fetchone()


def test_output_says_which_file_it_wrote_and_the_verdict(tmp_path):
    target = tmp_path / "r.html"
    done = run(REPO / ORDOS, "--as-of", "2026-01-01", "--output", target)
    assert done.stderr == f"已写入 {target}(审查结论:不予通过)\n"
    done = run(REPO / ORDOS, "--as-of", "2026-01-01", "--output", target, "--lang", "en")
    assert done.stderr == f"wrote {target} (verdict: rejected)\n"
    assert done.stdout == ""


def test_record_says_the_entry_number_and_the_head_hash(tmp_path):
    ledger = tmp_path / "ledger.db"
    first = run(REPO / ORDOS, "--as-of", "2026-01-01", "--record", ledger, "--format", "json")
    seq, head = _head(ledger)
    assert seq == 1 and first.stderr == f"已记入台账 {ledger}:第 1 条,链头哈希 {head}\n"
    second = run(REPO / ORDOS, "--as-of", "2026-01-01", "--record", ledger, "--lang", "en", "--format", "json")
    seq, head = _head(ledger)
    assert seq == 2 and second.stderr == f"recorded in {ledger}: entry 2, head hash {head}\n"


def test_a_batch_says_which_entries_it_recorded(tmp_path):
    ledger = tmp_path / "ledger.db"
    run(REPO / ORDOS, "--as-of", "2026-01-01", "--record", ledger, "--format", "json")
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.yaml", "b.yaml", "c.yaml"):
        (folder / name).write_bytes((REPO / ORDOS).read_bytes())
    done = run(folder, "--as-of", "2026-01-01", "--record", ledger, "--format", "csv", "-j", "1", "--lang", "en")
    seq, head = _head(ledger)
    assert seq == 4
    assert done.stderr == f"recorded in {ledger}: entries 2-4 (3 in all), head hash {head}\n"
    done = run(folder, "--as-of", "2026-01-01", "--record", ledger, "--format", "csv", "-j", "1")
    seq, head = _head(ledger)
    assert done.stderr == f"已记入台账 {ledger}:第 5至7 条(共 3 条),链头哈希 {head}\n"


def test_entry_numbers_are_shown_as_runs():
    assert entry_ranges([7, 3, 4, 5, 9], "en") == "3-5, 7, 9"
    assert entry_ranges([3, 4], "zh") == "3至4"


def test_a_server_ledger_is_named_without_its_password():
    shown = ledger_name("postgresql://reviewer:s3cret@db.example/ledger")
    assert "s3cret" not in shown and "db.example/ledger" in shown
    assert ledger_name("ledger.db") == "ledger.db"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_compact_heading_reads_as_the_full_report_s_whatever_the_status(lang):
    """The compact report heads a finding as the full report does: the neutral subject where
    information is missing, the violation title where something is wrong."""
    result = check_sample("ordos-calcium-carbide.yaml")
    text = formats.render(result, "text", lang, compact=True)
    seen = set()
    for finding in result.findings:
        if finding.status in ("fail", "review", "missing_info", "warn", "waived"):
            assert f"{finding.id} {report.heading(finding, lang)}" in text, finding.id
            seen.add(finding.status)
    assert {"fail", "missing_info"} <= seen


@pytest.mark.parametrize(("lang", "said"), [("zh", "已于2020-01-01到期,不予适用"), ("en", "expired on 2020-01-01")])
def test_an_expired_register_entry_is_said_under_its_finding_in_the_compact_report_and_annotation(tmp_path, lang, said):
    from checker.reports.github import escape_data

    result = check_hostile(tmp_path)  # the register's WA-001 entry expired in 2020
    finding = next(f for f in result.findings if f.id == "WA-001")
    assert finding.status == "fail" and finding.waiver is not None
    compact = formats.render(result, "text", lang, compact=True)
    block = compact.split("] WA-001 ", 1)[1].split("\n[", 1)[0]
    assert f"某局, +旧文件, {'至' if lang == 'zh' else 'to'} 2020-01-01: expired long ago ({said})" in block
    annotation = next(line for line in formats.render(result, "github", lang).splitlines() if "title=WA-001" in line)
    assert escape_data(f"\n{report.labels(lang)['waiver']}: 某局, +旧文件") in annotation
    assert escape_data(f"({said})") in annotation
