"""The community directory and the count of communities per kabupaten/kota.

A community enters the directory once: a replayed `CommunityRegistered` finds its row and
adds nothing to the counts.
"""

from collections import Counter
from collections.abc import Sequence

from kombel_events.membership import CommunityRegistered
from kombel_runtime.consumer import Received, Subscription
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.db.tables import community_directory, region_community_counts

# Executed with many parameter sets: compiled once, the rows sent in batches.
_ENTER_DIRECTORY = (
    insert(community_directory)
    .on_conflict_do_nothing()
    .returning(community_directory.c.province_code, community_directory.c.kabkota_code)
)
_counts = insert(region_community_counts)
_ADD_TO_COUNTS = _counts.on_conflict_do_update(
    index_elements=[region_community_counts.c.kabkota_code],
    set_={"communities": region_community_counts.c.communities + _counts.excluded.communities},
)


async def on_community_registered(
    session: AsyncSession, received: Sequence[Received[CommunityRegistered]]
) -> None:
    rows = [
        {
            "community_id": r.event.community_id,
            "name": r.event.name,
            "kind": r.event.kind.value,
            "forum_type": r.event.forum_type.value,
            "jenjang": [j.value for j in r.event.jenjang],
            "province_code": r.event.province_code,
            "kabkota_code": r.event.kabkota_code,
            "registered_at": r.event.registered_at,
        }
        for r in received
    ]
    entered = await session.execute(_ENTER_DIRECTORY, rows)
    counts = Counter(entered.tuples())
    if not counts:
        return
    upsert = insert(region_community_counts).values(
        [
            {"province_code": province, "kabkota_code": kabkota, "communities": n}
            for (province, kabkota), n in sorted(counts.items())
        ]
    )
    await session.execute(
        upsert.on_conflict_do_update(
            index_elements=[region_community_counts.c.kabkota_code],
            set_={
                "communities": region_community_counts.c.communities + upsert.excluded.communities
            },
        )
    )


SUBSCRIPTIONS = [Subscription(CommunityRegistered, on_community_registered)]
