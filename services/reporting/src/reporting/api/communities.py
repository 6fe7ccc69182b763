"""`/reporting/communities`: the community directory, filtered to the caller's scope."""

import base64
import json
from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from kombel_events.membership import CommunityKind, ForumType
from kombel_runtime.auth import CurrentPrincipal, Principal, Role
from kombel_runtime.errors import ApiError
from kombel_runtime.service import DbSession
from pydantic import BaseModel
from sqlalchemy import ColumnElement, and_, false, func, or_, select, true, tuple_

from reporting.db.tables import community_directory as directory

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


class CommunityPage(BaseModel):
    items: list[CommunityRow]
    total: int
    next: str | None


def scope_filter(principal: Principal) -> ColumnElement[bool]:
    """The part of the directory a principal may see."""
    if principal.has_any(Role.NATIONAL_ADMIN):
        return true()
    if principal.has_any(Role.PROVINCE_STAFF) and principal.province:
        return directory.c.province_code == principal.province
    if principal.has_any(Role.DISTRICT_STAFF) and principal.kabkota:
        return directory.c.kabkota_code == principal.kabkota
    community_ids = [c for c in principal.communities if _is_uuid(c)]
    if community_ids:
        return directory.c.community_id.in_([UUID(c) for c in community_ids])
    return false()


def _is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return True


def _encode_cursor(row: CommunityRow) -> str:
    raw = json.dumps([row.registered_at.isoformat(), str(row.community_id)])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    try:
        when, community_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return datetime.fromisoformat(when), UUID(community_id)
    except (ValueError, TypeError) as error:
        raise ApiError(
            400, "invalid_cursor", "Nilai `cursor` tidak sah. Mulai lagi dari halaman pertama."
        ) from error


@router.get("", response_model=CommunityPage, summary="Daftar komunitas belajar")
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
) -> CommunityPage:
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
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(directory.c.name.ilike(f"%{escaped}%"))
    where = and_(*conditions)
    total = (
        await session.execute(select(func.count()).select_from(directory).where(where))
    ).scalar_one()
    page = select(directory).where(where)
    if cursor:
        registered_at, community_id = _decode_cursor(cursor)
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
    rows = [
        CommunityRow.model_validate(r, from_attributes=True)
        for r in (await session.execute(page)).mappings()
    ]
    more = len(rows) > limit
    items = rows[:limit]
    return CommunityPage(items=items, total=total, next=_encode_cursor(items[-1]) if more else None)
