"""`/membership/imports`: upload a spreadsheet, watch it run, download what was refused."""

from typing import Annotated

from fastapi import Query, UploadFile, status
from kombel_runtime.auth import CurrentPrincipal
from kombel_runtime.imports.routes import accept_upload, import_router
from kombel_runtime.imports.schemas import ImportAccepted
from kombel_runtime.service import DbSession, Runtime

from membership.imports.importer import IMPORTER
from membership.imports.kinds import ImportKind

router = import_router(IMPORTER)


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
    return await accept_upload(
        IMPORTER, session, runtime, principal, file, kind=kind.value, dry_run=dry_run
    )
