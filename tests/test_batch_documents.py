"""A folder in the CI formats (SARIF, JUnit, HTML, Markdown, GitHub annotations) and --fail-on.

Golden files (tests/golden/batch/) are built from the frozen ruleset of tests/golden/ruleset and a
fixed clock (SOURCE_DATE_EPOCH), the way the parent assembles a batch: each project's part as a
worker renders it, then the document. Rewrite them with `UPDATE_GOLDEN=1` and review the diff.
The command-line tests run the real batch (worker processes too) on shipped samples.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys

import html5lib
import jsonschema
import pytest

from checker.batch.documents import Document, anchor, failure_fragment, fragment
from checker.batch.runner import CheckedFile
from checker.errors import Problem
from checker.reports import formats
from checker.reports.github import escape_data, escape_property
from checker.verdict.findings import counts, exit_code
from checker.verdict.locate import locate
from tests.support import REPO
from tests.support.goldens import EPOCH, assert_matches_golden, golden_checker, normalised
from tests.support.reporting import check_hostile, check_sample

GOLDEN = REPO / "tests" / "golden" / "batch"
SAMPLES = ("ordos-calcium-carbide.yaml", "kubuqi-desert-pv.yaml")
BROKEN = "projects/broken.yaml"
BROKEN_PROBLEM = Problem(BROKEN, "project.league_city", 4, "'包头' is not one of the 12 盟市")
SUFFIX = {"sarif": "sarif", "junit": "xml", "html": "html", "markdown": "md", "github": "txt"}
SARIF_SCHEMA = json.loads((REPO / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text("utf-8"))


def outcome_of(result) -> CheckedFile:
    return CheckedFile(
        path=result.document.path,
        output=b"",
        exit_code=exit_code(result.verdict),
        verdict=result.verdict,
        project_id=result.project.project.id,
        project_name=result.project.project.name,
        counts=counts(result.findings),
        failed=tuple(f.id for f in result.findings if f.status == "fail"),
    )


def assembled(fmt: str, lang: str, normalise: bool = True) -> str:
    """Two samples and one unreadable file, assembled as the parent assembles a batch."""
    results = [check_sample(name, checker=golden_checker()) for name in SAMPLES]
    broken = CheckedFile(path=BROKEN, output=b"", exit_code=2, problems=(BROKEN_PROBLEM,))
    if fmt == "github":
        text = "".join(fragment(r, fmt, lang) for r in results)
        text += failure_fragment(BROKEN, broken.problems, fmt)
    else:
        document = Document(fmt, lang)
        for i, result in enumerate(results):
            document.add(outcome_of(result), fragment(result, fmt, lang, with_driver=i == 0))
        document.add(broken, "")
        text = document.render(2)
    return normalised(text, results[0]) if normalise else text


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["sarif", "junit", "html", "markdown", "github"])
def test_a_folder_in_each_ci_format_matches_its_golden_file(monkeypatch, fmt, lang):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    rendered = assembled(fmt, lang)
    assert_matches_golden(rendered, GOLDEN / f"folder.{lang}.{SUFFIX[fmt]}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_file_as_github_annotations_matches_its_golden_file(lang):
    from checker.reports import formats

    result = check_sample("ordos-calcium-carbide.yaml", checker=golden_checker())
    rendered = formats.render(result, "github", lang)
    assert_matches_golden(rendered, GOLDEN / f"ordos-calcium-carbide.{lang}.github.txt")


# ---- SARIF -----------------------------------------------------------------------------------


def test_a_folder_is_one_valid_sarif_run_with_every_project_located_at_its_yaml_lines(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    log = json.loads(assembled("sarif", "en"))
    jsonschema.validate(log, SARIF_SCHEMA)
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    uris = [a["location"]["uri"] for a in run["artifacts"]]
    assert uris == [f"projects/{name}" for name in SAMPLES]
    results = [check_sample(name, checker=golden_checker()) for name in SAMPLES]
    expected = [(r.document.path, f.id, locate(f, r.document).line) for r in results for f in r.findings]
    found = []
    for item in run["results"]:
        where = item["locations"][0]["physicalLocation"]
        assert uris[where["artifactLocation"]["index"]] == where["artifactLocation"]["uri"]
        found.append((where["artifactLocation"]["uri"], item["ruleId"], where["region"]["startLine"]))
    assert found == expected
    assert [p["verdict"] for p in run["properties"]["projects"]] == ["rejected", "approved"]
    broken = [n for n in run["invocations"][0]["toolExecutionNotifications"] if n["level"] == "error"]
    assert broken[0]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": BROKEN},
        "region": {"startLine": 4},
    }
    assert run["invocations"][0]["exitCode"] == 2


# ---- JUnit -----------------------------------------------------------------------------------


def test_a_folder_in_junit_is_one_testsuite_per_project_with_counts_that_add_up(monkeypatch):
    import xml.etree.ElementTree as ET

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = ET.fromstring(assembled("junit", "zh", normalise=False).encode("utf-8"))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [
        "nm-project-checker.NM-2025-0042",
        "nm-project-checker.NM-2025-0107",
        f"nm-project-checker.{BROKEN}",
    ]
    for key in ("tests", "failures", "errors", "skipped"):
        assert int(root.get(key)) == sum(int(s.get(key)) for s in suites), key
    assert {s.get("timestamp") for s in suites} == {"2026-01-01T00:00:00+00:00"}
    assert suites[2].find("testcase/error").get("type") == "invalid_input"


def test_the_junit_timestamp_is_the_moment_of_the_check_not_the_check_date(monkeypatch):

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    text = formats.render(check_sample("kubuqi-desert-pv.yaml"), "junit", "en")  # as of 2026-01-01
    after = dt.datetime.now(dt.timezone.utc)
    stamp = dt.datetime.fromisoformat(re.search(r'timestamp="([^"]+)"', text).group(1))
    assert before <= stamp <= after
    assert 'name="as_of" value="2026-01-01"' in text  # the check date stays, as a property


def test_an_unusable_source_date_epoch_is_a_usage_error():
    proc = check("projects/kubuqi-desert-pv.yaml", "--format", "junit", env={"SOURCE_DATE_EPOCH": "soon"})
    assert proc.returncode == 2
    assert proc.stderr.decode().startswith("error: SOURCE_DATE_EPOCH='soon' is not a number of seconds")
    assert len(proc.stderr.splitlines()) == 1


# ---- HTML and Markdown -------------------------------------------------------------------------


def test_the_html_document_links_each_project_from_its_table_of_contents(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    text = assembled("html", "zh")
    root = html5lib.parse(text, treebuilder="etree", namespaceHTMLElements=False)
    ids = {e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    links = [a.get("href") for a in root.find(".//table[@class='contents']").iter("a")]
    assert links == [f"#{anchor(f'projects/{name}')}" for name in SAMPLES]
    for element in root.iter():  # every internal link lands, none on another project's finding
        href = element.get("href") if isinstance(element.tag, str) else None
        if href:
            assert href[1:] in ids, href
    sections = root.findall(".//section[@class='project']")
    assert [s.get("style") for s in sections] == [f"page: {anchor(f'projects/{n}')}" for n in SAMPLES]
    assert f"@page {anchor('projects/ordos-calcium-carbide.yaml')} {{" in text
    assert "无法读取的文件" in text and "&#39;包头&#39; is not one of the 12 盟市" in text


def test_the_markdown_document_links_each_project_from_its_table_of_contents(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    text = assembled("markdown", "en")
    for name in SAMPLES:
        target = anchor(f"projects/{name}")
        assert f"](#{target})" in text
        assert f'<a id="{target}"></a>' in text
    assert text.index("](#") < text.index("<a id=")


# ---- GitHub annotations ------------------------------------------------------------------------


def test_github_escapes_follow_the_workflow_command_rules():
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"


def test_github_annotations_map_statuses_to_levels_and_point_at_the_yaml_line():

    result = check_sample("ordos-calcium-carbide.yaml")
    lines = formats.render(result, "github", "en").splitlines()
    by_rule = {
        re.search(r"title=([A-Z]{2}-\d{3})", line).group(1): line
        for line in lines
        if "title=" in line and not line.startswith("::notice")
    }
    for finding in result.findings:
        level = {"fail": "error", "warn": "warning", "review": "warning", "missing_info": "warning"}.get(finding.status)
        if level is None:
            assert finding.id not in by_rule
            continue
        line = locate(finding, result.document).line
        assert by_rule[finding.id].startswith(
            f"::{level} file=projects/ordos-calcium-carbide.yaml,line={line},title={finding.id}::"
        )


def test_a_hostile_project_name_cannot_start_a_workflow_command_of_its_own(tmp_path):

    result = check_hostile(tmp_path)
    text = formats.render(result, "github", "zh")
    assert all(line.startswith("::") for line in text.splitlines())
    from checker.reports.github import problem_annotations

    forged = Problem("a,b:c.yaml", "project.name", 2, "bad\n::error file=x::forged\r%0A")
    line = problem_annotations("a,b:c.yaml", (forged,))
    assert line == ("::error file=a%2Cb%3Ac.yaml,line=2::project.name: bad%0A::error file=x::forged%0D%250A\n")


# ---- the command line: folders, -j, --fail-on ---------------------------------------------------


def check(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        # `-m checker` from the repository: this checkout's code, whatever the venv's script imports
        [sys.executable, "-m", "checker", *args],
        cwd=REPO,
        capture_output=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})},
    )


FOLDER_SAMPLES = (
    "projects/ordos-calcium-carbide.yaml",
    "projects/kubuqi-desert-pv.yaml",
    "projects/baotou-rare-earth-separation.yaml",
)


@pytest.mark.parametrize("fmt", ["sarif", "junit", "html", "markdown", "github"])
def test_a_batch_document_is_byte_identical_whatever_the_number_of_workers(fmt):
    one = check(*FOLDER_SAMPLES, "--format", fmt, "--as-of", "2026-01-01", "-j", "1")
    two = check(*FOLDER_SAMPLES, "--format", fmt, "--as-of", "2026-01-01", "-j", "3")
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout and one.stdout
    if fmt == "sarif":
        log = json.loads(one.stdout)
        jsonschema.validate(log, SARIF_SCHEMA)
        assert [a["location"]["uri"] for a in log["runs"][0]["artifacts"]] == list(FOLDER_SAMPLES)


def test_the_sarif_of_one_project_in_a_folder_agrees_with_its_own_sarif():
    batch = json.loads(check(*FOLDER_SAMPLES, "--format", "sarif", "--as-of", "2026-01-01").stdout)
    alone = json.loads(check(FOLDER_SAMPLES[0], "--format", "sarif", "--as-of", "2026-01-01").stdout)
    run, own = batch["runs"][0], alone["runs"][0]
    assert run["tool"]["driver"] == own["tool"]["driver"]
    assert [
        r
        for r in run["results"]
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == FOLDER_SAMPLES[0]
    ] == own["results"]


@pytest.mark.parametrize(
    ("sample", "fail_on", "code"),
    [
        ("ordos-calcium-carbide.yaml", "rejected", 1),
        ("ordos-calcium-carbide.yaml", "warn", 1),
        ("baotou-rare-earth-separation.yaml", "review", 3),
        ("baotou-rare-earth-separation.yaml", "rejected", 0),
        ("baotou-rare-earth-separation.yaml", "warn", 3),
        ("xilingol-wind-no-storage.yaml", "review", 0),
        ("xilingol-wind-no-storage.yaml", "warn", 4),
        ("kubuqi-desert-pv.yaml", "warn", 0),
    ],
)
def test_fail_on_chooses_which_verdicts_make_the_exit_code_non_zero(sample, fail_on, code):
    proc = check(f"projects/{sample}", "--format", "json", "--fail-on", fail_on, "--as-of", "2025-06-01")
    assert proc.returncode == code
    verdict = json.loads(proc.stdout)
    # the verdict's own code stays; the run's code, where the gate changed it, is beside it
    assert verdict["exit_code"] == exit_code(verdict["verdict"])
    assert verdict.get("run_exit_code", verdict["exit_code"]) == exit_code(verdict["verdict"], fail_on) == code


def test_fail_on_for_a_folder_takes_the_worst_gated_code():
    mixed = (
        "projects/baotou-rare-earth-separation.yaml",
        "projects/xilingol-wind-no-storage.yaml",
        "projects/kubuqi-desert-pv.yaml",
    )
    codes = {
        level: check(*mixed, "--format", "csv", "--fail-on", level, "--as-of", "2025-06-01").returncode
        for level in ("rejected", "review", "warn")
    }
    assert codes == {"rejected": 0, "review": 3, "warn": 3}
    warn_only = check(*mixed[1:], "--format", "github", "--fail-on", "warn", "--as-of", "2025-06-01")
    assert warn_only.returncode == 4


def test_the_default_fail_on_keeps_todays_exit_codes():
    for name, verdict in (
        ("ordos-calcium-carbide.yaml", "rejected"),
        ("baotou-rare-earth-separation.yaml", "needs_review"),
        ("xilingol-wind-no-storage.yaml", "approved_with_warnings"),
    ):
        proc = check(f"projects/{name}", "--format", "json", "--as-of", "2025-06-01")
        assert json.loads(proc.stdout)["verdict"] == verdict
        assert proc.returncode == exit_code(verdict)


def test_an_unreadable_file_in_a_folder_is_a_github_error_at_its_line(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: 1\nproject:\n  name: x\n  league_city: 包头\n", encoding="utf-8")
    proc = check(str(broken), "projects/kubuqi-desert-pv.yaml", "--format", "github")
    assert proc.returncode == 2
    first = proc.stdout.decode("utf-8").splitlines()[0]
    assert first.startswith(f"::error file={escape_property(str(broken))},line=")
    assert proc.stderr == b""  # the annotations are the report: not said twice


def test_a_folder_document_is_recorded_in_the_ledger_once_written(tmp_path):
    ledger = tmp_path / "ledger.db"
    proc = check(*FOLDER_SAMPLES[:2], "--format", "junit", "--record", str(ledger))
    assert proc.returncode == 1 and proc.stdout.count(b"<testsuite ") == 2
    verify = subprocess.run(
        [sys.executable, "-c", "from checker.cli.entry import checker; checker()", "verify", str(ledger)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert verify.returncode == 0
    assert "2 entries checked: 2 verified" in verify.stdout


# --- a file that cannot be read is said in the run's language, in every format ---------------------

TAB_INDENTED = "format: 1\nproject:\n\tid: NM-1\n"


@pytest.fixture
def mixed_folder(tmp_path):
    folder = tmp_path / "applications"
    folder.mkdir()
    (folder / "a.yaml").write_bytes((REPO / "projects" / "hohhot-data-centre.yaml").read_bytes())
    (folder / "b.yaml").write_text(TAB_INDENTED, encoding="utf-8")
    (folder / "c.yaml").write_text("", encoding="utf-8")
    return folder


def run_folder(folder, fmt: str, lang: str) -> str:
    code = "from checker.cli.app import check_main; check_main()"
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder), "--format", fmt, "--lang", lang, "--as-of", "2025-06-01", "-j", "2"],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


@pytest.mark.parametrize("fmt", ["markdown", "html", "csv", "junit", "github", "sarif"])
def test_an_unreadable_file_reads_in_chinese_in_every_document(mixed_folder, fmt):
    text = run_folder(mixed_folder, fmt, "zh")
    assert "YAML 语法错误" in text and "文件为空" in text
    assert "YAML syntax error" not in text and "the file is empty" not in text
    english = run_folder(mixed_folder, fmt, "en")
    assert "YAML syntax error" in english and "the file is empty" in english


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_a_json_error_keeps_its_english_message_and_adds_the_run_s_language(mixed_folder, fmt):
    lines = [json.loads(line) for line in run_folder(mixed_folder, fmt, "zh").splitlines()]
    errors = {os.path.basename(line["input"]): line["error"] for line in lines if "error" in line}
    assert errors["c.yaml"]["message"] == "the file is empty"
    assert errors["c.yaml"]["message_localized"] == "文件为空"
    assert errors["b.yaml"]["message"].startswith("YAML syntax error")
    assert errors["b.yaml"]["message_localized"].startswith("YAML 语法错误")
    lines = [json.loads(line) for line in run_folder(mixed_folder, fmt, "en").splitlines()]
    for line in lines:
        if "error" in line:
            assert line["error"]["message_localized"] == line["error"]["message"]
