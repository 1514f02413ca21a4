"""What `checker serve` was started with: the address, the token, the limits, the checker's options."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from checker.input.source import MAX_FILE_BYTES

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_TIMEOUT = 10.0  # seconds a check may take; a real project takes a few milliseconds
MAX_FILES = 50  # files in one upload of the page
MIN_TOKEN_LENGTH = 16  # a token a person could guess is no protection for a government system


@dataclass(frozen=True)
class ServeConfig:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    token: str | None = None
    record: str | None = None  # a ledger every check is appended to; enables the ledger endpoints
    params_file: str | None = None
    waivers_file: str | None = None
    jobs: int = 1
    max_bytes: int = MAX_FILE_BYTES  # per project file; 413 beyond it
    timeout: float = DEFAULT_TIMEOUT
    cors_origins: tuple[str, ...] = ()  # none: no CORS headers, browsers refuse other origins

    @property
    def max_body(self) -> int:
        """The most bytes one request may send: several files of the page's upload, or one file
        with its multipart envelope."""
        return self.max_bytes * 4 + 64 * 1024


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or the name localhost: only this machine can connect."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
