"""Reading what a request sent: bounded in size, held in memory, never written to a file.

A multipart upload is parsed here, in memory, rather than by the framework's form parser, which
spools large parts to temporary files: no path on the server is written because of a request.
The whole body is refused (413) as soon as it passes the limit, whatever Content-Length said.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

DEFAULT_NAME = "project.yaml"
MAX_NAME = 120  # characters of a file name shown in a report
MAX_PARTS = 200  # fields and files of one form
_UNSAFE_NAME = re.compile(r"[\\/\x00-\x1f\x7f]")


class TooLarge(Exception):
    """The body is larger than the server takes."""


class BadBody(Exception):
    """The body cannot be read as what its Content-Type says (a message for the client)."""


@dataclass
class Part:
    name: str
    filename: str | None
    data: bytearray = field(default_factory=bytearray)


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with TooLarge once it passes `limit` bytes (declared or sent)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise BadBody("Content-Length is not a number")
        if int(declared) > limit:
            raise TooLarge
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > limit:
            raise TooLarge
    return bytes(received)


def file_name(given: str | None) -> str:
    """The name a report shows for an uploaded file: its last path component, printable, short.

    Only a label: nothing on the server is ever opened by it."""
    if not given:
        return DEFAULT_NAME
    name = given.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub("_", unicodedata.normalize("NFC", name)).strip()
    name = "".join(ch if unicodedata.category(ch)[0] not in "CZ" or ch == " " else "_" for ch in name)
    if not name or name in (".", ".."):
        return DEFAULT_NAME
    return name[:MAX_NAME]


def parse_multipart(body: bytes, content_type: str) -> list[Part]:
    """The parts of a multipart/form-data body, in order."""
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        raise BadBody("multipart/form-data without a boundary")
    parts: list[Part] = []
    headers: dict[bytes, bytes] = {}
    current: dict[str, bytes] = {"field": b"", "value": b""}

    def on_part_begin() -> None:
        headers.clear()

    def on_header_field(data: bytes, start: int, end: int) -> None:
        current["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        current["value"] += data[start:end]

    def on_header_end() -> None:
        headers[current["field"].lower()] = current["value"]
        current["field"] = current["value"] = b""

    def on_headers_finished() -> None:
        if len(parts) >= MAX_PARTS:
            raise BadBody(f"more than {MAX_PARTS} parts in one form")
        disposition, options = parse_options_header(headers.get(b"content-disposition", b""))
        if disposition != b"form-data" or b"name" not in options:
            raise BadBody("a part without Content-Disposition: form-data; name=...")
        filename = options.get(b"filename")
        parts.append(
            Part(
                options[b"name"].decode("utf-8", "replace"),
                None if filename is None else filename.decode("utf-8", "replace"),
            )
        )

    def on_part_data(data: bytes, start: int, end: int) -> None:
        parts[-1].data += data[start:end]

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
        },
    )
    try:
        parser.write(body)
        parser.finalize()
    except BadBody:
        raise
    except Exception as exc:  # the parser's own errors: a malformed body
        raise BadBody(f"malformed multipart body: {exc}") from None
    return parts


def is_multipart(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() == "multipart/form-data"


# what a project file may be sent as (YAML has several names in use; text/plain is what curl
# --data-binary and many tools send)
YAML_TYPES = frozenset(
    (
        "application/yaml",
        "application/x-yaml",
        "text/yaml",
        "text/x-yaml",
        "text/plain",
        "application/octet-stream",
    )
)


def media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()
