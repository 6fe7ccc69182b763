"""Use cases of members: a person joins a community (by a manager's hand, or by accepting an
invitation), changes role and leaves; the members a community shows."""

from datetime import date
from typing import Any
from uuid import UUID

from kombel_events.membership import MemberJoined, MemberLeft, MemberRole, MemberRoleChanged
from kombel_runtime.auth import Principal
from kombel_runtime.errors import Conflict, Invalid
from kombel_runtime.outbox import record_events
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from membership.db import records
from membership.db.audit import audit
from membership.db.tables import memberships, people, schools
from membership.domain.access import may_enrol, not_found
from membership.domain.memberships import (
    AddMember,
    ChangeRole,
    RemoveMember,
    check_after_start,
    check_penggerak_kept,
)
from membership.services.communities import community, managed_community


async def join(
    session: AsyncSession,
    source: str,
    principal: Principal,
    community_id: UUID,
    person_id: UUID,
    role: MemberRole,
    since: date,
    **detail: str,
) -> None:
    """The membership, its event and its audit entry, in the caller's transaction; the caller
    has checked that the person may join and is not a member yet."""
    await session.execute(
        memberships.insert().values(
            community_id=community_id,
            person_id=person_id,
            role=role.value,
            started_on=since,
            recorded_by=principal.subject,
        )
    )
    await record_events(
        session,
        source,
        [MemberJoined(community_id=community_id, person_id=person_id, role=role, since=since)],
    )
    await audit(
        session, principal, "member.joined", str(person_id), community=str(community_id), **detail
    )


async def current_roles(session: AsyncSession, community_id: UUID) -> dict[UUID, MemberRole]:
    return {
        p: MemberRole(r) for p, r in (await records.current_roles(session, community_id)).items()
    }


async def _current_start(session: AsyncSession, community_id: UUID, person_id: UUID) -> date:
    """When the current membership (its role) began; callers know the person is a member."""
    started: date = (
        await session.execute(
            select(memberships.c.started_on).where(
                memberships.c.community_id == community_id,
                memberships.c.person_id == person_id,
                memberships.c.ended_on.is_(None),
            )
        )
    ).scalar_one()
    return started


async def _managed_roles(
    session: AsyncSession, principal: Principal, community_id: UUID, person_id: UUID
) -> dict[UUID, MemberRole]:
    """The current roles of a community the caller manages, which `person_id` is among."""
    await managed_community(session, principal, community_id, act="mengubahnya")
    roles = await current_roles(session, community_id)
    if person_id not in roles:
        raise not_found("Anggota")
    return roles


def _member(card: dict[str, Any], person_id: UUID, role: MemberRole, since: date) -> dict[str, Any]:
    return card | {"person_id": person_id, "role": role, "started_on": since, "ended_on": None}


async def list_members(
    session: AsyncSession, principal: Principal, community_id: UUID, *, history: bool = False
) -> list[dict[str, Any]]:
    """The members now (with `history`, every membership and role there has been), oldest
    first, as the community shows them: names, schools and roles."""
    await community(session, principal, community_id)
    query = (
        select(
            memberships.c.person_id,
            people.c.full_name,
            people.c.school_npsn,
            schools.c.name.label("school_name"),
            memberships.c.role,
            memberships.c.started_on,
            memberships.c.ended_on,
        )
        .join(people, people.c.id == memberships.c.person_id)
        .join(schools, schools.c.npsn == people.c.school_npsn)
        .where(memberships.c.community_id == community_id)
        .order_by(memberships.c.started_on, memberships.c.id)
    )
    if not history:
        query = query.where(memberships.c.ended_on.is_(None))
    return [dict(r) for r in (await session.execute(query)).mappings()]


async def add_member(
    session: AsyncSession, principal: Principal, command: AddMember, source: str
) -> dict[str, Any]:
    since = command.since or date.today()
    row, role = await managed_community(session, principal, command.community_id, act="mengubahnya")
    person = await records.person(session, command.person_id)
    # Unknown and out of reach answer alike: adding is not a way to find people.
    if (
        person is None
        or person["status"] != "active"
        or not may_enrol(principal, row, role, person)
    ):
        raise Invalid(
            "person_out_of_reach",
            "PTK ini tidak ditemukan di wilayah yang Anda kelola. Staf menambahkan PTK "
            "wilayahnya, penggerak menambahkan PTK kabupaten/kota komunitasnya; PTK dari "
            "wilayah lain bergabung lewat undangan yang ia terima "
            f"(POST /membership/communities/{command.community_id}/invitations).",
        )
    if command.person_id in await current_roles(session, command.community_id):
        raise Conflict("already_member", "PTK ini sudah menjadi anggota komunitas.")
    await join(
        session, source, principal, command.community_id, command.person_id, command.role, since
    )
    card = await records.member_card(session, command.person_id)
    return _member(card, command.person_id, command.role, since)


async def change_role(
    session: AsyncSession, principal: Principal, command: ChangeRole, source: str
) -> dict[str, Any]:
    since = command.since or date.today()
    community_id, person_id = command.community_id, command.person_id
    roles = await _managed_roles(session, principal, community_id, person_id)
    previous = roles[person_id]
    card = await records.member_card(session, person_id)
    if previous is command.role:
        started = await _current_start(session, community_id, person_id)
        return _member(card, person_id, previous, started)
    check_penggerak_kept(roles, person_id, command.role)
    check_after_start(await _current_start(session, community_id, person_id), since)
    # History: the old role ends where the new one starts.
    await records.end_membership(session, community_id, person_id, since)
    await session.execute(
        memberships.insert().values(
            community_id=community_id,
            person_id=person_id,
            role=command.role.value,
            started_on=since,
            recorded_by=principal.subject,
        )
    )
    await record_events(
        session,
        source,
        [
            MemberRoleChanged(
                community_id=community_id,
                person_id=person_id,
                previous_role=previous,
                role=command.role,
                since=since,
            )
        ],
    )
    return _member(card, person_id, command.role, since)


async def remove_member(
    session: AsyncSession, principal: Principal, command: RemoveMember, source: str
) -> None:
    until = command.until or date.today()
    community_id, person_id = command.community_id, command.person_id
    roles = await _managed_roles(session, principal, community_id, person_id)
    check_penggerak_kept(roles, person_id, None)
    check_after_start(await _current_start(session, community_id, person_id), until)
    await records.end_membership(session, community_id, person_id, until)
    await record_events(
        session, source, [MemberLeft(community_id=community_id, person_id=person_id, until=until)]
    )
    await audit(session, principal, "member.left", str(person_id), community=str(community_id))
