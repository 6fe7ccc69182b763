"""`/membership/people`: teachers and education staff (PTK), their duplicates and their data."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Response, status
from kombel_events.membership import Position
from kombel_runtime.auth import CurrentPrincipal
from kombel_runtime.pagination import Page
from kombel_runtime.person_rows import PersonDraft
from kombel_runtime.service import DbSession, Runtime

from membership.domain.people import ChangePerson, ErasePerson, MergePerson
from membership.schemas.people import MergeRequest, PersonChanges, PersonOut, export_document
from membership.services import people

router = APIRouter(prefix="/people", tags=["people"])


@router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=PersonOut, summary="Daftarkan PTK"
)
async def register_person(
    body: PersonDraft,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
    response: Response,
) -> PersonOut:
    async with session.begin():
        row = await people.register_person(session, principal, body, runtime.source)
    response.headers["Location"] = f"/membership/people/{row['id']}"
    return PersonOut.model_validate(row)


@router.get("", response_model=Page[PersonOut], summary="Daftar PTK")
async def list_people(
    principal: CurrentPrincipal,
    session: DbSession,
    province: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
    kabkota: Annotated[str | None, Query(pattern=r"^\d{2}\.\d{2}$", examples=["12.11"])] = None,
    npsn: str | None = None,
    position: Position | None = None,
    q: Annotated[str | None, Query(max_length=100, description="Nama, NUPTK atau email")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: str | None = None,
) -> Page[PersonOut]:
    search = people.PeopleFilter(province, kabkota, npsn, position, q)
    async with session.begin():
        page = await people.list_people(session, principal, search, limit=limit, cursor=cursor)
    return page.map(PersonOut.model_validate)


@router.get("/{person_id}", response_model=PersonOut, summary="Satu PTK")
async def get_person(person_id: UUID, principal: CurrentPrincipal, session: DbSession) -> PersonOut:
    return PersonOut.model_validate(await people.person(session, principal, person_id))


@router.patch("/{person_id}", response_model=PersonOut, summary="Ubah data PTK")
async def change_person(
    person_id: UUID,
    body: PersonChanges,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
) -> PersonOut:
    command = ChangePerson(person_id, body.model_dump(exclude_unset=True))
    async with session.begin():
        row = await people.change_person(session, principal, command, runtime.source)
    return PersonOut.model_validate(row)


@router.post(
    "/{person_id}/merge",
    response_model=PersonOut,
    summary="Gabungkan PTK ganda ke data yang dipertahankan",
)
async def merge_person(
    person_id: UUID,
    body: MergeRequest,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
) -> PersonOut:
    command = MergePerson(person_id, body.into)
    async with session.begin():
        kept = await people.merge_person(session, principal, command, runtime.source)
    return PersonOut.model_validate(kept)


@router.get("/{person_id}/export", summary="Ekspor seluruh data pribadi seorang PTK (UU PDP)")
async def export_person(
    person_id: UUID, principal: CurrentPrincipal, session: DbSession
) -> dict[str, Any]:
    async with session.begin():
        row, trail = await people.export_person(session, principal, person_id)
    return export_document(row, trail)


@router.post(
    "/{person_id}/erase",
    response_model=PersonOut,
    summary="Hapus data pribadi seorang PTK (UU PDP)",
)
async def erase_person(
    person_id: UUID, principal: CurrentPrincipal, session: DbSession, runtime: Runtime
) -> PersonOut:
    async with session.begin():
        row = await people.erase_person(session, principal, ErasePerson(person_id), runtime.source)
    return PersonOut.model_validate(row)
