"""The reviewer's page: Chinese by default, English by a switch; no JavaScript needed.

Upload one or many project files (or paste YAML) and see each verdict and its HTML report — the
report the CLI writes, shown inside the page — and download any format; fill a project in a form
generated from the project schema; browse the rules and parameters in force; with a ledger, a
project's history and the ledger's verification. The server keeps nothing between requests: a
result page carries each file back (base64, in its download forms), so a download re-checks the
same bytes instead of reading anything stored on the server.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import re
import urllib.parse
from functools import cache
from typing import Any

import jinja2
import yaml
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from checker.resources import templates_dir
from checker.serve import bodies
from checker.serve.api import (
    FORMATS,
    UsageProblem,
    check_file,
    parse_as_of,
    report_response,
    run,
)
from checker.serve.config import MAX_FILES
from checker.serve.security import COOKIE, content_security_policy, session_value, style_hashes
from checker.serve.workers import CatalogueJob, LedgerJob, Reply

router = APIRouter(include_in_schema=False)

_BODY = re.compile(rb"<body[^>]*>(.*)</body>", re.S)
_STYLE = re.compile(rb"<style[^>]*>(.*?)</style>", re.S)


def serve_dir() -> Any:
    return templates_dir() / "serve"


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(serve_dir())),
        autoescape=True,  # everything the applicant wrote reaches the page as text
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False}
    return env


@cache
def words(lang: str) -> dict[str, str]:
    with open(serve_dir() / "words.yaml", encoding="utf-8") as fh:
        return {key: value[lang] for key, value in yaml.safe_load(fh).items()}


@cache
def verdict_labels(lang: str) -> dict[str, str]:
    from checker.batch.summary import _verdict_labels

    return {verdict: names[lang] for verdict, names in _verdict_labels().items()}


def page_lang(value: str | None) -> str:
    return value if value in ("zh", "en") else "zh"


def _switch_url(request: Request, lang: str) -> str:
    query = dict(request.query_params)
    query["lang"] = "en" if lang == "zh" else "zh"
    path = request.url.path if request.method == "GET" else "/"
    return path + "?" + urllib.parse.urlencode(query)


def render(request: Request, template: str, lang: str, status: int = 200, **values: Any) -> HTMLResponse:
    reports: list[bytes] = values.pop("report_documents", [])
    styles = []
    for document in reports:
        for block in _STYLE.findall(document):
            text = block.decode("utf-8")
            if text not in styles:
                styles.append(text)
    title = values.pop("page_title", None) or words(lang)["title"]
    html = (
        _environment()
        .get_template(template)
        .render(
            lang=lang,
            w=words(lang),
            ledger=request.app.state.ledger is not None,
            switch_url=_switch_url(request, lang),
            page_title=title,
            report_styles=styles,
            **values,
        )
    )
    response = HTMLResponse(html, status_code=status)
    response.headers["Content-Security-Policy"] = content_security_policy(style_hashes(reports))
    return response


def _report_body(document: bytes) -> Any:
    """The body of a report the CLI rendered (escaped by its own templates), to show in the page."""
    from markupsafe import Markup

    found = _BODY.search(document)
    return Markup(found.group(1).decode("utf-8")) if found else None


async def _fields(request: Request) -> list[tuple[str, str, bytes | None, str | None]]:
    """(name, text, file bytes, file name) of each field a page's form sent, multipart or urlencoded."""
    config = request.app.state.config
    body = await bodies.read_body(request, config.max_body)
    content_type = request.headers.get("content-type", "")
    if bodies.is_multipart(content_type):
        return [
            (
                part.name,
                "" if part.filename is not None else part.data.decode("utf-8", "replace"),
                bytes(part.data),
                part.filename,
            )
            for part in bodies.parse_multipart(body, content_type)
        ]
    pairs = urllib.parse.parse_qsl(
        body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=bodies.MAX_PARTS * 10
    )
    return [(name, value, None, None) for name, value in pairs]


def _first(fields: list[tuple[str, str, bytes | None, str | None]], name: str) -> str | None:
    return next((text for key, text, _, _ in fields if key == name), None)


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, lang: str | None = None) -> Response:
    return render(request, "home.html", page_lang(lang), message=None, as_of=None)


async def _results(request: Request, files: list[tuple[str, bytes]], lang: str, as_of: dt.date | None) -> Response:
    rows = []
    documents = []
    labels = verdict_labels(lang)
    answers = await asyncio.gather(*(check_file(request, raw, name, "html", lang, as_of) for name, raw in files))
    for (name, raw), (reply, _) in zip(files, answers, strict=True):
        row: dict[str, Any] = {
            "name": name,
            "raw_b64": base64.b64encode(raw).decode("ascii"),
            "verdict": reply.verdict,
            "exit_code": reply.exit_code if reply.status in ("ok", "invalid") else "—",
            "project": reply.project_name,
            "failed": reply.failed,
            "messages": reply.messages,
            "report": None,
        }
        if reply.status == "ok":
            row["verdict_label"] = labels.get(reply.verdict or "", reply.verdict)
            row["report"] = _report_body(reply.body)
            documents.append(reply.body)
        elif reply.status == "invalid":
            row["verdict_label"] = words(lang)["invalid"]
        else:
            row["verdict_label"] = words(lang)["busy"]
        rows.append(row)
    return render(
        request,
        "results.html",
        lang,
        rows=rows,
        formats=FORMATS,
        as_of=as_of.isoformat() if as_of else None,
        report_documents=documents,
        page_title=words(lang)["results"],
    )


@router.post("/report", response_class=HTMLResponse)
async def report(request: Request) -> Response:
    fields = await _fields(request)
    lang = page_lang(_first(fields, "lang"))
    as_of = parse_as_of(_first(fields, "as_of"), lang)
    files = [(bodies.file_name(filename), raw) for key, _, raw, filename in fields if key == "files" and raw]
    pasted = _first(fields, "yaml") or ""
    if pasted.strip():
        files.append((bodies.DEFAULT_NAME, pasted.replace("\r\n", "\n").encode("utf-8")))
    if not files:
        return render(request, "home.html", lang, status=400, message=words(lang)["nothing_sent"], as_of=None)
    if len(files) > MAX_FILES:
        raise UsageProblem(f"error: at most {MAX_FILES} files at once", status=413)
    return await _results(request, files, lang, as_of)


@router.post("/download")
async def download(request: Request) -> Response:
    fields = await _fields(request)
    lang = page_lang(_first(fields, "lang"))
    fmt = _first(fields, "format") or "html"
    if fmt not in FORMATS:
        raise UsageProblem("error: unknown format")
    as_of = parse_as_of(_first(fields, "as_of"), lang)
    name = bodies.file_name(_first(fields, "name"))
    try:
        raw = base64.b64decode(_first(fields, "yaml_base64") or "", validate=True)
    except (binascii.Error, ValueError):
        raise UsageProblem("error: the file sent back is not base64") from None
    reply, entry = await check_file(request, raw, name, fmt, lang, as_of)
    if reply.status != "ok":
        from checker.serve.api import reply_failure

        return reply_failure(reply)
    return report_response(reply, fmt, name, entry, inline=False)


@router.get("/form", response_class=HTMLResponse)
async def form_page(request: Request, lang: str | None = None) -> Response:
    from checker.serve.schema_form import form

    chosen = page_lang(lang)
    return render(request, "form.html", chosen, form=form(chosen), page_title=words(chosen)["form_title"])


@router.post("/form")
async def form_submit(request: Request) -> Response:
    from checker.serve.schema_form import project_from_form, project_yaml

    fields = await _fields(request)
    lang = page_lang(_first(fields, "lang"))
    as_of = parse_as_of(_first(fields, "as_of"), lang)
    project = project_from_form(lang, [(name, text) for name, text, _, _ in fields])
    raw = project_yaml(project).encode("utf-8")
    if _first(fields, "action") == "yaml":
        response = Response(raw, media_type="application/yaml")
        response.headers["Content-Disposition"] = 'attachment; filename="project.yaml"'
        return response
    return await _results(request, [(bodies.DEFAULT_NAME, raw)], lang, as_of)


@router.get("/rules", response_class=HTMLResponse)
async def rules_page(request: Request, lang: str | None = None, as_of: str | None = None) -> Response:
    chosen = page_lang(lang)
    reply = await run(request, CatalogueJob("rules", chosen, parse_as_of(as_of, chosen)))
    return _catalogue_page(request, reply, chosen, "rules.html", rules=reply.data, as_of=as_of or None)


@router.get("/rules/{rule_id}", response_class=HTMLResponse)
async def rule_page(request: Request, rule_id: str, lang: str | None = None, as_of: str | None = None) -> Response:
    chosen = page_lang(lang)
    reply = await run(request, CatalogueJob("rule", chosen, parse_as_of(as_of, chosen), rule_id=rule_id[:20]))
    data = reply.data or {}
    return _catalogue_page(request, reply, chosen, "rule.html", rule=data, parameters=data.get("parameters", []))


@router.get("/parameters", response_class=HTMLResponse)
async def params_page(request: Request, lang: str | None = None, as_of: str | None = None) -> Response:
    chosen = page_lang(lang)
    reply = await run(request, CatalogueJob("parameters", chosen, parse_as_of(as_of, chosen)))
    return _catalogue_page(request, reply, chosen, "params.html", data=reply.data, as_of=as_of or None)


def _catalogue_page(request: Request, reply: Reply, lang: str, template: str, **values: Any) -> Response:
    if reply.status != "ok":
        from checker.serve.api import reply_failure

        return reply_failure(reply)
    return render(request, template, lang, **values)


@router.get("/ledger", response_class=HTMLResponse)
async def ledger_page(request: Request, lang: str | None = None, project_id: str | None = None) -> Response:
    chosen = page_lang(lang)
    if request.app.state.ledger is None:
        return render(request, "home.html", chosen, status=404, message=words(chosen)["no_ledger"], as_of=None)
    history = None
    if project_id:
        reply = await run(request, LedgerJob("history", chosen, project_id=project_id[:200]))
        history = reply.data.get(project_id[:200]) if reply.status == "ok" else None
    return render(request, "ledger.html", chosen, project_id=project_id, history=history, verify_lines=None)


@router.post("/ledger/verify", response_class=HTMLResponse)
async def ledger_verify_page(request: Request) -> Response:
    fields = await _fields(request)
    lang = page_lang(_first(fields, "lang"))
    if request.app.state.ledger is None:
        return render(request, "home.html", lang, status=404, message=words(lang)["no_ledger"], as_of=None)
    reply = await run(request, LedgerJob("verify", lang))
    lines = reply.data["lines"] if reply.status == "ok" else list(reply.messages)
    return render(request, "ledger.html", lang, project_id=None, history=None, verify_lines=lines)


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, lang: str | None = None) -> Response:
    return render(request, "login.html", page_lang(lang), message=None)


@router.post("/login")
async def login(request: Request) -> Response:
    from checker.serve.security import authorised

    fields = await _fields(request)
    lang = page_lang(_first(fields, "lang"))
    token = request.app.state.config.token
    given = _first(fields, "token") or ""
    if token is None or not authorised(token, f"Bearer {given}", None):
        return render(request, "login.html", lang, status=401, message=words(lang)["bad_token"])
    response = RedirectResponse(f"/?lang={lang}", status_code=303)
    response.set_cookie(
        COOKIE,
        session_value(token),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.get("/docs", response_class=HTMLResponse)
async def api_docs(request: Request, lang: str | None = None) -> Response:
    chosen = page_lang(lang)
    return render(request, "api.html", chosen, spec=request.app.openapi(), page_title=words(chosen)["api_title"])
