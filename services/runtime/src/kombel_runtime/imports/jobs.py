"""Use cases of import jobs: queue an upload, read a job's status, list the caller's jobs,
and read the rows a job refused or matched. The jobs themselves run in `imports.worker`."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Column, select
from sqlalchemy.ext.asyncio import AsyncSession

from kombel_runtime.auth import Principal, Role
from kombel_runtime.errors import Gone, Invalid, NotFound
from kombel_runtime.ids import uuid7
from kombel_runtime.imports.excel_sandbox import XLSX_MAGIC
from kombel_runtime.imports.importer import Importer
from kombel_runtime.imports.reading import format_problem
from kombel_runtime.imports.refusals import FileTooComplex, UnreadableFile
from kombel_runtime.imports.retention import rows_expired
from kombel_runtime.imports.sheet_limits import SheetLimits, check_zip_directory
from kombel_runtime.imports.worker import scope_of
from kombel_runtime.pagination import Page, keyset_page


def _status_columns(importer: Importer) -> list[Column[Any]]:
    """Everything about a job but its upload, which may weigh 30 MB while the job runs."""
    return [c for c in importer.tables.imports.c if c.name != "content"]


@dataclass(frozen=True)
class QueueImport:
    kind: str
    filename: str
    content: bytes
    dry_run: bool = True
    target: str | None = None


@dataclass(frozen=True)
class NotedRows:
    """The rows of a job with one of `outcomes`, each as its number, cells and note."""

    headers: list[str]
    rows: list[tuple[int, list[str], str]]


def _refuse_a_zip_bomb(content: bytes, limits: SheetLimits) -> None:
    """From the zip's directory alone: the API process inflates no upload. A damaged file is
    left to the job, which says what it could not read."""
    try:
        check_zip_directory(content, limits)
    except FileTooComplex as refusal:
        raise Invalid("file_too_complex", str(refusal)) from None
    except UnreadableFile:
        return


async def queue_import(
    session: AsyncSession,
    importer: Importer,
    principal: Principal,
    command: QueueImport,
    limits: SheetLimits,
) -> UUID:
    """The job's id, once the file is worth a job: a worker takes it from the queue."""
    await importer.authorize(session, principal, command.kind, command.target)
    if not command.content.strip():
        raise Invalid("file_empty", "Berkas kosong.")
    problem = format_problem(command.content[:8192])
    if problem:
        raise Invalid("file_format", problem)
    if command.content.startswith(XLSX_MAGIC):
        _refuse_a_zip_bomb(command.content, limits)
    import_id = uuid7()
    await session.execute(
        importer.tables.imports.insert().values(
            id=import_id,
            kind=command.kind,
            dry_run=command.dry_run,
            status="queued",
            filename=(command.filename or "unggahan")[:200],
            content=command.content,
            requested_by=principal.subject,
            scope=scope_of(principal),
            target=command.target,
        )
    )
    if importer.audit is not None:
        await importer.audit(
            session,
            principal,
            f"import.{command.kind}.uploaded",
            str(import_id),
            dry_run=command.dry_run,
        )
    return import_id


async def job(
    session: AsyncSession, importer: Importer, principal: Principal, import_id: UUID
) -> dict[str, Any]:
    """A job of the caller's (a national admin sees everyone's), without its upload."""
    imports = importer.tables.imports
    query = select(*_status_columns(importer)).where(imports.c.id == import_id)
    row = (await session.execute(query)).mappings().first()
    if row is None or (
        row["requested_by"] != principal.subject and not principal.has_any(Role.NATIONAL_ADMIN)
    ):
        raise NotFound("not_found", "Impor tidak ditemukan atau di luar wilayah kewenangan Anda.")
    return dict(row)


async def list_imports(
    session: AsyncSession,
    importer: Importer,
    principal: Principal,
    kind: str | None,
    *,
    limit: int,
    cursor: str | None,
) -> Page[dict[str, Any]]:
    """The caller's own jobs, newest first (a national admin sees everyone's)."""
    imports = importer.tables.imports
    query = select(*_status_columns(importer))
    if not principal.has_any(Role.NATIONAL_ADMIN):
        query = query.where(imports.c.requested_by == principal.subject)
    if kind is not None:
        query = query.where(imports.c.kind == kind)
    return await keyset_page(
        session,
        query,
        (imports.c.created_at, imports.c.id),
        limit=limit,
        cursor=cursor,
        item=dict,
        parse=(datetime.fromisoformat, UUID),
        newest_first=True,
    )


async def noted_rows(
    session: AsyncSession,
    importer: Importer,
    principal: Principal,
    import_id: UUID,
    outcomes: tuple[str, ...],
    *,
    retention_days: int,
) -> NotedRows:
    """The rows a job refused or matched, while they are kept; reading them is a bulk read of
    personal data (they carry the uploaded cells), so it is audited."""
    found = await job(session, importer, principal, import_id)
    import_rows = importer.tables.import_rows
    if rows_expired(found["finished_at"], retention_days):
        raise Gone(
            "import_rows_expired",
            f"Rincian baris impor ini sudah dihapus: disimpan {retention_days} hari setelah "
            "impor selesai.",
        )
    noted = (
        await session.execute(
            select(import_rows.c.row_number, import_rows.c.cells, import_rows.c.note)
            .where(import_rows.c.import_id == import_id, import_rows.c.outcome.in_(outcomes))
            .order_by(import_rows.c.row_number)
        )
    ).all()
    if importer.audit is not None:
        await importer.audit(
            session,
            principal,
            "import.rows.read",
            str(import_id),
            outcomes=list(outcomes),
            returned=len(noted),
        )
    return NotedRows(
        headers=list(found["headers"] or []),
        rows=[(number, list(cells), note) for number, cells, note in noted],
    )
