"""Invitations: how a person of another area joins a community, by their own consent (see
`domain.invitations`)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status
from kombel_runtime.auth import CurrentPrincipal
from kombel_runtime.service import DbSession, Runtime

from membership.domain.invitations import AnswerInvitation, Invite, RevokeInvitation
from membership.schemas.invitations import InvitationIn, InvitationOut
from membership.services import invitations

router = APIRouter(tags=["invitations"])


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
    command = Invite(community_id, body.person_id, body.role)
    async with session.begin():
        invitation = await invitations.invite(session, principal, command)
    return InvitationOut.model_validate(invitation)


@router.get(
    "/communities/{community_id}/invitations",
    response_model=list[InvitationOut],
    summary="Undangan komunitas yang belum dijawab",
)
async def community_invitations(
    community_id: UUID, principal: CurrentPrincipal, session: DbSession
) -> list[InvitationOut]:
    async with session.begin():
        found = await invitations.community_invitations(session, principal, community_id)
    return [InvitationOut.model_validate(i) for i in found]


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
    found = await invitations.my_invitations(session, principal, answered_too=all_)
    return [InvitationOut.model_validate(i) for i in found]


@router.post(
    "/invitations/{invitation_id}/accept",
    response_model=InvitationOut,
    summary="Terima undangan: bergabung dengan komunitas",
)
async def accept(
    invitation_id: UUID, principal: CurrentPrincipal, session: DbSession, runtime: Runtime
) -> InvitationOut:
    command = AnswerInvitation(invitation_id)
    async with session.begin():
        invitation = await invitations.accept_invitation(
            session, principal, command, runtime.source
        )
    return InvitationOut.model_validate(invitation)


@router.post(
    "/invitations/{invitation_id}/decline",
    response_model=InvitationOut,
    summary="Tolak undangan",
)
async def decline(
    invitation_id: UUID, principal: CurrentPrincipal, session: DbSession
) -> InvitationOut:
    async with session.begin():
        invitation = await invitations.decline_invitation(
            session, principal, AnswerInvitation(invitation_id)
        )
    return InvitationOut.model_validate(invitation)


@router.post(
    "/communities/{community_id}/invitations/{invitation_id}/revoke",
    response_model=InvitationOut,
    summary="Batalkan undangan yang belum dijawab",
)
async def revoke(
    community_id: UUID, invitation_id: UUID, principal: CurrentPrincipal, session: DbSession
) -> InvitationOut:
    command = RevokeInvitation(community_id, invitation_id)
    async with session.begin():
        invitation = await invitations.revoke_invitation(session, principal, command)
    return InvitationOut.model_validate(invitation)
