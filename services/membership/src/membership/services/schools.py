"""Use cases of schools: register, change, read and list them."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kombel_events.membership import SchoolJenjang, SchoolRegistered, SchoolUpdated
from kombel_events.regions import regions
from kombel_runtime.auth import Principal
from kombel_runtime.errors import Conflict
from kombel_runtime.outbox import record_events
from kombel_runtime.pagination import Page, contains, keyset_page
from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from membership.db import records
from membership.db.tables import schools
from membership.domain.access import (
    can_see,
    not_found,
    registered_elsewhere,
    require_staff_of,
    visible,
)
from membership.domain.drafts import SchoolDraft
from membership.domain.schools import ChangeSchool, state_event


@dataclass(frozen=True)
class SchoolFilter:
    province: str | None = None
    kabkota: str | None = None
    jenjang: SchoolJenjang | None = None
    q: str | None = None


def _sees(principal: Principal, school: dict[str, Any]) -> bool:
    return can_see(principal, school["kabkota_code"], school["npsn"])


async def register_school(
    session: AsyncSession, principal: Principal, command: SchoolDraft, source: str
) -> dict[str, Any]:
    require_staff_of(principal, command.kabkota_code)
    region = regions().get(command.kabkota_code)
    assert region is not None  # the draft only accepts known kabupaten/kota
    row = command.model_dump() | {"province_code": region.province_code}
    existing = await records.school(session, command.npsn)
    if existing is not None:
        if not _sees(principal, existing):
            raise registered_elsewhere("Sekolah dengan NPSN")
        raise Conflict("school_exists", f"Sekolah dengan NPSN {command.npsn} sudah terdaftar.")
    await session.execute(schools.insert().values(**row))
    await record_events(session, source, [state_event(row, SchoolRegistered)])
    return row


async def school(session: AsyncSession, principal: Principal, npsn: str) -> dict[str, Any]:
    row = await records.school(session, npsn.upper())
    if row is None or not _sees(principal, row):
        raise not_found(f"Sekolah {npsn}")
    return row


async def change_school(
    session: AsyncSession, principal: Principal, command: ChangeSchool, source: str
) -> dict[str, Any]:
    row = await records.school(session, command.npsn.upper(), lock=True)
    if row is None or not _sees(principal, row):
        raise not_found(f"Sekolah {command.npsn}")
    require_staff_of(principal, row["kabkota_code"])
    updated = row | command.changes
    if updated != row:
        await session.execute(
            schools.update()
            .where(schools.c.npsn == row["npsn"])
            .values(**command.changes, updated_at=datetime.now(UTC))
        )
        await record_events(session, source, [state_event(updated, SchoolUpdated)])
    return updated


async def list_schools(
    session: AsyncSession,
    principal: Principal,
    search: SchoolFilter,
    *,
    limit: int,
    cursor: str | None,
) -> Page[dict[str, Any]]:
    where = [visible(principal, schools, "npsn")]
    if search.province:
        where.append(schools.c.province_code == search.province)
    if search.kabkota:
        where.append(schools.c.kabkota_code == search.kabkota)
    if search.jenjang:
        where.append(schools.c.jenjang == search.jenjang.value)
    if search.q:
        where.append(
            or_(
                schools.c.name.ilike(contains(search.q)), schools.c.npsn == search.q.strip().upper()
            )
        )
    return await keyset_page(
        session,
        select(schools).where(and_(*where)),
        schools.c.npsn,
        limit=limit,
        cursor=cursor,
        item=dict,
    )
