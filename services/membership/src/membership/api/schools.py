"""`/membership/schools`: schools by NPSN, registered and kept by regional staff."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from kombel_events.membership import SchoolJenjang
from kombel_runtime.auth import CurrentPrincipal
from kombel_runtime.pagination import Page
from kombel_runtime.service import DbSession, Runtime

from membership.domain.drafts import SchoolDraft
from membership.domain.schools import ChangeSchool
from membership.schemas.schools import SchoolChanges, SchoolOut
from membership.services import schools

router = APIRouter(prefix="/schools", tags=["schools"])


@router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=SchoolOut, summary="Daftarkan sekolah"
)
async def register_school(
    body: SchoolDraft,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
    response: Response,
) -> SchoolOut:
    async with session.begin():
        row = await schools.register_school(session, principal, body, runtime.source)
    response.headers["Location"] = f"/membership/schools/{body.npsn}"
    return SchoolOut.model_validate(row)


@router.get("", response_model=Page[SchoolOut], summary="Daftar sekolah")
async def list_schools(
    principal: CurrentPrincipal,
    session: DbSession,
    province: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
    kabkota: Annotated[str | None, Query(pattern=r"^\d{2}\.\d{2}$", examples=["12.11"])] = None,
    jenjang: SchoolJenjang | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: str | None = None,
) -> Page[SchoolOut]:
    search = schools.SchoolFilter(province=province, kabkota=kabkota, jenjang=jenjang, q=q)
    page = await schools.list_schools(session, principal, search, limit=limit, cursor=cursor)
    return page.map(SchoolOut.model_validate)


@router.get("/{npsn}", response_model=SchoolOut, summary="Satu sekolah menurut NPSN")
async def get_school(npsn: str, principal: CurrentPrincipal, session: DbSession) -> SchoolOut:
    return SchoolOut.model_validate(await schools.school(session, principal, npsn))


@router.patch("/{npsn}", response_model=SchoolOut, summary="Ubah data sekolah")
async def change_school(
    npsn: str,
    body: SchoolChanges,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
) -> SchoolOut:
    command = ChangeSchool(npsn, body.model_dump(exclude_unset=True))
    async with session.begin():
        row = await schools.change_school(session, principal, command, runtime.source)
    return SchoolOut.model_validate(row)
