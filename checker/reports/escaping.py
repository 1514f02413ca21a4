"""Applicant text made safe for each output medium: CSV, Markdown, XML.

CSV records whose cells no spreadsheet runs (OWASP "CSV injection"): a file name, a project name
or id, a waiver reason is the applicant's text; opened in Excel or
LibreOffice, a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a
formula (`=HYPERLINK(...)`, `+cmd|' /C calc'!A0`, `@SUM(...)`). Every CSV the checker writes (a
check, a batch, a what-if diff) builds its records here.

Markdown that shows text as written (`md_escape`), and XML 1.0 text (`xml_text`). Kept apart from
the report modules so that the batch parent and `checker diff` need not import the templates.
"""

from __future__ import annotations

import re
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    """The cell text, with a leading apostrophe if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_line(values: list[Any], terminator: str = "\r\n") -> str:
    """One CSV record of `values`, each text cell neutralised as OWASP asks: a cell a spreadsheet
    would read as a formula gets a leading apostrophe *and* double quotes (so that no importer
    strips the apostrophe as the start of a field), the quotes inside doubled. Numbers are written
    as numbers. Every CSV the checker writes (a check, a batch, a diff) goes through here."""
    cells = []
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool):
            cells.append(str(value))
            continue
        text = "" if value is None else visible(value)
        formula = text.startswith(_FORMULA_START)
        if formula:
            text = "'" + text
        if formula or any(ch in text for ch in ',"\r\n'):
            text = '"' + text.replace('"', '""') + '"'
        cells.append(text)
    if cells == [""]:
        cells = ['""']  # a record of one empty cell, not an empty line
    return ",".join(cells) + terminator


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")


def md_escape(value: Any) -> str:
    """Text that Markdown shows as written: markup characters escaped, on one line.

    User strings (a project name, a waiver reason, a file name) must never become links, HTML or
    table columns in a wiki or merge request (`<script>`, `[x](javascript:...)`); CommonMark's
    backslash escapes cover all of these (an entity such as `&#91;` is only ever text).
    """
    text = " ".join(str(value).split())
    return _MD_SPECIAL.sub(r"\\\1", text)


# what XML 1.0 cannot hold at all, not even as a character reference
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: Any) -> str:
    """`value` with the characters XML 1.0 forbids replaced by U+FFFD (escaping `<` and `&` is
    the serializer's part). Input text cannot hold them; a file name can."""
    return _XML_FORBIDDEN.sub("\ufffd", str(value))


# C0 and C1 controls but tab and line feed, DEL, line separators, bidirectional overrides: what a
# terminal or an editor would act on. Not the surrogates that carry the bytes of a file name that
# is not UTF-8: those are written back as the bytes they stand for, the name as given.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def visible(value: Any) -> str:
    """`value` with every control or formatting character shown as an escape (`\\x1b`,
    `\\u202e`), so that a file name cannot clear a terminal, recolour or reorder a report.
    Input text never holds these (the reader refuses them); a file name can."""
    return _INVISIBLE.sub(lambda m: ascii(m.group())[1:-1], str(value))
