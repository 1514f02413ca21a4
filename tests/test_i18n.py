"""The command line speaks Chinese by default and English with `--lang en` or an English locale:
help of every command and option, click's own usage words, usage and input errors.

The suite runs with `LC_MESSAGES=en_US.UTF-8` (see conftest.py); each test here sets the locale it
is about.
"""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from checker.cli import i18n
from checker.cli.app import check_main, checker_main
from checker.cli.i18n_zh import CLICK, COMMAND_HELP, MESSAGES

CHINESE = {"LC_MESSAGES": None, "LC_ALL": None, "LANG": None}
ENGLISH = {"LC_MESSAGES": None, "LC_ALL": None, "LANG": "en_US.UTF-8"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def invoke(command: click.Command, args: list[str], env: dict[str, str | None]):
    return CliRunner().invoke(command, args, env=env)


def commands() -> list[click.Command]:
    return [
        check_main,
        checker_main,
        *(checker_main.get_command(None, name) for name in checker_main.list_commands(None)),
    ]


@pytest.mark.parametrize(
    "environ, expected",
    [
        ({}, "zh"),
        ({"LANG": "C.UTF-8"}, "zh"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "C"}, "zh"),
    ],
)
def test_the_locale_names_the_language_of_messages(environ, expected):
    assert i18n.lang_from_env(environ) == expected


def test_an_explicit_lang_wins_over_the_locale_and_the_last_one_counts():
    assert i18n.lang_from_argv(["x.yaml", "--lang", "zh"], {"LANG": "en_US.UTF-8"}) == "zh"
    assert i18n.lang_from_argv(["--lang=en", "x.yaml"], {}) == "en"
    assert i18n.lang_from_argv(["--lang", "en", "--lang", "zh"], {}) == "zh"
    assert i18n.lang_from_argv(["--", "--lang", "en"], {}) == "zh"  # a file named --lang


def test_lc_messages_sets_the_messages_but_not_the_report():
    assert i18n.lang_from_argv([], {"LC_MESSAGES": "en_US.UTF-8"}, messages=False) == "zh"
    assert i18n.lang_from_argv([], {"LANG": "en_US.UTF-8"}, messages=False) == "en"


@pytest.mark.parametrize("command", commands(), ids=lambda c: c.name)
def test_every_command_and_option_help_has_a_chinese_text(command):
    assert command.name in COMMAND_HELP
    for param in command.params:
        if isinstance(param, click.Argument):
            continue  # arguments are described in the command's help
        help_text = getattr(param, "help", None)
        assert help_text, f"{command.name} {param.name}: an option without help"
        assert help_text in MESSAGES, f"{command.name} {param.name}: no Chinese help for {help_text!r}"


@pytest.mark.parametrize("command", commands(), ids=lambda c: c.name)
def test_help_is_chinese_by_default_with_click_s_own_words_translated(command):
    result = invoke(command, ["--help"], CHINESE)
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("用法: ")
    assert "选项:" in out and "显示本帮助并退出。" in out
    for english in ("Usage:", "Options:", "Show this message and exit.", "[OPTIONS]"):
        assert english not in out
    # no English sentence: the help's prose is Chinese (examples and option names stay)
    for line in out.splitlines():
        prose = re.sub(r"--?[\w-]+|`[^`]*`|\[[^\]]*\]|\S*\.\w+|^\s+(check|checker)\b.*$", "", line)
        words = re.findall(r"\b[a-z]{4,}\b", prose)
        assert len(words) < 3 or CJK.search(line), f"English prose in the Chinese help: {line!r}"


def test_check_help_in_english_with_lang_en_even_before_the_option_is_parsed():
    result = invoke(check_main, ["--help", "--lang", "en"], CHINESE)
    assert result.exit_code == 0
    assert result.output.startswith("Usage: ")
    assert "Check project descriptions (project.yaml) against the plan's rules." in result.output
    assert "Show this message and exit." in result.output
    assert not CJK.search(result.output.replace("盟市", ""))


def test_an_english_locale_gives_english_help_and_errors():
    result = invoke(checker_main, ["--help"], ENGLISH)
    assert result.output.startswith("Usage: checker [OPTIONS] COMMAND [ARGS]...")
    assert "Tools around the compliance checker" in result.output
    result = invoke(check_main, ["--bogus"], ENGLISH)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: No such option '--bogus'")


def test_an_explicit_chinese_wins_over_an_english_locale():
    result = invoke(check_main, ["--help", "--lang", "zh"], ENGLISH)
    assert result.output.startswith("用法: check [选项] 路径...")


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--jobz"], "错误: 没有选项 '--jobz'。 是否要用 '--jobs'? (参见 --help)"),
        ([], "错误: 缺少参数 'PATH...' (参见 --help)"),
        (
            ["x.yaml", "--format", "pdf"],
            "错误: '--format' 的取值无效: 'pdf' 不是 'text', 'markdown', "
            "'html', 'json', 'jsonl', 'sarif', 'junit', 'csv', 'github' 之一 (参见 --help)",
        ),
        (
            ["x.yaml", "--as-of", "2026-02-30"],
            "错误: '--as-of' 的取值无效: '2026-02-30' 不是 YYYY-MM-DD 格式的日期 (没有这一天) (参见 --help)",
        ),
        (["x.yaml", "-j", "0"], "错误: '-j' / '--jobs' 的取值无效: 0 不在范围 1<=x<=64 内 (参见 --help)"),
    ],
)
def test_click_usage_errors_are_one_chinese_line_exit_2(args, expected):
    result = invoke(check_main, args, CHINESE)
    assert result.exit_code == 2
    assert result.stderr.rstrip("\n") == expected


def test_an_unknown_subcommand_is_a_chinese_usage_error():
    result = invoke(checker_main, ["bogus"], CHINESE)
    assert result.exit_code == 2
    assert result.stderr.rstrip("\n") == "错误: 没有命令 'bogus' (参见 --help)"


def test_input_errors_keep_file_key_path_and_line_and_translate_only_the_prose(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "format: 1\nproject:\n  name: x\n  league_city: 包头市\n  construction_type: new\n"
        "  colour: red\nenergy:\n  electricity_kwh: -5\n",
        encoding="utf-8",
    )
    result = invoke(check_main, [str(bad)], CHINESE)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"错误: {bad}:6: project.colour: 格式 1 中没有此键",
        f"错误: {bad}:8: energy.electricity_kwh: 须 >= 0,实际为 -5",
    ]
    english = invoke(check_main, [str(bad)], ENGLISH)
    assert english.stderr.splitlines()[1] == f"error: {bad}:8: energy.electricity_kwh: must be >= 0, got -5"


def test_a_missing_file_is_a_chinese_error_line(tmp_path):
    result = invoke(check_main, [str(tmp_path / "none.yaml")], CHINESE)
    assert result.exit_code == 2
    assert result.stderr == f"错误: {tmp_path / 'none.yaml'}: 文件不存在\n"


def test_the_report_follows_lang_but_not_lc_messages(tmp_path):
    sample = "projects/ordos-calcium-carbide.yaml"
    assert "审查结论" in invoke(check_main, [sample, "--as-of", "2025-06-01"], CHINESE).stdout
    english = invoke(check_main, [sample, "--as-of", "2025-06-01"], ENGLISH).stdout
    assert "Verdict" in english and "审查结论" not in english
    mixed = {"LANG": None, "LC_ALL": None, "LC_MESSAGES": "en_US.UTF-8"}
    assert "审查结论" in invoke(check_main, [sample, "--as-of", "2025-06-01"], mixed).stdout


def test_every_click_word_in_the_catalogue_has_its_placeholders():
    for english, chinese in CLICK.items():
        assert set(re.findall(r"\{\w+(?:!r)?\}|%\(\w+\)s", english)) == set(
            re.findall(r"\{\w+(?:!r)?\}|%\(\w+\)s", chinese)
        ), english


def test_diff_and_verify_speak_chinese_by_default(tmp_path):
    import shutil

    from tests.support import REPO

    registry = tmp_path / "registry"
    registry.mkdir()
    shutil.copy(REPO / "projects" / "hohhot-data-centre.yaml", registry)
    tight = tmp_path / "tight.yaml"
    tight.write_text("format: 1\nparameters:\n  max_energy_intensity_tce_per_10k_yuan: 0.5\n", encoding="utf-8")
    result = invoke(
        checker_main, ["diff", str(registry), "--params", str(tight), "--as-of", "2025-06-01", "-j", "1"], CHINESE
    )
    assert result.exit_code == 1
    assert "比较了 1 个项目: 1 个有变化,0 个无变化" in result.stdout
    assert "通过 → 不予通过" in result.stdout and "EC-001 通过 → 不通过: 1" in result.stdout
    ledger = tmp_path / "ledger.sqlite"
    invoke(
        check_main,
        [str(registry / "hohhot-data-centre.yaml"), "--record", str(ledger), "--as-of", "2025-06-01"],
        CHINESE,
    )
    verified = invoke(checker_main, ["verify", str(ledger)], CHINESE)
    assert verified.exit_code == 0
    assert verified.stdout.startswith("共核对 1 条记录: 核对无误 1 条")
    history = invoke(checker_main, ["history", str(ledger)], CHINESE)
    assert "审查日期 2025-06-01: 通过 — 首次记录" in history.stdout


@pytest.mark.parametrize(("command", "prog"), [(check_main, "check"), (checker_main, "checker")])
def test_version_is_worded_in_the_language_of_the_run(command, prog):
    from checker import __version__

    assert invoke(command, ["--version"], CHINESE).output == f"{prog},版本 {__version__}\n"
    assert invoke(command, ["--version"], ENGLISH).output == f"{prog}, version {__version__}\n"
    if command is check_main:  # `checker` itself takes no --lang; its subcommands do
        assert invoke(command, ["--version", "--lang", "en"], CHINESE).output == f"{prog}, version {__version__}\n"


def test_checker_diff_markdown_is_worded_in_the_language_of_the_run():
    from checker.cli.app import checker_main as main
    from tests.support import REPO

    args = [
        "diff",
        str(REPO / "projects"),
        "--as-of",
        "2026-01-01",
        "--base-as-of",
        "2022-06-01",
        "--format",
        "markdown",
    ]
    chinese = invoke(main, args, CHINESE).output
    english = invoke(main, args, ENGLISH).output
    assert "### 审查结论的变化" in chinese and "| 不予通过 | 需人工复核 | 1 |" in chinese
    assert "Verdict transitions" not in chinese
    assert "### Verdict transitions" in english and "| rejected | needs\\_review | 1 |" in english


@pytest.mark.parametrize(
    ("energy", "coal", "expected"),
    [
        (
            "{electricity_kwh: 1000, raw_coal_t: 10, feedstock: {raw_coal_t: 20}}",
            "",
            ":3: energy.feedstock.raw_coal_t: 原料用能 20 超过消费量 energy.raw_coal_t 10",
        ),
        (
            "{electricity_kwh: 1000, raw_coal_t: 10, feedstock: {electricity_kwh: 5}}",
            "",
            ":3: energy.feedstock.electricity_kwh: electricity 不能作为原料用能: 只在 energy.electricity_kwh 下申报",
        ),
        (
            "{electricity_kwh: 1000, raw_coal_t: 10}",
            "coal: {fuel_coal_t: 3}\n",
            ":4: coal.fuel_coal_t: 燃料煤 3 与能源平衡中燃烧的煤量不符(energy.raw_coal_t 扣除原料用能 = 10)",
        ),
    ],
)
def test_a_contradiction_in_the_file_is_one_chinese_line_naming_file_key_and_line(tmp_path, energy, coal, expected):
    path = tmp_path / "p.yaml"
    path.write_text(
        "format: 1\n"
        "project: {id: NM-2025-0001, name: 测试, applicant: 某公司, league_city: 鄂尔多斯市, "
        "construction_type: new, industry_code: C2613, investment_10k_yuan: 1000, commissioning_year: 2026}\n"
        f"energy: {energy}\n{coal}",
        encoding="utf-8",
    )
    result = invoke(check_main, [str(path)], CHINESE)
    assert result.exit_code == 2
    assert result.stderr == f"错误: {path}{expected}\n"
