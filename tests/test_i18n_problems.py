"""The library's problem lines (English, the catalogue's keys) read in Chinese under `--lang zh`:
every word of prose is translated, the names (files, key paths, keys, values, rule ids, technical
tokens such as U+202E) are kept as written.

And ids and references refuse invisible formatting characters (Unicode category Cf): an id that
looks the same on screen as the register's must be the same id.
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from checker.cli import i18n
from checker.cli.app import check_main, checker_main
from tests.support import REPO

CHINESE = {"LC_MESSAGES": None, "LC_ALL": None, "LANG": None}
CJK = re.compile(r"[\u4e00-\u9fff]")

# the lines as the library writes them (`str(Problem)`), each with English prose to translate
ENGLISH_LINES = [
    # reading the file (checker/input/source.py)
    "a.yaml:7: the file is UTF-8 except here (byte 0xFF cannot be decoded): save the file as UTF-8",
    "a.yaml:6: the file is neither UTF-8 nor GBK/GB18030 (byte 0xE9 cannot be decoded): save the file as UTF-8",
    "a.yaml:1: the file starts as UTF-8 but is not (byte 0xC3 cannot be decoded): save the file as UTF-8",
    "a.yaml: the file starts as UTF-16 but is not: save it as UTF-8",
    "a.yaml: this is a binary file, not a YAML text file: a project is described in a text file (project.yaml)",
    "a.yaml: this is a ZIP archive (an Excel .xlsx or Word .docx file?), not a YAML text file: "
    "a project is described in a text file (project.yaml)",
    "a.yaml: this is an old Office file (Excel .xls or Word .doc?), not a YAML text file: "
    "a project is described in a text file (project.yaml)",
    "a.yaml: this is a PDF, not a YAML text file: a project is described in a text file (project.yaml)",
    "a.yaml: this is a 7-Zip archive, not a YAML text file: a project is described in a text file (project.yaml)",
    "a.yaml: the file is larger than the limit of 1048576 bytes (a project file is a few KB; --max-bytes raises "
    "the limit)",
    "a.yaml:7: column 15: the control character U+001B is not allowed in YAML",
    "a.yaml:7: project.applicant: the control or formatting character U+202E is not allowed in text: remove it",
    "a.yaml:33: land.area_ha: the tag !!binary is not allowed (plain values only; write the value without a tag, "
    "or quote it to keep it as text)",
    "a.yaml:2: project: the tag !!python/object/apply:os.system is not allowed (plain values only; write the value "
    "without a tag)",
    "a.yaml:42: f[0]: the document holds more than 100000 values (too large, or too many aliases): refused",
    "a.yaml:37: a second YAML document starts here (---): a file holds one project",
    "a.yaml: the YAML stream ends inside its document",
    "a.yaml:2: project: the alias *p names no anchor defined before it",
    "a.yaml:78: k0.k1: nesting deeper than 40 levels: refused",
    "a.yaml:4: project: a key must be a plain name, not a list, a mapping or an alias",
    "a.yaml:34: land: merge keys (<<) are not supported",
    "a.yaml:1: the top level must be a mapping of keys, got a list",
    "a.yaml:1: the top level must be a mapping of keys, got 'hello'",
    "a.yaml: cannot read the file: Too many levels of symbolic links",
    "a.yaml: cannot read the file: Not a directory",
    "a: cannot list the folder: Permission denied",
    # libyaml's words for a syntax error, and the hints after them
    "a.yaml:6: YAML syntax error, column 4: did not find expected key",
    "a.yaml:34: YAML syntax error, column 21: did not find expected ',' or ']'",
    "a.yaml:3: YAML syntax error, column 7: did not find expected ',' or '}'",
    "a.yaml:3: YAML syntax error, column 7: did not find expected comment or line break",
    "a.yaml:3: YAML syntax error, column 7: did not find expected '-' indicator",
    "a.yaml:3: YAML syntax error, column 7: did not find expected node content",
    "a.yaml:37: YAML syntax error, column 1003: exceeded maximum nesting depth",
    "a.yaml:18: YAML syntax error, column 18: found invalid Unicode character escape code",
    "a.yaml:3: YAML syntax error, column 7: found unknown escape character",
    "a.yaml:3: YAML syntax error, column 7: mapping values are not allowed in this context",
    "a.yaml:3: YAML syntax error, column 7: block sequence entries are not allowed in this context",
    "a.yaml:3: YAML syntax error, column 7: found unexpected end of stream",
    "a.yaml:3: YAML syntax error, column 7: found undefined tag handle",
    "a.yaml:6: YAML syntax error, column 1: found a tab character that violates indentation "
    "(line 6 is indented with a tab; indent with spaces)",
    "a.yaml:3: YAML syntax error, column 1: found character that cannot start any token "
    "(line 3 is indented with a tab; indent with spaces)",
    "a.yaml:7: YAML syntax error, column 3: could not find expected ':' "
    "(line 6 has a full-width colon ：; YAML needs : followed by a space)",
    # values (checker/project/model.py, checker/input/validation.py)
    "a.yaml:6: project.name: must be one line, got a line break (write it on one line, or fold it with >)",
    "a.yaml:5: project.id: the invisible character U+200B is not allowed in an id or reference: remove it",
    "a.yaml:3: format: must be 1, got '01' (did you mean 1?)",
    "a.yaml:3: format: must be 1, got true",
    "a.yaml:10: project.construction_type: must be one of 'new', 'expansion', 'renovation' or 'relocation', "
    "got 'New' (did you mean new?)",
    "a.yaml:9: project.industry_code: must be an industry code such as C2613 (a letter A-T and 2 to 4 digits), "
    "got 'i6450' (did you mean I6450?)",
    "a.yaml:9: project.industry_code: C1000 is not a code of GB/T 4754-2017: section C holds divisions 13 to 43, "
    "not 10",
    "a.yaml:9: project.industry_code: T9999 is not a code of GB/T 4754-2017: section T holds only division 97, not 99",
    "a.yaml:34: waivers[0].rule: must be a rule id such as HE-001, got 'he-001' (did you mean HE-001?)",
    "a.yaml:8: project.league_city: unknown 盟市 'ｏｒｄｏｓ'; one of: 呼和浩特市, 包头市, 鄂尔多斯市, 阿拉善盟",
    "a.yaml:8: project.league_city: unknown 盟市 '鄂尔多斯' (did you mean 鄂尔多斯市?); one of: 呼和浩特市, 鄂尔多斯市",
    "a.yaml:13: project.products[0].product: unknown product key 'calcium_carbid' (did you mean calcium_carbide?)",
    "a.yaml:3: waivers: must be a list, got nothing (null)",
    "a.yaml:2: parameters: must be a mapping of keys, got a mapping",
    "a.yaml:9: waivers[0].expires: must be a date YYYY-MM-DD, got none",
    "a.yaml:9: waivers[0].expires: must be a date YYYY-MM-DD, got 20301231 (write 2030-12-31)",
    "a.yaml:9: waivers[0].expires: must be a date YYYY-MM-DD, got 2030-12-31 23:59:59+08:00 (write the date alone)",
    "a.yaml:9: waivers[0].expires: must be a date YYYY-MM-DD, got 1.5 (a number is not a date)",
    # the hints for numbers and yes/no values (checker/input/hints.py)
    "a.yaml:23: water.fresh_water_m3: must be a number, got true (true/false is not a number)",
    "a.yaml:12: project.investment_10k_yuan: must be a number, got '十五万' (write it in digits, as 1000000 for "
    "一百万, in the unit the key's name gives)",
    "a.yaml:12: project.investment_10k_yuan: must be a number, got '１２３' (write 123, in half-width digits)",
    "a.yaml:12: project.investment_10k_yuan: must be a number, got '１,０００' (write 1000, without thousands "
    "separators, in half-width characters)",
    "a.yaml:12: project.investment_10k_yuan: must be a number, got '0150000' (write 150000: digits with a leading "
    "zero are text)",
    "a.yaml:29: energy.renewable_electricity_share: must be a number, got '20%' (percentages are written as "
    "fractions: write 0.2)",
    "a.yaml:12: project.investment_10k_yuan: must be a number, got '1,000' (write 1000, without thousands separators)",
    "a.yaml:12: project.investment_10k_yuan: must be a number, got '1 000' (write 1000, without spaces inside "
    "the number)",
    "a.yaml:12: project.investment_10k_yuan: must be a number, got '15万' (write digits: 15万 is 150000 in the unit "
    "the key's name gives)",
    "a.yaml:29: energy.capacity_replacement_ratio: must be a number, got '1:1.25' (write one number; a figure with "
    "':' is text, so a ratio is written as its decimal)",
    "a.yaml:27: land.area_ha: must be a number, got '26 ha' (write the number alone: the unit is part of the key's "
    "name)",
    "a.yaml:35: land.in_industrial_park: must be true or false, got 'yes' (write true or false: yes is text, not a "
    "yes/no answer)",
    "a.yaml:35: land.in_industrial_park: must be true or false, got '是' (write true or false: 是 is text, not a "
    "yes/no answer)",
    # policy files (checker/rules/parameters.py)
    "p.yaml:4: parameters.water_permit_threshold_m3: dated values overlap",
    "p.yaml:5: parameters.water_permit_threshold_m3[0]: `to` is before `from`",
    "p.yaml:6: parameters.water_permit_threshold_m3[1]: must be a dated value like the others: a mapping with "
    "`from` and `value`",
    "p.yaml:4: parameters.product_benchmark_level_kgce: must be a mapping of product key to number",
    "p.yaml:4: parameters.product_benchmark_level_kgce.calcium_carbid: unknown product key (did you mean "
    "calcium_carbide?)",
    "p.yaml:4: parameters.product_benchmark_level_kgce.calcium_carbide: must be a finite number >= 0, got -1",
    "p.yaml:4: parameters.restricted_products: must be a list of names",
    "p.yaml:4: parameters.restricted_products: unknown product keys: calcium_carbid (did you mean calcium_carbide?)",
    # the waiver register and the claims (checker/verdict/waivers.py, checker/check.py)
    "r.yaml:5: waivers[0].rule: names unknown rule XX-999 (no rule family XX; the families are CB, CO, EC, HE)",
    "r.yaml:5: waivers[0].rule: names unknown rule HE-010 (the HE rules are HE-001, HE-002, HE-003, HE-004)",
    "r.yaml:5: waivers[0].rule: LA-001 cannot be waived: it is a red line of the plan (waivable: false in its "
    "rule data)",
    "r.yaml:11: waivers[1].rule: a second entry for project NM-2025-0042 and rule EC-003 (the first is "
    "waivers[0], line 4)",
    "r.yaml:11: waivers[1].rule: a second entry for project NM-2025-0042 and rule EC-003 (the first is waivers[0])",
    "a.yaml:38: waivers[1].rule: a second waiver for HE-001",
]

# what may stay in Latin letters in a Chinese line: names and technical tokens
ALLOWED = {"true", "false", "null", "gzip", "xlsx", "docx", "xls", "doc", "yaml", "yml", "ha", "Excel", "Word"}
ALLOWED |= {"Unicode", "Office", "Zip", "waivable", "to", "from"}


def leftover_english(line: str) -> list[str]:
    """The words of English prose left in `line`: what remains once the names are taken out."""
    prose = re.sub(r"^\S+?:(\d+:)? ([^\s:]+: )?", "", line)  # the file, line and key path
    prose = re.sub(r"(did you mean|是否要写) [^?]+\?", "", prose)  # the name proposed
    prose = re.sub(r"'[^']*'|“[^”]*”|`[^`]*`", "", prose)  # values as written, keys named in backquotes
    prose = re.sub(r"U\+[0-9A-F]{4,6}|0x[0-9A-F]{2}|--[\w-]+|!!?[\w/:.]+|\*\w+", "", prose)
    prose = re.sub(r"[\w\[\]*]*[._][\w.\[\]]*|\w+\[\d+\]", "", prose)  # key paths, key and file names
    prose = re.sub(r"\b[A-Z][A-Z0-9-]*\b", "", prose)  # codes and abbreviations: YAML, UTF, HE-001, YYYY
    return [w for w in re.findall(r"[A-Za-z]{2,}", prose) if w not in ALLOWED]


@pytest.mark.parametrize("english", ENGLISH_LINES)
def test_a_problem_line_reads_in_chinese_with_its_names_kept(english):
    assert leftover_english(english), "the line has English prose to begin with"
    chinese = i18n.problem(english, "zh")
    assert CJK.search(chinese)
    assert leftover_english(chinese) == [], chinese
    assert i18n.problem(english, "en") == english
    assert chinese.split(":", 1)[0] == english.split(":", 1)[0]  # the file stays as it is


@pytest.mark.parametrize(
    "english, chinese",
    [
        (
            "a.yaml:10: project.construction_type: must be one of 'new', 'expansion', 'renovation' or "
            "'relocation', got 'New' (did you mean new?)",
            "a.yaml:10: project.construction_type: 须为 'new', 'expansion', 'renovation' 或 'relocation' 之一,"
            "实际为 'New' (是否要写 new?)",
        ),
        (
            "a.yaml:8: project.league_city: unknown 盟市 '鄂尔多斯' (did you mean 鄂尔多斯市?); "
            "one of: 包头市, 鄂尔多斯市",
            "a.yaml:8: project.league_city: 没有这个盟市 '鄂尔多斯' (是否要写 鄂尔多斯市?);可选: 包头市, 鄂尔多斯市",
        ),
        (
            "a.yaml:9: project.industry_code: C1000 is not a code of GB/T 4754-2017: section C holds divisions 13 "
            "to 43, not 10",
            "a.yaml:9: project.industry_code: C1000 不是 GB/T 4754-2017 的行业代码: "
            "门类 C 只含大类 13 至 43,没有大类 10",
        ),
        (
            "a.yaml:34: land: merge keys (<<) are not supported",
            "a.yaml:34: land: 不支持合并键(<<)",
        ),
        (
            "a.yaml: cannot read the file: Too many levels of symbolic links",
            "a.yaml: 无法读取文件: 符号链接层数过多(链接可能形成了循环)",
        ),
        (
            "a.yaml:5: project.id: the invisible character U+200B is not allowed in an id or reference: remove it",
            "a.yaml:5: project.id: 编号或引用中不允许使用不可见字符 U+200B: 请删除它",
        ),
    ],
)
def test_the_translation_keeps_names_values_and_choices(english, chinese):
    assert i18n.problem(english, "zh") == chinese


# the command line's own refusals (not located in a project file): each read whole in Chinese
COMMAND_LINES = [
    (
        "check date 2019-01-01 is before the period of the rules' plan, 《纲要》 (2021-01-01 to 2025-12-31); "
        "choose an --as-of date within or after it",
        "审查日期 2019-01-01 早于规则所依据规划《纲要》的期间(2021-01-01 至 2025-12-31);"
        "请选择该期间内或之后的 --as-of 日期",
    ),
    (
        "parameter co2_factor_coke has no value in force on 2019-01-01; choose another --as-of date or set it in a "
        "--params file",
        "参数 co2_factor_coke 在 2019-01-01 没有现行取值;请另选 --as-of 日期,或在 --params 文件中设定",
    ),
    (
        "cannot write to standard output: the reading end was closed (broken pipe)",
        "无法写入标准输出: 读取端已关闭(管道断开)",
    ),
    ("cannot write to standard output: No space left on device", "无法写入标准输出: 磁盘空间不足"),
    ("cannot write to standard output: it is closed", "无法写入标准输出: 已关闭"),
    (
        "cannot tell the report format from '/tmp/x.foo': use one of the extensions .csv, .html, .xml or give --format",
        "无法从 '/tmp/x.foo' 判断报告格式: 请使用扩展名 .csv, .html, .xml 之一,或给出 --format",
    ),
    (
        "/tmp/pack.yaml: no such file: a pack folder needs a pack.yaml",
        "/tmp/pack.yaml: 文件不存在: 规则包文件夹中须有 pack.yaml",
    ),
    ("/nonexist: no such pack folder", "/nonexist: 规则包文件夹不存在"),
    ("no ledger at none.db", "台账 none.db 不存在"),
    ("b.yaml: the file changed while it was being compared", "b.yaml: 文件在比较期间被修改"),
]


@pytest.mark.parametrize("english, chinese", COMMAND_LINES)
def test_a_command_line_refusal_reads_in_chinese(english, chinese):
    assert i18n.problem(english, "zh") == chinese
    assert leftover_english(chinese) == []
    assert i18n.problem(english, "en") == english


@pytest.mark.parametrize("command", [["params"], ["rules"], ["explain", "HE-001"]])
def test_a_date_before_the_plan_is_refused_for_that_reason_by_every_command(command):
    result = CliRunner().invoke(checker_main, [*command, "--as-of", "2019-01-01"], env=CHINESE)
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("错误: 审查日期 2019-01-01 早于规则所依据规划《"), line


def test_a_file_name_that_looks_like_prose_is_not_translated():
    line = "the tag !!int is not allowed.yaml:3: project.name: must not be empty"
    assert i18n.problem(line, "zh").endswith(": 不得为空")


def test_click_names_the_kind_of_path_in_chinese(tmp_path):
    result = CliRunner().invoke(check_main, [str(REPO / "projects"), "--output", str(tmp_path)], env=CHINESE)
    assert result.exit_code == 2
    assert result.stderr.rstrip("\n") == f"错误: '--output' / '-o' 的取值无效: 文件 '{tmp_path}' 是文件夹 (参见 --help)"


# --- ids and references refuse invisible formatting characters (Unicode category Cf) ---------------

PROJECT = """\
format: 1
project:
  id: NM-2025-0042
  name: 某公司 年产 30万吨 电石项目
  league_city: 鄂尔多斯市
  construction_type: new
  products:
    - product: calcium_carbide
      capacity: 300000
energy:
  electricity_kwh: 1.2e9
water:
  water_permit: 内水许字〔2025〕第1号
"""

REGISTER = """\
format: 1
authority: 自治区能源局
waivers:
  - project: NM-2025-0042
    rule: EC-003
    reason: 已论证
    approved_by: 自治区能源局
    document: 内能字〔2025〕第88号
    expires: 2030-12-31
"""

CLAIM = """\
waivers:
  - rule: EC-003
    reason: 已论证
    approved_by: 自治区能源局
    document: 内能字〔2025〕第88号
"""


def run(tmp_path, project: str, register: str | None = None, lang: str = "zh"):
    path = tmp_path / "project.yaml"
    path.write_text(project, encoding="utf-8")
    args = [str(path), "--lang", lang, "--as-of", "2025-06-01"]
    if register is not None:
        (tmp_path / "register.yaml").write_text(register, encoding="utf-8")
        args += ["--waivers", str(tmp_path / "register.yaml")]
    return CliRunner().invoke(check_main, args, env=CHINESE)


@pytest.mark.parametrize("char", ["\u200b", "\u200e", "\u200f", "\ufeff", "\u2060", "\u00ad", "\U000e0041"])
def test_an_invisible_character_in_the_project_id_is_refused_where_it_is(tmp_path, char):
    escaped = f"\\U{ord(char):08X}" if ord(char) > 0xFFFF else f"\\u{ord(char):04X}"
    result = run(tmp_path, PROJECT.replace("id: NM-2025-0042", f'id: "NM-2025-0042{escaped}"'), REGISTER)
    assert result.exit_code == 2
    assert result.stdout == ""
    code = f"U+{ord(char):04X}"
    assert (
        result.stderr
        == f"错误: {tmp_path / 'project.yaml'}:3: project.id: 编号或引用中不允许使用不可见字符 {code}: 请删除它\n"
    )
    english = run(tmp_path, PROJECT.replace("id: NM-2025-0042", f'id: "NM-2025-0042{escaped}"'), lang="en")
    assert english.stderr == (
        f"error: {tmp_path / 'project.yaml'}:3: project.id: the invisible character {code} is not allowed in "
        "an id or reference: remove it\n"
    )


def test_an_invisible_character_written_as_it_is_is_refused_too(tmp_path):
    result = run(tmp_path, PROJECT.replace("id: NM-2025-0042", "id: NM-2025\u200b-0042"))
    assert result.exit_code == 2
    assert "project.id: 编号或引用中不允许使用不可见字符 U+200B" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "old, new, where",
    [
        ("  - project: NM-2025-0042", '  - project: "NM-2025-0042\\u200B"', ":4: waivers[0].project:"),
        ("    approved_by: 自治区能源局", '    approved_by: "自治区\\u200D能源局"', ":7: waivers[0].approved_by:"),
        (
            "    document: 内能字〔2025〕第88号",
            '    document: "\\uFEFF内能字〔2025〕第88号"',
            ":8: waivers[0].document:",
        ),
    ],
)
def test_the_register_s_references_refuse_invisible_characters(tmp_path, old, new, where):
    result = run(tmp_path, PROJECT, REGISTER.replace(old, new))
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"错误: {tmp_path / 'register.yaml'}{where} 编号或引用中不允许使用不可见字符 U+")


@pytest.mark.parametrize(
    "old, new, where",
    [
        (
            "  water_permit: 内水许字〔2025〕第1号",
            '  water_permit: "内水许字\\u200B〔2025〕第1号"',
            ":13: water.water_permit:",
        ),
        ("    approved_by: 自治区能源局", '    approved_by: "自治区能源局\\u2060"', ":17: waivers[0].approved_by:"),
        (
            "    document: 内能字〔2025〕第88号",
            '    document: "内能字\\u200E〔2025〕第88号"',
            ":18: waivers[0].document:",
        ),
    ],
)
def test_the_project_s_documents_and_claims_refuse_invisible_characters(tmp_path, old, new, where):
    result = run(tmp_path, (PROJECT + CLAIM).replace(old, new))
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"错误: {tmp_path / 'project.yaml'}{where} 编号或引用中不允许使用不可见字符 U+")


def test_names_and_reasons_keep_their_spaces_and_emoji(tmp_path):
    project = PROJECT.replace(
        "  name: 某公司 年产 30万吨 电石项目", '  name: "某公司 年产 30万吨 电石项目 \\U0001F468\\u200D\\U0001F527"'
    )
    result = run(tmp_path, project + CLAIM.replace("reason: 已论证", "reason: 已 论证\u3000完毕"), REGISTER)
    assert result.exit_code in (0, 1, 3, 4), result.stderr
    assert result.stderr == ""


def test_mongolian_script_keeps_the_format_characters_it_spells_with(tmp_path):
    """U+180E (the Mongolian vowel separator) and U+200D inside a Mongolian word are letters of
    it, not hidden characters: an authority named in Mongolian script is taken."""
    mongolian = "ᠥᠪᠦᠷ ᠮᠣᠩᠭᠣᠯ ᠤᠨ ᠬᠠᠳ\u180eᠠ 自治区能源局"
    result = run(tmp_path, PROJECT, REGISTER.replace("approved_by: 自治区能源局", f'approved_by: "{mongolian}"'))
    assert result.exit_code != 2, result.output
    joined = "ᠮᠣᠩ\u200dᠭᠣᠯ"
    result = run(tmp_path, PROJECT, REGISTER.replace("approved_by: 自治区能源局", f'approved_by: "{joined}"'))
    assert result.exit_code != 2, result.output
