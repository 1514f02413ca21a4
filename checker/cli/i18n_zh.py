"""The Chinese catalogue of the command line: help texts, click's own words, usage and error lines.

Keys are the English texts as written in the code (gettext's convention), so an English run needs
no catalogue at all; `tests/test_i18n.py` fails when a help text or message has no entry here.
"""

from __future__ import annotations

# fmt: off
# (the catalogue keeps each English key above its Chinese text, as gettext files do)

# click's own words (its gettext message ids)
CLICK: dict[str, str] = {
    "Usage:": "用法:",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "位置参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s,版本 %(version)s",
    "Aborted!": "已中止!",
    "Missing command.": "缺少命令",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数: {param_name}",
    "argument": "参数",
    "option": "选项",
    "parameter": "参数",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Did you mean {possibility}?": "是否要用 {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(是否要用其中之一: {possibilities}?)",
    "Error: {message}": "错误: {message}",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "Invalid value: {message}": "取值无效: {message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效: {message}",
    "unknown error": "未知错误",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}: {message}",
    "Got unexpected extra argument ({args})": "多余的参数 ({args})",
    "Got unexpected extra arguments ({args})": "多余的参数 ({args})",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个取值",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个取值",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受取值",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个取值",
    "Invalid start character for option ({option})": "选项的起始字符无效 ({option})",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}",
    "{value!r} is not one of {choices}.": "{value!r} 不是 {choices} 之一",
    "Choose from:\n\t{choices}": "可选:\n\t{choices}",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}",
    "integer": "整数",
    "float": "数",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} 不是有效的布尔值。可用的取值: {states}",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写",
    "default: {default}": "默认: {default}",
    "env var: {var}": "环境变量: {var}",
    "(dynamic)": "(动态)",
    "deprecated": "已弃用",
}

# the checker's own words: option help, usage and error lines
MESSAGES: dict[str, str] = {
    **CLICK,
    "Language of the text listing. Default: Chinese, or English in an English locale.":
        "文本列表的语言。默认为中文,英文语言环境下为英文。",
    "Language of the titles and descriptions. Default: Chinese, or English in an English locale.":
        "字段标题和说明的语言。默认为中文,英文语言环境下为英文。",
    ("Text format: the full report (facts read, parameters compared, plan basis, audit) instead of the "
     "verdict and what needs attention."):
        "文本格式: 输出完整报告(读取的事实、比较的参数、规划依据、审计信息),而非只列审查结论和需要处理的事项。",
    ("Colour the text report's statuses. auto: only on a terminal, and not when NO_COLOR is set; never "
     "in an --output file."):
        "文本报告中的状态用颜色标出。auto: 仅在终端上且未设置 NO_COLOR 时;写入 --output 文件时从不使用颜色。",
    "A rule pack (a folder with pack.yaml) to use instead of the shipped rules (nm-14th-fyp).":
        "使用的规则包(含 pack.yaml 的文件夹),代替随附规则(nm-14th-fyp)。",
    "FAIL {rule} {case}: {problem}  ({path})": "未通过 {rule} {case}: {problem}  ({path})",
    "{name} {version}: {passed} passed, {failed} failed ({cases} cases of {rules} rules)":
        "{name} {version}: 通过 {passed} 个,未通过 {failed} 个(共 {rules} 条规则的 {cases} 个用例)",
    "{path}: already exists and is not an empty folder; choose a new one":
        "{path}: 已存在且不是空文件夹,请另选一个",
    "created the rule pack {path} ({count} files):": "已创建规则包 {path}({count} 个文件):",
    "next: checker test {path}": "下一步: checker test {path}",
    "[OPTIONS]": "[选项]",
    "PATH...": "路径...",
    "PATHS...": "路径...",
    "COMMAND [ARGS]...": "命令 [参数]...",
    "LEDGER": "台账",
    "[PROJECT_ID]": "[项目编号]",
    "RULE": "规则编号",
    "[PATH]": "[路径]",
    "DIRECTORY": "文件夹",
    "[DIR]": "[文件夹]",
    "error: {message} (see --help)": "错误: {message} (参见 --help)",
    "error: {message}": "错误: {message}",
    "error: ... and {more} more problems (fix the ones above first)":
        "错误: ……另有 {more} 个问题(请先改正以上各项)",
    "internal error: {kind}: {detail}": "内部错误: {kind}: {detail}",
    "This is a bug in the checker; please report it with the input file "
    "(run again with --debug for the details).":
        "这是检查器的缺陷,请连同输入文件一并报告(加 --debug 重新运行可看到详细信息)。",
    "{value} is not a date YYYY-MM-DD": "{value} 不是 YYYY-MM-DD 格式的日期",
    "--format {fmt} is for one project; for several use text, json, jsonl or csv":
        "--format {fmt} 只用于单个项目;多个项目请用 text、json、jsonl 或 csv",
    "--output takes one project; for several, redirect the output (> file)":
        "--output 只用于单个项目;多个项目请重定向输出(> 文件)",
    "{path}: not recorded in the ledger: {reason}": "{path}: 未记入台账: {reason}",
    # option help
    "Report format. Default: from the --output extension, else text. For several projects: text, "
    "json (one line per project), jsonl (one compact line per project: static texts by reference), "
    "csv (one row per project), sarif (one run), junit (one testsuite per project), html or markdown "
    "(one document with a table of contents) or github (workflow annotations).":
        "报告格式。默认按 --output 的扩展名,否则为 text。多个项目时: text、json(每个项目一行)、"
        "jsonl(每个项目一行紧凑记录,静态文本按引用给出)、csv(每个项目一行)、sarif(一次运行)、"
        "junit(每个项目一个 testsuite)、html 或 markdown(一份带目录的文档)或 github(工作流注释)。",
    "Which verdicts make the exit code non-zero: rejected (1) only; review adds needs review (3); warn "
    "adds approved with warnings (4).":
        "哪些审查结论使退出码非零: rejected 仅不予通过(1);review 另加需人工复核(3);"
        "warn 再加附警告通过(4)。",
    "Write the report to FILE (atomically) instead of standard output.":
        "将报告写入文件 FILE(原子写入),而不是标准输出。",
    "Append the verdict to a ledger: a SQLite file path or a postgresql:// URL.":
        "将审查结论追加到台账: SQLite 文件路径或 postgresql:// 地址。",
    "Worker processes for several projects (at most 64). Default: the number of cores; "
    "1 checks them in this process.":
        "多个项目并行审查的进程数(至多 64)。默认为处理器核数;1 表示在本进程内逐个审查。",
    "Refuse input files larger than this (at most 1 GiB).":
        "拒绝大于此字节数的输入文件(至多 1 GiB)。",
    "The review authority's waiver register (format 1). Only its entries waive; a waiver written "
    "in the project file is a claim that a person must verify.":
        "审查机关的豁免登记册(格式 1)。只有登记册中的条目才构成豁免;项目文件中写明的豁免只是"
        "申报,须由审查人员核实。",
    "Check date: picks the parameters in force and expires waivers. Default: today.":
        "审查日期: 据此选用现行参数、判定豁免是否过期。默认为今天。",
    "A review authority's policy file overriding parameter values.":
        "审查机关的政策文件,用以覆盖参数取值。",
    "Language of the report and messages. Default: from the locale (LANG, LC_ALL; en_* English), "
    "else Chinese.":
        "报告和提示信息的语言。默认按区域设置(LANG、LC_ALL;en_* 为英文),否则为中文。",
    "Language of the text output and messages. Default: from the locale (LANG, LC_ALL; "
    "en_* English), else Chinese.":
        "文本输出和提示信息的语言。默认按区域设置(LANG、LC_ALL;en_* 为英文),否则为中文。",
    "Show a traceback on internal errors.": "发生内部错误时显示调用栈。",
    "The rules engine: durable (durable_rules) or reference (the pure-Python reference evaluator). "
    "Both give the same findings.":
        "规则引擎: durable(durable_rules)或 reference(纯 Python 参考求值器)。两者给出相同的审查结果。",
    "The policy file to try (default: the shipped parameters).":
        "要试算的政策文件(默认: 随附参数)。",
    "The policy file to compare against (default: the shipped parameters).":
        "作为比较基准的政策文件(默认: 随附参数)。",
    "Check date of the new side. Default: today.": "新方案的审查日期。默认为今天。",
    "Check date of the base side. Default: the --as-of date.": "基准方的审查日期。默认同 --as-of。",
    "The review authority's waiver register, for both sides (its decisions are not the policy "
    "being tried).":
        "审查机关的豁免登记册,两方共用(其决定不属于试算的政策)。",
    "A different register for the base side (default: the --waivers register).":
        "基准方另用的豁免登记册(默认: --waivers 指定的登记册)。",
    "Worker processes (at most 64). Default: the number of cores; 1 checks in this process.":
        "并行进程数(至多 64)。默认为处理器核数;1 表示在本进程内审查。",
    "Output format.": "输出格式。",
    "Show the parameter values in force on this date. Default: today.":
        "显示该日期现行的参数取值。默认为今天。",
    "Re-run only entry N (the chain up to it is still checked).":
        "只重新运行第 N 条记录(其之前的哈希链仍会核对)。",
    "The largest stored input to inflate and re-run (as check --max-bytes).":
        "解压并重新运行的已存输入的最大字节数(同 check --max-bytes)。",
    # init
    "wrote {path}": "已写入 {path}",
    # diff
    "warning: {path}: could not be checked": "警告: {path}: 无法审查",
    "nothing to compare: give --params, --base-params, --base-as-of or --base-waivers":
        "没有可比较的内容: 请给出 --params、--base-params、--base-as-of 或 --base-waivers",
    "{path}: no such file or folder (nothing to compare)": "{path}: 文件或文件夹不存在(没有可比较的内容)",
    # history
    "no entry for project {project} in {ledger}": "台账 {ledger} 中没有项目 {project} 的记录",
    "first entry": "首次记录",
    "nothing changed": "无变化",
    "changed: {what}": "变化: {what}",
    "  #{seq} {at} as of {as_of}: {verdict} — {since} [input {input}, ruleset {ruleset}, "
    "parameters {params}]":
        "  #{seq} {at} 审查日期 {as_of}: {verdict} — {since} [输入 {input}, 规则集 {ruleset}, "
        "参数 {params}]",
    "input": "输入文件",
    "ruleset": "规则集",
    "parameters": "参数",
    "verdict": "审查结论",
    "check date": "审查日期",
    "waiver register": "豁免登记册",
    # serve
    "The address to listen on.": "监听的地址。",
    "The port to listen on.": "监听的端口。",
    "Require this token (Authorization: Bearer T, or the page's sign-in) on every page and API call; "
    "also read from CHECKER_TOKEN. Required to listen on any address other than loopback.":
        "每个页面和 API 调用都须提供此令牌(Authorization: Bearer T,或在页面登录);"
        "也可由环境变量 CHECKER_TOKEN 给出。监听本机回环以外的地址时必须设置。",
    "Append every verdict to a ledger (a SQLite file path or a postgresql:// URL); "
    "enables the ledger's history and verification.":
        "将每次审查结论追加到审查台账(SQLite 文件路径或 postgresql:// 地址);并提供台账的历史查询和校验。",
    "Worker processes that run the checks (at most 64). Default: the number of cores.":
        "执行审查的工作进程数(最多 64 个)。默认: CPU 核数。",
    "Refuse project files larger than this with 413 (at most 1 GiB).":
        "拒绝大于此字节数的项目文件(HTTP 413;最大 1 GiB)。",
    "Seconds one check may take before the request is answered 503.":
        "单次审查允许的秒数,超时则以 HTTP 503 答复。",
    "Allow browser calls from this origin (repeatable). Default: none, CORS is off.":
        "允许来自该源的浏览器跨域调用(可重复给出)。默认: 无,不开放跨域(CORS)。",
    "--token must be at least {n} characters": "--token 至少须有 {n} 个字符",
    "refusing to listen on {host} without --token: only loopback is served without one":
        "未设置 --token,拒绝监听 {host}: 没有令牌时只在本机回环地址上提供服务",
    "checker serve needs the serve extra: pip install 'nm-project-checker[serve]'":
        "checker serve 需要安装 serve 附加组件: pip install 'nm-project-checker[serve]'",
    "cannot listen on {host}:{port}: {reason}": "无法监听 {host}:{port}: {reason}",
    "serving on http://{host}:{port}/ (Ctrl-C stops)": "正在提供服务 http://{host}:{port}/(Ctrl-C 停止)",
}

# each command's help (its docstring), by command name
COMMAND_HELP: dict[str, str] = {
    "test": """运行规则包中每条规则的全部用例(默认: 随附规则包 nm-14th-fyp)。

每个用例是规则 cases/ 文件夹中的一个文件: 基础项目、改动的键、规则应得的状态,
以及(可选)结论说明中应出现的文字。

\b
示例:
  checker test
  checker test examples/packs/ordos-local

\b
退出码: 0 全部用例通过,1 有用例未通过(每个一行,写明规则和用例),
2 规则包有误(写明文件、键路径和行号)。
""",
    "pack": """规则包: 审查机关自己的规则、参数和用例。
""",
    "pack init": """在 文件夹 中创建一个扩展随附规则包的规则包,内含一条示例规则。

文件带中文注释,docs/rule-packs.md 有说明。文件夹 须不存在或为空。
之后: checker test 文件夹 ,以及 check project.yaml --rules 文件夹 。

\b
示例:
  checker pack init 鄂尔多斯-审查规则
""",
    "check": """按规划的规则审查项目申报文件(project.yaml)。

每个 路径 是一个项目文件或一个文件夹(递归查找其中的 *.yaml 和 *.yml 文件)。
多个项目并行审查,结果按输入顺序输出,文本格式最后附汇总。无法读取的文件会被报告,
批量审查继续进行。

\b
示例:
  check projects/ordos-calcium-carbide.yaml
  check projects/hohhot-data-centre.yaml --format json --as-of 2022-06-01
  check project.yaml --params policy.yaml --lang en
  check project.yaml --waivers register.yaml
  check project.yaml --output report.html   (格式取自扩展名:
    .txt .md .html .json .sarif .xml (JUnit) .csv)
  check applications/ --format csv > overview.csv

\b
退出码: 0 予以通过(含有警告的通过),1 不予通过,
3 需人工复核,2 输入或用法无效(或输出无法写入),
70 内部错误,130 被中断;加 --fail-on rejected 时需人工复核退出码为 0,
加 --fail-on warn 时附警告通过退出码为 4。
多个项目时取最严重者: 70,其次 2、1、3、4、0。
""",
    "checker": """合规检查器的配套工具: 规则、参数与报告。

审查项目请用 `check 路径`。
""",
    "rules": """列出每条规则: 编号、标题、类别、约束性、规划依据及现行参数。

\b
示例:
  checker rules
  checker rules --format markdown > docs/rules.md
  checker rules --format json --as-of 2022-06-01
""",
    "params": """列出现行参数: 取值、单位、施行日期、来源,以及每个数值的性质。

\b
示例:
  checker params
  checker params --as-of 2022-06-01
  checker params --params policy.yaml --format json
""",
    "explain": """显示一条规则的说明: 审查内容、依据、示例、参数和参考文件。

\b
示例:
  checker explain HE-001
  checker explain ec-001 --lang en --as-of 2022-06-01
  checker explain WA-002 --params policy.yaml   (取值来自政策文件)
""",
    "schema": """输出 project.yaml 的 JSON Schema(供编辑器和其他工具使用)。

每个字段带标题和说明(含单位)、各可选值的含义和示例;checker init 在新建的
project.yaml 旁写入同一文件。

\b
示例:
  checker schema > project.schema.json
  checker schema --lang en > project.schema.json
  checker schema --rules my-pack/   (规则包沿用随附的词表: 得到同一份 Schema)
""",
    "init": """将带注释的 project.yaml 模板(中文)写入 路径;从不覆盖已有文件。

同时在其旁边写入 project.schema.json(已存在则不写),供读取模板第一行
(`# yaml-language-server: $schema=project.schema.json`)的编辑器使用。

\b
示例:
  checker init
  checker init applications/2026-0001.yaml
""",
    "diff": """在另一套参数(或另一审查日期)下,哪些项目的审查结论或规则状态会改变。

路径 为项目文件或文件夹(递归查找 *.yaml 和 *.yml)。

\b
示例:
  checker diff projects/ --params tighter.yaml
  checker diff registry/ --params 2026.yaml --base-params 2025.yaml --format csv
  checker diff registry/ --as-of 2026-01-01 --base-as-of 2025-01-01
  checker diff registry/ --waivers register-2026.yaml --base-waivers register-2025.yaml

\b
退出码: 0 没有变化,1 有项目发生变化,2 输入或用法无效。
无法审查的文件列在报告中,不影响比较。
""",
    "verify": """核对审查台账的哈希链,并重新运行其中保存的输入。

台账 为 SQLite 文件路径或 postgresql:// 地址。每条记录按其记录时的规则集和参数重新审查;
审查结论和每条审查结果都须得到复现。

\b
退出码: 0 全部记录核对无误,1 有记录被篡改、重新运行结果不同或无法重新运行,
2 输入或用法无效(台账不存在、记录不存在)。
""",
    "history": """每个项目(或 项目编号)历次的审查结论,以及其间的变化。

对同一项目相邻的两条记录,指出变化所在: 输入文件、规则集、参数、审查日期或豁免登记册。
项目没有记录时退出码为 2。
""",
    "serve": """为浏览器和其他系统提供审查服务: 中文网页和 JSON API。

网页(可切换为英文)审查上传或粘贴的项目文件并显示报告,可按表单填写项目,并列出现行的规则和参数。
/api/v1/ 下的 API 对审查请求返回与命令行输出完全相同的字节;OpenAPI 描述见 /openapi.json。
审查在工作进程中运行。收到 SIGTERM 或 Ctrl-C 时,处理完正在进行的请求后停止服务。

\b
示例:
  checker serve
  checker serve --port 8080 -j 4 --record ledger.sqlite
  CHECKER_TOKEN=... checker serve --host 0.0.0.0

\b
退出码: 0 已停止,2 用法无效(未设置 --token 却监听回环以外的地址、
--params 文件有误、未安装 serve 附加组件)。
""",
}

# the library's problem lines, by pattern: the prose is translated, names and values are kept
PROBLEM_PATTERNS: tuple[tuple[str, str], ...] = (
    # reading the file: encodings, binaries, the YAML stream (checker/input/source.py)
    (r"the file is UTF-8 except here \(byte (0x[0-9A-Fa-f]{2}) cannot be decoded\): ",
     r"文件除此处外均为 UTF-8(字节 \1 无法解码): "),
    (r"the file is neither UTF-8 nor GBK/GB18030 \(byte (0x[0-9A-Fa-f]{2}) cannot be decoded\): ",
     r"文件既不是 UTF-8 也不是 GBK/GB18030 编码(字节 \1 无法解码): "),
    (r"the file starts as UTF-8 but is not \(byte (0x[0-9A-Fa-f]{2}) cannot be decoded\): ",
     r"文件开头是 UTF-8,其后却不是(字节 \1 无法解码): "),
    (r"the file starts as UTF-16 but is not: save it as UTF-8$", "文件开头是 UTF-16,其后却不是: 请另存为 UTF-8"),
    (r"this is a binary file, not a YAML text file: a project is described in a text file \(project\.yaml\)$",
     "这是二进制文件,不是 YAML 文本文件: 项目须写在文本文件(project.yaml)中"),
    (r"this is a ZIP archive \(an Excel \.xlsx or Word \.docx file\?\), not a YAML text file: "
     r"a project is described in a text file \(project\.yaml\)$",
     "这是 ZIP 压缩包(Excel .xlsx 或 Word .docx 文件?),不是 YAML 文本文件: 项目须写在文本文件(project.yaml)中"),
    (r"this is an old Office file \(Excel \.xls or Word \.doc\?\), not a YAML text file: "
     r"a project is described in a text file \(project\.yaml\)$",
     "这是旧版 Office 文件(Excel .xls 或 Word .doc?),不是 YAML 文本文件: 项目须写在文本文件(project.yaml)中"),
    (r"this is a (PDF), not a YAML text file: a project is described in a text file \(project\.yaml\)$",
     r"这是 \1 文件,不是 YAML 文本文件: 项目须写在文本文件(project.yaml)中"),
    (r"this is a (PNG|JPEG) image, not a YAML text file: a project is described in a text file \(project\.yaml\)$",
     r"这是 \1 图片,不是 YAML 文本文件: 项目须写在文本文件(project.yaml)中"),
    (r"this is a (gzip|RAR|7-Zip) archive, not a YAML text file: a project is described in a text file "
     r"\(project\.yaml\)$",
     r"这是 \1 压缩包,不是 YAML 文本文件: 项目须写在文本文件(project.yaml)中"),
    (r"the file is larger than the limit of (\d+) bytes \(a project file is a few KB; --max-bytes raises the limit\)$",
     r"文件大于 \1 字节的上限(项目文件通常只有几 KB;--max-bytes 可提高上限)"),
    (r"column (\d+): the control character (U\+[0-9A-F]{4,6}) is not allowed in YAML$",
     r"第 \1 列: YAML 中不允许使用控制字符 \2"),
    (r"the control or formatting character (U\+[0-9A-F]{4,6}) is not allowed in text: remove it$",
     r"文本中不允许使用控制字符或格式字符 \1: 请删除它"),
    (r"the invisible character (U\+[0-9A-F]{4,6}) is not allowed in an id or reference: remove it$",
     r"编号或引用中不允许使用不可见字符 \1: 请删除它"),
    (r"the tag (\S+) is not allowed \(plain values only; write the value without a tag, or quote it to keep it "
     r"as text\)$",
     r"不允许使用标签 \1(只接受普通取值: 请去掉标签,或加引号作为文本)"),
    (r"the tag (\S+) is not allowed \(plain values only; write the value without a tag\)$",
     r"不允许使用标签 \1(只接受普通取值: 请去掉标签)"),
    (r"the document holds more than (\d+) values \(too large, or too many aliases\): refused$",
     r"文档中的取值超过 \1 个(文件过大或别名过多): 拒绝读取"),
    (r"a second YAML document starts here \(---\): a file holds one project$",
     "此处开始了第二个 YAML 文档(---): 一个文件只写一个项目"),
    (r"the YAML stream ends inside its document$", "YAML 内容在文档中途结束"),
    (r"the alias \*(\S+) names no anchor defined before it$", r"别名 *\1 指向的锚点在此之前没有定义"),
    (r"nesting deeper than (\d+) levels: refused$", r"嵌套超过 \1 层: 拒绝读取"),
    (r"a key must be a plain name, not a list, a mapping or an alias$", "键须为普通名称,不能是列表、映射或别名"),
    (r"merge keys \(<<\) are not supported$", "不支持合并键(<<)"),
    (r"unexpected YAML structure$", "意外的 YAML 结构"),
    (r"the top level must be a mapping of keys, got ", "顶层须为键值映射,实际为 "),
    # values (checker/project/model.py, checker/input/validation.py, checker/rules/parameters.py)
    (r"must be one line, got a line break \(write it on one line, or fold it with >\)$",
     "须为一行,实际含有换行(请写在一行内,或用 > 折叠)"),
    (r"must be an industry code such as C2613 \(a letter A-T and 2 to 4 digits\), got ",
     "须为行业代码,如 C2613(一个字母 A-T 加 2 至 4 位数字),实际为 "),
    (r"(\S+) is not a code of GB/T 4754-2017: section ([A-T]) holds divisions (\d+) to (\d+), not (\d+)$",
     r"\1 不是 GB/T 4754-2017 的行业代码: 门类 \2 只含大类 \3 至 \4,没有大类 \5"),
    (r"(\S+) is not a code of GB/T 4754-2017: section ([A-T]) holds only division (\d+), not (\d+)$",
     r"\1 不是 GB/T 4754-2017 的行业代码: 门类 \2 只含大类 \3,没有大类 \4"),
    (r"must be a rule id such as HE-001, got ", "须为规则编号,如 HE-001,实际为 "),
    (r"must be the form (.+), got ", r"须符合格式 \1,实际为 "),
    (r"must be a finite number >= 0, got ", "须为 >= 0 的有限数值,实际为 "),
    (r"must be a list of names$", "须为名称列表"),
    (r"must be a mapping of product key to number$", "须为产品键到数值的映射"),
    (r"must be one of (.+) or ('[^']*'|\S+), got ", r"须为 \1 或 \2 之一,实际为 "),
    (r"\bmust be (\d+), got ", r"须为 \1,实际为 "),
    (r"unknown 盟市 (.+?)( \(did you mean .+?\?\))?; one of: ", r"没有这个盟市 \1\2;可选: "),
    (r"unknown product keys: ", "没有这些产品键: "),
    (r"unknown product key (.+?)( \(did you mean .+?\?\))?$", r"没有这个产品键 \1\2"),
    (r"unknown product key( \(did you mean .+?\?\))?$", r"没有这个产品键\1"),
    (r"dated values overlap$", "各时段的取值相互重叠"),
    (
        r"leaves out (.+?), which (\S+) names; names (.+?), which \S+ does not: a table set here replaces the "
        r"shipped table whole, so both tables must name the same entries\b",
        r"缺少 \2 列有的条目 \1,又多出 \2 没有的条目 \3:此处设定的表整体取代随附的表,两表须列相同的条目",
    ),
    (
        r"leaves out (.+?), which (\S+) names: a table set here replaces the shipped table whole, so both tables "
        r"must name the same entries\b",
        r"缺少 \2 列有的条目 \1:此处设定的表整体取代随附的表,两表须列相同的条目",
    ),
    (
        r"names (.+?), which (\S+) does not: a table set here replaces the shipped table whole, so both tables "
        r"must name the same entries\b",
        r"列有 \2 没有的条目 \1:此处设定的表整体取代随附的表,两表须列相同的条目",
    ),
    (r"is above (\S+) for (.+?)( \(on and after \S+\))?$", r"高于 \1:\2\3"),
    (r"is above (\S+): (.+?)( \(on and after \S+\))?$", r"高于 \1:\2\3"),
    (r"is below (\S+) for (.+?)( \(on and after \S+\))?$", r"低于 \1:\2\3"),
    (r"is below (\S+): (.+?)( \(on and after \S+\))?$", r"低于 \1:\2\3"),
    (r"(\S+): (\S+) against (\S+)(?=;|$| \()", r"\1: \2(对比 \3)"),
    (r" \(on and after (\d{4}-\d{2}-\d{2})\)$", r"(\1 起)"),
    (r"`to` is before `from`$", "`to` 早于 `from`"),
    (
        r"must be a dated value like the others: a mapping with `from` and `value`$",
        "应与其他各项一样为分时段取值: 含 `from` 和 `value` 的映射",
    ),
    # hints (checker/input/hints.py), inside the parentheses after the value
    (r"\(true/false is not a number\)", "(true/false 不是数值)"),
    (r"\(write it in digits, as 1000000 for 一百万, in the unit the key's name gives\)",
     "(请用阿拉伯数字书写,如一百万写作 1000000,单位以键名为准)"),
    (r", in half-width characters\)$", ",并使用半角字符)"),
    (r"\(write (\S+), in half-width digits\)", r"(写作 \1,使用半角数字)"),
    (r"\(write (\S+): digits with a leading zero are text", r"(写作 \1: 以 0 开头的数字串是文本"),
    (r"\(percentages are written as fractions: write (\S+)\)", r"(百分数请写成小数: 写作 \1)"),
    (r"\(write (\S+), without thousands separators", r"(写作 \1,不加千位分隔符"),
    (r"\(write (\S+), without spaces inside the number", r"(写作 \1,数字中间不加空格"),
    (r"\(write digits: (\S+) is (\S+) in the unit the key's name gives\)",
     r"(请写数字: \1 即 \2,单位以键名为准)"),
    (r"\(write one number; a figure with ':' is text, so a ratio is written as its decimal",
     "(只写一个数: 含 ':' 的数字是文本,比值请写成小数"),
    (r"\(write the number alone: the unit is part of the key's name\)", "(只写数字: 单位已包含在键名中)"),
    (r"\(write true or false: (.+) is text, not a yes/no answer\)$", r"(写作 true 或 false: “\1”是文本,不是是非值)"),
    (r"\(write (\d{4}-\d\d-\d\d)\)$", r"(写作 \1)"),
    (r"\(write the date alone\)$", "(只写日期,不带时间)"),
    (r"\(a number is not a date\)$", "(数字不是日期)"),
    # the waiver register and the claims (checker/verdict/waivers.py, checker/check.py)
    (r"names unknown rule (\S+) \(no rule family (\S+); the families are (.+)\)$",
     r"指向不存在的规则 \1(没有规则类别 \2;现有类别: \3)"),
    (r"names unknown rule (\S+) \(the (\S+) rules are (.+)\)$", r"指向不存在的规则 \1(\2 类规则有: \3)"),
    (r"(\S+) cannot be waived: it is a red line of the plan \(waivable: false in its rule data\)$",
     r"\1 不可豁免: 它是规划的红线(规则数据中为 waivable: false)"),
    (r"a second entry for project (.+) and rule (\S+) \(the first is (waivers\[\d+\]), line (\d+)\)$",
     r"项目 \1 和规则 \2 的第二条记录(第一条是 \3,第 \4 行)"),
    (r"a second entry for project (.+) and rule (\S+) \(the first is (waivers\[\d+\])\)$",
     r"项目 \1 和规则 \2 的第二条记录(第一条是 \3)"),
    (r"a second waiver for (\S+)$", r"对 \1 的第二项豁免申报"),
    (r"(.+?) is the id of \"(.+)\" in the waiver register (.+), but this file names \"(.+)\": an entry of the "
     r"register applies only to the project it names$",
     r"\1 在豁免登记册 \3 中是“\2”的项目代码,但本文件的项目名称为“\4”: 登记册的记录只适用于其所列的项目"),
    (r"; the rules with the shipped values compile, so a table this policy enlarges is too large: keep it to the "
     r"products the authority reviews$",
     ";使用随附取值时规则可以编译,因此是本政策文件扩大的表过大: 请只保留审查机关审查的产品"),
    # contradictions within the file (checker/project/model.py) and figures that overflow (checker/check.py)
    (r": false, but construction_type (\S+) adds capacity by definition; "
     r"adds_capacity is for a renovation or relocation$",
     r": 为 false,但建设性质 \1 按定义即新增产能;adds_capacity 只用于改建或搬迁项目"),
    (r": (electricity|heat) is never a feedstock: declare it under (\S+) only$",
     r": \1 不能作为原料用能: 只在 \2 下申报"),
    (r": feedstock (\S+) but (\S+) is not declared: feedstock is part of the carrier's consumption$",
     r": 原料用能 \1,但未申报 \2: 原料用能是该能源品种消费量的一部分"),
    (r": feedstock (\S+) exceeds the consumption (\S+) (\S+)$", r": 原料用能 \1 超过消费量 \2 \3"),
    (r": the file states no coal burnt beside the coal burners it lists \((.+)\): give the coal they burn a year$",
     r": 申报文件列有燃煤设备(\1),却申报不燃用煤炭: 请填写其年燃煤量"),
    (r": (\S+) exceeds what the output value (\S+) allows \((\S+): value added is output value less intermediate "
     r"input plus VAT of at most (\S+)%\): check that both are in 10k yuan \(万元\)$",
     r": \1 超过工业总产值 \2 所允许的上限(\3: 工业增加值 = 工业总产值 − 工业中间投入 + 应交增值税,"
     r"增值税至多为产值的 \4%): 请核对两项数值是否均以万元计"),
    (r": fuel coal (\S+) differs from the coal the energy balance burns \((.+) less feedstock = (\S+)\)$",
     r": 燃料煤 \1 与能源平衡中燃烧的煤量不符(\2 扣除原料用能 = \3)"),
    (r": (\S+) exceeds water\.fresh_water_m3 (\S+): fresh water is the surface and ground water withdrawn, "
     r"groundwater included$",
     r": \1 超过新水取用量 water.fresh_water_m3 \2: 新水取用量是地表水与地下水取水量之和,含地下水"),
    (r": '(.*)' is not a unit of (\S+) capacity: write one of (.+) \(unit_energy_kgce is per (.+?) of product\)$",
     r": “\1”不是 \2 产能的单位: 请用 \3 之一(单位产品能耗 unit_energy_kgce 按每 \4 产品计)"),
    (r": 'border_area', but (\S+) has no national border: border areas are in (\S+)$",
     r": “border_area”(沿边境地区),而\1不沿国界: 沿边境地区位于\2"),
    (r": '(.*)', but project\.industry_code (\S+) is wind power generation: the code and the technology must "
     r"name the same plant$",
     r": “\1”,而行业代码 project.industry_code \2 是风力发电: 行业代码与技术类型须指同一电站"),
    (r": '(.*)', but project\.industry_code (\S+) is solar power generation: the code and the technology must "
     r"name the same plant$",
     r": “\1”,而行业代码 project.industry_code \2 是太阳能发电: 行业代码与技术类型须指同一电站"),
    (r": '(.*)', but (\S+) is raw_coal: a mine that raises raw coal is a coal mine \(mineral: coal\)$",
     r": “\1”,而 \2 是原煤(采掘)产品: 采出原煤的矿山是煤矿(mineral: coal)"),
    (r": (\S+) Mt/a differs from the raw coal capacity of (.+) \((.+)\): both are the mine's design capacity$",
     r": \1 Mt/a 与 \2 所报原煤产能不符(\3): 二者都是矿井设计生产能力"),
    (r": '(.*)' says there is no document: leave the key out if there is none, or give the document's number "
     r"or title$",
     r": “\1”表示没有文件: 没有时请删去此键,有则填写文件编号或名称"),
    (r": the figures are too large to compute (\S+) from (.+): check the magnitudes and units of these values$",
     r": 数值过大,无法由 \2 计算 \1: 请核对这些数值的数量级和单位"),
    (r": is a FIFO \(named pipe\), not a regular file: save the project as a file$",
     ": 是命名管道(FIFO),不是普通文件: 请将项目保存为文件"),
    (r": is a device or socket, not a regular file: save the project as a file$",
     ": 是设备或套接字,不是普通文件: 请将项目保存为文件"),
    (r": no such file$", ": 文件不存在"),
    (r": no such file or folder", ": 文件或文件夹不存在"),
    (r"required key is missing$", "缺少必填键"),
    (r"unknown key \(did you mean (.+)\?\) in format 1$", r"格式 1 中没有此键(是否要写 \1?)"),
    (r"unknown key in format 1$", "格式 1 中没有此键"),
    (r"YAML syntax error, column (\d+): ", r"YAML 语法错误,第 \1 列: "),
    (r"YAML syntax error: ", "YAML 语法错误: "),
    (r"must be >= (.+), got (.+)$", r"须 >= \1,实际为 \2"),
    (r"must be > (.+), got (.+)$", r"须 > \1,实际为 \2"),
    (r"must be <= (.+), got (.+)$", r"须 <= \1,实际为 \2"),
    (r"must be a finite number, got a number of (\d+) digits", r"须为有限数值,实际为 \1 位数"),
    (r"a number of (\d+) digits is no figure", r"\1 位的数不是有效数值"),
    (r"column (\d+): the line separator (U\+[0-9A-F]{4}) is not allowed: remove it or start a new line",
     r"第 \1 列: 不允许使用行分隔符 \2: 请删除它或另起一行"),
    (r"must be a finite number, got ", "须为有限数值,实际为 "),
    (r"must be a number, got ", "须为数值,实际为 "),
    (r"must be a whole number, got ", "须为整数,实际为 "),
    (r"must be text, got ", "须为文本,实际为 "),
    (r"must be true or false, got ", "须为 true 或 false,实际为 "),
    (r"must be a list, got ", "须为列表,实际为 "),
    (r"must be a mapping of keys, got ", "须为键值映射,实际为 "),
    (r"must be a date YYYY-MM-DD, got ", "须为 YYYY-MM-DD 格式的日期,实际为 "),
    (r"must be one of (.+), got ", r"须为 \1 之一,实际为 "),
    (r"must not be empty$", "不得为空"),
    (r"\(did you mean (.+?)\?\)", r"(是否要写 \1?)"),
    (r"\(write it without quotes\)", "(请去掉引号)"),
    (r"\(put it in quotes\)", "(请加引号)"),
    (r"\bno such date\b", "没有这一天"),
    (r"\bdid you mean (.+)\?", r"是否要写 \1?"),
    (r"\bwrite (\S+) without quotes", r"写作 \1,不加引号"),
    (r"\bwrite true or false, without quotes", "写作 true 或 false,不加引号"),
    (r"^write (\d{4}-\d\d-\d\d)$", r"写作 \1"),
    (r"^cannot write (.+): the directory (.+) does not exist$", r"无法写入 \1: 文件夹 \2 不存在"),
    (r"^cannot write (.+): the directory does not exist$", r"无法写入 \1: 文件夹不存在"),
    (r"^cannot write (.+): the working directory no longer exists \(give an absolute path\)$",
     r"无法写入 \1: 当前工作目录已不存在(请给出绝对路径)"),
    (r"^cannot write to standard output: it is closed$", "无法写入标准输出: 已关闭"),
    (r"^cannot write to standard output: the reading end was closed \(broken pipe\)$",
     "无法写入标准输出: 读取端已关闭(管道断开)"),
    (r"^cannot write to standard output: ", "无法写入标准输出: "),
    (r"^cannot write (.+?): ", r"无法写入 \1: "),
    (r"^(.+) already exists: refusing to overwrite it$", r"\1 已存在: 不予覆盖"),
    (r"^refusing to write to (.+): it is (.+), not a regular file$", r"拒绝写入 \1: 它是\2,不是普通文件"),
    (r"^refusing to write the report over (.+?) (\S+): choose another (.+)$",
     r"拒绝以报告覆盖\1 \2: 请另选 \3"),
    # the check date, the parameters in force, the report's format, the rule pack, the ledger
    (r"^check date (\S+) is before the period of the rules' plan, (.+) \((\S+) to (\S+)\); "
     r"choose an --as-of date within or after it$",
     r"审查日期 \1 早于规则所依据规划\2的期间(\3 至 \4);请选择该期间内或之后的 --as-of 日期"),
    (r"^parameter (\S+) has no value in force on (\S+); choose another --as-of date or set it in a --params file$",
     r"参数 \1 在 \2 没有现行取值;请另选 --as-of 日期,或在 --params 文件中设定"),
    (r"^cannot tell the report format from (.+): use one of the extensions (.+) or give --format$",
     r"无法从 \1 判断报告格式: 请使用扩展名 \2 之一,或给出 --format"),
    (r": no such file: a pack folder needs a pack\.yaml$", ": 文件不存在: 规则包文件夹中须有 pack.yaml"),
    (r": no such pack folder$", ": 规则包文件夹不存在"),
    (r"^no ledger at (.+)$", r"台账 \1 不存在"),
    (r"^cannot use the ledger (.+?): ", r"无法使用台账 \1: "),
    (r"^(无法使用台账 .+?: )unable to open database file$", r"\1无法打开数据库文件"),
    (r"^(无法使用台账 .+?: )file is not a database$", r"\1该文件不是数据库"),
    (r"^(无法使用台账 .+?: )database is locked$", r"\1数据库被锁定"),
    (r"^(无法使用台账 .+?: )attempt to write a readonly database$", r"\1数据库只读,无法写入"),
    (r"^(无法使用台账 .+?: )connection to server at (\S+), port (\d+) failed: ", r"\1连接服务器 \2 端口 \3 失败: "),
    (r"(连接服务器 .+ 失败: )Connection refused Is the server running on that host and accepting TCP/IP "
     r"connections\?$",
     r"\1连接被拒绝(服务器是否在该主机上运行并接受 TCP/IP 连接?)"),
    (r"(连接服务器 .+ 失败: )timeout expired$", r"\1超时"),
    (r"^unknown rule (.+?)( \(是否要写 .+?\))?; known rules: ", r"没有规则 \1\2;已有规则: "),
    (r"^unknown rule (.+?) \(did you mean (.+?)\?\); known rules: ", r"没有规则 \1(是否要写 \2?);已有规则: "),
    (r": no \*\.yaml or \*\.yml file in this folder$", ": 此文件夹中没有 *.yaml 或 *.yml 文件"),
    (r": the file name is empty$", ": 文件名为空"),
    (r"cannot read the file: permission denied$", "无法读取文件: 没有权限"),
    (r"cannot read the file: ", "无法读取文件: "),
    (r"the file is empty$", "文件为空"),
    (r"the file changed while it was being compared$", "文件在比较期间被修改"),
    (r"is a directory, not a YAML file$", "是文件夹,不是 YAML 文件"),
    (r"the file is larger than the limit of (\d+) bytes", r"文件大于 \1 字节的上限"),
    (r"duplicate key \(first given on line (\d+)\)", r"键重复(首次出现在第 \1 行)"),
    (r"YAML error: ", "YAML 错误: "),
    (r"this is a binary file, not a YAML text file \(if it is UTF-16 text, save it as UTF-8\)",
     "这是二进制文件,不是 YAML 文本文件(如为 UTF-16 文本,请另存为 UTF-8)"),
    (r"save the file as UTF-8$", "请将文件另存为 UTF-8"),
    (r"\bunknown parameter\b", "没有此参数"),
    (r"is not a file", "不是文件"),
    (r": cannot list the folder: ", ": 无法列出文件夹内容: "),
    # what the system says when a file cannot be read (after the lines above: `无法读取文件: ...`)
    (r"(无法读取文件|无法列出文件夹内容): Too many levels of symbolic links$",
     r"\1: 符号链接层数过多(链接可能形成了循环)"),
    (r"(无法读取文件|无法列出文件夹内容): Not a directory$", r"\1: 路径中有一段不是文件夹"),
    (r"(无法读取文件|无法列出文件夹内容): File name too long$", r"\1: 文件名过长"),
    (r"(无法读取文件|无法列出文件夹内容): Input/output error$", r"\1: 输入/输出错误"),
    (r"(无法读取文件|无法列出文件夹内容): Permission denied$", r"\1: 没有权限"),
    (r"(无法读取文件|无法列出文件夹内容): No such file or directory$", r"\1: 文件或文件夹不存在"),
    (r"(无法读取文件|无法列出文件夹内容): Resource temporarily unavailable$", r"\1: 资源暂时不可用"),
    (r"(无法读取文件|无法列出文件夹内容): Stale file handle$", r"\1: 文件句柄已失效"),
    (r"^(无法写入.*?): No space left on device$", r"\1: 磁盘空间不足"),
    (r"^(无法写入.*?): Input/output error$", r"\1: 输入/输出错误"),
    (r"^(无法写入.*?): Disk quota exceeded$", r"\1: 超出磁盘配额"),
    # libyaml's words for a syntax error (after `YAML 语法错误,第 N 列: ` above), and the hints after them
    (r"(YAML 语法错误[^:]*: )did not find expected key\b", r"\1未找到预期的键"),
    (r"(YAML 语法错误[^:]*: )did not find expected node content\b", r"\1未找到预期的节点内容"),
    (r"(YAML 语法错误[^:]*: )did not find expected comment or line break\b", r"\1未找到预期的注释或换行"),
    (r"(YAML 语法错误[^:]*: )did not find expected whitespace or line break\b", r"\1未找到预期的空白或换行"),
    (r"(YAML 语法错误[^:]*: )did not find expected whitespace\b", r"\1未找到预期的空白"),
    (r"(YAML 语法错误[^:]*: )did not find expected <document start>", r"\1未找到预期的文档开始标记"),
    (r"(YAML 语法错误[^:]*: )did not find expected '-' indicator", r"\1未找到预期的 '-' 标记"),
    (r"(YAML 语法错误[^:]*: )did not find expected tag URI\b", r"\1未找到预期的标签 URI"),
    (r"(YAML 语法错误[^:]*: )did not find expected alphabetic or numeric character\b", r"\1未找到预期的字母或数字"),
    (r"(YAML 语法错误[^:]*: )did not find expected (\S+) or (\S+)", r"\1未找到预期的 \2 或 \3"),
    (r"(YAML 语法错误[^:]*: )did not find expected (\S+)", r"\1未找到预期的 \2"),
    (r"(YAML 语法错误[^:]*: )could not find expected ':'", r"\1未找到预期的 ':'"),
    (r"(YAML 语法错误[^:]*: )found character that cannot start any token\b", r"\1出现了不能作为记号开头的字符"),
    (r"(YAML 语法错误[^:]*: )found a tab character that violates indentation\b", r"\1出现了违反缩进规则的制表符"),
    (r"(YAML 语法错误[^:]*: )found a tab character where an indentation space is expected\b",
     r"\1在应为缩进空格处出现了制表符"),
    (r"(YAML 语法错误[^:]*: )found unexpected end of stream\b", r"\1文件意外结束"),
    (r"(YAML 语法错误[^:]*: )found unexpected document indicator\b", r"\1出现了意外的文档标记"),
    (r"(YAML 语法错误[^:]*: )found unexpected ':'", r"\1出现了意外的 ':'"),
    (r"(YAML 语法错误[^:]*: )found invalid Unicode character escape code\b", r"\1出现了无效的 Unicode 字符转义码"),
    (r"(YAML 语法错误[^:]*: )found unknown escape character\b", r"\1出现了未知的转义字符"),
    (r"(YAML 语法错误[^:]*: )found undefined tag handle\b", r"\1出现了未定义的标签前缀"),
    (r"(YAML 语法错误[^:]*: )found incompatible YAML document\b", r"\1出现了不兼容的 YAML 文档"),
    (r"(YAML 语法错误[^:]*: )found unknown directive name\b", r"\1出现了未知的指令名"),
    (r"(YAML 语法错误[^:]*: )mapping values are not allowed in this context\b", r"\1此处不允许出现映射值"),
    (r"(YAML 语法错误[^:]*: )block sequence entries are not allowed in this context\b",
     r"\1此处不允许出现块序列条目"),
    (r"(YAML 语法错误[^:]*: )exceeded maximum nesting depth\b", r"\1超过最大嵌套深度"),
    (r"(YAML 语法错误[^:]*: )invalid YAML$", r"\1YAML 无效"),
    (r" \(line (\d+) has a full-width colon ：; YAML needs : followed by a space\)$",
     r"(第 \1 行用了全角冒号 ：;YAML 要求半角冒号 : 后跟一个空格)"),
    (r" \(line (\d+) is indented with a tab; indent with spaces\)$", r"(第 \1 行用制表符缩进;请用空格缩进)"),
    # values shown in words (checker/input/validation.py `_shown`)
    (r"(实际为 )a list$", r"\1列表"),
    (r"(实际为 )a mapping$", r"\1键值映射"),
    (r"(实际为 )nothing \(null\)$", r"\1空值 (null)"),
    (r"(须为 YYYY-MM-DD 格式的日期,实际为 )none$", r"\1空值 (null)"),
)
# fmt: on
