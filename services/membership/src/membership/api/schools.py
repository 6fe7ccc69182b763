"""`/membership/schools`: schools by NPSN, registered and kept by regional staff."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from kombel_events.membership import SchoolJenjang, SchoolRegistered, SchoolStatus, SchoolUpdated
from kombel_events.regions import regions
from kombel_runtime.auth import CurrentPrincipal
from kombel_runtime.errors import ApiError
from kombel_runtime.outbox import record_events
from kombel_runtime.pagination import Page, contains, keyset_page
from kombel_runtime.patch import not_null
from kombel_runtime.service import DbSession, Runtime
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import and_, or_, select

from membership.api.scope import (
    can_see,
    not_found,
    registered_elsewhere,
    require_staff_of,
    visible,
)
from membership.db import records
from membership.db.tables import schools
from membership.domain.drafts import SchoolDraft

router = APIRouter(prefix="/schools", tags=["schools"])


class SchoolOut(BaseModel):
    npsn: str
    name: str
    jenjang: SchoolJenjang
    status: SchoolStatus
    province_code: str
    kabkota_code: str
    kecamatan: str | None
    address: str | None


class SchoolChanges(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(default=None, min_length=2, max_length=200)
    jenjang: SchoolJenjang | None = None
    status: SchoolStatus | None = None
    kecamatan: str | None = Field(default=None, max_length=100)
    address: str | None = Field(default=None, max_length=300)

    _required = not_null("name", "jenjang", "status")


def _event(
    row: dict[str, Any], kind: type[SchoolRegistered] | type[SchoolUpdated]
) -> SchoolRegistered | SchoolUpdated:
    return kind.model_validate({k: row[k] for k in SchoolOut.model_fields})


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
    require_staff_of(principal, body.kabkota_code)
    region = regions().get(body.kabkota_code)
    assert region is not None  # the draft only accepts known kabupaten/kota
    row = body.model_dump() | {"province_code": region.province_code}
    async with session.begin():
        existing = await records.school(session, body.npsn)
        if existing is not None:
            if not _can_see(principal, existing):
                raise registered_elsewhere("Sekolah dengan NPSN")
            raise ApiError(
                409, "school_exists", f"Sekolah dengan NPSN {body.npsn} sudah terdaftar."
            )
        await session.execute(schools.insert().values(**row))
        await record_events(session, runtime.source, [_event(row, SchoolRegistered)])
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
    where = [visible(principal, schools, "npsn")]
    if province:
        where.append(schools.c.province_code == province)
    if kabkota:
        where.append(schools.c.kabkota_code == kabkota)
    if jenjang:
        where.append(schools.c.jenjang == jenjang.value)
    if q:
        where.append(or_(schools.c.name.ilike(contains(q)), schools.c.npsn == q.strip().upper()))
    query = select(schools).where(and_(*where))
    return await keyset_page(
        session, query, schools.c.npsn, limit=limit, cursor=cursor, item=SchoolOut.model_validate
    )


@router.get("/{npsn}", response_model=SchoolOut, summary="Satu sekolah menurut NPSN")
async def get_school(npsn: str, principal: CurrentPrincipal, session: DbSession) -> SchoolOut:
    row = await records.school(session, npsn.upper())
    if row is None or not _can_see(principal, row):
        raise not_found(f"Sekolah {npsn}")
    return SchoolOut.model_validate(row)


@router.patch("/{npsn}", response_model=SchoolOut, summary="Ubah data sekolah")
async def change_school(
    npsn: str,
    body: SchoolChanges,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
) -> SchoolOut:
    changes = body.model_dump(exclude_unset=True)
    async with session.begin():
        row = (
            (
                await session.execute(
                    select(schools).where(schools.c.npsn == npsn.upper()).with_for_update()
                )
            )
            .mappings()
            .first()
        )
        if row is None or not _can_see(principal, dict(row)):
            raise not_found(f"Sekolah {npsn}")
        require_staff_of(principal, row["kabkota_code"])
        updated = dict(row) | changes
        if updated != dict(row):
            await session.execute(
                schools.update()
                .where(schools.c.npsn == row["npsn"])
                .values(**changes, updated_at=datetime.now(UTC))
            )
            await record_events(session, runtime.source, [_event(updated, SchoolUpdated)])
    return SchoolOut.model_validate(updated)


def _can_see(principal: CurrentPrincipal, row: dict[str, Any]) -> bool:
    return can_see(principal, row["kabkota_code"], row["npsn"])
