"""The HTML report printed on A4 by headless Chromium: the page count, and the words on paper.

Printed with Debian's `chromium` (installed with `fonts-noto-cjk` and `poppler-utils` by
`.ci/run`), read back with `pdfinfo` and `pdftotext`. Without chromium the tests are skipped with
the reason, except in CI (`CI` set), where a missing browser is a failure, never a silent skip.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from checker.reports import formats
from tests.support.reporting import check_sample

MAX_PAGES = 10  # the rejected calcium-carbide sample, the longest shipped report
TOOLS = ("chromium", "pdfinfo", "pdftotext")


def _tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    reason = f"{', '.join(missing)} not installed (apt-get install chromium fonts-noto-cjk poppler-utils)"
    if os.environ.get("CI"):
        pytest.fail(f"in CI the print test must run: {reason}")
    pytest.skip(reason)


def printed(html: str, directory: Path) -> tuple[int, list[str]]:
    """The page count of `html` printed to PDF, and the text of each page."""
    _tools()
    source, pdf = directory / "report.html", directory / "report.pdf"
    source.write_text(html, encoding="utf-8")
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--user-data-dir={directory / 'profile'}",
            f"--print-to-pdf={pdf}",
            source.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    texts = [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
        for n in range(1, pages + 1)
    ]
    return pages, texts


@pytest.mark.parametrize(
    ("lang", "verdict", "page_words", "signoff", "exit_words"),
    [
        ("zh", "审查结论: 不予通过", "第 {n} 页 共 {m} 页", "审查人", "退出码"),
        ("en", "Verdict: rejected", "page {n} of {m}", "Reviewer", "exit code"),
    ],
)
def test_the_rejected_sample_prints_on_at_most_ten_a4_pages_with_header_and_page_numbers(
    tmp_path,
    lang,
    verdict,
    page_words,
    signoff,
    exit_words,
):
    html = formats.render(check_sample("ordos-calcium-carbide.yaml"), "html", lang)
    pages, texts = printed(html, tmp_path)
    assert 1 < pages <= MAX_PAGES
    for n, text in enumerate(texts, start=1):
        flat = "".join(text.split())  # pdftotext may drop or add spaces between Chinese words
        assert "某公司年产30万吨电石项目" in flat, n  # Chinese text is on paper, as text
        assert verdict.replace(" ", "") in flat, n  # on every page's header
        assert page_words.format(n=n, m=pages).replace(" ", "") in flat, n
    everything = "\n".join(texts)
    assert signoff in everything
    assert exit_words not in everything  # the exit code is for the screen
    if lang == "zh":
        assert "不予通过" in texts[0] and "上限的999%" in re.sub(r"\s", "", everything)  # a line may wrap before it
