"""Batch review: folders and several files, worker processes, streamed output, summary and CSV.

Worker-process runs go through a subprocess (a fresh interpreter, as users run it); in-process runs
use click's CliRunner. The expected verdicts of the shipped projects come from single-file checks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.batch.inputs import expand_paths
from checker.batch.runner import Settings, run, worst_exit_code
from checker.batch.summary import Progress
from checker.check import CheckResult
from checker.cli.app import check_main
from tests.support import REPO
from tests.support.checkers import checker_on

AS_OF = "2025-06-01"
# four of the shipped projects, as the mixed folder's valid files
PROJECTS = [
    REPO / "projects" / name
    for name in (
        "chifeng-coal-chp-exemption.yaml",
        "hohhot-data-centre.yaml",
        "kubuqi-desert-pv.yaml",
        "ordos-calcium-carbide.yaml",
    )
]
EXIT = {"approved": 0, "approved_with_warnings": 0, "rejected": 1, "needs_review": 3}


def single(path: Path) -> CheckResult:
    """The result of checking one file on its own: what a batch must agree with."""
    return checker_on(dt.date.fromisoformat(AS_OF)).check_path(path)


def verdicts(paths: list[Path]) -> dict[str, str]:
    return {p.name: single(p).verdict for p in paths}


BROKEN_YAML = "format: 1\nproject:\n  id: a: b\n  name: x\n"  # a syntax error on line 3
BROKEN_MODEL = "format: 1\nproject:\n  id: NM-1\nsurprise: 1\n"  # valid YAML, not a project


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it: a fresh interpreter, so `-j 2` really forks workers."""
    code = "from checker.cli.app import check_main; check_main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """Four valid projects, one in a subfolder as .yml, and two broken files in between."""
    for path in PROJECTS:
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "b-broken.yaml").write_text(BROKEN_YAML, encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "a-not-a-project.yaml").write_text(BROKEN_MODEL, encoding="utf-8")
    shutil.copy(REPO / "projects" / "kubuqi-desert-pv.yaml", sub / "z-pv.yml")
    (tmp_path / "notes.txt").write_text("not a project", encoding="utf-8")
    return tmp_path


def expected_order(root: Path) -> list[str]:
    return [
        str(root / "b-broken.yaml"),
        *(str(root / p.name) for p in PROJECTS),
        str(root / "sub" / "a-not-a-project.yaml"),
        str(root / "sub" / "z-pv.yml"),
    ]


def test_folder_expands_recursively_in_sorted_order_skipping_other_files(mixed: Path):
    (mixed / ".hidden").mkdir()
    (mixed / ".hidden" / "workflow.yml").write_text("on: push\n", encoding="utf-8")
    assert expand_paths([str(mixed)]) == expected_order(mixed)


def test_paths_keep_the_order_they_are_given_in(mixed: Path):
    single = str(mixed / "sub" / "z-pv.yml")
    assert expand_paths([single, str(mixed / "sub")]) == [
        single,
        str(mixed / "sub" / "a-not-a-project.yaml"),
        single,
    ]


def test_json_batch_in_two_processes_reports_every_file_in_order(mixed: Path):
    proc = run_cli(str(mixed), "--format", "json", "--as-of", AS_OF, "-j", "2")
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    order = [line["input"] if "error" in line else line["input"]["path"] for line in lines]
    assert order == expected_order(mixed)
    assert proc.returncode == 2  # the worst: invalid input beats rejected
    broken = lines[0]["error"]
    assert broken["file"] == str(mixed / "b-broken.yaml")
    assert broken["line"] == 3
    assert "YAML syntax error" in broken["message"]
    not_project = lines[5]  # several problems: the first as `error`, all of them in `errors`
    assert not_project["error"] == not_project["errors"][0]
    assert {
        "file": str(mixed / "sub" / "a-not-a-project.yaml"),
        "key_path": "surprise",
        "line": 4,
        "message": "unknown key in format 1",
        "message_localized": "格式 1 中没有此键",  # the report's language: Chinese by default
    } in not_project["errors"]
    in_batch = {Path(line["input"]["path"]).name: line["verdict"] for line in lines[1:5]}
    assert in_batch == verdicts(PROJECTS)
    assert lines[6]["verdict"] == "approved"
    assert all(line.endswith("}") and ", " not in line[:40] for line in proc.stdout.splitlines())


def test_one_and_two_processes_print_byte_identical_json(mixed: Path):
    one = run_cli(str(mixed), "--format", "json", "--as-of", AS_OF, "-j", "1")
    two = run_cli(str(mixed), "--format", "json", "--as-of", AS_OF, "-j", "2")
    assert one.stdout and one.stdout == two.stdout
    assert one.returncode == two.returncode == 2


def test_single_file_json_stays_pretty():
    proc = run_cli(str(PROJECTS[0]), "--format", "json", "--as-of", AS_OF)
    assert proc.stdout.startswith("{\n  ")
    assert json.loads(proc.stdout)["verdict"] == single(PROJECTS[0]).verdict


def test_text_batch_reports_errors_on_stderr_and_summarises(mixed: Path):
    result = CliRunner().invoke(check_main, [str(mixed), "--as-of", AS_OF, "--lang", "en", "-j", "1"])
    assert result.exit_code == 2
    broken = mixed / "b-broken.yaml"
    assert f"error: {broken}:3: YAML syntax error" in result.stderr
    assert f"error: {mixed / 'sub' / 'a-not-a-project.yaml'}:4: surprise:" in result.stderr
    out = result.stdout
    # the valid projects' reports, in input order, then the summary
    positions = [out.index(f"Input file: {mixed / p.name}") for p in PROJECTS]
    assert positions == sorted(positions)
    summary = out[out.index("Batch summary") :]
    assert out.index("Batch summary") > positions[-1]
    assert "projects: 7" in summary
    expected = Counter(verdicts(PROJECTS).values())
    expected["approved"] += 1  # sub/z-pv.yml
    for verdict, label in (
        ("approved", "approved"),
        ("rejected", "rejected"),
        ("needs_review", "needs review"),
        ("approved_with_warnings", "approved with warnings"),
    ):
        assert f"  {label}: {expected[verdict]}\n" in summary
    assert "  could not be read: 2" in summary
    failed = Counter(f.id for p in PROJECTS for f in single(p).findings if f.status == "fail")
    top_rule, top_count = sorted(failed.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    failed_block = summary.split("Rules failed most often:")[1].split("Files that")[0]
    assert failed_block.splitlines()[1] == f"  {top_rule}: {top_count}"
    assert str(broken) in summary.split("Files that could not be read:")[1]


def test_summary_ranks_the_rules_that_failed_most(tmp_path: Path):
    rejected = REPO / "projects" / "ordos-calcium-carbide.yaml"
    for name in ("a.yaml", "b.yaml"):
        shutil.copy(rejected, tmp_path / name)
    shutil.copy(REPO / "projects" / "kubuqi-desert-pv.yaml", tmp_path / "c.yaml")
    result = CliRunner().invoke(check_main, [str(tmp_path), "--as-of", AS_OF, "--lang", "en", "-j", "1"])
    assert result.exit_code == 1
    block = result.stdout.split("Rules failed most often:")[1].split("Files that")[0]
    assert "EC-001: 2" in block
    assert "Files that could not be read:\n  none" in result.stdout


def _one_with(verdict: str) -> Path:
    shipped = sorted((REPO / "projects").glob("*.yaml"))
    return next(p for p in shipped if single(p).verdict == verdict)


@pytest.mark.parametrize(
    ("verdicts_in_batch", "code"),
    [
        (("approved", "approved"), 0),
        (("approved", "rejected"), 1),
        (("needs_review", "approved"), 3),
        (("needs_review", "rejected"), 1),
    ],
)
def test_batch_exit_code_is_the_worst_project(verdicts_in_batch: tuple[str, ...], code: int):
    paths = [str(_one_with(v)) for v in verdicts_in_batch]
    result = CliRunner().invoke(check_main, [*paths, "--as-of", AS_OF, "-j", "1"])
    assert result.exit_code == code


def test_exit_code_precedence():
    assert worst_exit_code([0, 3, 0]) == 3
    assert worst_exit_code([3, 1, 0]) == 1
    assert worst_exit_code([1, 2, 3]) == 2
    assert worst_exit_code([2, 70, 1]) == 70
    assert worst_exit_code([]) == 0


def test_folder_without_yaml_files_is_refused(tmp_path: Path):
    (tmp_path / "readme.txt").write_text("nothing to check", encoding="utf-8")
    result = CliRunner().invoke(check_main, [str(tmp_path)])
    assert result.exit_code == 2
    assert f"error: {tmp_path}: no *.yaml or *.yml file in this folder" in result.stderr
    assert result.stdout == ""


def test_missing_path_in_a_batch_is_refused_before_any_check(tmp_path: Path):
    result = CliRunner().invoke(check_main, [str(PROJECTS[0]), str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert f"error: {tmp_path / 'nope'}: no such file or folder" in result.stderr
    assert result.stdout == ""


def test_a_bad_params_file_stops_a_parallel_batch_with_a_clear_error(mixed: Path):
    policy = mixed.parent / "policy.yaml"
    policy.write_text("parameters: [\n", encoding="utf-8")
    proc = run_cli(str(mixed), "--params", str(policy), "--format", "json", "-j", "2")
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"error: {policy}:")
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_csv_batch_has_one_row_per_project_and_a_bom(mixed: Path):
    result = CliRunner().invoke(check_main, [str(mixed), "--format", "csv", "--as-of", AS_OF, "-j", "1"])
    raw = result.stdout_bytes
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\xef\xbb\xbf") == 1
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["file"] for r in rows] == expected_order(mixed)
    by_name = {Path(r["file"]).name: r for r in rows}
    ordos = by_name["ordos-calcium-carbide.yaml"]
    assert ordos["verdict"] == "rejected"
    assert ordos["id"] and ordos["name"]
    assert "EC-001" in ordos["failed_rules"].split()
    assert int(ordos["fail"]) == len(ordos["failed_rules"].split())
    assert sum(
        int(ordos[s]) for s in ("fail", "review", "missing_info", "warn", "pass", "not_applicable", "waived")
    ) == len(single(PROJECTS[3]).findings)
    assert by_name["b-broken.yaml"]["verdict"] == ""
    assert "YAML 语法错误" in by_name["b-broken.yaml"]["error"]  # in the report's language, Chinese by default
    assert result.exit_code == 2


def test_outcomes_stream_before_the_batch_ends(tmp_path: Path):
    """The second file is created only after the first outcome is out: so it was yielded first."""
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    shutil.copy(PROJECTS[0], first)
    outcomes = run([str(first), str(second)], Settings(fmt="json", lang="en"), jobs=1)
    assert next(outcomes).verdict is not None
    shutil.copy(PROJECTS[1], second)
    assert next(outcomes).verdict is not None


class _FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal_for_many_files_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    assert Progress(_FakeTerminal(), 100).enabled
    assert not Progress(_FakeTerminal(), 10).enabled
    assert not Progress(io.StringIO(), 100).enabled
    monkeypatch.setenv("CI", "true")
    assert not Progress(_FakeTerminal(), 100).enabled


def test_progress_bar_draws_and_clears(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    stream = _FakeTerminal()
    progress = Progress(stream, 40)
    for _ in range(40):
        progress.advance()
    assert "40/40 100%" in stream.getvalue()
    progress.clear()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_no_progress_bar_in_a_pipe(tmp_path: Path):
    for index in range(31):
        shutil.copy(PROJECTS[1], tmp_path / f"p{index:02}.yaml")
    proc = run_cli(str(tmp_path), "--format", "json", "--as-of", AS_OF, "-j", "2")
    assert proc.returncode == 0
    assert proc.stderr == ""
    assert len(proc.stdout.splitlines()) == 31


def test_spawned_workers_give_the_same_results(monkeypatch, tmp_path: Path):
    """When this process already runs threads it must not fork: workers are spawned instead."""
    import checker.batch.runner

    files = [str(p) for p in PROJECTS[:3]]
    settings = Settings(fmt="json", lang="en", as_of=None)
    in_process = [o.output for o in run(files, settings, jobs=1)]
    monkeypatch.setattr(checker.batch.runner, "_start_method", lambda: "spawn")
    spawned = [o.output for o in run(files, settings, jobs=2)]
    assert spawned == in_process


def test_a_bad_params_file_stops_an_in_process_batch_too(mixed: Path):
    policy = mixed.parent / "policy.yaml"
    policy.write_text("parameters: [\n", encoding="utf-8")
    result = CliRunner().invoke(check_main, [str(mixed), "--params", str(policy), "-j", "1"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {policy}:")
    assert result.stdout == ""


def test_results_are_streamed_while_the_batch_still_runs(tmp_path: Path):
    """The last input is held back until a signal file appears: the first row must already be out.

    (A named pipe no longer serves as the held-back input: a FIFO is refused without being read.)"""
    import os
    import threading

    last = tmp_path / "last.yaml"
    last.write_text(PROJECTS[1].read_text(encoding="utf-8"), encoding="utf-8")
    go = tmp_path / "go"
    code = (
        "import os, time\n"
        "import checker.check as c\n"
        "checked = c.Checker.check_path\n"
        "def held(self, path, *args, **kwargs):\n"
        f"    while str(path).endswith('last.yaml') and not os.path.exists({str(go)!r}):\n"
        "        time.sleep(0.05)\n"
        "    return checked(self, path, *args, **kwargs)\n"
        "c.Checker.check_path = held\n"
        "from checker.cli.app import check_main; check_main()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(PROJECTS[0]), str(last), "--format", "csv", "-j", "1", "--as-of", AS_OF],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env={k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},  # pipes buffer
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout.readline() for _ in "ab"))
    reader.start()
    reader.join(timeout=60)
    streamed = not reader.is_alive() and proc.poll() is None
    go.touch()  # let it finish
    proc.communicate(timeout=60)
    reader.join()
    assert streamed, "the first project's row came only at the end"
    assert lines[1].startswith(str(PROJECTS[0]))
    assert proc.returncode == worst_exit_code([EXIT[single(p).verdict] for p in PROJECTS[:2]])


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--output", "out.json"], "--output takes one project"),
    ],
)
def test_single_project_options_are_refused_for_a_batch(tmp_path: Path, extra: list[str], message: str):
    result = CliRunner().invoke(check_main, [str(PROJECTS[0]), str(PROJECTS[1]), *extra])
    assert result.exit_code == 2
    assert f"error: {message}" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "paths",
    [
        [],
        ["a.yaml"],
        ["a.yaml", "", "sub/b c.yml", "é/文件.yaml"],
        ["bytes-\udcff.yaml", "x.yml"],
        ["目录/文件1.yaml", "目录/文件2.yaml", "目/x.yaml", "目录/文件2.yaml"],
    ],
)
def test_path_list_gives_back_the_paths_in_order(paths: list[str]):
    from checker.batch.runner import PathList

    compact = PathList(paths)
    assert len(compact) == len(paths)
    assert list(compact) == paths
    assert list(compact) == paths  # iterable more than once


def test_a_batch_json_line_holds_the_same_verdict_as_the_single_file_report(tmp_path: Path):
    runner = CliRunner()
    lines = runner.invoke(
        check_main, [*map(str, PROJECTS[:2]), "--format", "json", "--as-of", AS_OF, "-j", "1"]
    ).stdout.splitlines()
    for path, line in zip(PROJECTS[:2], lines, strict=True):
        alone = runner.invoke(check_main, [str(path), "--format", "json", "--as-of", AS_OF])
        assert json.loads(line) == json.loads(alone.stdout)


def test_one_file_starts_no_worker_process(monkeypatch):
    import checker.batch.runner

    def no_pool(method: str):
        raise AssertionError(f"a {method} pool was started for one file")

    monkeypatch.setattr(checker.batch.runner.multiprocessing, "get_context", no_pool)
    settings = Settings(fmt="json", lang="en", as_of=dt.date.fromisoformat(AS_OF))
    outcomes = list(run([str(PROJECTS[1])], settings, jobs=4))
    assert [o.verdict for o in outcomes] == [single(PROJECTS[1]).verdict]


def test_a_batch_is_recorded_by_its_workers_and_the_ledger_verifies(mixed: Path, tmp_path: Path):
    """A batch recorded in the ledger by two worker processes appending concurrently verifies."""
    from checker.audit.ledger import Ledger
    from checker.cli.app import checker_main

    ledger = tmp_path / "ledger.db"
    result = CliRunner().invoke(
        check_main, [str(mixed), "-j", "2", "--format", "json", "--as-of", "2026-01-01", "--record", str(ledger)]
    )
    checked = [json.loads(line) for line in result.stdout.splitlines()]
    recorded = [line["input"]["path"] for line in checked if "verdict" in line]
    assert len(recorded) >= 2
    with Ledger(str(ledger), create=False) as opened:
        entries = opened.entries()
    assert sorted(e.input_path for e in entries) == sorted(recorded)
    verify = CliRunner().invoke(checker_main, ["verify", str(ledger)])
    assert verify.exit_code == 0, verify.output


def test_output_goes_out_as_the_settings_encode_it(mixed: Path, monkeypatch):
    # workers send encoded bytes; the parent writes them to the stream's binary side, or decodes
    # them again for a stream without one, and what it prints as text keeps its place around them
    from checker.cli.batch import check_batch

    files = [str(p) for p in expand_paths([str(mixed)])]
    settings = Settings(fmt="text", lang="en", as_of=dt.date.fromisoformat(AS_OF), encoding="gb18030", newline="\r\n")
    binary = io.TextIOWrapper(io.BytesIO(), encoding="gb18030", newline="\r\n")
    monkeypatch.setattr(sys, "stdout", binary)
    check_batch(list(files), settings, jobs=1)
    binary.flush()
    text = io.StringIO(newline="\r\n")
    monkeypatch.setattr(sys, "stdout", text)
    check_batch(list(files), settings, jobs=1)
    printed = binary.buffer.getvalue().decode("gb18030")
    assert printed == text.getvalue()
    assert "m³" in printed and printed.count("\r\n") == printed.count("\n") > 100  # Windows' line ends


@pytest.mark.parametrize(("fmt", "start"), [("csv", b"\xef\xbb\xbffile,"), ("json", b'{"')])
def test_machine_formats_are_utf8_whatever_the_console_encoding(mixed: Path, fmt: str, start: bytes):
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    code = "from checker.cli.app import check_main; check_main()"
    run = subprocess.run(
        [sys.executable, "-c", code, str(mixed), "--format", fmt, "-j", "2"],
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert run.returncode == 2, run.stderr  # the broken files
    assert run.stdout.startswith(start)
    run.stdout.decode("utf-8")  # UTF-8 throughout, the BOM a spreadsheet recognises included


@pytest.mark.parametrize("fmt", ["json", "csv", "text"])
def test_a_file_name_that_is_not_utf8_is_printed_as_given(tmp_path: Path, fmt: str):
    # Linux file names are bytes; Python carries undecodable ones as surrogates, and the output
    # must write them back rather than fail the batch (it did for json and csv, exit 70, nothing)
    folder = tmp_path / "odd"
    folder.mkdir()
    odd = bytes(folder) + b"/\xff.yaml"
    with open(odd, "wb") as fh:
        fh.write(PROJECTS[0].read_bytes())
    shutil.copy(PROJECTS[1], folder / "b.yaml")
    code = "from checker.cli.app import check_main; check_main()"
    run = subprocess.run(
        [sys.executable, "-c", code, str(folder), "--format", fmt, "-j", "2"],
        cwd=REPO,
        capture_output=True,
        timeout=120,
    )
    assert run.returncode in (0, 1, 3), run.stderr
    assert b"/\xff.yaml" in run.stdout


@pytest.mark.parametrize(("fmt", "listed"), [("text", True), ("jsonl", False), ("json", False), ("csv", False)])
def test_only_the_text_summary_keeps_a_line_per_project(fmt, listed, monkeypatch):
    """The end-of-batch summary that lists every project is the text format's; the others print
    none, so the parent keeps no line per project and its memory does not grow with the batch."""
    from checker.batch import summary as batch_summary
    from checker.cli import batch as cli_batch

    made: list[batch_summary.Summary] = []

    class Recorded(batch_summary.Summary):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(cli_batch, "Summary", Recorded)
    result = CliRunner().invoke(check_main, [*map(str, PROJECTS), "--as-of", AS_OF, "-j", "1", "--format", fmt])
    assert result.exit_code in (0, 1, 3), result.output
    (summary,) = made
    assert summary.total == len(PROJECTS)
    assert len(summary.projects) == (len(PROJECTS) if listed else 0)


def test_the_pools_own_thread_sleeps_while_results_are_in_flight(tmp_path: Path, monkeypatch):
    """The thread that maintains the pool's workers wakes when there is something to maintain,
    not for as long as a chunk of results sits in the pipe: the standard pool's thread also waits
    on the results pipe and spins on it (hundreds of wake-ups for 60 compact lines), taking CPU
    from the workers. Counted, not timed: at most one wake-up a chunk, plus the pool's end."""
    import multiprocessing.pool

    from checker.batch.runner import chunk_size

    for index in range(60):
        shutil.copy(PROJECTS[index % len(PROJECTS)], tmp_path / f"p{index:02}.yaml")
    wakeups = Counter[str]()
    wait = multiprocessing.pool.Pool._wait_for_updates

    def counted(*args: object, **kwargs: object) -> None:
        wakeups["pool thread"] += 1
        wait(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(multiprocessing.pool.Pool, "_wait_for_updates", staticmethod(counted))
    files = sorted(str(p) for p in tmp_path.glob("*.yaml"))
    settings = Settings(fmt="jsonl", lang="zh", as_of=dt.date.fromisoformat(AS_OF))
    outcomes = list(run(files, settings, jobs=2))
    assert [o.path for o in outcomes] == files
    chunks = -(-len(files) // chunk_size(len(files), 2, "jsonl"))
    assert wakeups["pool thread"] <= chunks + 4


def test_a_worker_leaves_what_it_built_to_reference_counting(monkeypatch):
    """A batch worker freezes its long-lived objects and collects only the young generation, and
    seldom: the collector's default passes were ~8 % of a worker's time (benchmarks/README.md)."""
    import gc

    from checker.batch import runner

    threshold = gc.get_threshold()
    try:
        runner._collect_young_only()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (runner._WORKER_GC_THRESHOLD, *threshold[1:])
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
