"""Records the service tests start from, made through the use cases as a national admin."""

import random
from typing import Any
from uuid import UUID

from kombel_events.membership import CommunityKind, ForumType, Jenjang, MemberRole
from kombel_runtime.auth import Principal, Role
from kombel_runtime.person_rows import PersonDraft
from membership.domain.communities import RegisterCommunity
from membership.domain.drafts import SchoolDraft
from membership.domain.memberships import AddMember
from membership.services import communities, memberships, people, schools
from sqlalchemy.ext.asyncio import AsyncSession

SOURCE = "/kombel/membership"
ADMIN = Principal(subject="admin-nasional", roles=frozenset({Role.NATIONAL_ADMIN}))


def digits(n: int) -> str:
    return "".join(random.choices("0123456789", k=n))


def staff_of(kabkota: str) -> Principal:
    return Principal(
        subject=f"dinas-{kabkota}", roles=frozenset({Role.DISTRICT_STAFF}), kabkota=kabkota
    )


def teacher(person_id: Any, role: Role = Role.MEMBER) -> Principal:
    """A teacher signed in as themselves: the token names their person, nothing more."""
    return Principal(subject=f"guru-{person_id}", roles=frozenset({role}), person=str(person_id))


async def school(session: AsyncSession, kabkota: str) -> str:
    npsn = str(random.randint(10**7, 10**8 - 1))
    draft = SchoolDraft.model_validate(
        {"npsn": npsn, "name": "SD Negeri 1", "jenjang": "SD", "status": "negeri"}
        | {"kabkota_code": kabkota}
    )
    async with session.begin():
        await schools.register_school(session, ADMIN, draft, SOURCE)
    return npsn


async def person(session: AsyncSession, npsn: str, **fields: Any) -> dict[str, Any]:
    draft = PersonDraft.model_validate(
        {"full_name": "Guru Contoh", "school_npsn": npsn, "nuptk": "1" + digits(15)} | fields
    )
    async with session.begin():
        return await people.register_person(session, ADMIN, draft, SOURCE)


async def community(
    session: AsyncSession, kabkota: str, kind: CommunityKind = CommunityKind.ANTAR_SEKOLAH
) -> dict[str, Any]:
    command = RegisterCommunity(
        name=f"KKG Gugus {digits(8)}",
        kind=kind,
        forum_type=ForumType.KKG,
        jenjang=[Jenjang.SD],
        kabkota_code=kabkota,
    )
    async with session.begin():
        return await communities.register_community(session, ADMIN, command, SOURCE)


async def member(
    session: AsyncSession, community_id: UUID, person_id: UUID, role: MemberRole
) -> None:
    async with session.begin():
        await memberships.add_member(
            session, ADMIN, AddMember(community_id, person_id, role), SOURCE
        )
