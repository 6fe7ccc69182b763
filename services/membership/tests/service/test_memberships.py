"""Members through the use cases: joining by a manager's hand or by accepting an invitation,
and role changes that keep a community's last penggerak."""

from datetime import date
from uuid import UUID

import pytest
from kombel_events.membership import CommunityKind, MemberRole
from kombel_runtime.errors import Conflict, Invalid, NotFound
from kombel_runtime.messaging_tables import outbox
from kombel_runtime.testing.regions import fresh_kabkota
from membership.db.tables import audit_log
from membership.domain.invitations import AnswerInvitation, Invite
from membership.domain.memberships import AddMember, ChangeRole, RemoveMember
from membership.services.invitations import accept_invitation, invite, my_invitations
from membership.services.memberships import add_member, change_role, list_members, remove_member
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .registered import ADMIN, SOURCE, community, member, person, school, staff_of, teacher

pytestmark = pytest.mark.infra


async def event_kinds(session: AsyncSession, community_id: UUID) -> list[str]:
    async with session.begin():
        types = await session.scalars(
            select(outbox.c.event_type)
            .where(outbox.c.key == str(community_id))
            .order_by(outbox.c.id)
        )
        return [t.split(".")[-2] for t in types]


async def roles(session: AsyncSession, community_id: UUID) -> dict[UUID, str]:
    async with session.begin():
        members = await list_members(session, ADMIN, community_id)
    return {m["person_id"]: m["role"] for m in members}


async def test_staff_add_their_people_and_others_join_by_accepting_an_invitation(
    session: AsyncSession,
) -> None:
    here, far = fresh_kabkota(), fresh_kabkota()
    group = await community(session, here, kind=CommunityKind.DARING)
    insider = await person(session, await school(session, here))
    outsider = await person(session, await school(session, far))
    officer = staff_of(here)

    async with session.begin():
        joined = await add_member(
            session, officer, AddMember(group["id"], insider["id"], since=date(2026, 5, 25)), SOURCE
        )
    assert (joined["role"], joined["started_on"], joined["school_name"]) == (
        MemberRole.ANGGOTA,
        date(2026, 5, 25),
        "SD Negeri 1",
    )
    with pytest.raises(Invalid) as out_of_reach:
        async with session.begin():
            await add_member(session, officer, AddMember(group["id"], outsider["id"]), SOURCE)
    assert out_of_reach.value.code == "person_out_of_reach"
    with pytest.raises(Conflict) as twice:
        async with session.begin():
            await add_member(session, officer, AddMember(group["id"], insider["id"]), SOURCE)
    assert twice.value.code == "already_member"

    async with session.begin():
        invitation = await invite(
            session, officer, Invite(group["id"], outsider["id"], MemberRole.NARASUMBER)
        )
    assert invitation["status"] == "pending"
    with pytest.raises(NotFound):
        async with session.begin():
            await accept_invitation(
                session, teacher(insider["id"]), AnswerInvitation(invitation["id"]), SOURCE
            )
    invited = teacher(outsider["id"])
    async with session.begin():
        assert [i["id"] for i in await my_invitations(session, invited)] == [invitation["id"]]
        accepted = await accept_invitation(
            session, invited, AnswerInvitation(invitation["id"]), SOURCE
        )
    assert accepted["status"] == "accepted"
    assert await roles(session, group["id"]) == {
        insider["id"]: "anggota",
        outsider["id"]: "narasumber",
    }
    assert await event_kinds(session, group["id"]) == ["registered", "joined", "joined"]
    async with session.begin():
        trail = (
            await session.scalars(
                select(audit_log.c.detail).where(
                    audit_log.c.subject == str(outsider["id"]),
                    audit_log.c.action == "member.joined",
                )
            )
        ).all()
    assert trail == [{"community": str(group["id"]), "invitation": str(invitation["id"])}]


async def test_a_community_keeps_its_last_penggerak_through_role_changes(
    session: AsyncSession,
) -> None:
    here = fresh_kabkota()
    npsn = await school(session, here)
    group = await community(session, here)
    lead, other = await person(session, npsn), await person(session, npsn)
    await member(session, group["id"], lead["id"], MemberRole.PENGGERAK)
    await member(session, group["id"], other["id"], MemberRole.ANGGOTA)
    officer = staff_of(here)

    for step_down in (
        change_role(
            session, officer, ChangeRole(group["id"], lead["id"], MemberRole.ANGGOTA), SOURCE
        ),
        remove_member(session, officer, RemoveMember(group["id"], lead["id"]), SOURCE),
    ):
        with pytest.raises(Conflict) as refused:
            async with session.begin():
                await step_down
        assert refused.value.code == "last_penggerak"

    today = date.today()
    async with session.begin():
        same = await change_role(
            session, officer, ChangeRole(group["id"], other["id"], MemberRole.ANGGOTA), SOURCE
        )
        assert same["started_on"] == today, "an unchanged role keeps its start"
        await change_role(
            session, officer, ChangeRole(group["id"], other["id"], MemberRole.PENGGERAK), SOURCE
        )
    async with session.begin():
        await remove_member(session, officer, RemoveMember(group["id"], lead["id"]), SOURCE)
    assert await roles(session, group["id"]) == {other["id"]: "penggerak"}
    async with session.begin():
        history = await list_members(session, ADMIN, group["id"], history=True)
    assert [(m["person_id"], m["role"], m["ended_on"]) for m in history] == [
        (lead["id"], "penggerak", today),
        (other["id"], "anggota", today),
        (other["id"], "penggerak", None),
    ]
    assert await event_kinds(session, group["id"]) == [
        "registered",
        "joined",
        "joined",
        "role_changed",
        "left",
    ]
