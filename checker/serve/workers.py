"""The server's checks run in worker processes, as a batch's do, never on the event loop.

The rules engine is one global, non-thread-safe host per process, so the web server's threads
must never touch it. The workers are the batch's (`checker.batch.runner`): the same pool, started with
the same initializer, each holding the Checker of the server's options; a job here is one request
(a file's bytes, or a catalogue question) and the reply is what the CLI would have printed.

Each job has a time limit inside the worker (a timer signal ends the job, not the worker), and
the parent waits a little longer than that for the reply: a worker that dies mid-job is replaced
by the pool and its request answered as timed out, never left hanging.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import multiprocessing
import multiprocessing.pool
import os
import signal
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from checker.batch import runner as batch
from checker.errors import CheckerError, InputError, Problem
from checker.vocabulary import ExitCode

# the Checkers a worker keeps for other check dates than today's (each ~ a few MB)
CHECKERS_KEPT = 8


@dataclass(frozen=True)
class CheckJob:
    """One project file as a request sent it: its bytes, the name it is shown under, how to render."""

    raw: bytes
    name: str
    fmt: str
    lang: str
    as_of: dt.date | None = None
    record: bool = False
    timeout: float = 10.0


@dataclass(frozen=True)
class CatalogueJob:
    """A question about the rules in force: `rules`, `rule` (one ID) or `parameters`."""

    kind: str
    lang: str
    as_of: dt.date | None = None
    rule_id: str | None = None
    timeout: float = 10.0


@dataclass(frozen=True)
class LedgerJob:
    """A question about the server's ledger: `history` of a project, or `verify` the whole chain."""

    kind: str
    lang: str
    project_id: str | None = None
    timeout: float = 60.0


@dataclass(frozen=True)
class Reply:
    """What a request gets back: the CLI's output and exit code, or its problems."""

    status: str  # ok, invalid (exit 2, problems), usage (exit 2, a line), not_found, internal, timeout, busy
    body: bytes = b""
    exit_code: int = 0
    verdict: str | None = None
    problems: tuple[Problem, ...] = ()
    messages: tuple[str, ...] = ()  # the CLI's `error:` lines for the problems, in the request's language
    project_id: str | None = None
    project_name: str | None = None
    failed: tuple[str, ...] = ()
    data: Any = None  # catalogue answers: JSON-ready data
    pending_entry: Any = None  # the ledger entry the parent appends (with --record)
    extra: dict[str, Any] = field(default_factory=dict)


class _TimeUp(Exception):
    """Raised in a worker by the job's timer."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise _TimeUp


_checkers: OrderedDict[dt.date, Any] = OrderedDict()


def _checker(as_of: dt.date | None) -> Any:
    """The Checker for a check date: the batch worker's own when it is for that date, else one
    built once and kept (a server runs across midnight: "today" is asked each time)."""
    from checker.check import default_as_of
    from checker.factory import make_checker

    worker = batch._worker
    assert worker is not None
    date = as_of or default_as_of()
    if worker.checker.params.as_of == date:
        return worker.checker
    made = _checkers.get(date)
    if made is None:
        settings = worker.settings
        made = make_checker(date, settings.params_file, settings.limits, settings.waivers_file)
        _checkers[date] = made
        while len(_checkers) > CHECKERS_KEPT:
            _checkers.popitem(last=False)
    else:
        _checkers.move_to_end(date)
    return made


def _problem_lines(problems: tuple[Problem, ...], lang: str) -> tuple[str, ...]:
    from checker.cli.i18n import problem, t

    return tuple(t("error: {message}", lang, message=problem(str(p), lang)) for p in problems)


def _invalid(problems: tuple[Problem, ...] | list[Problem], lang: str) -> Reply:
    problems = tuple(problems)
    return Reply("invalid", exit_code=ExitCode.INVALID, problems=problems, messages=_problem_lines(problems, lang))


def _check(job: CheckJob) -> Reply:
    from checker.input.source import parse_document
    from checker.reports import formats

    checker = _checker(job.as_of)
    limits = batch._worker.settings.limits  # type: ignore[union-attr]
    result = checker.check_document(parse_document(job.raw, job.name, limits))
    pending = None
    if job.record:
        from checker.audit.ledger import input_bytes, prepare_entry

        pending = prepare_entry(result, input_bytes(result))
    body = formats.render(result, job.fmt, job.lang, color=False, compact=True)
    info = result.project.project
    return Reply(
        "ok",
        body=body.encode("utf-8", "surrogateescape"),
        exit_code=result.exit_code,
        verdict=result.verdict,
        project_id=info.id,
        project_name=info.name,
        failed=tuple(f.id for f in result.findings if f.status == "fail"),
        pending_entry=pending,
    )


def _catalogue(job: CatalogueJob) -> Reply:
    from checker.cli import catalogue
    from checker.rules.ruleset import active_ruleset

    params = _checker(job.as_of).params
    ruleset = active_ruleset()
    key = catalogue._ruleset_key(ruleset)
    if job.kind == "parameters":
        from checker.digests import parameters_sha256

        ordered = [params[name] for name in sorted(params.values)]
        data = {
            "as_of": params.as_of.isoformat(),
            "parameters": [catalogue._param_json(p) for p in ordered],
            "parameters_sha256": parameters_sha256(params),
        }
        return Reply("ok", data=data)
    if job.kind == "rule":
        rule = ruleset.by_id().get(job.rule_id or "")
        if rule is None:
            return Reply("not_found")
        return Reply("ok", data=catalogue._rule_json(rule, params, key))
    return Reply("ok", data=[catalogue._rule_json(rule, params, key) for rule in ruleset.rules])


def _ledger(job: LedgerJob) -> Reply:
    from checker.audit.history import history_json, project_history
    from checker.audit.ledger import Ledger

    target = batch._worker.settings.record  # type: ignore[union-attr]
    if target is None:
        return Reply("not_found")
    with Ledger(target, create=False) as opened:
        if job.kind == "history":
            grouped = project_history(opened.entries(project_id=job.project_id))
            rows = grouped.get(job.project_id or "")
            if not rows:
                return Reply("not_found")
            return Reply("ok", data={job.project_id: history_json(rows)})
        from checker.audit.verify import report_lines, verify

        report = verify(opened)
    data = {
        "ok": report.ok,
        "head_hash": report.head_hash,
        "entries": [
            {
                "entry": check.seq,
                "project_id": check.project_id,
                "status": check.status,
                "problems": [{"status": status, "problem": problem} for status, problem in check.problems],
            }
            for check in report.checks
        ],
        "lines": report_lines(report, job.lang),
    }
    return Reply("ok", data=data, exit_code=0 if report.ok else 1)


def run_job(job: CheckJob | CatalogueJob | LedgerJob) -> Reply:
    """A job in a worker process: the reply, whatever happens (never an exception to pickle)."""
    if batch._fatal is not None:
        return Reply("internal", messages=(batch._fatal.message,))
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, job.timeout)
    try:
        if isinstance(job, CheckJob):
            return _check(job)
        return _catalogue(job) if isinstance(job, CatalogueJob) else _ledger(job)
    except _TimeUp:
        return Reply("timeout")
    except InputError as exc:
        return _invalid(exc.problems, job.lang)
    except CheckerError as exc:  # a usage error (a check date before the plan period, a ledger)
        from checker.cli.i18n import problem, t

        line = t("error: {message}", job.lang, message=problem(str(exc), job.lang))
        return Reply("usage", exit_code=ExitCode.INVALID, messages=(line,))
    except Exception as exc:  # a bug on one request must not take the worker down
        return Reply("internal", messages=(f"internal error: {type(exc).__name__}: {exc}",))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _ping() -> Reply:
    if batch._fatal is not None:
        fatal = batch._fatal
        return Reply("internal", messages=(fatal.message,), problems=fatal.problems, extra={"kind": fatal.kind})
    return Reply("ok", extra={"pid": os.getpid()})


class Busy(Exception):
    """More requests are waiting than the workers can take in time."""


class Workers:
    """The pool of checking processes and the bookkeeping of jobs in flight."""

    def __init__(self, settings: batch.Settings, jobs: int, queue_per_job: int = 32) -> None:
        self.settings = settings
        self.jobs = jobs
        self.max_in_flight = jobs * queue_per_job
        self.in_flight = 0
        self._pool: multiprocessing.pool.Pool | None = None

    def start(self) -> Reply:
        """Start the workers and wait until each has built its Checker; the first worker's
        reply says whether that worked (a bad --params file fails in every worker alike)."""
        context = multiprocessing.get_context(batch._start_method())
        self._pool = batch._pool(context, self.jobs, self.settings)
        return self._pool.apply(_ping)

    @property
    def running(self) -> bool:
        return self._pool is not None

    async def run(self, job: CheckJob | CatalogueJob | LedgerJob) -> Reply:
        """The reply to `job`, from a worker; raises Busy when too many wait already."""
        if self._pool is None:
            raise Busy
        if self.in_flight >= self.max_in_flight:
            raise Busy
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Reply] = loop.create_future()

        def settle(value: Any) -> None:
            if not future.done():
                if isinstance(value, BaseException):
                    future.set_result(Reply("internal", messages=(f"internal error: {value!r}",)))
                else:
                    future.set_result(value)

        def done(value: Any) -> None:
            loop.call_soon_threadsafe(settle, value)

        self.in_flight += 1
        try:
            self._pool.apply_async(run_job, (job,), callback=done, error_callback=done)
            # the worker stops the job at its time limit; this waits for a worker that died
            return await asyncio.wait_for(future, job.timeout + 5.0)
        except asyncio.TimeoutError:
            return Reply("timeout")
        finally:
            self.in_flight -= 1

    def stop(self, grace: float = 10.0) -> None:
        """Let the jobs under way finish (at most `grace` seconds), then end the workers."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        pool.close()
        joiner = threading.Thread(target=pool.join, daemon=True)
        joiner.start()
        joiner.join(grace)
        if joiner.is_alive():
            pool.terminate()
