"""Use cases of communities: register, change, archive, read and list them."""

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from kombel_events.membership import (
    CommunityArchived,
    CommunityKind,
    CommunityUpdated,
    ForumType,
    Jenjang,
    MemberRole,
)
from kombel_runtime.auth import Principal
from kombel_runtime.errors import Conflict, Forbidden, Invalid
from kombel_runtime.locks import COMMUNITY_NAMES
from kombel_runtime.outbox import record_events
from kombel_runtime.pagination import Page, contains, keyset_page
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from membership.db import records
from membership.db.tables import communities
from membership.domain.access import (
    Standing,
    can_see_community,
    not_found,
    require_manager,
    visible_communities,
)
from membership.domain.communities import (
    ArchiveCommunity,
    ChangeCommunity,
    RegisterCommunity,
    changed_community,
    name_key,
    new_community,
)


@dataclass(frozen=True)
class CommunityFilter:
    province: str | None = None
    kabkota: str | None = None
    jenjang: Jenjang | None = None
    kind: CommunityKind | None = None
    forum_type: ForumType | None = None
    status: str = "active"  # active | archived | all
    q: str | None = None


async def _check_hosts(session: AsyncSession, npsns: list[str]) -> None:
    for npsn in npsns:
        if await records.school(session, npsn) is None:
            raise Invalid("school_unknown", f"Sekolah induk dengan NPSN {npsn} belum terdaftar.")


async def _check_name_free(
    session: AsyncSession, principal: Principal, kabkota_code: str, name: str
) -> None:
    """One name per active community within a kabupaten/kota (as the imports match them).
    Registrations of one kabupaten/kota take turns, so two at once cannot both pass."""
    await session.execute(COMMUNITY_NAMES.xact_lock(func.hashtext(kabkota_code)))
    existing = (
        (
            await session.execute(
                select(communities).where(
                    communities.c.status == "active",
                    communities.c.kabkota_code == kabkota_code,
                    records.community_name_key == name_key(name),
                )
            )
        )
        .mappings()
        .first()
    )
    if existing is not None:
        role = await standing(session, principal, existing["id"])
        seen = can_see_community(principal, dict(existing), role)
        raise Conflict(
            "community_exists",
            "Sudah ada komunitas aktif dengan nama ini di kabupaten/kota yang sama. Beri nama "
            "yang membedakan, mis. dengan nama kecamatan atau sekolahnya.",
            details=[{"existing_id": str(existing["id"])}] if seen else None,
        )


async def register_community(
    session: AsyncSession, principal: Principal, command: RegisterCommunity, source: str
) -> dict[str, Any]:
    community, event = new_community(principal, command)
    row = asdict(community) | {
        "schedule": community.schedule.model_dump() if community.schedule else None
    }
    await _check_name_free(session, principal, community.kabkota_code, community.name)
    await _check_hosts(session, community.host_school_npsns)
    await session.execute(communities.insert().values(**row))
    await record_events(session, source, [event])
    return row


async def standing(session: AsyncSession, principal: Principal, community_id: UUID) -> Standing:
    """The caller's current role in the community, from its memberships (not from the token)."""
    if principal.person_id is None:
        return None
    role = await records.role_of(session, community_id, principal.person_id)
    return MemberRole(role) if role else None


async def community_and_standing(
    session: AsyncSession, principal: Principal, community_id: UUID, *, lock: bool = False
) -> tuple[dict[str, Any], Standing]:
    """The community, if the caller may see it, and the caller's standing in it. With `lock`
    the community is held until the transaction ends; the standing is read after, so a change
    of members, which holds the community too, is either wholly before or wholly after."""
    query = select(communities).where(communities.c.id == community_id)
    if lock:
        query = query.with_for_update()
    row = (await session.execute(query)).mappings().first()
    if row is None:
        raise not_found("Komunitas")
    role = await standing(session, principal, community_id)
    if not can_see_community(principal, dict(row), role):
        raise not_found("Komunitas")
    return dict(row), role


async def community(
    session: AsyncSession, principal: Principal, community_id: UUID
) -> dict[str, Any]:
    """The community, if the caller may see it."""
    row, _ = await community_and_standing(session, principal, community_id)
    return row


async def managed_community(
    session: AsyncSession, principal: Principal, community_id: UUID, *, act: str
) -> tuple[dict[str, Any], Standing]:
    """The active community the caller may change (`act` names the change for the message),
    held until the transaction ends, and the caller's standing in it."""
    row, role = await community_and_standing(session, principal, community_id, lock=True)
    require_manager(principal, row, role, act=act)
    return row, role


async def change_community(
    session: AsyncSession, principal: Principal, command: ChangeCommunity, source: str
) -> dict[str, Any]:
    row, _ = await managed_community(session, principal, command.community_id, act="mengubahnya")
    changes = changed_community(row, command.changes)
    updated = row | changes
    if "host_school_npsns" in changes:
        await _check_hosts(session, changes["host_school_npsns"])
    if name_key(updated["name"]) != name_key(row["name"]):
        await _check_name_free(session, principal, row["kabkota_code"], updated["name"])
    if updated != row:
        await session.execute(
            update(communities)
            .where(communities.c.id == command.community_id)
            .values(**changes, updated_at=datetime.now(UTC))
        )
        event = CommunityUpdated.model_validate(updated | {"community_id": command.community_id})
        await record_events(session, source, [event])
    return updated


async def archive_community(
    session: AsyncSession, principal: Principal, command: ArchiveCommunity, source: str
) -> dict[str, Any]:
    row, _ = await community_and_standing(session, principal, command.community_id, lock=True)
    if not principal.covers_region(row["kabkota_code"]):
        raise Forbidden("forbidden", "Hanya staf wilayahnya yang boleh mengarsipkan komunitas.")
    if row["status"] == "archived":
        return row
    now = datetime.now(UTC)
    await session.execute(
        update(communities)
        .where(communities.c.id == command.community_id)
        .values(status="archived", updated_at=now)
    )
    await record_events(
        session, source, [CommunityArchived(community_id=command.community_id, archived_at=now)]
    )
    return row | {"status": "archived"}


async def list_communities(
    session: AsyncSession,
    principal: Principal,
    search: CommunityFilter,
    *,
    limit: int,
    cursor: str | None,
) -> Page[dict[str, Any]]:
    where = [visible_communities(principal)]
    for column, value in (
        (communities.c.province_code, search.province),
        (communities.c.kabkota_code, search.kabkota),
        (communities.c.kind, search.kind),
        (communities.c.forum_type, search.forum_type),
    ):
        if value:
            where.append(column == value)
    if search.jenjang:
        where.append(communities.c.jenjang.any(search.jenjang.value))
    if search.status != "all":
        where.append(communities.c.status == search.status)
    if search.q:
        pattern = contains(search.q)
        where.append(
            or_(communities.c.name.ilike(pattern), communities.c.subject_name.ilike(pattern))
        )
    return await keyset_page(
        session,
        select(communities).where(and_(*where)),
        communities.c.id,
        limit=limit,
        cursor=cursor,
        item=dict,
        parse=UUID,
    )
