"""What counts as a fragment of the other language in a report (tests/test_report_language.py).

A Chinese report may hold Latin letters only in names and codes: rule IDs, units and chemical
formulas (tce, kWh, CO₂), industry codes (C2613), key paths of the project file
(`energy.electricity_kwh`, shown beside their Chinese label), file names, hashes, document numbers
(GB/T 2589-2020) and quotations. An English report may hold Chinese only in quotations (“…”),
names of documents (《…》), places and the project's own words.
"""

from __future__ import annotations

import html
import re

# words a Chinese report may carry: units, symbols, standard abbreviations
ALLOWED_WORDS = frozenset(
    [
        "tce",
        "kgce",
        "gce",
        "kWh",
        "MWh",
        "GWh",
        "MW",
        "GW",
        "kW",
        "kV",
        "ha",
        "Mt",
        "t",
        "h",
        "a",
        "m",
        "km",
        "GJ",
        "MJ",
        "tCO",
        "kg",
        "PUE",
        "GB",
        "DZ",
        "T",
        "IPCC",
        "PVC",
        "CO",
        "sha",
        "NM",
        "HE",
        "EC",
        "CO",
        "RE",
        "WA",
        "LA",
        "MI",
        "CB",
        "JSON",
        "HTML",
        "SARIF",
        "JUnit",
        "CSV",
        "YAML",
        "nm",
        "project",
        "checker",
        "A",
        "B",
        "C",
        "D",
        "E",
        "F",
        "G",
        "H",
        "I",
        "J",
        "K",
        "L",
        "M",
        "N",
        "O",
        "P",
        "Q",
        "R",
        "S",
        "T",
    ]
)

_REMOVED_IN_ZH = [
    re.compile(r"[\w./-]+\.ya?ml:\d+\s+[a-z_][\w.\[\]]*"),  # an input location: file:line key.path
    re.compile(r"[\w./-]+\.ya?ml:\d+ \([a-z_][\w.\[\]]*\)"),  # and as JUnit writes it: file:line (key.path)
    re.compile(r"[\w./-]+\.(ya?ml|json|html|md|txt|csv|xml|sarif)\b"),  # file names
    re.compile(r"“[^”]*”"),  # quotations
    re.compile(r"‘[^’]*’"),
    re.compile(r"《[^》]*》"),  # document titles
    re.compile(r"`[^`]*`"),  # code in Markdown
    re.compile(r"\b[a-z][a-z0-9_]*(\[\d+\])?(\.[a-z0-9_]+(\[\d+\])?)+\b"),  # key paths: energy.electricity_kwh
    re.compile(r"\b[0-9a-f]{12,64}\b"),  # hashes
    re.compile(r"\b[A-Z]{1,2}-?\d[\w.-]*\b"),  # rule IDs, industry codes, document numbers
    re.compile(r"\b[A-Z]+\d*[A-Z]*\d+[\w-]*\b"),  # project numbers
    re.compile(r"https?://\S+"),
]

WORD = re.compile(r"[A-Za-z][A-Za-z_]*")
CJK = re.compile(r"[\u3400-\u9fff]")


def visible_text(report: str, fmt: str) -> str:
    """The text a reader sees: HTML without its tags, styles and scripts; Markdown without the
    backslashes that escape its punctuation (`products\\[0\\]` reads `products[0]`)."""
    if fmt == "markdown":
        return re.sub(r"\\([\\`*_{}\[\]()#+.!|<>-])", r"\1", report)
    if fmt != "html":
        return report
    text = re.sub(r"(?s)<(style|script)\b.*?</\1>", " ", report)
    text = re.sub(r"(?s)<!--.*?-->", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return html.unescape(text)


def english_in_chinese(report: str, fmt: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """Each line of a Chinese report holding an English word (outside names and codes)."""
    found = []
    for line in visible_text(report, fmt).replace("\\_", "_").splitlines():
        text = line
        for pattern in _REMOVED_IN_ZH:
            text = pattern.sub(" ", text)
        words = [w for w in WORD.findall(text) if w not in ALLOWED_WORDS and w not in allowed]
        if words:
            found.append(f"{words}: {line.strip()[:160]}")
    return found


_REMOVED_IN_EN = [
    re.compile(r"“[^”]*”"),
    re.compile(r"\"[^\"]*\""),
    re.compile(r"《[^》]*》"),
    re.compile(r"〔[^〕]*〕"),
]


def chinese_in_english(report: str, fmt: str, names: frozenset[str]) -> list[str]:
    """Each line of an English report holding Chinese outside quotations, document titles and the
    names given (the project's, the applicant's and the place's own words)."""
    found = []
    for line in visible_text(report, fmt).splitlines():
        text = line
        for name in sorted(names, key=len, reverse=True):
            text = text.replace(name, " ")
        for pattern in _REMOVED_IN_EN:
            text = pattern.sub(" ", text)
        if CJK.search(text):
            found.append(line.strip()[:160])
    return found


# the columns of a CSV report a person reads; the others are codes and keys (rule, status, the
# audit's hashes and versions), in English by design
CSV_READ = (
    "title",
    "status_label",
    "message",
    "facts",
    "parameters",
    "remedies",
    "basis",
    "waiver",
    "claim",
    "notices",
)
# JUnit properties that are the audit's codes, not sentences
_JUNIT_CODES = re.compile(
    r"(verdict|checker_version|ruleset_version|ruleset_sha256|input_path|input_sha256|as_of|policy_file|"
    r"waiver_register(_sha256|_authority)?)$"
)


def read_text(report: str, fmt: str) -> str:
    """What a person reads in a CSV, JUnit or SARIF report, one text a line: the cells, messages
    and descriptions; not the codes, keys and data that programs read (SARIF `properties`)."""
    if fmt == "csv":
        import csv
        import io

        rows = csv.DictReader(io.StringIO(report.lstrip("\ufeff")))
        return "\n".join(row[column] for row in rows for column in CSV_READ)
    if fmt == "junit":
        import xml.etree.ElementTree as ET

        texts = []
        for element in ET.fromstring(report).iter():
            if element.tag == "property" and not _JUNIT_CODES.fullmatch(element.get("name", "")):
                texts.append(element.get("value", ""))
            elif element.tag == "testcase":
                texts.append(element.get("name", ""))
            elif element.tag in ("failure", "skipped", "system-out"):
                texts += [element.get("message", ""), element.text or ""]
        return "\n".join(texts)
    if fmt == "sarif":
        import json

        texts = []

        def walk(node: object, key: str = "") -> None:
            if isinstance(node, dict):
                for k, v in node.items():
                    if k != "properties":
                        walk(v, k)
            elif isinstance(node, list):
                for v in node:
                    walk(v, key)
            elif isinstance(node, str) and key in ("text", "markdown", "justification"):
                texts.append(node)

        walk(json.loads(report))
        return "\n".join(texts)
    return report
