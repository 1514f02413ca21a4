"""Laying out a what-if diff as text, Markdown, JSON or CSV; the comparison is in `whatif`.

JSON and CSV are for the authority's own tooling (a spreadsheet of who is turned around), text
and Markdown for the memo that goes with a draft policy. All four show the same data.
"""

from __future__ import annotations

import json
from typing import Any, TypedDict

from checker.audit.diff import Diff
from checker.batch.documents import ProblemText, as_written, problem_line, problem_message
from checker.reports.escaping import csv_line, md_escape, visible

FORMATS = ("text", "markdown", "json", "csv")
_NONE = "—"


def _status(value: str | None) -> str:
    return value if value is not None else _NONE


def diff_json(diff: Diff) -> dict[str, Any]:
    """The diff as plain data, in a stable order (the JSON format, and the source of the others)."""
    return {
        "base": diff.base_label,
        "new": diff.new_label,
        "checked": diff.checked,
        "changed": len(diff.changes),
        "unchanged": diff.unchanged,
        "unreadable_count": len(diff.unreadable),
        "verdict_transitions": [
            {"from": before, "to": after, "count": n} for (before, after), n in sorted(diff.verdict_transitions.items())
        ],
        "rule_transitions": [
            {"rule": rule, "from": before, "to": after, "count": n}
            for (rule, before, after), n in sorted(
                diff.rule_transitions.items(), key=lambda kv: (kv[0][0], str(kv[0][1]), str(kv[0][2]))
            )
        ],
        "by_league_city": [
            {"league_city": city, "checked": c.checked, "changed": c.changed, "verdict_changed": c.verdict_changed}
            for city, c in sorted(diff.by_league_city.items())
        ],
        "projects": [
            {
                "path": change.path,
                "project_id": change.project_id,
                "name": change.name,
                "league_city": change.league_city,
                "verdict": {"from": change.base_verdict, "to": change.new_verdict},
                "rules": [{"rule": r.rule, "from": r.base, "to": r.new} for r in change.rules],
            }
            for change in diff.changes
        ],
        "unreadable": [{"path": u.path, "message": u.message} for u in diff.unreadable],
        "notices": list(diff.notices),
    }


class Words(TypedDict):
    """The words of the text and Markdown layouts in one language."""

    title: str
    compared: str
    unreadable_tail: str
    notice: str
    verdicts: str
    rules: str
    by_city: str
    city_line: str
    projects: str
    unchanged: str
    unreadable: str
    side: dict[str, str]
    policy: str
    shipped: str
    register: str
    as_of: str
    md_compared: str
    md_unreadable_tail: str
    md_notice: str
    md_by_city: str
    columns: dict[str, str]


# the words of the text and Markdown layouts (JSON and CSV are for programs: English keys)
WORDS: dict[str, Words] = {
    "en": {
        "title": "What-if: {base} → {new}",
        "compared": "{checked} projects compared: {changed} changed, {unchanged} unchanged",
        "unreadable_tail": "; {n} could not be checked",
        "notice": "!! Notice ({side} side): {message}",
        "verdicts": "Verdict transitions",
        "rules": "Rule status transitions",
        "by_city": "By 盟市 (league or city)",
        "city_line": "{city}: {changed} of {checked} changed, {verdict_changed} in verdict",
        "projects": "Projects",
        "unchanged": "{verdict} (unchanged)",
        "unreadable": "Could not be checked",
        "side": {"base": "base", "new": "new"},
        "policy": "policy {file}",
        "shipped": "shipped parameters",
        "register": "waiver register {file}",
        "as_of": "as of {date}",
        "md_compared": "{checked} projects compared: **{changed} changed**, {unchanged} unchanged",
        "md_unreadable_tail": ", {n} could not be checked",
        "md_notice": "**Notice ({side} side):** {message}",
        "md_by_city": "By 盟市",
        "columns": {
            "from": "from",
            "to": "to",
            "projects": "projects",
            "rule": "rule",
            "city": "盟市",
            "checked": "checked",
            "changed": "changed",
            "verdict_changed": "verdict changed",
            "file": "file",
            "project": "project",
            "verdict": "verdict",
            "rules": "rules",
            "problem": "problem",
        },
    },
    "zh": {
        "title": "政策试算: {base} → {new}",
        "compared": "比较了 {checked} 个项目: {changed} 个有变化,{unchanged} 个无变化",
        "unreadable_tail": ";{n} 个无法审查",
        "notice": "!! 提示({side}): {message}",
        "verdicts": "审查结论的变化",
        "rules": "规则状态的变化",
        "by_city": "按盟市",
        "city_line": "{city}: {checked} 个中 {changed} 个有变化,其中审查结论变化 {verdict_changed} 个",
        "projects": "项目",
        "unchanged": "{verdict}(不变)",
        "unreadable": "无法审查的文件",
        "side": {"base": "基准方", "new": "新方案"},
        "policy": "政策文件 {file}",
        "shipped": "随附参数",
        "register": "豁免登记册 {file}",
        "as_of": "审查日期 {date}",
        "md_compared": "比较了 {checked} 个项目: **{changed} 个有变化**,{unchanged} 个无变化",
        "md_unreadable_tail": ",{n} 个无法审查",
        "md_notice": "**提示({side}):** {message}",
        "md_by_city": "按盟市",
        "columns": {
            "from": "原",
            "to": "新",
            "projects": "项目数",
            "rule": "规则",
            "city": "盟市",
            "checked": "审查",
            "changed": "有变化",
            "verdict_changed": "审查结论变化",
            "file": "文件",
            "project": "项目",
            "verdict": "审查结论",
            "rules": "规则",
            "problem": "问题",
        },
    },
}


def _term(value: str | None, lang: str, table: str) -> str:
    """A status or verdict in the layout's language (不予通过 for rejected)."""
    if value is None:
        return _NONE
    from checker.reports.words import term

    return term(value, lang, table)


def side_label(params_file: str | None, as_of: str, waivers_file: str | None, lang: str) -> str:
    """What one side of the comparison is: its parameters, its register, its date."""
    words = WORDS[lang]
    source = words["policy"].format(file=params_file) if params_file else words["shipped"]
    register = ", " + words["register"].format(file=waivers_file) if waivers_file else ""
    return f"{source}{register}, {words['as_of'].format(date=as_of)}"


def render_text(diff: Diff, lang: str = "en", problem_text: ProblemText = as_written) -> str:
    """The comparison as text in `lang`; `problem_text` says an unreadable file's problems in it
    (the CLI's catalogue), each as its own `path:23: key: message` line, as `check` prints them."""
    data = diff_json(diff)
    w = WORDS[lang]
    out = [
        w["title"].format(base=data["base"], new=data["new"]),
        w["compared"].format(checked=data["checked"], changed=data["changed"], unchanged=data["unchanged"])
        + (w["unreadable_tail"].format(n=data["unreadable_count"]) if data["unreadable_count"] else ""),
    ]
    out += [w["notice"].format(side=w["side"].get(n["side"], n["side"]), message=n["message"]) for n in data["notices"]]
    if data["verdict_transitions"]:
        out += ["", w["verdicts"] + ":"]
        out += [
            f"  {_term(t['from'], lang, 'verdict')} → {_term(t['to'], lang, 'verdict')}: {t['count']}"
            for t in data["verdict_transitions"]
        ]
    if data["rule_transitions"]:
        out += ["", w["rules"] + ":"]
        out += [
            f"  {t['rule']} {_term(t['from'], lang, 'status')} → {_term(t['to'], lang, 'status')}: {t['count']}"
            for t in data["rule_transitions"]
        ]
    if data["changed"]:
        out += ["", w["by_city"] + ":"]
        out += [
            "  "
            + w["city_line"].format(
                city=c["league_city"], changed=c["changed"], checked=c["checked"], verdict_changed=c["verdict_changed"]
            )
            for c in data["by_league_city"]
            if c["changed"]
        ]
        out += ["", w["projects"] + ":"]
        for project in data["projects"]:
            verdict = project["verdict"]
            before, after = _term(verdict["from"], lang, "verdict"), _term(verdict["to"], lang, "verdict")
            shown = f"{before} → {after}" if verdict["from"] != verdict["to"] else w["unchanged"].format(verdict=before)
            out.append(f"  {project['path']} [{project['project_id'] or _NONE}, {project['league_city']}]: {shown}")
            out += [
                f"    {r['rule']}: {_term(r['from'], lang, 'status')} → {_term(r['to'], lang, 'status')}"
                for r in project["rules"]
            ]
    if data["unreadable"]:
        out += ["", w["unreadable"] + ":"]
        out += [f"  {line}" for line in _unreadable_lines(diff, lang, problem_text)]
    return visible("\n".join(out)) + "\n"  # file names: no terminal sequences


def _unreadable_lines(diff: Diff, lang: str, problem_text: ProblemText) -> list[str]:
    """Each problem of each file not compared, one line in `lang`: file, line, key path, message."""
    return [
        problem_line(problem, lang, problem_text)
        for unreadable in diff.unreadable
        for problem in unreadable.problems or ()
    ] + [f"{u.path}: {u.message}" for u in diff.unreadable if not u.problems]


def _unreadable_rows(diff: Diff, lang: str, problem_text: ProblemText) -> list[list[Any]]:
    """As `_unreadable_lines`, as table rows: `path:23` beside `key: message`."""
    rows: list[list[Any]] = []
    for unreadable in diff.unreadable:
        if not unreadable.problems:
            rows.append([unreadable.path, unreadable.message])
        for problem in unreadable.problems:
            path = problem.path or unreadable.path
            where = f"{path}:{problem.line}" if problem.line else path
            rows.append([where, problem_message(problem, lang, problem_text)])
    return rows


def _cell(value: Any) -> str:
    return md_escape(value)


def _table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines


def render_markdown(diff: Diff, lang: str = "en", problem_text: ProblemText = as_written) -> str:
    """The comparison as Markdown, in the language of the run (headings, columns, verdict and
    status words, the problems of the files not compared; file names, IDs and 盟市 as given)."""
    data = diff_json(diff)
    w = WORDS[lang]
    c = w["columns"]

    # English keeps the codes a program reads (rejected, not_applicable); Chinese gives the words
    def verdict(value: str) -> str:
        return _term(value, lang, "verdict") if lang == "zh" else value

    def status(value: str | None) -> str:
        return _term(value, lang, "status") if lang == "zh" and value is not None else _status(value)

    out = [
        f"## {md_escape(w['title'].format(base=data['base'], new=data['new']))}",
        "",
        w["md_compared"].format(checked=data["checked"], changed=data["changed"], unchanged=data["unchanged"])
        + (w["md_unreadable_tail"].format(n=data["unreadable_count"]) if data["unreadable_count"] else "")
        + ("。" if lang == "zh" else "."),
    ]
    out += [
        "\n> " + w["md_notice"].format(side=w["side"].get(n["side"], n["side"]), message=md_escape(n["message"]))
        for n in data["notices"]
    ]
    if data["verdict_transitions"]:
        out += ["", "### " + w["verdicts"], ""]
        out += _table(
            [c["from"], c["to"], c["projects"]],
            [[verdict(t["from"]), verdict(t["to"]), t["count"]] for t in data["verdict_transitions"]],
        )
    if data["rule_transitions"]:
        out += ["", "### " + w["rules"], ""]
        out += _table(
            [c["rule"], c["from"], c["to"], c["projects"]],
            [[t["rule"], status(t["from"]), status(t["to"]), t["count"]] for t in data["rule_transitions"]],
        )
    if data["changed"]:
        out += ["", "### " + w["md_by_city"], ""]
        out += _table(
            [c["city"], c["checked"], c["changed"], c["verdict_changed"]],
            [
                [city["league_city"], city["checked"], city["changed"], city["verdict_changed"]]
                for city in data["by_league_city"]
                if city["changed"]
            ],
        )
        out += ["", "### " + w["projects"], ""]
        out += _table(
            [c["file"], c["project"], c["city"], c["verdict"], c["rules"]],
            [
                [
                    p["path"],
                    p["project_id"] or _NONE,
                    p["league_city"],
                    f"{verdict(p['verdict']['from'])} → {verdict(p['verdict']['to'])}",
                    "; ".join(f"{r['rule']} {status(r['from'])} → {status(r['to'])}" for r in p["rules"]),
                ]
                for p in data["projects"]
            ],
        )
    if data["unreadable"]:
        out += ["", "### " + w["unreadable"], ""]
        out += _table([c["file"], c["problem"]], _unreadable_rows(diff, lang, problem_text))
    return visible("\n".join(out)) + "\n"


CSV_HEADER = [
    "path",
    "project_id",
    "league_city",
    "base_verdict",
    "new_verdict",
    "rule",
    "base_status",
    "new_status",
    "error",
]


def render_csv(diff: Diff) -> str:
    """One row per changed rule of a changed project (or one row if only the verdict changed)."""
    rows: list[list[Any]] = [CSV_HEADER]
    for change in diff.changes:
        head = [change.path, change.project_id or "", change.league_city, change.base_verdict, change.new_verdict]
        if not change.rules:
            rows.append([*head, "", "", "", ""])
        rows += [[*head, rule.rule, rule.base or "", rule.new or "", ""] for rule in change.rules]
    rows += [[unreadable.path, "", "", "", "", "", "", "", unreadable.message] for unreadable in diff.unreadable]
    return "".join(csv_line(row, "\n") for row in rows)


def render(diff: Diff, fmt: str, lang: str = "en", problem_text: ProblemText = as_written) -> str:
    """The diff in `fmt`; text and Markdown in `lang` (JSON and CSV are for programs: English keys),
    their problem lines put into it by `problem_text`."""
    if fmt == "text":
        return render_text(diff, lang, problem_text)
    if fmt == "markdown":
        return render_markdown(diff, lang, problem_text)
    renderers = {"json": render_json, "csv": render_csv}
    return renderers[fmt](diff)


def render_json(diff: Diff) -> str:
    return json.dumps(diff_json(diff), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
