"""`/membership/communities/{id}/members`: who belongs to a community, in which role, since
when; their history stays."""

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status
from kombel_runtime.auth import CurrentPrincipal
from kombel_runtime.service import DbSession, Runtime

from membership.domain.memberships import AddMember, ChangeRole, RemoveMember
from membership.schemas.members import MemberIn, MemberOut, RoleChange
from membership.services import memberships

router = APIRouter(prefix="/communities/{community_id}/members", tags=["communities"])


@router.get("", response_model=list[MemberOut], summary="Anggota komunitas")
async def list_members(
    community_id: UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    history: Annotated[bool, Query(description="Sertakan keanggotaan yang sudah berakhir")] = False,
) -> list[MemberOut]:
    members = await memberships.list_members(session, principal, community_id, history=history)
    return [MemberOut.model_validate(m) for m in members]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=MemberOut,
    summary="Tambahkan anggota",
)
async def add_member(
    community_id: UUID,
    body: MemberIn,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
) -> MemberOut:
    command = AddMember(community_id, body.person_id, body.role, body.since)
    async with session.begin():
        member = await memberships.add_member(session, principal, command, runtime.source)
    return MemberOut.model_validate(member)


@router.patch("/{person_id}", response_model=MemberOut, summary="Ubah peran anggota")
async def change_role(
    community_id: UUID,
    person_id: UUID,
    body: RoleChange,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
) -> MemberOut:
    command = ChangeRole(community_id, person_id, body.role, body.since)
    async with session.begin():
        member = await memberships.change_role(session, principal, command, runtime.source)
    return MemberOut.model_validate(member)


@router.delete("/{person_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Keluarkan anggota")
async def remove_member(
    community_id: UUID,
    person_id: UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
    until: date | None = None,
) -> Response:
    command = RemoveMember(community_id, person_id, until)
    async with session.begin():
        await memberships.remove_member(session, principal, command, runtime.source)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
