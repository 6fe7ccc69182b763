"""`/membership/imports`: upload a spreadsheet, watch it run, download what was refused."""

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, UploadFile, status
from fastapi.responses import StreamingResponse
from kombel_runtime.auth import CurrentPrincipal, Principal, Role
from kombel_runtime.errors import ApiError
from kombel_runtime.ids import uuid7
from kombel_runtime.pagination import Page, keyset_page
from kombel_runtime.responses import CsvResponse, EventStreamResponse
from kombel_runtime.service import DbSession, Runtime, ServiceRuntime
from kombel_runtime.spreadsheet_cells import csv_document
from pydantic import BaseModel
from sqlalchemy import select

from membership.api.scope import STAFF, not_found
from membership.db.audit import audit
from membership.db.tables import import_rows, imports
from membership.imports.excel_sandbox import XLSX_MAGIC
from membership.imports.job import Counters
from membership.imports.kinds import SPECS, ImportKind
from membership.imports.progress import progress_document, progress_key
from membership.imports.reading import format_problem
from membership.imports.refusals import FileTooComplex, UnreadableFile
from membership.imports.retention import rows_expired
from membership.imports.sheet_limits import SheetLimits, check_zip_directory
from membership.imports.worker import scope_of, wake_import_workers
from membership.settings import membership_settings

router = APIRouter(prefix="/imports", tags=["imports"])

FINISHED = ("succeeded", "failed")
# Everything about a job but its upload, which may weigh 30 MB while the job runs.
_STATUS = [c for c in imports.c if c.name != "content"]


class ImportAccepted(BaseModel):
    id: UUID
    status: str
    progress: str
    events: str


class ImportStatus(BaseModel):
    id: UUID
    kind: ImportKind
    dry_run: bool
    status: str
    filename: str
    rows_total: int | None
    rows_done: int
    created: int
    updated: int
    duplicates: int
    rejected: int
    percent: float
    rows_per_second: float | None
    error: str | None
    errors_csv: str | None
    matches_csv: str | None


def _may_import(principal: Principal, kind: ImportKind) -> None:
    allowed = (
        STAFF
        + {
            ImportKind.PEOPLE: (Role.PRINCIPAL,),
            ImportKind.COMMUNITIES: (),
            ImportKind.MEMBERSHIPS: (Role.COMMUNITY_LEAD,),
            ImportKind.SCHOOLS: (),
            ImportKind.KECAMATAN: (),
        }[kind]
    )
    if not principal.has_any(*allowed):
        raise ApiError(403, "forbidden", "Peran Anda tidak berwenang mengimpor data ini.")


@router.get(
    "/{kind}/template.csv",
    summary="Templat CSV untuk satu jenis impor",
    response_class=CsvResponse,
)
async def template(kind: ImportKind, _: CurrentPrincipal) -> StreamingResponse:
    return StreamingResponse(
        iter([csv_document(SPECS[kind].template_rows())]),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="templat-{kind.value}.csv"'},
    )


@router.post(
    "/{kind}",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ImportAccepted,
    summary="Unggah CSV/XLSX untuk diimpor",
)
async def upload(
    kind: ImportKind,
    file: UploadFile,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
    dry_run: Annotated[bool, Query(description="Periksa saja, tanpa menyimpan")] = True,
) -> ImportAccepted:
    _may_import(principal, kind)
    limit = membership_settings(runtime).import_max_bytes
    content = bytearray()
    while chunk := await file.read(1024 * 1024):
        content += chunk
        if len(content) > limit:
            raise ApiError(
                413,
                "file_too_large",
                f"Berkas lebih dari {limit // (1024 * 1024)} MB. Bagi menjadi beberapa berkas.",
            )
    if not content.strip():
        raise ApiError(422, "file_empty", "Berkas kosong.")
    problem = format_problem(bytes(content[:8192]))
    if problem:
        raise ApiError(422, "file_format", problem)
    if content.startswith(XLSX_MAGIC):
        _refuse_a_zip_bomb(bytes(content), membership_settings(runtime).sheet_limits())
    import_id = uuid7()
    async with session.begin():
        await session.execute(
            imports.insert().values(
                id=import_id,
                kind=kind.value,
                dry_run=dry_run,
                status="queued",
                filename=(file.filename or "unggahan")[:200],
                content=bytes(content),
                requested_by=principal.subject,
                scope=scope_of(principal),
            )
        )
        await audit(
            session, principal, f"import.{kind.value}.uploaded", str(import_id), dry_run=dry_run
        )
    await wake_import_workers(runtime)
    base = f"/membership/imports/{import_id}"
    return ImportAccepted(id=import_id, status="queued", progress=base, events=f"{base}/events")


def _refuse_a_zip_bomb(content: bytes, limits: SheetLimits) -> None:
    """From the zip's directory alone: the API process inflates no upload. A damaged file is
    left to the job, which says what it could not read."""
    try:
        check_zip_directory(content, limits)
    except FileTooComplex as refusal:
        raise ApiError(422, "file_too_complex", str(refusal)) from None
    except UnreadableFile:
        return


async def _job(session: DbSession, principal: Principal, import_id: UUID) -> dict[str, Any]:
    query = select(*_STATUS).where(imports.c.id == import_id)
    row = (await session.execute(query)).mappings().first()
    if row is None or (
        row["requested_by"] != principal.subject and not principal.has_any(Role.NATIONAL_ADMIN)
    ):
        raise not_found("Impor")
    return dict(row)


def _status(row: dict[str, Any]) -> ImportStatus:
    counters = Counters(
        **{k: row[k] for k in ("rows_done", "created", "updated", "duplicates", "rejected")}
    )
    live = progress_document(row["status"], row["rows_total"], counters, row["started_at"])
    if row["finished_at"] and row["started_at"]:
        elapsed = (row["finished_at"] - row["started_at"]).total_seconds()
        live["rows_per_second"] = round(row["rows_done"] / elapsed, 1) if elapsed > 0 else None
    return ImportStatus(
        **{k: row[k] for k in ("id", "kind", "dry_run", "status", "filename", "error")},
        **{
            k: live[k]
            for k in (
                "rows_total",
                "rows_done",
                "created",
                "updated",
                "duplicates",
                "rejected",
                "percent",
                "rows_per_second",
            )
        },
        errors_csv=f"/membership/imports/{row['id']}/errors.csv" if row["rejected"] else None,
        matches_csv=(
            f"/membership/imports/{row['id']}/matches.csv"
            if row["duplicates"] or row["updated"]
            else None
        ),
    )


@router.get("", response_model=Page[ImportStatus], summary="Riwayat impor, terbaru lebih dulu")
async def list_imports(
    principal: CurrentPrincipal,
    session: DbSession,
    kind: ImportKind | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> Page[ImportStatus]:
    """The caller's own imports (a national admin sees everyone's); their files are not kept."""
    query = select(*_STATUS)
    if not principal.has_any(Role.NATIONAL_ADMIN):
        query = query.where(imports.c.requested_by == principal.subject)
    if kind is not None:
        query = query.where(imports.c.kind == kind.value)
    return await keyset_page(
        session,
        query,
        imports.c.id,
        limit=limit,
        cursor=cursor,
        item=_status,
        parse=UUID,
        newest_first=True,
    )


@router.get("/{import_id}", response_model=ImportStatus, summary="Status dan kemajuan impor")
async def import_status(
    import_id: UUID, principal: CurrentPrincipal, session: DbSession
) -> ImportStatus:
    return _status(await _job(session, principal, import_id))


@router.get(
    "/{import_id}/events",
    summary="Kemajuan impor secara langsung (Server-Sent Events)",
    response_class=EventStreamResponse,
)
async def import_events(
    import_id: UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
    request: Request,
) -> StreamingResponse:
    row = await _job(session, principal, import_id)
    await session.close()

    async def stream() -> AsyncIterator[str]:
        current = _status(row)
        yield f"event: progress\ndata: {current.model_dump_json()}\n\n"
        if current.status in FINISHED:
            return
        channel = runtime.redis.pubsub()
        await channel.subscribe(progress_key(import_id))
        try:
            while not await request.is_disconnected():
                message = await channel.get_message(ignore_subscribe_messages=True, timeout=15)
                if message is None:
                    yield ": tetap terhubung\n\n"
                    continue
                document = json.loads(message["data"])
                yield f"event: progress\ndata: {json.dumps(document)}\n\n"
                if document["status"] in FINISHED:
                    return
        finally:
            await channel.aclose()  # type: ignore[no-untyped-call]

    return StreamingResponse(
        stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"}
    )


async def _rows_csv(
    session: DbSession,
    runtime: ServiceRuntime,
    principal: Principal,
    import_id: UUID,
    outcomes: tuple[str, ...],
    column: str,
    filename: str,
) -> StreamingResponse:
    async with session.begin():
        job = await _job(session, principal, import_id)
        days = membership_settings(runtime).import_rows_retention_days
        if rows_expired(job["finished_at"], days):
            raise ApiError(
                410,
                "import_rows_expired",
                f"Rincian baris impor ini sudah dihapus: disimpan {days} hari setelah impor "
                "selesai.",
            )
        noted = (
            await session.execute(
                select(import_rows.c.row_number, import_rows.c.cells, import_rows.c.note)
                .where(import_rows.c.import_id == import_id, import_rows.c.outcome.in_(outcomes))
                .order_by(import_rows.c.row_number)
            )
        ).all()
        # The rows carry the uploaded cells: reading them is a bulk read of personal data.
        await audit(
            session,
            principal,
            "import.rows.read",
            str(import_id),
            outcomes=list(outcomes),
            returned=len(noted),
        )
    headers = list(job["headers"] or [])
    table: list[list[object]] = [["Baris", *headers, column]]
    for number, cells, note in noted:
        table.append([number, *cells, *[""] * (len(headers) - len(cells)), note])
    return StreamingResponse(
        iter([csv_document(table)]),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}-{import_id}.csv"'},
    )


@router.get(
    "/{import_id}/errors.csv",
    summary="Baris yang ditolak, dengan kolom Kesalahan",
    response_class=CsvResponse,
    responses={410: {"description": "Rincian baris sudah dihapus setelah masa simpannya"}},
)
async def rejected_rows(
    import_id: UUID, principal: CurrentPrincipal, session: DbSession, runtime: Runtime
) -> StreamingResponse:
    return await _rows_csv(
        session, runtime, principal, import_id, ("rejected",), "Kesalahan", "ditolak"
    )


@router.get(
    "/{import_id}/matches.csv",
    summary="Baris yang sama dengan atau memperbarui data tersimpan, dengan kolom Keterangan",
    response_class=CsvResponse,
    responses={410: {"description": "Rincian baris sudah dihapus setelah masa simpannya"}},
)
async def matched_rows(
    import_id: UUID, principal: CurrentPrincipal, session: DbSession, runtime: Runtime
) -> StreamingResponse:
    return await _rows_csv(
        session, runtime, principal, import_id, ("duplicate", "update"), "Keterangan", "cocok"
    )
