"""Hostile and careless output: where a report, a ledger entry or a line goes, and what it never
destroys. Each row of a table is one way to get it wrong, with its exit code and the words its
one-line message must contain; cases that need a process of their own (a full disk on stdout, a
signal, a killed parent) run the command in a subprocess.

Tests that need root (device nodes made with mknod) skip with a reason elsewhere; CI runs as root.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import checker.reports.output
from checker.cli.app import MAX_JOBS, check_main, checker_main

HERE = Path(__file__).parent / "hostile"
REPO = Path(__file__).resolve().parent.parent
VALID = HERE / "valid.yaml"
POLICY = HERE / "params_valid.yaml"
AS_OF = ["--as-of", "2026-01-01"]
ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False
needs_root = pytest.mark.skipif(not ROOT, reason="making device nodes (mknod) needs root; CI runs as root")


def run(*args: str | Path, command=check_main) -> tuple[int, str, str]:
    result = CliRunner().invoke(command, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def one_line_error(code: int, err: str, words: tuple[str, ...], expected: int = 2) -> None:
    assert code == expected, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for word in words:
        assert word in err, f"{word!r} not in {err!r}"


def subprocess_check(*args: str | Path, **kwargs) -> subprocess.CompletedProcess:
    options = {"capture_output": True, "timeout": 120, **kwargs}
    return subprocess.run([sys.executable, "-m", "checker", *map(str, args)], cwd=REPO, **options)


def full_device(tmp_path: Path) -> Path:
    """A device that fails every write with ENOSPC: /dev/full, or one made like it (root)."""
    dev_full = Path("/dev/full")
    if dev_full.exists() and stat.S_ISCHR(dev_full.stat().st_mode):
        return dev_full
    if not ROOT:
        pytest.skip("no /dev/full and making one (mknod) needs root; CI runs as root")
    made = tmp_path / "full"
    os.mknod(made, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    return made


# ---------------------------------------------------------------- --output targets


def _fifo(tmp: Path) -> str:
    os.mkfifo(tmp / "report.json")
    return str(tmp / "report.json")


def _null_device(tmp: Path) -> str:
    if not ROOT:
        pytest.skip("making a device node (mknod) needs root; CI runs as root")
    os.mknod(tmp / "null.json", stat.S_IFCHR | 0o666, os.makedev(1, 3))
    return str(tmp / "null.json")


def _input_hard_link(tmp: Path) -> str:
    os.link(tmp / "project.yaml", tmp / "linked.json")
    return str(tmp / "linked.json")


def _input_symlink(tmp: Path) -> str:
    os.symlink(tmp / "project.yaml", tmp / "report.json")
    return str(tmp / "report.json")


def _symlink_loop(tmp: Path) -> str:
    os.symlink(tmp / "b.json", tmp / "a.json")
    os.symlink(tmp / "a.json", tmp / "b.json")
    return str(tmp / "a.json")


# name, makes the target (from the folder holding project.yaml), extra options, words
OUTPUT_TARGETS = [
    ("empty-name", lambda tmp: "", [], ("--output", "the file name is empty")),
    ("fifo", _fifo, [], ("report.json", "FIFO", "not a regular file")),
    # a device node made like /dev/null in the test's folder: /dev/null itself must never be the
    # target of a test run as root, where a regression would replace the machine's /dev/null
    ("device-node", _null_device, [], ("null.json", "character device", "not a regular file")),
    ("the-input", lambda tmp: str(tmp / "project.yaml"), [], ("over the input file", "project.yaml")),
    ("the-input-hard-link", _input_hard_link, [], ("over the input file",)),
    ("the-input-symlink", _input_symlink, [], ("over the input file",)),
    ("symlink-loop", _symlink_loop, [], ("a.json", "Too many levels of symbolic links")),
    ("the-ledger", lambda tmp: str(tmp / "l.json"), ["--record", "{tmp}/l.json"], ("over the ledger",)),
    ("the-ledger-url", lambda tmp: str(tmp / "l.json"), ["--record", "sqlite:///{tmp}/l.json"], ("over the ledger",)),
    (
        "the-policy-file",
        lambda tmp: str(tmp / "policy.json"),
        ["--params", "{tmp}/policy.json"],
        ("over the policy file", "policy.json"),
    ),
    ("no-such-folder", lambda tmp: str(tmp / "nowhere" / "r.json"), [], ("does not exist",)),
]


@pytest.mark.parametrize(("name", "make", "extra", "words"), OUTPUT_TARGETS, ids=[c[0] for c in OUTPUT_TARGETS])
def test_output_target_is_refused(tmp_path, name, make, extra, words):
    project = tmp_path / "project.yaml"
    project.write_bytes(VALID.read_bytes())
    (tmp_path / "policy.json").write_bytes(POLICY.read_bytes())
    target = make(tmp_path)
    before = {p.name: (p.lstat().st_mode, p.lstat().st_mtime_ns) for p in tmp_path.iterdir()}
    options = [o.replace("{tmp}", str(tmp_path)) for o in extra]
    code, out, err = run(project, "--output", target, "--format", "json", *options, *AS_OF)
    one_line_error(code, err, words)
    assert out == ""
    assert {p.name: (p.lstat().st_mode, p.lstat().st_mtime_ns) for p in tmp_path.iterdir()} == before
    assert project.read_bytes() == VALID.read_bytes()


def test_output_to_a_directory_is_refused(tmp_path):
    code, _, err = run(VALID, "--output", tmp_path, "--format", "json", *AS_OF)
    one_line_error(code, err, ("is a directory",))


def test_output_through_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "reports" / "current.json"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "report.json"
    link.symlink_to(target)
    code, _, err = run(VALID, "--output", link, *AS_OF)
    assert (code, err) == (0, f"已写入 {link}(审查结论:通过)\n")  # the name given, not the target
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads(target.read_text(encoding="utf-8"))["verdict"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["current.json"]  # no temporary left


def test_a_report_with_a_long_chinese_name_is_written(tmp_path):
    target = tmp_path / ("审查报告" * 20 + ".json")  # 243 bytes: the temporary name must stay short
    code, _, err = run(VALID, "--output", target, *AS_OF)
    assert (code, err) == (0, f"已写入 {target}(审查结论:通过)\n")
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_output_through_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "report.json"
    link.symlink_to(tmp_path / "made.json")
    code, _, err = run(VALID, "--output", link, *AS_OF)
    assert (code, err) == (0, f"已写入 {link}(审查结论:通过)\n")
    assert link.is_symlink() and (tmp_path / "made.json").is_file()


@needs_root
def test_output_to_a_full_device_is_refused_and_the_device_kept(tmp_path):
    """`--output /dev/full` exited 0; made in the test's folder, never the machine's own."""
    device = tmp_path / "full"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    code, _, err = run(VALID, "--output", device, "--format", "json", *AS_OF)
    one_line_error(code, err, ("character device",))
    assert stat.S_ISCHR(device.stat().st_mode)


@pytest.mark.skipif(
    ROOT, reason="as root, a regression would replace the machine's /dev/null; the device-node case covers it"
)
def test_dev_null_as_output_is_refused():
    code, _, err = run(VALID, "--output", "/dev/null", "--format", "json", *AS_OF)
    one_line_error(code, err, ("/dev/null", "character device"))


# ---------------------------------------------------------------- writing every byte


def test_short_writes_are_continued(tmp_path, monkeypatch):
    real_write = os.write
    calls = []

    def short(fd, data):
        calls.append(len(data))
        return real_write(fd, bytes(data[:1000]))

    monkeypatch.setattr(os, "write", short)
    target = tmp_path / "report.json"
    code, _, err = run(VALID, "--output", target, *AS_OF)
    monkeypatch.undo()
    assert (code, err) == (0, f"已写入 {target}(审查结论:通过)\n")
    assert json.loads(target.read_text(encoding="utf-8"))["project"]["id"]
    assert len(calls) > 5


@pytest.mark.parametrize("failure", [errno.ENOSPC, errno.EIO, errno.EDQUOT])
def test_a_failed_write_keeps_the_old_report_and_records_nothing(tmp_path, monkeypatch, failure):
    target = tmp_path / "report.json"
    target.write_text("the old report", encoding="utf-8")
    ledger = tmp_path / "ledger.db"
    real_write = os.write
    state = {"written": 0}

    def fail_halfway(fd, data):
        if state["written"] > 4000:
            raise OSError(failure, os.strerror(failure))
        state["written"] += min(len(data), 4096)
        return real_write(fd, bytes(data[:4096]))

    monkeypatch.setattr(checker.reports.output.os, "write", fail_halfway)
    code, _out, err = run(VALID, "--output", target, "--record", ledger, *AS_OF)
    monkeypatch.undo()
    one_line_error(code, err, ("report.json", os.strerror(failure)))
    assert target.read_text(encoding="utf-8") == "the old report"
    assert sorted(p.name for p in tmp_path.iterdir()) in (["report.json"], ["ledger.db", "report.json"])
    if ledger.exists():
        with sqlite3.connect(ledger) as db:
            assert db.execute("SELECT count(*) FROM entries").fetchone() == (0,)


def test_the_entry_is_recorded_after_the_report_is_written(tmp_path):
    ledger, target = tmp_path / "ledger.db", tmp_path / "report.json"
    code, _, err = run(VALID, "--output", target, "--record", ledger, *AS_OF)
    assert code == 0
    with sqlite3.connect(ledger) as db:
        assert db.execute("SELECT count(*) FROM entries").fetchone() == (1,)
        (head,) = db.execute("SELECT entry_hash FROM entries WHERE seq = 1").fetchone()
    # said in the order done: the report written, then the entry
    assert err == f"已写入 {target}(审查结论:通过)\n已记入台账 {ledger}:第 1 条,链头哈希 {head}\n"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_batch_records_only_what_it_has_written(tmp_path, jobs):
    device = full_device(tmp_path)
    ledger = tmp_path / "ledger.db"
    paths = [VALID, VALID.parent / "gbk.yaml"]
    with open(device, "wb") as full:
        done = subprocess_check(
            *paths,
            "--record",
            ledger,
            "--format",
            "json",
            "-j",
            jobs,
            *AS_OF,
            stdout=full,
            stderr=subprocess.PIPE,
            capture_output=False,
            text=True,
        )
    one_line_error(done.returncode, done.stderr, ("standard output",))
    if ledger.exists():
        with sqlite3.connect(ledger) as db:
            assert db.execute("SELECT count(*) FROM entries").fetchone() == (0,)
    done = subprocess_check(*paths, "--record", ledger, "--format", "json", "-j", jobs, *AS_OF)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(ledger) as db:
        assert db.execute("SELECT count(*) FROM entries").fetchone() == (2,)


# ---------------------------------------------------------------- the ledger's name

RECORD_TARGETS = [
    ("empty", "", ("--record", "empty")),
    ("blank", "  ", ("--record", "empty")),
    ("sqlite-no-path", "sqlite://", ("sqlite://", "names no ledger file")),
    ("sqlite-memory", "sqlite:///:memory:", ("names no ledger file",)),
]


@pytest.mark.parametrize(("name", "target", "words"), RECORD_TARGETS, ids=[c[0] for c in RECORD_TARGETS])
@pytest.mark.parametrize("batch", [False, True], ids=["one", "batch"])
def test_a_ledger_without_a_file_is_a_usage_error(tmp_path, name, target, words, batch):
    paths = [VALID, VALID.parent / "gbk.yaml"] if batch else [VALID]
    code, out, err = run(*paths, "--record", target, "-j", "1", *AS_OF)
    one_line_error(code, err, words)
    assert out == ""


def test_record_and_output_in_a_deleted_working_directory(tmp_path):
    gone = tmp_path / "gone"
    script = (
        "import os, sys\n"
        f"os.mkdir({str(gone)!r}); os.chdir({str(gone)!r}); os.rmdir({str(gone)!r})\n"
        "from checker.cli.entry import check\n"
        "sys.argv = ['check'] + sys.argv[1:]\n"
        "check()\n"
    )
    for option in (["--record", "ledger.db"], ["--output", "report.json"]):
        done = subprocess.run(
            [sys.executable, "-c", script, str(VALID), *option, *AS_OF],
            capture_output=True,
            timeout=120,
            cwd=REPO,
            text=True,
        )
        one_line_error(done.returncode, done.stderr, ("working directory no longer exists",))
        assert done.stdout == ""


def test_the_input_is_read_once_even_when_recorded(tmp_path, monkeypatch):
    ledger = tmp_path / "ledger.db"

    def no_second_read(self, *args, **kwargs):
        raise AssertionError(f"{self} read a second time")

    monkeypatch.setattr(Path, "read_bytes", no_second_read)
    code, _, err = run(VALID, "--record", ledger, *AS_OF)
    monkeypatch.undo()
    assert code == 0 and err.startswith(f"已记入台账 {ledger}:第 1 条,链头哈希 ")


# ---------------------------------------------------------------- inputs that are not files


def test_a_fifo_as_input_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "project.yaml"
    os.mkfifo(fifo)
    started = time.monotonic()
    done = subprocess_check(fifo, "--record", tmp_path / "l.db", *AS_OF, text=True, timeout=30)
    assert time.monotonic() - started < 30
    one_line_error(done.returncode, done.stderr, ("project.yaml", "FIFO", "not a regular file"))


def test_a_fifo_in_a_batch_is_one_files_problem(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    code, out, _err = run(tmp_path / "pipe.yaml", VALID, "-j", "1", "--format", "json", *AS_OF)
    assert code == 2
    lines = [json.loads(line) for line in out.splitlines()]
    assert "FIFO" in lines[0]["error"]["message"] and lines[1]["verdict"]


def _walk_case_loop(tmp: Path) -> str:
    os.symlink(tmp / "b.yaml", tmp / "a.yaml")
    os.symlink(tmp / "a.yaml", tmp / "b.yaml")
    return "Too many levels of symbolic links"


def _walk_case_long_name(tmp: Path) -> str:
    return "File name too long"


# a folder holding one valid project and something that cannot be read; the batch goes on
WALK_CASES = [("symlink-loop", _walk_case_loop), ("long-name", _walk_case_long_name)]


@pytest.mark.parametrize(("name", "make"), WALK_CASES, ids=[c[0] for c in WALK_CASES])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_what_cannot_be_read_while_walking_is_that_files_problem(tmp_path, name, make, jobs):
    folder = tmp_path / "applications"
    folder.mkdir()
    (folder / "ok.yaml").write_bytes(VALID.read_bytes())
    words = make(folder)
    paths = [folder]
    if name == "long-name":
        paths.append(folder / ("x" * 300 + ".yaml"))
    done = subprocess_check(*paths, "-j", jobs, "--format", "json", *AS_OF, text=True)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert any(line.get("verdict") for line in lines)
    assert any(words in line["error"]["message"] for line in lines if "error" in line)


def test_a_folder_that_cannot_be_listed_is_that_folders_problem(tmp_path, monkeypatch):
    """As root chmod 000 does not stop a listing: make `scandir` refuse the way the OS would."""
    folder = tmp_path / "applications"
    (folder / "locked").mkdir(parents=True)
    (folder / "ok.yaml").write_bytes(VALID.read_bytes())
    real_scandir = os.scandir

    def refuse(path="."):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refuse)
    code, out, err = run(folder, "-j", "1", "--format", "json", *AS_OF)
    monkeypatch.undo()
    assert code == 2, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line.get("input") for line in lines if "error" in line] == [str(folder / "locked")]
    assert "cannot list the folder: Permission denied" in out
    assert any(line.get("verdict") for line in lines)


@pytest.mark.skipif(ROOT, reason="root lists folders whatever their mode (see the simulated test)")
def test_a_folder_that_cannot_be_listed_for_real(tmp_path):
    folder = tmp_path / "applications"
    (folder / "locked").mkdir(parents=True)
    (folder / "ok.yaml").write_bytes(VALID.read_bytes())
    (folder / "locked").chmod(0)
    try:
        code, out, _ = run(folder, "-j", "1", "--format", "json", *AS_OF)
    finally:
        (folder / "locked").chmod(0o755)
    assert code == 2 and "cannot list the folder" in out


def test_checker_diff_walks_past_a_symlink_loop(tmp_path):
    folder = tmp_path / "registry"
    folder.mkdir()
    (folder / "ok.yaml").write_bytes(VALID.read_bytes())
    _walk_case_loop(folder)
    code, out, err = run("diff", folder, "--params", POLICY, "-j", "1", *AS_OF, command=checker_main)
    assert code in (0, 1), err
    assert "Traceback" not in err and "internal error" not in err
    assert "a.yaml" in out


def test_checker_diff_over_only_missing_paths_is_an_error(tmp_path):
    code, out, err = run("diff", tmp_path / "nope", tmp_path / "nope2", "--params", POLICY, command=checker_main)
    one_line_error(code, err, ("nope", "no such file or folder"))
    assert out == ""


# ---------------------------------------------------------------- standard output


@pytest.mark.parametrize(
    "args",
    [
        [VALID],
        [VALID, "--format", "json"],
        [VALID, "--format", "html"],
        [VALID, VALID.parent / "gbk.yaml", "--format", "json", "-j", "2"],
        [VALID, VALID.parent / "gbk.yaml", "-j", "1"],
    ],
    ids=["text", "json", "html", "batch-json", "batch-text"],
)
def test_a_full_disk_on_stdout_exits_2_with_one_line(tmp_path, args):
    device = full_device(tmp_path)
    with open(device, "wb") as full:
        done = subprocess_check(*args, *AS_OF, stdout=full, stderr=subprocess.PIPE, capture_output=False, text=True)
    one_line_error(done.returncode, done.stderr, ("standard output", "No space left on device"))


@pytest.mark.parametrize("command", [["rules"], ["schema"], ["params"]])
def test_a_full_disk_on_stdout_of_checker_commands(tmp_path, command):
    device = full_device(tmp_path)
    with open(device, "wb") as full:
        done = subprocess.run(
            [sys.executable, "-c", "from checker.cli.entry import checker; checker()", *command],
            cwd=REPO,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    one_line_error(done.returncode, done.stderr, ("standard output",))


@pytest.mark.parametrize(
    "argv",
    [
        ["check", str(VALID)],
        ["check", str(VALID), str(HERE / "gbk.yaml"), "-j", "1"],
        ["checker", "rules"],
        ["checker", "schema"],
    ],
    ids=["check", "batch", "rules", "schema"],
)
def test_a_closed_stdout_exits_2_with_one_line(argv):
    code = f"import sys; from checker.cli.entry import {argv[0]} as main; sys.argv[1:] = {argv[1:]!r}; main()"
    done = subprocess.run(
        [sys.executable, "-c", code, *AS_OF],
        cwd=REPO,
        timeout=120,
        text=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: os.close(1),
    )
    one_line_error(done.returncode, done.stderr, ("standard output", "closed"))


def test_a_closed_pipe_exits_2_with_one_line():
    proc = subprocess.Popen(
        [sys.executable, "-m", "checker", str(VALID), "--format", "json", *AS_OF],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    proc.stdout.close()  # the reader goes away before a byte is written
    err = proc.stderr.read()
    proc.wait(timeout=120)
    one_line_error(proc.returncode, err, ("standard output", "broken pipe"))


@pytest.mark.parametrize("unbuffered", ["1", ""], ids=["unbuffered", "line-buffered"])
def test_invalid_input_exits_2_even_when_stderr_cannot_be_written(tmp_path, unbuffered):
    # stderr is line-buffered unless PYTHONUNBUFFERED is set: the line it could not write stays
    # in its buffer, and the interpreter's flush at exit failed on it again (exit 120)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = unbuffered
    device = full_device(tmp_path)
    with open(device, "wb") as full:
        done = subprocess_check(
            HERE / "syntax_error.yaml", stdout=subprocess.PIPE, stderr=full, capture_output=False, env=env
        )
    assert done.returncode == 2


# ---------------------------------------------------------------- the command line itself


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["-j", str(MAX_JOBS + 1)], ("--jobs", f"1<=x<={MAX_JOBS}")),
        (["-j", "200"], ("--jobs",)),
        (["--max-bytes", str(10**30)], ("--max-bytes", "1073741824")),
        (["--as-of", "x" * 5000], ("--as-of", "…")),
    ],
    ids=["jobs-over-cap", "jobs-200", "max-bytes-huge", "long-value"],
)
def test_check_usage_errors_are_one_short_line(args, words):
    code, out, err = run(VALID, VALID.parent / "gbk.yaml", *args)
    one_line_error(code, err, words)
    assert len(err) < 500
    assert out == ""


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["nosuch"], ("No such command 'nosuch'",)),
        (["diff", "--bogus", "x"], ("--bogus",)),
        (["diff", "x", "-j", str(MAX_JOBS + 1)], ("--jobs",)),
        (["verify"], ("Missing argument 'LEDGER'",)),
        (["history"], ("Missing argument 'LEDGER'",)),
        (["rules", "--format", "xml"], ("--format", "'xml'")),
        (["params", "--as-of", "tomorrow"], ("--as-of",)),
        (["explain"], ("Missing argument 'RULE'",)),
        (["init", "a.yaml", "b.yaml"], ("unexpected extra argument",)),
        (["schema", "--bogus"], ("--bogus",)),
        (["explain", "HE-001", "--lang", "x" * 5000], ("--lang", "…")),
        (["explain", "x" * 5000], ("unknown rule 'xxx", "…")),
        (["explain", "HE-001", "--as-of", "a\x1bb"], ("'a\\x1bb'",)),
    ],
    ids=[
        "command",
        "diff-option",
        "diff-jobs",
        "verify",
        "history",
        "rules",
        "params",
        "explain",
        "init",
        "schema",
        "long-value",
        "long-rule",
        "control-character",
    ],
)
def test_checker_usage_errors_are_one_line(args, words):
    code, out, err = run(*args, command=checker_main)
    one_line_error(code, err, words)
    assert len(err) < 500
    assert out == ""


def test_the_default_number_of_workers_is_capped_too(monkeypatch):
    import checker.batch.runner

    assert checker.batch.runner.MAX_WORKERS == MAX_JOBS
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(200)), raising=False)
    assert checker.batch.runner.default_jobs() == MAX_JOBS


def test_ctrl_c_while_starting_prints_no_traceback():
    """SIGINT at moments spread over the ~100 ms after the interpreter itself has started (its
    own start-up, before any of the checker's code runs, is out of the checker's hands), while the
    command line's modules are imported: exit 130, never a traceback."""
    interpreter = 0.0  # the slowest of three starts: a quick one would aim inside Python's own start
    for _ in range(3):
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "checker.cli.entry"], cwd=REPO, check=True, timeout=60)
        interpreter = max(interpreter, time.monotonic() - started)
    for extra in (0.0, 0.01, 0.02, 0.035, 0.05, 0.07, 0.1):
        delay = interpreter + extra
        proc = subprocess.Popen(
            [sys.executable, "-m", "checker", str(VALID), *AS_OF],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        assert "Traceback" not in err, (delay, err)
        assert proc.returncode in (130, -signal.SIGINT, 0), (delay, proc.returncode, err)


# ---------------------------------------------------------------- worker processes and signals


def _copies(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "applications"
    folder.mkdir()
    raw = VALID.read_bytes()
    for number in range(count):
        (folder / f"{number:04d}.yaml").write_bytes(raw)
    return folder


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(
    not Path("/proc/self/task").exists() or not sys.platform.startswith("linux"),
    reason="reads worker pids from /proc (Linux)",
)
def test_workers_end_quietly_when_only_their_parent_is_killed(tmp_path):
    folder = _copies(tmp_path, 80)
    proc = subprocess.Popen(
        [sys.executable, "-m", "checker", str(folder), "-j", "2", "--format", "json", *AS_OF],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert proc.stdout.readline().startswith(b"{")  # the workers are at work; nobody reads on
        workers = _children(proc.pid)
        assert workers
        proc.kill()
        proc.wait(timeout=30)
        deadline = time.monotonic() + 20
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(w) for w in workers), "orphaned workers still run"
        err = proc.stderr.read().decode("utf-8", "replace")
        assert "Traceback" not in err, err
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=["INT", "TERM", "HUP"])
def test_a_signal_never_cuts_a_line(tmp_path, sig):
    folder = _copies(tmp_path, 60)
    for pause in (0.0, 0.03, 0.1, 0.25):
        proc = subprocess.Popen(
            [sys.executable, "-m", "checker", str(folder), "-j", "2", "--format", "json", *AS_OF],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=0,
        )  # unbuffered: communicate() reads on from the same fd
        first = proc.stdout.readline()
        time.sleep(pause)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=120)
        printed = first + out
        assert printed.endswith(b"\n"), printed[-200:]
        for line in printed.splitlines():
            json.loads(line)
        assert b"Traceback" not in err, err.decode("utf-8", "replace")
        if proc.returncode == 0:  # the batch ended before the signal came (a fast or idle machine)
            assert len(printed.splitlines()) == 60
        elif sig == signal.SIGINT:
            assert proc.returncode in (130, 2), err


def test_a_batch_hands_out_work_as_results_are_taken(monkeypatch):
    """A slow reader of stdout must not let finished results pile up in the parent: work is
    submitted a bounded number of chunks ahead of the result being written."""
    import datetime as dt
    import multiprocessing.pool

    from checker.batch.runner import CHUNKS_AHEAD_PER_JOB, Settings, chunk_size
    from checker.batch.runner import run as run_batch

    files = [str(VALID)] * 400
    submitted: list[int] = []
    real = multiprocessing.pool.Pool.apply_async

    def counting(self, func, args=(), *rest, **kwargs):
        submitted.append(len(args[0]))
        return real(self, func, args, *rest, **kwargs)

    monkeypatch.setattr(multiprocessing.pool.Pool, "apply_async", counting)
    outcomes = run_batch(files, Settings(fmt="summary", lang="en", as_of=dt.date(2026, 1, 1)), 2)
    next(outcomes)
    time.sleep(1.0)  # a slow reader: the workers would finish everything handed out meanwhile
    ahead = sum(submitted)
    bound = (2 * (CHUNKS_AHEAD_PER_JOB + 1) + 1) * chunk_size(len(files), 2)
    assert 0 < ahead <= bound < len(files)
    assert len(list(outcomes)) == len(files) - 1


@pytest.mark.parametrize("entry", ["check", "checker"])
def test_an_interrupt_wrapped_by_class_creation_exits_130_quietly(entry, monkeypatch):
    """A Ctrl-C landing in a `__set_name__` during an import reaches the entry point as
    "RuntimeError: Error calling __set_name__" caused by the KeyboardInterrupt (Python 3.11): it
    printed a traceback once in the start-up test above. It is an interrupt: exit 130."""
    import checker.cli.app
    from checker.cli import entry as entries

    def interrupted_import() -> None:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            raise RuntimeError("Error calling __set_name__ on 'cached_property' instance") from exc

    monkeypatch.setattr(checker.cli.app, f"{entry}_main", interrupted_import)
    monkeypatch.setattr(signal, "signal", lambda *args: None)  # leave the test run's own handler
    with pytest.raises(SystemExit) as leaving:
        getattr(entries, entry)()
    assert leaving.value.code == 130


def test_another_error_at_the_entry_point_is_not_taken_for_an_interrupt(monkeypatch):
    import checker.cli.app
    from checker.cli import entry as entries

    def broken() -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(checker.cli.app, "check_main", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        entries.check()
