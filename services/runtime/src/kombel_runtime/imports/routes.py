"""The HTTP side of imports: the routes every importing service shares (history, status, live
progress, errors.csv, matches.csv, templates) and the steps of an upload. The upload route
itself stays with the service, since what it names (a kind, an activity) is the service's."""

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, UploadFile
from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession

from kombel_runtime.auth import CurrentPrincipal, Principal
from kombel_runtime.errors import ApiError, NotFound
from kombel_runtime.imports import jobs
from kombel_runtime.imports.importer import Importer
from kombel_runtime.imports.schemas import ImportAccepted, ImportStatus
from kombel_runtime.imports.settings import import_settings
from kombel_runtime.imports.worker import wake_import_workers
from kombel_runtime.pagination import Page
from kombel_runtime.responses import CsvResponse, EventStreamResponse
from kombel_runtime.service import DbSession, Runtime, ServiceRuntime
from kombel_runtime.spreadsheet_cells import csv_document

FINISHED = ("succeeded", "failed")


async def read_upload(file: UploadFile, limit: int) -> bytes:
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


async def accept_upload(
    importer: Importer,
    session: AsyncSession,
    runtime: ServiceRuntime,
    principal: Principal,
    file: UploadFile,
    *,
    kind: str,
    dry_run: bool,
    target: str | None = None,
) -> ImportAccepted:
    """An upload queued as a job: the caller's right first (before anything about their file),
    then the file, then a worker is woken."""
    settings = import_settings(runtime)
    async with session.begin():
        await importer.authorize(session, principal, kind, target)
    content = await read_upload(file, settings.import_max_bytes)
    command = jobs.QueueImport(kind, file.filename or "", content, dry_run, target)
    async with session.begin():
        import_id = await jobs.queue_import(
            session, importer, principal, command, settings.sheet_limits()
        )
    await wake_import_workers(runtime, importer)
    base = f"{importer.base_path}/{import_id}"
    return ImportAccepted(id=import_id, status="queued", progress=base, events=f"{base}/events")


def import_router(importer: Importer, *, prefix: str = "/imports") -> APIRouter:
    """The routes of a service's import jobs beside its own upload route."""
    router = APIRouter(prefix=prefix, tags=["imports"])
    status_model: Any = importer.status  # the service's own status, for the documentation

    def spec_kind(kind: str) -> str:
        if kind not in importer.specs:
            raise NotFound("not_found", "Jenis impor tidak dikenal.")
        return kind

    @router.get(
        "/{kind}/template.csv",
        summary="Templat CSV untuk satu jenis impor",
        response_class=CsvResponse,
    )
    async def template(kind: str, _: CurrentPrincipal) -> StreamingResponse:
        spec = importer.specs[spec_kind(kind)]
        return StreamingResponse(
            iter([csv_document(spec.template_rows())]),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="templat-{kind}.csv"'},
        )

    @router.get("", response_model=Page[status_model], summary="Riwayat impor, terbaru lebih dulu")
    async def list_imports(
        principal: CurrentPrincipal,
        session: DbSession,
        kind: str | None = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        cursor: str | None = None,
    ) -> Page[ImportStatus]:
        """The caller's own imports (a national admin sees everyone's); their files are not
        kept."""
        page = await jobs.list_imports(
            session, importer, principal, kind, limit=limit, cursor=cursor
        )
        statuses = await importer.statuses(session, page.items)
        return Page[ImportStatus](items=statuses, total=page.total, next=page.next)

    @router.get("/{import_id}", response_model=status_model, summary="Status dan kemajuan impor")
    async def import_status(
        import_id: UUID, principal: CurrentPrincipal, session: DbSession
    ) -> ImportStatus:
        row = await jobs.job(session, importer, principal, import_id)
        (status,) = await importer.statuses(session, [row])
        return status

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
        row = await jobs.job(session, importer, principal, import_id)
        (current,) = await importer.statuses(session, [row])
        await session.close()

        async def stream() -> AsyncIterator[str]:
            yield f"event: progress\ndata: {current.model_dump_json()}\n\n"
            if current.status in FINISHED:
                return
            channel = runtime.redis.pubsub()
            await channel.subscribe(importer.progress_key(import_id))
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

    async def rows_csv(
        session: AsyncSession,
        runtime: ServiceRuntime,
        principal: Principal,
        import_id: UUID,
        outcomes: tuple[str, ...],
        column: str,
        filename: str,
    ) -> StreamingResponse:
        days = import_settings(runtime).import_rows_retention_days
        async with session.begin():
            noted = await jobs.noted_rows(
                session, importer, principal, import_id, outcomes, retention_days=days
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
        return await rows_csv(
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
        return await rows_csv(
            session, runtime, principal, import_id, ("duplicate", "update"), "Keterangan", "cocok"
        )

    return router
