"""The OpenAPI document of a service lists the error answers the platform really gives.

FastAPI documents a 422 of its own shape (`HTTPValidationError`) that no route here sends, and
knows nothing of the answers the edge gives before a route runs. Once FastAPI has built the
document, each operation gets these, all with the shared `ErrorBody` schema:

- 401 and 403 unless its path is public;
- 404 when its path has parameters;
- 400 for a list's `cursor` that is not one it gave;
- 400 and 413 when it takes a body, and 400 and 409 for POST, whose `Idempotency-Key` header
  is documented too (a key too long; the same key while the first request still runs);
- 422 always: control characters are refused in any query;
- 429 unless its path is exempt from rate limits, with `Retry-After`.

Error answers a route declares itself keep their description and get the schema.
"""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from kombel_runtime.errors import ErrorBody
from kombel_runtime.path_templates import PathTemplates

_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
_REF = "#/components/schemas/{model}"
_ERROR_SCHEMA = {"$ref": _REF.format(model=ErrorBody.__name__)}
_FASTAPI_VALIDATION = ("HTTPValidationError", "ValidationError")

_DESCRIPTIONS = {
    "400": (
        "Permintaan tidak dapat dibaca (mis. multipart rusak, Idempotency-Key terlalu panjang, "
        "`cursor` tidak sah)"
    ),
    "401": "Token tidak ada, tidak sah atau kedaluwarsa",
    "403": "Peran atau wilayah kewenangan tidak mencakup tindakan ini",
    "404": "Tidak ditemukan, atau di luar wilayah kewenangan",
    "409": "Permintaan dengan Idempotency-Key yang sama masih diproses",
    "413": "Isi permintaan atau berkas melebihi batas",
    "422": "Data tidak sah, termasuk karakter kendali di alamat, parameter atau isi JSON",
    "429": "Terlalu banyak permintaan; coba lagi setelah `Retry-After` detik",
}

_IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Kunci unik per permintaan: percobaan ulang dengan kunci yang sama (oleh akun yang "
        "sama, dalam 24 jam) mendapat jawaban pertama, tanpa efek kedua."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
}


def document_error_answers(
    app: FastAPI, *, public: PathTemplates, unmetered: PathTemplates
) -> None:
    """Make `app.openapi()` add the error answers to the document FastAPI builds."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            add_error_answers(build(), public=public, unmetered=unmetered)
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def add_error_answers(
    document: dict[str, Any], *, public: PathTemplates, unmetered: PathTemplates
) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    error_schema = ErrorBody.model_json_schema(ref_template=_REF)
    schemas.update(error_schema.pop("$defs", {}))
    schemas[ErrorBody.__name__] = error_schema
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method in _METHODS:
                _add_to_operation(
                    operation,
                    method=method,
                    public=path in public,
                    has_parameters="{" in path,
                    metered=path not in unmetered,
                )
    # FastAPI's validation schemas stay only if something still refers to them.
    fastapi_validation = {n: schemas.pop(n) for n in _FASTAPI_VALIDATION if n in schemas}
    if _references_any(document, _FASTAPI_VALIDATION):
        schemas.update(fastapi_validation)


def _add_to_operation(
    operation: dict[str, Any], *, method: str, public: bool, has_parameters: bool, metered: bool
) -> None:
    statuses = {"422"}
    if not public:
        statuses |= {"401", "403"}
    if has_parameters:
        statuses.add("404")
    if "requestBody" in operation:
        statuses |= {"400", "413"}
    if any(p.get("name") == "cursor" for p in operation.get("parameters", [])):
        statuses.add("400")  # a `cursor` not of this list (invalid_cursor)
    if method == "post":
        statuses |= {"400", "409"}
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("name", "").lower() == "idempotency-key" for p in parameters):
            parameters.append(dict(_IDEMPOTENCY_KEY))
    if metered:
        statuses.add("429")
    responses = operation.setdefault("responses", {})
    for status, response in responses.items():
        if status.startswith("4") and status not in statuses:
            response["content"] = {"application/json": {"schema": dict(_ERROR_SCHEMA)}}
    for status in sorted(statuses):
        response = responses.setdefault(status, {})
        if response.get("description") in (None, "", "Validation Error"):
            response["description"] = _DESCRIPTIONS[status]
        response["content"] = {"application/json": {"schema": dict(_ERROR_SCHEMA)}}
        if status == "429":
            response["headers"] = {
                "Retry-After": {
                    "description": "Detik sampai permintaan boleh dicoba lagi",
                    "schema": {"type": "integer", "minimum": 1},
                }
            }
        elif status == "401":
            response["headers"] = {
                "WWW-Authenticate": {"description": "`Bearer`", "schema": {"type": "string"}}
            }
    operation["responses"] = dict(sorted(responses.items()))


def _references_any(value: Any, names: tuple[str, ...]) -> bool:
    if isinstance(value, dict):
        reference = value.get("$ref")
        if isinstance(reference, str) and reference.rsplit("/", 1)[-1] in names:
            return True
        return any(_references_any(v, names) for v in value.values())
    if isinstance(value, list):
        return any(_references_any(v, names) for v in value)
    return False
