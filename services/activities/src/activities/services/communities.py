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
    """None when activities does not know the community."""
    community = (
        (
            await session.execute(
                select(replica_communities).where(replica_communities.c.id == community_id)
            )
        )
        .mappings()
        .first()
    )
    if community is None:
        return None
    role = None
    if principal.person_id is not None:
        role = await session.scalar(
            select(replica_memberships.c.role).where(
                replica_memberships.c.community_id == community_id,
                replica_memberships.c.person_id == principal.person_id,
                replica_memberships.c.ended_on.is_(None),
            )
        )
    return standing(principal, dict(community), role)
