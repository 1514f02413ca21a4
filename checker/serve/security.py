"""Who may call the server, and what every response tells a browser not to do.

With a token, every page and API call needs `Authorization: Bearer TOKEN` or the session cookie
the login page sets from it; both are compared in constant time. The cookie holds an HMAC of the
token, never the token itself. Every response carries a Content-Security-Policy that allows no
script, no plugin, no frame from elsewhere and no form sent elsewhere: the reports and pages are
generated without JavaScript, so a project file's text, escaped as it is, could not run anything
even if an escape were missed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable

COOKIE = "checker_session"
_STYLE = re.compile(rb"<style[^>]*>(.*?)</style>", re.S)


def session_value(token: str) -> str:
    """The cookie's value: derived from the token, useless without it, the same across restarts."""
    return hmac.new(token.encode("utf-8"), b"checker serve session", hashlib.sha256).hexdigest()


def bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def authorised(token: str | None, authorization: str | None, cookie: str | None) -> bool:
    """True without a token; with one, when the bearer token or the session cookie matches."""
    if token is None:
        return True
    given = bearer(authorization)
    ok = False
    if given is not None:
        ok |= hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))
    if cookie is not None:
        ok |= hmac.compare_digest(cookie.encode("utf-8"), session_value(token).encode("utf-8"))
    return ok


def style_hashes(documents: Iterable[bytes]) -> list[str]:
    """CSP sources for the <style> blocks of the reports a page shows (the report's stylesheet is
    part of the self-contained document the CLI writes)."""
    found: list[str] = []
    for document in documents:
        for block in _STYLE.findall(document):
            source = "'sha256-" + base64.b64encode(hashlib.sha256(block).digest()).decode("ascii") + "'"
            if source not in found:
                found.append(source)
    return found


def content_security_policy(styles: Iterable[str] = ()) -> str:
    style_src = " ".join(["'self'", *styles])
    return (
        "default-src 'none'; "
        f"style-src {style_src}; "
        "img-src 'self' data:; "
        "form-action 'self'; "
        "base-uri 'none'; "
        "frame-ancestors 'none'"
    )


_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S)


def console_security_policy(page: bytes) -> str:
    """The API console's policy: scripts from this server and the page's own inline start (by
    hash), requests to this server only; the rest as strict as every other page."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(block).digest()).decode("ascii") + "'"
        for block in _INLINE_SCRIPT.findall(page)
    ]
    return (
        "default-src 'none'; "
        f"script-src 'self' {' '.join(hashes)}; "
        "style-src 'self'; "
        "img-src 'self' data:; "
        "connect-src 'self'; "
        "form-action 'self'; "
        "base-uri 'none'; "
        "frame-ancestors 'none'"
    )


# headers every response carries (the CSP is set per response: report pages add their styles)
STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # not no-referrer: under it a browser sends `Origin: null` with the page's own forms, and the
    # server refuses a form whose origin is not its own
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}
