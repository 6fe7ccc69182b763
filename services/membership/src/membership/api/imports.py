"""`/membership/imports`: upload a spreadsheet, watch it run, download what was refused."""

import json
from collections.abc import AsyncIterator
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, UploadFile, status
from fastapi.responses import StreamingResponse
from kombel_runtime.auth import CurrentPrincipal, Principal
from kombel_runtime.errors import ApiError
from kombel_runtime.pagination import Page
from kombel_runtime.responses import CsvResponse, EventStreamResponse
from kombel_runtime.service import DbSession, Runtime, ServiceRuntime
from kombel_runtime.spreadsheet_cells import csv_document

from membership.imports.kinds import SPECS, ImportKind
from membership.imports.progress import progress_key
from membership.imports.worker import wake_import_workers
from membership.schemas.imports import ImportAccepted, ImportStatus
from membership.services import imports
from membership.settings import membership_settings

router = APIRouter(prefix="/imports", tags=["imports"])

FINISHED = ("succeeded", "failed")


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


async def _read_upload(file: UploadFile, limit: int) -> bytes:
    """The uploaded file, read no further than the limit."""
    content = bytearray()
    while chunk := await file.read(1024 * 1024):
        content += chunk
        if len(content) > limit:
            raise ApiError(
                413,
                "file_too_large",
                f"Berkas lebih dari {limit // (1024 * 1024)} MB. Bagi menjadi beberapa berkas.",
            )
    return bytes(content)


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
    settings = membership_settings(runtime)
    # A caller who may not import this kind hears so before anything about their file.
    async with session.begin():
        await imports.check_importer(session, principal, kind)
    content = await _read_upload(file, settings.import_max_bytes)
    command = imports.QueueImport(kind, file.filename or "", content, dry_run)
    async with session.begin():
        import_id = await imports.queue_import(session, principal, command, settings.sheet_limits())
    await wake_import_workers(runtime)
    base = f"/membership/imports/{import_id}"
    return ImportAccepted(id=import_id, status="queued", progress=base, events=f"{base}/events")


@router.get("", response_model=Page[ImportStatus], summary="Riwayat impor, terbaru lebih dulu")
async def list_imports(
    principal: CurrentPrincipal,
    session: DbSession,
    kind: ImportKind | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> Page[ImportStatus]:
    """The caller's own imports (a national admin sees everyone's); their files are not kept."""
    page = await imports.list_imports(session, principal, kind, limit=limit, cursor=cursor)
    return page.map(ImportStatus.of)


@router.get("/{import_id}", response_model=ImportStatus, summary="Status dan kemajuan impor")
async def import_status(
    import_id: UUID, principal: CurrentPrincipal, session: DbSession
) -> ImportStatus:
    return ImportStatus.of(await imports.job(session, principal, import_id))


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
    row = await imports.job(session, principal, import_id)
    await session.close()

    async def stream() -> AsyncIterator[str]:
        current = ImportStatus.of(row)
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
    days = membership_settings(runtime).import_rows_retention_days
    async with session.begin():
        noted = await imports.noted_rows(
            session, principal, import_id, outcomes, retention_days=days
        )
    headers = noted.headers
    table: list[list[object]] = [["Baris", *headers, column]]
    for number, cells, note in noted.rows:
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
