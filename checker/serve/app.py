"""The web application: the JSON API, the page, and what guards both.

`create_app` builds it for a configuration and the worker processes that run its checks; the
ledger, with `--record`, is opened with the application (its lifespan) and closed with it.
"""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from checker import __version__
from checker.serve import api, page
from checker.serve.bodies import BadBody, TooLarge
from checker.serve.config import ServeConfig
from checker.serve.security import (
    COOKIE,
    STATIC_HEADERS,
    authorised,
    console_security_policy,
    content_security_policy,
)

# requests that need no token: the login page, and the stylesheet it uses
_OPEN = frozenset((("GET", "/login"), ("POST", "/login"), ("GET", "/static/serve.css")))


def _static_files() -> dict[str, tuple[bytes, str]]:
    """The page's static assets, read from the package once, at start-up: a request names one
    of these by its key, never a path."""
    folder = page.serve_dir() / "static"
    found = {"serve.css": ((folder / "serve.css").read_bytes(), "text/css; charset=utf-8")}
    # the interactive API console's script and stylesheet: Swagger UI 5 (it reads OpenAPI 3.1, as
    # FastAPI writes it), the files the fastapi-swagger package ships; nothing of it is imported
    spec = importlib.util.find_spec("fastapi_swagger")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("fastapi_swagger")  # the serve extra is incomplete: the command says so
    console = Path(spec.origin).parent / "resources"
    found["swagger-ui-bundle.js"] = ((console / "swagger-ui-bundle.js").read_bytes(), "text/javascript")
    found["swagger-ui.css"] = ((console / "swagger-ui.css").read_bytes(), "text/css; charset=utf-8")
    return found


def console_page(title: str) -> Response:
    """Swagger UI over /openapi.json with its script and stylesheet from this server. Its one
    inline script (the console's start) is allowed by its hash; nothing else runs."""
    from fastapi.openapi.docs import get_swagger_ui_html

    html = get_swagger_ui_html(
        openapi_url="/openapi.json",
        title=title,
        swagger_js_url="/static/swagger-ui-bundle.js",
        swagger_css_url="/static/swagger-ui.css",
        swagger_favicon_url="data:,",
    )
    body = bytes(html.body)
    response = Response(body, media_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = console_security_policy(body)
    return response


class Guard:
    """Who may call, and the headers every answer carries: a plain ASGI middleware (the
    framework's decorator form copies every body through a stream, a few hundred µs a request).

    A POST from another site's page is refused (403); without a valid token or session cookie the
    API answers 401 and a page redirects to the sign-in."""

    def __init__(self, app: ASGIApp, config: ServeConfig) -> None:
        self.app = app
        self.config = config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        refusal = self._refusal(request)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in STATIC_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
                if "content-security-policy" not in headers:
                    headers["Content-Security-Policy"] = content_security_policy()
            await send(message)

        if refusal is not None:
            await refusal(scope, receive, send_with_headers)
        else:
            await self.app(scope, receive, send_with_headers)

    def _refusal(self, request: Request) -> Response | None:
        config = self.config
        path = request.url.path
        origin = request.headers.get("origin")
        if (
            request.method not in ("GET", "HEAD", "OPTIONS")
            and origin is not None
            and origin not in config.cors_origins
            and origin != f"{request.url.scheme}://{request.headers.get('host', '')}"
        ):
            return api.error_response(403, ["error: a form sent from another site"])
        if (request.method, path) in _OPEN or authorised(
            config.token, request.headers.get("authorization"), request.cookies.get(COOKIE)
        ):
            return None
        if path.startswith("/api/") or path == "/openapi.json" or request.method != "GET":
            response = api.error_response(401, ["error: a token is required (Authorization: Bearer TOKEN)"])
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
        return RedirectResponse("/login?lang=" + page.page_lang(request.query_params.get("lang")), 303)


def create_app(config: ServeConfig, workers: Any) -> FastAPI:
    """The application over started `Workers` (`checker.serve.run.start_workers`): they are
    started before the server takes its port, and stopped by whoever started them."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if config.record is not None:
            app.state.ledger = api.LedgerWriter(config.record)
        try:
            yield
        finally:
            if app.state.ledger is not None:
                app.state.ledger.close()

    app = FastAPI(
        title="nm-project-checker API",
        version=__version__,
        description="The compliance checker over HTTP: the same reports, bytes and exit codes as `check`.",
        docs_url=None,  # FastAPI's own loads Swagger UI from a CDN: /api/docs serves it from the package
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.workers = workers
    app.state.ledger = None
    static = _static_files()

    @app.get("/api/docs", include_in_schema=False)
    async def api_console() -> Response:
        return console_page("nm-project-checker API")

    @app.get("/static/{name}", include_in_schema=False)
    async def static_file(name: str) -> Response:
        found = static.get(name)
        if found is None:
            return api.error_response(404, ["error: not found"])
        response = Response(found[0], media_type=found[1])
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response

    @app.exception_handler(api.UsageProblem)
    async def usage_problem(request: Request, exc: api.UsageProblem) -> Response:
        return api.error_response(exc.status, [str(exc)], exit_code=2)

    @app.exception_handler(TooLarge)
    async def too_large(request: Request, exc: TooLarge) -> Response:
        limit = config.max_bytes
        return api.error_response(
            413, [f"error: the request is larger than the limit ({limit} bytes per project file)"], exit_code=2
        )

    @app.exception_handler(BadBody)
    async def bad_body(request: Request, exc: BadBody) -> Response:
        return api.error_response(400, [f"error: {exc}"], exit_code=2)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        return api.error_response(400, [f"error: {e.get('msg')}" for e in exc.errors()], exit_code=2)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        response = api.error_response(exc.status_code, [f"error: {exc.detail}"])
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:
        return JSONResponse({"status": 500, "messages": [f"internal error: {type(exc).__name__}"]}, status_code=500)

    if config.cors_origins:
        from starlette.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(config.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
            expose_headers=["X-Checker-Verdict", "X-Checker-Exit-Code"],
        )

    app.add_middleware(Guard, config=config)
    app.include_router(api.router)
    app.include_router(page.router)
    return app
