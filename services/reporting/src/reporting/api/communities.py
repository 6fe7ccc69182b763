"""`/reporting/communities`: the community directory, filtered to the caller's scope."""

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from kombel_events.membership import CommunityKind, ForumType
from kombel_runtime.auth import CurrentPrincipal, Principal
from kombel_runtime.pagination import (
    Page,
    contains,
    decode_cursor,
    encode_cursor,
    invalid_cursor,
)
from kombel_runtime.service import DbSession
from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, and_, false, func, or_, select, tuple_

from reporting.db.tables import community_directory as directory
from reporting.db.tables import community_members as members
from reporting.domain.active_rule import is_active

router = APIRouter(prefix="/communities", tags=["communities"])


class CommunityRow(BaseModel):
    community_id: UUID
    name: str
    kind: str
    forum_type: str
    jenjang: list[str]
    province_code: str
    kabkota_code: str
    registered_at: datetime
    members: int = Field(description="Anggota saat ini")
    last_activity_at: datetime | None
    active: bool = Field(description="Aktif menurut aturan provinsinya")
    archived_at: datetime | None


def scope_filter(principal: Principal) -> ColumnElement[bool]:
    """The part of the directory a principal may see: staff their region, a teacher (a
    lead or a member) the communities they belong to now, as membership's events say, so a
    change in membership changes what they see without a new sign-in."""
    staff = principal.region_filter(directory.c.province_code, directory.c.kabkota_code)
    if staff is not None:
        return staff
    person = principal.person_id
    if person is not None:
        return directory.c.community_id.in_(
            select(members.c.community_id).where(
                members.c.person_id == person, members.c.left_on.is_(None)
            )
        )
    return false()


@router.get("", response_model=Page[CommunityRow], summary="Daftar komunitas belajar")
async def list_communities(
    principal: CurrentPrincipal,
    session: DbSession,
    province: Annotated[str | None, Query(pattern=r"^\d{2}$", examples=["12"])] = None,
    kabkota: Annotated[str | None, Query(pattern=r"^\d{2}\.\d{2}$", examples=["12.11"])] = None,
    kind: CommunityKind | None = None,
    forum_type: ForumType | None = None,
    q: Annotated[str | None, Query(max_length=100, description="Cari di nama komunitas")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(description="Nilai `next` dari halaman sebelumnya")] = None,
) -> Page[CommunityRow]:
    conditions = [scope_filter(principal)]
    if province:
        conditions.append(directory.c.province_code == province)
    if kabkota:
        conditions.append(directory.c.kabkota_code == kabkota)
    if kind:
        conditions.append(directory.c.kind == kind.value)
    if forum_type:
        conditions.append(directory.c.forum_type == forum_type.value)
    if q:
        conditions.append(directory.c.name.ilike(contains(q)))
    where = and_(*conditions)
    total = (
        await session.execute(select(func.count()).select_from(directory).where(where))
    ).scalar_one()
    page = select(directory).where(where)
    if cursor:
        when, after = decode_cursor(cursor, 2)
        registered_at, community_id = _cursor_values(when, after)
        page = page.where(
            or_(
                directory.c.registered_at < registered_at,
                and_(
                    directory.c.registered_at == registered_at,
                    directory.c.community_id < community_id,
                ),
            )
        )
    page = page.order_by(tuple_(directory.c.registered_at, directory.c.community_id).desc()).limit(
        limit + 1
    )
    now = datetime.now(UTC)
    rows = [
        CommunityRow.model_validate(dict(r) | {"active": is_active(r["active_until"], now)})
        for r in (await session.execute(page)).mappings()
    ]
    more = len(rows) > limit
    items = rows[:limit]
    last = items[-1] if more else None
    return Page(
        items=items,
        total=total,
        next=encode_cursor([last.registered_at.isoformat(), last.community_id]) if last else None,
    )


def _cursor_values(when: str, after: str) -> tuple[datetime, UUID]:
    try:
        return datetime.fromisoformat(when), UUID(after)
    except ValueError as error:
        raise invalid_cursor() from error
