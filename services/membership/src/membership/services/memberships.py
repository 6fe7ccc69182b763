"""A person joins a community: by a manager's hand, or by accepting an invitation."""

from datetime import date
from uuid import UUID

from kombel_events.membership import MemberJoined, MemberRole
from kombel_runtime.auth import Principal
from kombel_runtime.outbox import record_events
from sqlalchemy.ext.asyncio import AsyncSession

from membership.db.audit import audit
from membership.db.tables import memberships


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
