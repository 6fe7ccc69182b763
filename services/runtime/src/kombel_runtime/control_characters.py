"""Control characters are refused at the edge with 422 `control_characters`, naming where.

PostgreSQL refuses NUL in text, so a NUL in a name or a search term used to end in a 500;
the other C0 controls and DEL have no business in data people read either. Checking once
here, for every service and every route, spares each model its own validator: the path,
every query parameter (name and value) and every string of a JSON body (keys and values).
Inside JSON, tab, line feed and carriage return stay allowed for long texts.

A JSON body is first scanned as bytes, which is cheap and enough for almost every body; only
a body that may hold a control character is parsed, to name the fields.
"""

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from kombel_runtime.asgi import header, read_body, send_error
from kombel_runtime.errors import ApiError

_CONTROL = re.compile("[\x00-\x1f\x7f]")
_CONTROL_IN_LONG_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Raw bytes that are control characters (JSON itself allows raw DEL in strings), and JSON
# escapes, read from left to right so that `\\u0000` (an escaped backslash) is not one.
_RAW_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ESCAPE = re.compile(rb"\\(u[0-9a-fA-F]{4}|.)", re.DOTALL)
_ALLOWED_ESCAPED_CONTROLS = {0x09, 0x0A, 0x0D}

_MAX_NAMED = 20


def has_control_characters(text: str, *, long_text: bool = False) -> bool:
    """Whether `text` holds a C0 control character or DEL; `long_text` allows tab, LF, CR."""
    return (_CONTROL_IN_LONG_TEXT if long_text else _CONTROL).search(text) is not None


class ControlCharacterMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        found = list(_in_path_and_query(scope))
        if not found and _is_json(header(scope, b"content-type")):
            body, receive = await read_body(receive)
            if _may_hold_controls(body):
                found = list(_in_json(body))
        if found:
            await send_error(send, _refusal(list(dict.fromkeys(found))[:_MAX_NAMED]))
            return
        await self.app(scope, receive, send)


def _in_path_and_query(scope: Scope) -> Iterator[tuple[str, str]]:
    if has_control_characters(scope["path"]):
        yield "path", "Alamat (path)"
    query = scope.get("query_string", b"").decode("latin-1")
    seen = set()
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name in seen:
            continue
        if has_control_characters(name) or has_control_characters(value):
            seen.add(name)
            shown = _printable(name)
            yield f"query.{shown}", f"Parameter `{shown}`"


def _is_json(content_type: bytes | None) -> bool:
    kind = (content_type or b"").split(b";", 1)[0].strip().lower()
    return kind == b"application/json" or (
        kind.startswith(b"application/") and kind.endswith(b"+json")
    )


def _may_hold_controls(body: bytes) -> bool:
    if _RAW_CONTROL_BYTES.search(body):
        return True
    if b"\\" not in body:
        return False
    for escape in _ESCAPE.finditer(body):
        sequence = escape.group(1)
        if sequence in (b"b", b"f"):
            return True
        if len(sequence) == 5:
            code = int(sequence[1:], 16)
            if (code < 0x20 and code not in _ALLOWED_ESCAPED_CONTROLS) or code == 0x7F:
                return True
    return False


def _in_json(body: bytes) -> Iterator[tuple[str, str]]:
    try:
        document = json.loads(body, strict=False)
    except (ValueError, RecursionError):
        return  # not JSON after all: the app answers `json_invalid`
    stack: list[tuple[list[str], Any]] = [([], document)]
    while stack:
        location, value = stack.pop()
        if isinstance(value, str):
            if has_control_characters(value, long_text=True):
                yield _json_field(location)
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                if has_control_characters(key, long_text=True):
                    yield _json_field([*location, key])
                stack.append(([*location, key], item))
        elif isinstance(value, list):
            stack.extend(
                ([*location, str(i)], item) for i, item in reversed(list(enumerate(value)))
            )


def _json_field(location: list[str]) -> tuple[str, str]:
    field = ".".join(_printable(part) for part in location)
    return field, f"Kolom `{field}`" if field else "Isi permintaan"


def _printable(name: str) -> str:
    """A name as it may be shown back: control characters written as `\\xNN`, at most 100."""
    shown = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", name)
    return shown if len(shown) <= 100 else shown[:99] + "…"


def _refusal(found: list[tuple[str, str]]) -> ApiError:
    where = found[0][1]
    return ApiError(
        422,
        "control_characters",
        f"{where} berisi karakter kendali (misalnya NUL) yang tidak diizinkan. Hapus karakter "
        "itu lalu kirim ulang.",
        details=[
            {
                "field": field,
                "code": "control_characters",
                "message": "berisi karakter kendali yang tidak diizinkan",
            }
            for field, _ in found
        ],
    )
