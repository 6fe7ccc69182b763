"""Use cases of invitations: a manager invites, the invited person accepts or declines, a
manager revokes one still open (see `domain.invitations`)."""

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from kombel_events.membership import MemberRole
from kombel_runtime.auth import Principal
from kombel_runtime.errors import Conflict, Invalid
from kombel_runtime.ids import uuid7
from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from membership.db import records
from membership.db.audit import audit
from membership.db.tables import communities, invitations
from membership.domain.access import not_found
from membership.domain.invitations import (
    VALID_FOR,
    AnswerInvitation,
    Invite,
    RevokeInvitation,
    state_of,
)
from membership.services.communities import managed_community
from membership.services.memberships import join


def _with_community() -> Select[Any]:
    return select(invitations, communities.c.name.label("community_name")).join(
        communities, communities.c.id == invitations.c.community_id
    )


def _current(row: Mapping[Any, Any]) -> dict[str, Any]:
    """The invitation with the state it is in now (a pending one may have expired)."""
    invitation = dict(row)
    return invitation | {"status": state_of(invitation, datetime.now(UTC))}


async def _managed_community(
    session: AsyncSession, principal: Principal, community_id: UUID
) -> dict[str, Any]:
    row, _ = await managed_community(session, principal, community_id, act="mengundang")
    return row


async def invite(session: AsyncSession, principal: Principal, command: Invite) -> dict[str, Any]:
    """A new invitation, which replaces one still open for the same person (e.g. with another
    role)."""
    managed = await _managed_community(session, principal, command.community_id)
    person = await records.person(session, command.person_id)
    if person is None or person["status"] != "active":
        raise Invalid("person_unknown", "PTK ini tidak ditemukan atau sudah tidak aktif.")
    if command.person_id in await records.current_roles(session, command.community_id):
        raise Conflict("already_member", "PTK ini sudah menjadi anggota komunitas.")
    await session.execute(
        update(invitations)
        .where(
            invitations.c.community_id == command.community_id,
            invitations.c.person_id == command.person_id,
            invitations.c.status == "pending",
        )
        .values(status="revoked", decided_at=datetime.now(UTC))
    )
    now = datetime.now(UTC)
    row = {
        "id": uuid7(),
        "community_id": command.community_id,
        "person_id": command.person_id,
        "role": command.role.value,
        "status": "pending",
        "invited_by": principal.subject,
        "created_at": now,
        "expires_at": now + VALID_FOR,
    }
    await session.execute(invitations.insert().values(**row))
    await audit(
        session,
        principal,
        "member.invited",
        str(command.person_id),
        community=str(command.community_id),
    )
    return _current(row | {"community_name": managed["name"]})


async def community_invitations(
    session: AsyncSession, principal: Principal, community_id: UUID
) -> list[dict[str, Any]]:
    """The open invitations of a community the caller manages, oldest first."""
    await _managed_community(session, principal, community_id)
    rows = await session.execute(
        _with_community()
        .where(invitations.c.community_id == community_id, invitations.c.status == "pending")
        .order_by(invitations.c.created_at)
    )
    return [_current(r) for r in rows.mappings()]


async def my_invitations(
    session: AsyncSession, principal: Principal, *, answered_too: bool = False
) -> list[dict[str, Any]]:
    """The caller's own invitations, newest first (none for a caller without a person)."""
    if principal.person_id is None:
        return []
    query = _with_community().where(invitations.c.person_id == principal.person_id)
    if not answered_too:
        query = query.where(invitations.c.status == "pending")
    rows = await session.execute(query.order_by(invitations.c.created_at.desc()).limit(200))
    return [_current(r) for r in rows.mappings()]


async def _own_invitation(
    session: AsyncSession, principal: Principal, invitation_id: UUID
) -> dict[str, Any]:
    """The caller's own invitation, still open; anyone else's is not found."""
    row = (
        (
            await session.execute(
                _with_community()
                .where(invitations.c.id == invitation_id)
                .with_for_update(of=invitations)
            )
        )
        .mappings()
        .first()
    )
    if row is None or principal.person_id is None or row["person_id"] != principal.person_id:
        raise not_found("Undangan")
    state = state_of(row, datetime.now(UTC))
    if state != "pending":
        raise Conflict("invitation_closed", f"Undangan ini sudah tidak berlaku (status: {state}).")
    return dict(row)


async def _close(session: AsyncSession, row: dict[str, Any], state: str) -> dict[str, Any]:
    await session.execute(
        update(invitations)
        .where(invitations.c.id == row["id"])
        .values(status=state, decided_at=datetime.now(UTC))
    )
    return _current(row | {"status": state})


async def accept_invitation(
    session: AsyncSession, principal: Principal, command: AnswerInvitation, source: str
) -> dict[str, Any]:
    """The invited person joins the community, in the role the invitation offered."""
    row = await _own_invitation(session, principal, command.invitation_id)
    status = (
        await session.execute(
            select(communities.c.status)
            .where(communities.c.id == row["community_id"])
            .with_for_update()
        )
    ).scalar_one()
    if status != "active":
        raise Conflict("community_archived", "Komunitas ini sudah diarsipkan.")
    person = await records.person(session, row["person_id"])
    if person is None or person["status"] != "active":
        raise not_found("Undangan")
    if row["person_id"] not in await records.current_roles(session, row["community_id"]):
        await join(
            session,
            source,
            principal,
            row["community_id"],
            row["person_id"],
            MemberRole(row["role"]),
            date.today(),
            invitation=str(command.invitation_id),
        )
    return await _close(session, row, "accepted")


async def decline_invitation(
    session: AsyncSession, principal: Principal, command: AnswerInvitation
) -> dict[str, Any]:
    row = await _own_invitation(session, principal, command.invitation_id)
    return await _close(session, row, "declined")


async def revoke_invitation(
    session: AsyncSession, principal: Principal, command: RevokeInvitation
) -> dict[str, Any]:
    await _managed_community(session, principal, command.community_id)
    row = (
        (
            await session.execute(
                _with_community()
                .where(
                    invitations.c.id == command.invitation_id,
                    invitations.c.community_id == command.community_id,
                )
                .with_for_update(of=invitations)
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        raise not_found("Undangan")
    invitation = dict(row)
    if state_of(invitation, datetime.now(UTC)) != "pending":
        raise Conflict("invitation_closed", "Undangan ini sudah tidak berlaku.")
    return await _close(session, invitation, "revoked")
