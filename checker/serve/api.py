"""The JSON API, versioned under /api/v1/: the CLI's answers over HTTP.

`POST /api/v1/check` answers with exactly the bytes `check FILE --format F --lang L --as-of D`
prints for the same file, the verdict and exit code in headers; a file the CLI refuses (exit 2)
is a 422 carrying the same problems (file, key path, line, message) and the CLI's lines.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import urllib.parse
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from checker import __version__
from checker.serve import bodies
from checker.serve.workers import Busy, CatalogueJob, CheckJob, LedgerJob, Reply

FORMATS = ("text", "markdown", "html", "json", "jsonl", "sarif", "junit", "csv", "github")
LANGS = ("zh", "en")
MEDIA_TYPES = {
    "text": "text/plain; charset=utf-8",
    "markdown": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
    "jsonl": "application/x-ndjson",
    "sarif": "application/sarif+json",
    "junit": "application/xml",
    "csv": "text/csv; charset=utf-8",
    "github": "text/plain; charset=utf-8",
}
EXTENSIONS = {
    "text": ".txt",
    "markdown": ".md",
    "html": ".html",
    "json": ".json",
    "jsonl": ".jsonl",
    "sarif": ".sarif",
    "junit": ".xml",
    "csv": ".csv",
    "github": ".txt",
}

router = APIRouter(prefix="/api/v1")


class UsageProblem(Exception):
    """A request the CLI would refuse as a usage error (exit 2): a 400 with its line."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def error_response(status: int, messages: list[str] | tuple[str, ...], **extra: Any) -> JSONResponse:
    return JSONResponse({"status": status, "messages": list(messages), **extra}, status_code=status)


def parse_lang(value: str | None) -> str:
    if value is None or value == "":
        return "zh"
    if value not in LANGS:
        raise UsageProblem(f"error: lang must be one of {', '.join(LANGS)}, got {value[:40]!r}")
    return value


def parse_format(value: str | None) -> str:
    if value is None or value == "":
        return "text"
    if value not in FORMATS:
        raise UsageProblem(f"error: format must be one of {', '.join(FORMATS)}, got {value[:40]!r}")
    return value


def parse_as_of(value: str | None, lang: str) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        from checker.cli import i18n
        from checker.errors import quoted
        from checker.input.hints import date_hint

        hint = date_hint(value)
        message = i18n.t("{value} is not a date YYYY-MM-DD", lang, value=quoted(value[:40]))
        if hint:
            message += f" ({i18n.problem(hint, lang)})"
        raise UsageProblem(i18n.t("error: {message}", lang, message=message)) from None


def reply_failure(reply: Reply) -> JSONResponse:
    """The response for a reply that is not a report: 422, 404, 503 or 500."""
    if reply.status == "invalid":
        problems = [
            {"file": p.path, "key_path": p.key_path, "line": p.line, "message": p.message} for p in reply.problems
        ]
        response = error_response(422, reply.messages, exit_code=2, problems=problems)
        response.headers["X-Checker-Exit-Code"] = "2"
        return response
    if reply.status == "usage":
        return error_response(400, reply.messages, exit_code=2)
    if reply.status == "not_found":
        return error_response(404, ["error: not found"])
    if reply.status == "timeout":
        return error_response(503, ["error: the check took longer than the server's time limit"])
    if reply.status == "busy":
        response = error_response(503, ["error: the server is busy: more requests wait than its workers take"])
        response.headers["Retry-After"] = "1"
        return response
    return error_response(500, reply.messages or ("internal error",))


def download_name(name: str, fmt: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return stem + EXTENSIONS[fmt]


def content_disposition(filename: str, inline: bool = True) -> str:
    ascii_name = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_" for ch in filename)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{urllib.parse.quote(filename, safe='')}"


async def run(request: Request, job: CheckJob | CatalogueJob | LedgerJob) -> Reply:
    try:
        reply: Reply = await request.app.state.workers.run(job)
        return reply
    except Busy:
        return Reply("busy")


def report_response(reply: Reply, fmt: str, name: str, ledger: Any = None, inline: bool = True) -> Response:
    response = Response(reply.body, media_type=MEDIA_TYPES[fmt])
    response.headers["X-Checker-Verdict"] = reply.verdict or ""
    response.headers["X-Checker-Exit-Code"] = str(reply.exit_code)
    response.headers["Content-Disposition"] = content_disposition(download_name(name, fmt), inline)
    if ledger is not None:
        response.headers["X-Checker-Ledger-Entry"] = str(ledger.seq)
        response.headers["X-Checker-Ledger-Head"] = ledger.entry_hash
    if fmt == "html":
        from checker.serve.security import content_security_policy, style_hashes

        response.headers["Content-Security-Policy"] = content_security_policy(style_hashes([reply.body]))
    return response


class LedgerWriter:
    """Appends prepared entries to the server's ledger, one at a time, off the event loop."""

    def __init__(self, target: str) -> None:
        from checker.audit.ledger import Ledger

        self.ledger = Ledger(target)  # made (and migrated) at start-up: a bad target stops the start
        self.lock = threading.Lock()

    def _append(self, pending: Any) -> Any:
        with self.lock:
            return self.ledger.append_prepared(pending)

    async def append(self, pending: Any) -> Any:
        return await asyncio.to_thread(self._append, pending)

    def close(self) -> None:
        self.ledger.close()


async def check_file(request: Request, raw: bytes, name: str, fmt: str, lang: str, as_of: dt.date | None) -> Any:
    """Check one file's bytes; returns (reply, ledger entry or None) — the entry only once the
    report exists, as the CLI records only after the report is out."""
    config = request.app.state.config
    if len(raw) > config.max_bytes:
        raise UsageProblem(
            f"error: {name}: the file is larger than the limit of {config.max_bytes} bytes",
            status=413,
        )
    writer: LedgerWriter | None = request.app.state.ledger
    job = CheckJob(raw, name, fmt, lang, as_of, record=writer is not None, timeout=config.timeout)
    reply = await run(request, job)
    entry = None
    if reply.status == "ok" and writer is not None and reply.pending_entry is not None:
        entry = await writer.append(reply.pending_entry)
    return reply, entry


_CHECK_BODY = {
    "requestBody": {
        "required": True,
        "description": "The project file (format 1), UTF-8, GBK or GB18030 as `check` reads it; or a "
        "multipart/form-data upload with the file in the part named `file`.",
        "content": {
            "application/yaml": {"schema": {"type": "string", "format": "binary"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    },
    "parameters": [
        {"name": "format", "in": "query", "schema": {"type": "string", "enum": list(FORMATS), "default": "text"}},
        {"name": "lang", "in": "query", "schema": {"type": "string", "enum": list(LANGS), "default": "zh"}},
        {"name": "as_of", "in": "query", "schema": {"type": "string", "format": "date"}},
        {
            "name": "name",
            "in": "query",
            "description": "The file name the report shows (a label only), default project.yaml "
            "or the uploaded file's name.",
            "schema": {"type": "string"},
        },
    ],
    "responses": {
        "200": {
            "description": "What `check FILE` prints; headers X-Checker-Verdict and X-Checker-Exit-Code "
            "(0 approved, 1 rejected, 3 needs review)."
        },
        "400": {"description": "A bad query (format, lang, as_of) or body."},
        "401": {"description": "A token is required."},
        "413": {"description": "The body is larger than the limit (--max-bytes)."},
        "415": {"description": "Neither YAML nor multipart/form-data."},
        "422": {"description": "Invalid input: the CLI's problems (file, key path, line, message)."},
        "503": {"description": "Busy, or the check took longer than the time limit."},
    },
}


@router.post("/check", openapi_extra=_CHECK_BODY, summary="Check one project file")
async def check(request: Request) -> Response:
    query = request.query_params
    lang = parse_lang(query.get("lang"))
    fmt = parse_format(query.get("format"))
    as_of = parse_as_of(query.get("as_of"), lang)
    config = request.app.state.config
    content_type = request.headers.get("content-type", "application/yaml")
    body = await bodies.read_body(request, config.max_body)
    name = bodies.file_name(query.get("name"))
    if bodies.is_multipart(content_type):
        files = [p for p in bodies.parse_multipart(body, content_type) if p.filename is not None or p.name == "file"]
        if len(files) != 1:
            raise UsageProblem("error: send one project file, in the part named file")
        raw = bytes(files[0].data)
        if files[0].filename and not query.get("name"):
            name = bodies.file_name(files[0].filename)
    elif bodies.media_type(content_type) in bodies.YAML_TYPES:
        raw = body
    else:
        raise UsageProblem("error: send the project file as application/yaml or multipart/form-data", status=415)
    reply, entry = await check_file(request, raw, name, fmt, lang, as_of)
    if reply.status != "ok":
        return reply_failure(reply)
    return report_response(reply, fmt, name, entry)


@router.get("/rules", summary="Every rule with its basis and the parameters in force")
async def rules(request: Request, as_of: str | None = None, lang: str | None = None) -> Response:
    chosen = parse_lang(lang)
    reply = await run(request, CatalogueJob("rules", chosen, parse_as_of(as_of, chosen)))
    return JSONResponse(reply.data) if reply.status == "ok" else reply_failure(reply)


@router.get("/rules/{rule_id}", summary="One rule")
async def rule(request: Request, rule_id: str, as_of: str | None = None, lang: str | None = None) -> Response:
    chosen = parse_lang(lang)
    reply = await run(request, CatalogueJob("rule", chosen, parse_as_of(as_of, chosen), rule_id=rule_id[:20]))
    if reply.status == "not_found":
        return error_response(404, [f"error: no rule {rule_id[:20]!r} in the ruleset"])
    return JSONResponse(reply.data) if reply.status == "ok" else reply_failure(reply)


@router.get("/parameters", summary="The parameters in force on a date")
async def parameters(request: Request, as_of: str | None = None, lang: str | None = None) -> Response:
    chosen = parse_lang(lang)
    reply = await run(request, CatalogueJob("parameters", chosen, parse_as_of(as_of, chosen)))
    return JSONResponse(reply.data) if reply.status == "ok" else reply_failure(reply)


@router.get("/health", summary="Whether the server and its workers answer")
async def health(request: Request) -> Response:
    workers = request.app.state.workers
    ok = workers.running
    body = {
        "status": "ok" if ok else "stopping",
        "version": __version__,
        "workers": workers.jobs,
        "in_flight": workers.in_flight,
        "ledger": request.app.state.ledger is not None,
    }
    return JSONResponse(body, status_code=200 if ok else 503)


@router.get("/schema", summary="The JSON Schema of project.yaml (as `checker schema`)")
async def schema(request: Request, lang: str | None = None) -> Response:
    from checker.serve.schema_form import schema_for

    return JSONResponse(schema_for(parse_lang(lang)), media_type="application/schema+json")


@router.get("/ledger/history/{project_id}", summary="A project's verdicts over time (with --record)")
async def ledger_history(request: Request, project_id: str, lang: str | None = None) -> Response:
    if request.app.state.ledger is None:
        return error_response(404, ["error: this server keeps no ledger (start it with --record)"])
    reply = await run(request, LedgerJob("history", parse_lang(lang), project_id=project_id[:200]))
    if reply.status == "not_found":
        return error_response(404, [f"error: no entry for project {project_id[:200]}"])
    return JSONResponse(reply.data) if reply.status == "ok" else reply_failure(reply)


@router.post("/ledger/verify", summary="Check the ledger's hash chain and re-run its inputs (with --record)")
async def ledger_verify(request: Request, lang: str | None = None) -> Response:
    if request.app.state.ledger is None:
        return error_response(404, ["error: this server keeps no ledger (start it with --record)"])
    reply = await run(request, LedgerJob("verify", parse_lang(lang)))
    if reply.status != "ok":
        return reply_failure(reply)
    response = JSONResponse(reply.data)
    response.headers["X-Checker-Exit-Code"] = str(reply.exit_code)
    return response
