"""Invitations: how a person of another area joins a community, by their own consent.

A community's managers add the people of their own reach directly; anyone else (a `daring`
community spans provinces) is invited and becomes a member only by accepting, signed in as
themselves. The invitation tells the community nothing about the person until then.
"""

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, status
from kombel_events.membership import MemberRole
from kombel_runtime.auth import CurrentPrincipal, Principal
from kombel_runtime.errors import ApiError
from kombel_runtime.ids import uuid7
from kombel_runtime.service import DbSession, Runtime
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from membership.api.scope import not_found
from membership.db import records
from membership.db.audit import audit
from membership.db.tables import communities, invitations
from membership.domain.communities import can_manage_community, can_see_community
from membership.services.memberships import join

router = APIRouter(tags=["invitations"])

VALID_FOR = timedelta(days=14)


class InvitationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: UUID
    role: MemberRole = MemberRole.ANGGOTA


class InvitationOut(BaseModel):
    id: UUID
    community_id: UUID
    community_name: str
    person_id: UUID
    role: MemberRole
    status: str  # pending | accepted | declined | revoked | expired
    created_at: datetime
    expires_at: datetime


def _out(row: Any) -> InvitationOut:
    state = row["status"]
    if state == "pending" and row["expires_at"] <= datetime.now(UTC):
        state = "expired"
    return InvitationOut.model_validate(dict(row) | {"status": state})


_WITH_COMMUNITY = select(invitations, communities.c.name.label("community_name")).join(
    communities, communities.c.id == invitations.c.community_id
)


async def _managed_community(
    session: AsyncSession, principal: Principal, community_id: UUID
) -> dict[str, Any]:
    row = (
        (
            await session.execute(
                select(communities).where(communities.c.id == community_id).with_for_update()
            )
        )
        .mappings()
        .first()
    )
    if row is None or not can_see_community(principal, dict(row)):
        raise not_found("Komunitas")
    if not can_manage_community(principal, dict(row)):
        raise ApiError(
            403,
            "forbidden",
            "Hanya staf wilayahnya atau penggerak komunitas ini yang boleh mengundang.",
        )
    if row["status"] != "active":
        raise ApiError(409, "community_archived", "Komunitas ini sudah diarsipkan.")
    return dict(row)


@router.post(
    "/communities/{community_id}/invitations",
    status_code=status.HTTP_201_CREATED,
    response_model=InvitationOut,
    summary="Undang PTK (juga dari wilayah lain) bergabung dengan komunitas",
)
async def invite(
    community_id: UUID,
    body: InvitationIn,
    principal: CurrentPrincipal,
    session: DbSession,
) -> InvitationOut:
    async with session.begin():
        community = await _managed_community(session, principal, community_id)
        person = await records.person(session, body.person_id)
        if person is None or person["status"] != "active":
            raise ApiError(422, "person_unknown", "PTK ini tidak ditemukan atau sudah tidak aktif.")
        if body.person_id in await records.current_roles(session, community_id):
            raise ApiError(409, "already_member", "PTK ini sudah menjadi anggota komunitas.")
        # A new invitation replaces an open one (e.g. with another role).
        await session.execute(
            update(invitations)
            .where(
                invitations.c.community_id == community_id,
                invitations.c.person_id == body.person_id,
                invitations.c.status == "pending",
            )
            .values(status="revoked", decided_at=datetime.now(UTC))
        )
        now = datetime.now(UTC)
        row = {
            "id": uuid7(),
            "community_id": community_id,
            "person_id": body.person_id,
            "role": body.role.value,
            "status": "pending",
            "invited_by": principal.subject,
            "created_at": now,
            "expires_at": now + VALID_FOR,
        }
        await session.execute(invitations.insert().values(**row))
        await audit(
            session, principal, "member.invited", str(body.person_id), community=str(community_id)
        )
    return _out(row | {"community_name": community["name"]})


@router.get(
    "/communities/{community_id}/invitations",
    response_model=list[InvitationOut],
    summary="Undangan komunitas yang belum dijawab",
)
async def community_invitations(
    community_id: UUID, principal: CurrentPrincipal, session: DbSession
) -> list[InvitationOut]:
    async with session.begin():
        await _managed_community(session, principal, community_id)
        rows = await session.execute(
            _WITH_COMMUNITY.where(
                invitations.c.community_id == community_id, invitations.c.status == "pending"
            ).order_by(invitations.c.created_at)
        )
    return [_out(r) for r in rows.mappings()]


@router.get(
    "/invitations",
    response_model=list[InvitationOut],
    summary="Undangan untuk saya (PTK yang masuk dengan akunnya sendiri)",
)
async def my_invitations(
    principal: CurrentPrincipal,
    session: DbSession,
    all_: Annotated[bool, Query(alias="all", description="Juga yang sudah dijawab")] = False,
) -> list[InvitationOut]:
    if principal.person_id is None:
        return []
    query = _WITH_COMMUNITY.where(invitations.c.person_id == principal.person_id)
    if not all_:
        query = query.where(invitations.c.status == "pending")
    rows = await session.execute(query.order_by(invitations.c.created_at.desc()).limit(200))
    return [_out(r) for r in rows.mappings()]


async def _own_invitation(
    session: AsyncSession, principal: Principal, invitation_id: UUID
) -> dict[str, Any]:
    """The caller's own invitation, still open; anyone else's is not found."""
    row = (
        (
            await session.execute(
                _WITH_COMMUNITY.where(invitations.c.id == invitation_id).with_for_update(
                    of=invitations
                )
            )
        )
        .mappings()
        .first()
    )
    if row is None or principal.person_id is None or row["person_id"] != principal.person_id:
        raise not_found("Undangan")
    current = _out(row)
    if current.status != "pending":
        raise ApiError(
            409,
            "invitation_closed",
            f"Undangan ini sudah tidak berlaku (status: {current.status}).",
        )
    return dict(row)


async def _close(session: AsyncSession, row: dict[str, Any], state: str) -> InvitationOut:
    await session.execute(
        update(invitations)
        .where(invitations.c.id == row["id"])
        .values(status=state, decided_at=datetime.now(UTC))
    )
    return _out(row | {"status": state})


@router.post(
    "/invitations/{invitation_id}/accept",
    response_model=InvitationOut,
    summary="Terima undangan: bergabung dengan komunitas",
)
async def accept(
    invitation_id: UUID, principal: CurrentPrincipal, session: DbSession, runtime: Runtime
) -> InvitationOut:
    async with session.begin():
        row = await _own_invitation(session, principal, invitation_id)
        community = (
            await session.execute(
                select(communities.c.status)
                .where(communities.c.id == row["community_id"])
                .with_for_update()
            )
        ).scalar_one()
        if community != "active":
            raise ApiError(409, "community_archived", "Komunitas ini sudah diarsipkan.")
        person = await records.person(session, row["person_id"])
        if person is None or person["status"] != "active":
            raise not_found("Undangan")
        if row["person_id"] not in await records.current_roles(session, row["community_id"]):
            await join(
                session,
                runtime.source,
                principal,
                row["community_id"],
                row["person_id"],
                MemberRole(row["role"]),
                date.today(),
                invitation=str(invitation_id),
            )
        return await _close(session, row, "accepted")


@router.post(
    "/invitations/{invitation_id}/decline",
    response_model=InvitationOut,
    summary="Tolak undangan",
)
async def decline(
    invitation_id: UUID, principal: CurrentPrincipal, session: DbSession
) -> InvitationOut:
    async with session.begin():
        row = await _own_invitation(session, principal, invitation_id)
        return await _close(session, row, "declined")


@router.post(
    "/communities/{community_id}/invitations/{invitation_id}/revoke",
    response_model=InvitationOut,
    summary="Batalkan undangan yang belum dijawab",
)
async def revoke(
    community_id: UUID, invitation_id: UUID, principal: CurrentPrincipal, session: DbSession
) -> InvitationOut:
    async with session.begin():
        await _managed_community(session, principal, community_id)
        row = (
            (
                await session.execute(
                    _WITH_COMMUNITY.where(
                        invitations.c.id == invitation_id,
                        invitations.c.community_id == community_id,
                    ).with_for_update(of=invitations)
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            raise not_found("Undangan")
        if _out(row).status != "pending":
            raise ApiError(409, "invitation_closed", "Undangan ini sudah tidak berlaku.")
        return await _close(session, dict(row), "revoked")
