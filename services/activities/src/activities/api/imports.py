"""`/activities/imports`: a paper attendance list uploaded for an activity, and its jobs."""

from enum import StrEnum
from typing import Annotated
from uuid import UUID

from fastapi import Query, UploadFile, status
from kombel_runtime.auth import CurrentPrincipal
from kombel_runtime.imports.routes import accept_upload, import_router
from kombel_runtime.imports.schemas import ImportAccepted
from kombel_runtime.service import DbSession, Runtime

from activities.imports.importer import IMPORTER


class ImportKind(StrEnum):
    ATTENDANCE = "attendance"


router = import_router(IMPORTER)


@router.post(
    "/{kind}",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ImportAccepted,
    summary="Unggah daftar hadir (CSV/XLSX) sebuah kegiatan",
    description=(
        "Kolom: Nama Lengkap (wajib), NUPTK, Email, No. HP/WA. Baris dicocokkan dengan nama "
        "anggota komunitas pada tanggal kegiatan; NUPTK, email dan nomor HP diterima tetapi "
        "tidak dipakai untuk mencocokkan."
    ),
)
async def upload(
    kind: ImportKind,
    activity_id: UUID,
    file: UploadFile,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
    dry_run: Annotated[bool, Query(description="Periksa saja, tanpa menyimpan")] = True,
) -> ImportAccepted:
    return await accept_upload(
        IMPORTER,
        session,
        runtime,
        principal,
        file,
        kind=kind.value,
        dry_run=dry_run,
        target=str(activity_id),
    )
