"""Checking many projects: one Checker per worker process, results streamed back in input order.

The rules engine is one global, non-thread-safe host per process, and compiling rules and loading
templates costs far more than checking one project; so a batch runs in worker processes that each
build their Checker once (the pool initializer) and send back only what the parent prints and
counts: the rendered output and a small summary, never the heavy result objects.

One unreadable application must never stop a batch: its problems travel back as data. Only what
would fail for every file alike (a bad --params file, broken rule data) aborts the batch.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import gc
import itertools
import json
import mmap
import multiprocessing
import multiprocessing.pool
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from checker import evaluation
from checker.batch.documents import (
    FRAGMENT_FORMATS,
    ProblemText,
    as_written,
    failure_fragment,
    fragment,
    problem_message,
)
from checker.errors import CheckerError, InputError, Problem, RuleDataError, UsageError
from checker.factory import make_checker
from checker.input.source import DEFAULT_LIMITS, Limits
from checker.rules import packs
from checker.vocabulary import EXIT_CODES_WORST_FIRST, ExitCode, Status

if TYPE_CHECKING:
    from checker.check import CheckResult

# the worst code ranks highest; a code of no known meaning ranks with an internal error
_SEVERITY = {code: rank for rank, code in enumerate(reversed(EXIT_CODES_WORST_FIRST))}


@dataclass(frozen=True)
class Settings:
    """What every worker needs to build the same Checker and render the same way."""

    fmt: str  # text, json (one line per project), jsonl (compact lines), csv (one row per project), summary (nothing)
    lang: str
    as_of: dt.date | None = None
    params_file: str | None = None
    limits: Limits = DEFAULT_LIMITS
    record: str | None = None  # a ledger every checked project is appended to (workers prepare)
    # how a worker prepares a project's ledger entry when `record` is set: the audit layer's
    # function (checker.audit.ledger.prepare_recorded), given here so that batch does not import
    # the ledger it sits below; a module-level function crosses to spawned workers by its name
    prepare_record: Callable[[CheckResult], Any] | None = None
    # how the parent's stdout takes the output (cli.output_encoding): workers send it encoded so
    encoding: str = "utf-8"
    errors: str = "strict"
    newline: str = "\n"  # the line ending text written to stdout would get (Windows: \r\n)
    waivers_file: str | None = None  # the review authority's waiver register
    # the --rules pack the parent runs with (workers started by spawn do not inherit the choice)
    rules_dir: str | None = field(default_factory=packs.selected)
    # the --engine the parent runs with (likewise not inherited by spawned workers)
    engine: str = field(default_factory=evaluation.selected)
    verbose: bool = False  # text: each project's full report instead of the compact one
    color: bool = False  # text: ANSI colours on statuses (the parent's stdout is a terminal)
    fail_on: str = "review"  # --fail-on: which verdicts make a project's exit code non-zero
    # how a worker says an unreadable file's problem in `lang` (checker.cli.i18n.problem): the
    # CLI's catalogue, given here because batch sits below the CLI; crosses to spawned workers
    # by its name, as `prepare_record` does
    problem_text: ProblemText = as_written


@dataclass(frozen=True)
class CheckedFile:
    """One file of the batch as a worker checked it, sent to the parent: what to print, what to
    count, what to record (a file that could not be checked has no verdict)."""

    path: str
    # the report, JSON line or CSV row, encoded as Settings say; empty for a text-format error.
    # Bytes, not text: a ~45 kB verdict then crosses from the worker as one copy and is written
    # as it came, instead of being encoded to cross, decoded, and encoded again to be printed.
    output: bytes
    exit_code: int
    verdict: str | None = None  # None: the file could not be checked
    project_id: str | None = None
    project_name: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    failed: tuple[str, ...] = ()  # IDs of rules whose status is fail
    problems: tuple[Problem, ...] = ()
    league_city: str | None = None
    input_sha256: str | None = None
    statuses: dict[str, str] = field(default_factory=dict)  # rule ID → status (for diffs)
    notices: tuple[str, ...] = ()  # codes of the run-level notices (outside_plan_period)
    # the ledger entry (a ledger.PendingEntry) the parent appends once `output` is written
    pending_entry: Any = None


@dataclass(frozen=True)
class _Fatal:
    """A failure that concerns every file (raised while building the Checker), sent as data."""

    kind: str  # "input", "usage" or "internal"
    message: str
    problems: tuple[Problem, ...] = ()

    @classmethod
    def of(cls, exc: CheckerError) -> _Fatal:
        if isinstance(exc, InputError):
            return cls("input", str(exc), tuple(exc.problems))
        if isinstance(exc, UsageError | RuleDataError):
            return cls("usage", str(exc))
        return cls("internal", str(exc))

    def error(self) -> CheckerError:
        if self.kind == "input":
            return InputError(list(self.problems))
        if self.kind == "usage":
            return UsageError(self.message)
        return CheckerError(self.message)


def worst_exit_code(codes: list[int] | tuple[int, ...]) -> int:
    """The batch's exit code: 70 > 2 > 1 > 3 > 4 > 0 (a bug, bad input, rejected, review,
    warnings under `--fail-on warn`, approved)."""
    return max(codes, key=lambda c: _SEVERITY.get(c, _SEVERITY[ExitCode.INTERNAL]), default=ExitCode.OK)


class _Worker:
    """A Checker and a renderer, built once per process and reused for every project."""

    def __init__(self, settings: Settings) -> None:
        from checker.reports import formats
        from checker.reports import render as report
        from checker.reports.line import compact_line, verdict_line
        from checker.verdict.findings import counts

        self.settings = settings
        packs.select(settings.rules_dir)
        evaluation.select(settings.engine)
        self.checker = make_checker(
            settings.as_of, settings.params_file, settings.limits, settings.waivers_file, settings.fail_on
        )
        self._render = formats.render
        self._report = report
        self._verdict_line = verdict_line
        self._compact_line = compact_line
        self._counts = counts
        self._sent_driver = False  # SARIF: the rule descriptors travel once per worker
        # templates do not change during a batch: skip Jinja's stat() of every template per use
        report.environment(settings.lang).auto_reload = False

    def check(self, path: str) -> CheckedFile:
        try:
            result = self.checker.check_path(path, self.settings.limits)
        except Exception as exc:
            return self._error(path, exc)
        return self._outcome(path, result)

    def check_many(self, paths: list[str]) -> list[CheckedFile]:
        """`check` on each path, the projects evaluated together (`Checker.check_paths`)."""
        results = self.checker.check_paths(paths, self.settings.limits)
        return [
            self._error(path, result) if isinstance(result, Exception) else self._outcome(path, result)
            for path, result in zip(paths, results, strict=True)
        ]

    def _error(self, path: str, exc: Exception) -> CheckedFile:
        if isinstance(exc, InputError):
            return self._failure(path, ExitCode.INVALID, tuple(exc.problems))
        # a bug on one file must not lose the rest of the batch
        problem = Problem(path, "", None, f"internal error: {type(exc).__name__}: {exc}")
        return self._failure(path, ExitCode.INTERNAL, (problem,))

    def _outcome(self, path: str, result: CheckResult) -> CheckedFile:
        pending = None
        if self.settings.record and self.settings.prepare_record:  # appended by the parent once the output is out
            try:
                pending = self.settings.prepare_record(result)
            except CheckerError as exc:
                problem = Problem(path, "", None, f"not recorded in the ledger: {exc}")
                return self._failure(path, ExitCode.INVALID, (problem,))
        counts = self._counts(result.findings)
        info = result.project.project
        outcome = CheckedFile(
            path=path,
            output=b"",
            exit_code=result.exit_code,
            verdict=result.verdict,
            project_id=info.id,
            project_name=info.name,
            counts=counts,
            failed=tuple(f.id for f in result.findings if f.status == Status.FAIL),
            league_city=info.league_city,
            input_sha256=result.document.sha256,
            statuses={f.id: f.status for f in result.findings},
            notices=tuple(n.code for n in result.notices),
            pending_entry=pending,
        )
        fmt, lang = self.settings.fmt, self.settings.lang
        if fmt == "summary":
            return outcome
        if fmt == "json":
            output = self._verdict_line(result, lang) + "\n"
        elif fmt == "jsonl":
            output = self._compact_line(result, lang) + "\n"
        elif fmt == "csv":
            from checker.batch.summary import csv_row

            output = csv_row(outcome, lang, self.settings.problem_text)
        elif fmt in FRAGMENT_FORMATS:  # a part of the one document the parent writes
            output = fragment(result, fmt, lang, with_driver=not self._sent_driver)
            self._sent_driver = True
        else:
            output = self._render(result, fmt, lang, color=self.settings.color, compact=not self.settings.verbose)
        return self._with_output(outcome, output)

    def _failure(self, path: str, code: int, problems: tuple[Problem, ...]) -> CheckedFile:
        outcome = CheckedFile(path=path, output=b"", exit_code=code, problems=problems)
        lang, text = self.settings.lang, self.settings.problem_text
        if self.settings.fmt in ("json", "jsonl"):
            return self._with_output(outcome, error_json_line(path, problems, lang, text))
        if self.settings.fmt == "csv":
            from checker.batch.summary import csv_row

            return self._with_output(outcome, csv_row(outcome, lang, text))
        if self.settings.fmt == "github":
            return self._with_output(outcome, failure_fragment(path, problems, "github", lang, text))
        return outcome

    def _with_output(self, outcome: CheckedFile, output: str) -> CheckedFile:
        settings = self.settings
        if settings.newline != "\n":
            output = output.replace("\n", settings.newline)
        try:
            encoded = output.encode(settings.encoding, settings.errors)
        except UnicodeEncodeError:  # never the reason a batch stops: an escape in its place
            encoded = output.encode(settings.encoding, "backslashreplace")
        return replace(outcome, output=encoded)


def _problem_json(problem: Problem, lang: str, text: ProblemText) -> dict[str, Any]:
    """`message` is the library's English, the same in every run, for programs that match on it;
    `message_localized` says it in the run's language, as the other formats and stderr do."""
    return {
        "file": problem.path,
        "key_path": problem.key_path,
        "line": problem.line,
        "message": problem.message,
        "message_localized": problem_message(Problem("", "", None, problem.message), lang, text),
    }


def error_json_line(path: str, problems: tuple[Problem, ...], lang: str = "en", text: ProblemText = as_written) -> str:
    """`{"input": path, "error": {...}}` (plus `errors` when there are several), one line."""
    line: dict[str, Any] = {"input": path, "error": _problem_json(problems[0], lang, text)}
    if len(problems) > 1:
        line["errors"] = [_problem_json(p, lang, text) for p in problems]
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n"


# ---------------------------------------------------------------- worker processes

_worker: _Worker | None = None
_fatal: _Fatal | None = None


def _die_with_parent(parent: int) -> None:
    """End this worker, without a word, when the parent process ends (killed, not only stopped).

    On Linux the kernel sends SIGKILL on the parent's death (prctl PR_SET_PDEATHSIG); a parent
    already gone before that was set is caught by comparing the parent's pid. Elsewhere the pool's
    own teardown ends the workers of a parent that exits normally.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
            pass
    if os.getppid() != parent:
        os._exit(0)


_PR_SET_PDEATHSIG = 1


def _init_process(settings: Settings, parent: int | None = None) -> None:
    """Pool initializer: build the Checker once; keep a failure to report it as data."""
    global _worker, _fatal
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    if hasattr(signal, "pthread_sigmask"):  # blocked by the parent while it made the pool
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _ENDING_SIGNALS)
    if parent is not None:
        _die_with_parent(parent)
    try:
        _worker = _Worker(settings)
        _collect_young_only()
    except CheckerError as exc:
        _fatal = _Fatal.of(exc)
    except Exception as exc:  # an exception here would make the pool respawn workers forever
        _fatal = _Fatal("internal", f"{type(exc).__name__}: {exc}")


# allocations between two collections of the youngest generation in a worker (the default is 700)
_WORKER_GC_THRESHOLD = 10_000


def _collect_young_only() -> None:
    """Keep the cyclic collector to what one project leaves behind.

    A worker's long-lived objects (the modules, validators, rules and templates it inherited or
    built) are moved out of the collector's reach (`gc.freeze`), and the youngest generation is
    collected every `_WORKER_GC_THRESHOLD` allocations instead of 700: a project allocates
    thousands of containers, nearly all freed by reference counting, and with the defaults the
    collector ran dozens of times a project and walked the whole heap now and then (~8 % of a
    worker's time on the generated projects), touching every page inherited from the parent.
    The few cycles a project makes (~7) are still collected, in the young generations.
    """
    gc.freeze()
    _, second, third = gc.get_threshold()
    gc.set_threshold(_WORKER_GC_THRESHOLD, second, third)


def _start_method() -> str:
    """fork when safe (fast, inherits imports); spawn when this process already runs threads."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "spawn"


# the most worker processes a batch starts (`-j` refuses more; the default, one per core, stops
# there): each costs a core and ~20 MB, and beyond this a batch only exhausts memory
MAX_WORKERS = 64


def default_jobs() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    return min(cores, MAX_WORKERS)


def chunk_size(files: int, jobs: int, fmt: str = "summary") -> int:
    """Large enough to amortise inter-process traffic, small enough to stream and balance.

    A chunk's outputs travel as one message: 16 compact projects are ~50 ms of work against well
    under 1 ms of transfer. A full JSON verdict is ~45 kB and takes several times as long to
    check (its remedies are computed): 4 of them are still ~40 ms of work a message, and keep
    the parent's results in flight near 1 MB instead of 4 MB.
    """
    most = 4 if fmt == "json" else 16
    return max(1, min(most, files // (jobs * 8)))


class PathList:
    """Many paths kept outside the Python heap, front-coded, iterated one path at a time.

    100 000 separate `str` objects cost the parent ~15 MB, and one string of them ~6 MB; and
    every worker forked from the parent counts the parent's heap pages in its own resident
    memory, so those 6 MB were counted three times with `-j 2`. The paths are kept in a shared
    anonymous mapping instead, which a forked worker maps without touching (the paths it checks
    arrive by pipe), so only the parent counts it. Each path is stored as the number of bytes it
    shares with the one before and the rest (a folder's files differ in a few characters): about
    1 MB for 100 000 paths. Bytes are the file system's encoding; paths cannot contain NUL.
    """

    def __init__(self, paths: Iterable[str]) -> None:
        self._encoding = encoding = sys.getfilesystemencoding()
        records: list[bytes] = []
        previous = b""
        for path in paths:
            raw = path.encode(encoding, "surrogateescape")
            shared = _shared_prefix(previous, raw)
            records.append(b"%d\0%s\0" % (shared, raw[shared:]))
            previous = raw
        self._count = len(records)
        data = b"".join(records)
        del records
        self._size = len(data)
        self._mapped = mmap.mmap(-1, max(1, len(data)))
        self._mapped.write(data)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[str]:
        mapped, size, start, previous = self._mapped, self._size, 0, b""
        while start < size:
            middle = mapped.find(b"\0", start, size)
            end = mapped.find(b"\0", middle + 1, size)
            previous = previous[: int(mapped[start:middle])] + mapped[middle + 1 : end]
            yield previous.decode(self._encoding, "surrogateescape")
            start = end + 1


def _shared_prefix(first: bytes, second: bytes) -> int:
    """How many leading bytes the two have in common (by bisection: a few slice comparisons)."""
    low, high = 0, min(len(first), len(second))
    while low < high:
        middle = (low + high + 1) // 2
        if first[:middle] == second[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _chunks(files: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for path in files:
        chunk.append(path)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _check_chunk(paths: list[str]) -> list[CheckedFile | _Fatal]:
    if _fatal is not None:
        return [_fatal for _ in paths]
    assert _worker is not None
    return list(_worker.check_many(paths))


# chunks submitted per worker beyond those being written: enough to keep every worker busy while
# the parent writes, few enough that a slow reader of stdout holds the parent's memory bounded
CHUNKS_AHEAD_PER_JOB = 2


# signals whose default action ends the process: held back while a line is written to stdout
_ENDING_SIGNALS = frozenset(
    s for s in (getattr(signal, n, None) for n in ("SIGINT", "SIGTERM", "SIGHUP")) if s is not None
)


class _QuietPool(multiprocessing.pool.Pool):
    """A process pool whose worker-maintaining thread sleeps until there is something to do.

    The standard pool's thread wakes on its workers' exits, on its own notifications (a task
    added, the pool closed, the last result taken) and on the results pipe being readable
    (`Pool._get_sentinels`). The last one keeps it spinning for as long as a result sits in the
    pipe, i.e. all the time a worker's chunk of output (hundreds of kB) is being written and read:
    in a batch of compact lines that thread took ~0.2 s of CPU per 2 000 projects, taken from the
    workers on a machine with as many cores as workers. The thread reads no result; its loop
    ends on the notifications, which the pool sends whenever its work drains or it closes.
    """

    def _get_sentinels(self) -> list[Any]:
        return [self._change_notifier._reader]  # type: ignore[attr-defined]  # the pool's own queue


def _pool(context: multiprocessing.context.BaseContext, jobs: int, settings: Settings) -> multiprocessing.pool.Pool:
    """A worker pool whose helper threads never take an ending signal.

    A signal sent to the process goes to any thread that does not block it; taken by one of the
    pool's threads, SIGTERM would end the process while the main thread is half-way through
    writing a line (which blocks those signals only for itself). The helper threads are started
    with the signals blocked, and keep that mask; the main thread gets its own back; the workers
    unblock them in their initializer.
    """
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None:  # pragma: no cover - not POSIX
        return _QuietPool(jobs, initializer=_init_process, initargs=(settings, os.getpid()), context=context)
    previous = mask(signal.SIG_BLOCK, _ENDING_SIGNALS)
    try:
        return _QuietPool(jobs, initializer=_init_process, initargs=(settings, os.getpid()), context=context)
    finally:
        mask(signal.SIG_SETMASK, previous)


def run(files: list[str] | PathList, settings: Settings, jobs: int) -> Iterator[CheckedFile]:
    """Check `files`; yield outcomes in input order, each once it and those before are ready.

    Worker processes start only for more than one file and more than one job; otherwise the
    projects are checked in this process. At most `CHUNKS_AHEAD_PER_JOB` chunks per worker are
    submitted ahead of the one being yielded: work is handed out as the caller takes results,
    so a caller that writes slowly (a slow pipe) holds a bounded number of results, not the
    whole batch. Raises a CheckerError if the Checker cannot be built.
    """
    jobs = max(1, min(jobs, len(files)))
    if jobs == 1:
        worker = _Worker(settings)
        for chunk in _chunks(files, chunk_size(len(files), 1, settings.fmt)):
            yield from worker.check_many(chunk)
        return
    context = multiprocessing.get_context(_start_method())
    size = chunk_size(len(files), jobs, settings.fmt)
    chunks = _chunks(files, size)
    pending: deque[multiprocessing.pool.AsyncResult[list[CheckedFile | _Fatal]]] = deque()
    with _pool(context, jobs, settings) as pool:
        for chunk in itertools.islice(chunks, jobs * (CHUNKS_AHEAD_PER_JOB + 1)):
            pending.append(pool.apply_async(_check_chunk, (chunk,)))
        while pending:
            outcomes = pending.popleft().get()
            following = next(chunks, None)
            if following is not None:
                pending.append(pool.apply_async(_check_chunk, (following,)))
            for outcome in outcomes:
                if isinstance(outcome, _Fatal):
                    raise outcome.error()
                yield outcome
