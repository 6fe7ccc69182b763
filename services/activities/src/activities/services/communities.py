"""The caller's standing in a community, read from activities' replica of membership."""

from uuid import UUID

from kombel_runtime.auth import Principal
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from activities.db.tables import replica_communities, replica_memberships
from activities.domain.access import Standing, standing


async def standing_in(
    session: AsyncSession, principal: Principal, community_id: UUID
) -> Standing | None:
    """None when activities does not know the community. One query: the community and the
    caller's current role in it."""
    role = (
        select(replica_memberships.c.role)
        .where(
            replica_memberships.c.community_id == community_id,
            replica_memberships.c.person_id == principal.person_id,
            replica_memberships.c.ended_on.is_(None),
        )
        .scalar_subquery()
    )
    query = select(replica_communities, role.label("caller_role")).where(
        replica_communities.c.id == community_id
    )
    found = (await session.execute(query)).mappings().first()
    if found is None:
        return None
    community = dict(found)
    return standing(principal, community, community.pop("caller_role"))
