"""Request body limits per route, enforced before any part of the body is kept.

The outermost middleware of a service: a body is refused with 413 from its `Content-Length`
before a byte is read, or, without one (chunked), as soon as what arrived passes the limit.
Every route takes JSON up to the service's `max_body_bytes`; routes that take files are
declared as `UploadRoute`s, with the largest file each accepts.

FastAPI's own `max_body_size` on routes is not enough: it applies once the route is found,
after the middlewares that read the body (idempotency) have read it whole.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kombel_runtime.asgi import header, send_error
from kombel_runtime.errors import ApiError
from kombel_runtime.path_templates import PathTemplates
from kombel_runtime.settings import ServiceSettings

# Room for multipart framing around the file: boundaries, part headers and a few form fields.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class UploadRoute:
    """A route that takes a file: `method` and `path` (a template under the service prefix,
    e.g. `/imports/{kind}`), and the largest file it accepts under the given settings."""

    method: str
    path: str
    max_file_bytes: Callable[[ServiceSettings], int]


@dataclass(frozen=True)
class _Limit:
    method: str
    paths: PathTemplates
    file_bytes: int


class UploadRoutes:
    """The upload routes of one service, with their limits under its settings."""

    def __init__(self, prefix: str, routes: Sequence[UploadRoute], settings: ServiceSettings):
        self._limits = [
            _Limit(r.method.upper(), PathTemplates([prefix + r.path]), r.max_file_bytes(settings))
            for r in routes
        ]

    def file_bytes(self, scope: Scope) -> int | None:
        """The largest file the request's route takes; None when it takes no files."""
        for limit in self._limits:
            if scope["method"] == limit.method and scope["path"] in limit.paths:
                return limit.file_bytes
        return None

    def is_upload(self, scope: Scope) -> bool:
        content_type = header(scope, b"content-type") or b""
        multipart = content_type.lstrip().lower().startswith(b"multipart/")
        return multipart or self.file_bytes(scope) is not None


class _BodyTooLarge(HTTPException):
    # An HTTPException, so FastAPI's body parsing lets it through instead of answering 400.
    def __init__(self) -> None:
        super().__init__(status_code=413)


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, json_bytes: int, uploads: UploadRoutes) -> None:
        self.app = app
        self.json_bytes = json_bytes
        self.uploads = uploads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        file_bytes = self.uploads.file_bytes(scope)
        limit = self.json_bytes if file_bytes is None else file_bytes + MULTIPART_OVERHEAD_BYTES
        refusal = _too_large(self.json_bytes, file_bytes)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await send_error(send, refusal)
            return

        received = 0
        exceeded = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise _BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                # Whatever the app made of the interrupted body (a 400, a 500), the answer
                # is that it was too large.
                if not started:
                    started = True
                    await send_error(send, refusal)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except _BodyTooLarge:
            if started:
                raise
            started = True
            await send_error(send, refusal)
        except Exception:
            if not exceeded:
                raise
            if not started:
                started = True
                await send_error(send, refusal)


def _content_length(scope: Scope) -> int | None:
    value = header(scope, b"content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _too_large(json_bytes: int, file_bytes: int | None) -> ApiError:
    # A connection whose body was left unread cannot carry another request.
    headers = {"Connection": "close"}
    if file_bytes is None:
        return ApiError(
            413,
            "body_too_large",
            f"Isi permintaan lebih dari {describe_size(json_bytes)}. Kirim data yang lebih kecil "
            "atau bagi menjadi beberapa permintaan.",
            headers=headers,
        )
    # The code and wording of the upload routes' own check, which clients already know.
    return ApiError(
        413,
        "file_too_large",
        f"Berkas lebih dari {describe_size(file_bytes)}. Bagi menjadi beberapa berkas.",
        headers=headers,
    )


def describe_size(size: int) -> str:
    """A byte count as a person reads it: `1 MB`, `1,5 MB`, `64 KB`."""
    for unit, name in ((1024 * 1024, "MB"), (1024, "KB")):
        if size >= unit:
            whole, rest = divmod(size, unit)
            if rest == 0 or whole >= 10:
                return f"{whole} {name}"
            return f"{size / unit:.1f}".replace(".", ",") + f" {name}"
    return f"{size} byte"
