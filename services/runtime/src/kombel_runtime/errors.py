"""Errors with a stable machine code and a message for people, in Bahasa Indonesia.

Domain rules and use cases raise a `DomainError` of the kind that says what went wrong
(`NotFound`, `Forbidden`, `Conflict`, `Invalid`, `Gone`, `Malformed`), and know nothing of HTTP;
`install_error_handlers` is the one place that turns a kind into a status. `ApiError` stays for
what only HTTP has words for (a missing token, a body too large).

Every error body has the same shape: `{"error": {"code", "message", "details"?}}`. Input values
are never echoed back, so personal data does not leak through error messages.
"""

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule refused: `code` is stable for machines, `message` is for people, and `details`
    may name facts a caller can act on (e.g. the id of the record a duplicate matched)."""

    def __init__(
        self, code: str, message: str, details: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.details = details


class NotFound(DomainError):
    """No such record, or none the caller may see: the two are said alike."""


class Forbidden(DomainError):
    """The caller sees the record but their role or scope does not allow the act."""


class Conflict(DomainError):
    """The act clashes with what is stored (a duplicate, an archived record, a last lead)."""


class Invalid(DomainError):
    """The input breaks a rule of the domain although each field is well formed."""


class Gone(DomainError):
    """What was asked for existed once and has been removed for good."""


class Malformed(DomainError):
    """The request cannot be read as asked (e.g. a cursor the list never gave)."""


_DOMAIN_STATUS: dict[type[DomainError], int] = {
    NotFound: 404,
    Forbidden: 403,
    Conflict: 409,
    Invalid: 422,
    Gone: 410,
    Malformed: 400,
}


def status_of(error: DomainError) -> int:
    """The HTTP status of a domain error's kind (a bare `DomainError` is taken as `Invalid`)."""
    for kind, status in _DOMAIN_STATUS.items():
        if isinstance(error, kind):
            return status
    return 422


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers


# For validation, the field with its code and message; other errors may carry other facts
# instead (e.g. `existing_id`, what a duplicate matched).
class ErrorDetail(BaseModel):
    model_config = ConfigDict(
        extra="allow", json_schema_extra={"description": "Satu masalah dari permintaan"}
    )

    field: str | None = None
    code: str | None = None
    message: str | None = None


class ErrorContent(BaseModel):
    code: str
    message: str
    details: list[ErrorDetail] | None = None


# The body of every error answer of the platform; the OpenAPI documents point to it.
class ErrorBody(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "description": "Jawaban galat: kode mesin yang tetap dan pesan dalam Bahasa Indonesia"
        }
    )

    error: ErrorContent


def error_body(
    code: str, message: str, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return {"error": error}


_VALIDATION_MESSAGES = {
    "missing": "wajib diisi",
    "string_too_short": "terlalu pendek",
    "string_too_long": "terlalu panjang",
    "string_pattern_mismatch": "formatnya tidak sesuai",
    "enum": "bukan salah satu pilihan yang tersedia",
    "literal_error": "bukan salah satu pilihan yang tersedia",
    "uuid_parsing": "bukan UUID yang sah",
    "int_parsing": "harus berupa bilangan bulat",
    "json_invalid": "JSON tidak sah",
    "extra_forbidden": "kolom ini tidak dikenal",
    "list_type": "harus berupa daftar",
    "string_type": "harus berupa teks",
    "too_short": "terlalu sedikit isian",
    "too_long": "terlalu banyak isian",
    "datetime_parsing": "bukan tanggal dan waktu yang sah",
    "date_parsing": "bukan tanggal yang sah",
    "greater_than_equal": "terlalu kecil",
    "less_than_equal": "terlalu besar",
}

# Types pydantic itself raises (English messages); anything else is one of our own checks.
_PYDANTIC_TYPES = set(_VALIDATION_MESSAGES) | {
    "value_error",
    "assertion_error",
    "int_type",
    "bool_parsing",
    "bool_type",
    "float_parsing",
    "datetime_parsing",
    "date_parsing",
    "url_parsing",
    "greater_than",
    "less_than",
    "greater_than_equal",
    "less_than_equal",
    "dict_type",
    "model_type",
    "uuid_type",
}

_STATUS_CODES = {
    400: ("bad_request", "Permintaan tidak dapat diproses."),
    401: (
        "unauthenticated",
        "Token tidak ada atau tidak sah. Masuk kembali untuk mendapat token baru.",
    ),
    403: ("forbidden", "Anda tidak berwenang melakukan tindakan ini."),
    404: ("not_found", "Alamat yang diminta tidak ditemukan."),
    405: ("method_not_allowed", "Metode HTTP ini tidak didukung untuk alamat ini."),
}


def validation_message(item: Mapping[str, Any]) -> str:
    """The Indonesian message of one validation error; our own checks carry theirs."""
    kind = item.get("type", "")
    expected = (item.get("ctx") or {}).get("expected")
    if kind in ("enum", "literal_error") and isinstance(expected, str):
        return f"pilih salah satu: {expected.replace(' or ', ' atau ')}"
    if kind in _VALIDATION_MESSAGES:
        return _VALIDATION_MESSAGES[kind]
    if kind not in _PYDANTIC_TYPES:
        return str(item.get("msg", "isian tidak sah"))
    return "isian tidak sah"


def validation_details(error: RequestValidationError) -> list[dict[str, Any]]:
    details = []
    for item in error.errors():
        location = [str(part) for part in item.get("loc", ()) if part != "body"]
        details.append(
            {
                "field": ".".join(location),
                "code": item.get("type", "invalid"),
                "message": validation_message(item),
            }
        )
    return details


UNIQUE_VIOLATION = "23505"


def is_unique_violation(error: BaseException) -> bool:
    """A unique index refused the write: from asyncpg directly, or wrapped by SQLAlchemy."""
    for candidate in (error, getattr(error, "orig", None), error.__cause__):
        if getattr(candidate, "sqlstate", None) == UNIQUE_VIOLATION:
            return True
    return False


def _constraint_of(error: BaseException) -> str | None:
    for candidate in (error, getattr(error, "orig", None), error.__cause__):
        name = getattr(candidate, "constraint_name", None)
        if isinstance(name, str):
            return name
    return None


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(_: Request, error: DomainError) -> JSONResponse:
        return JSONResponse(
            error_body(error.code, error.message, error.details), status_code=status_of(error)
        )

    @app.exception_handler(ApiError)
    async def api_error(_: Request, error: ApiError) -> JSONResponse:
        return JSONResponse(
            error_body(error.code, error.message, error.details),
            status_code=error.status,
            headers=error.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            error_body(
                "validation_failed",
                "Data yang dikirim tidak sah. Periksa kolom yang disebut di `details`.",
                validation_details(error),
            ),
            status_code=422,
        )

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, error: HTTPException) -> JSONResponse:
        code, message = _STATUS_CODES.get(
            error.status_code, ("http_error", "Permintaan tidak dapat diproses.")
        )
        return JSONResponse(
            error_body(code, message), status_code=error.status_code, headers=error.headers
        )

    @app.exception_handler(IntegrityError)
    async def conflicting_write(request: Request, error: IntegrityError) -> JSONResponse:
        if not is_unique_violation(error):
            return await unexpected(request, error)
        # Two requests saved the same thing at once; the check before the write missed the
        # other. The database's message quotes the value, so only the constraint is logged.
        log.warning("unique violation", extra={"constraint": _constraint_of(error) or "unknown"})
        return JSONResponse(
            error_body(
                "conflict",
                "Data yang sama baru saja disimpan oleh permintaan lain. Muat ulang lalu periksa.",
            ),
            status_code=409,
        )

    @app.exception_handler(Exception)
    async def unexpected(_: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error", extra={"error_type": type(error).__name__})
        return JSONResponse(
            error_body(
                "internal_error",
                "Terjadi kesalahan di server. Coba lagi; jika berulang, hubungi admin.",
            ),
            status_code=500,
        )
