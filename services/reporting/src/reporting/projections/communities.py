"""The community directory and the count of communities per kabupaten/kota.

A community enters the directory once: a replayed `CommunityRegistered` finds its row and
adds nothing to the counts. A batch of events is applied in one statement.
"""

from collections.abc import Sequence

from kombel_events.membership import CommunityRegistered
from kombel_runtime.consumer import Received, Subscription
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

_ENTER_AND_COUNT = text(
    """
    WITH entered AS (
        INSERT INTO community_directory (
            community_id, name, kind, forum_type, jenjang, province_code, kabkota_code,
            registered_at
        )
        SELECT e.community_id, e.name, e.kind, e.forum_type, e.jenjang, e.province_code,
               e.kabkota_code, e.registered_at
        FROM jsonb_to_recordset(CAST(:events AS jsonb)) AS e(
            community_id uuid, name text, kind text, forum_type text, jenjang text[],
            province_code text, kabkota_code text, registered_at timestamptz
        )
        ON CONFLICT (community_id) DO NOTHING
        RETURNING province_code, kabkota_code
    )
    INSERT INTO region_community_counts (kabkota_code, province_code, communities)
    SELECT kabkota_code, province_code, count(*) FROM entered GROUP BY kabkota_code, province_code
    ON CONFLICT (kabkota_code) DO UPDATE
    SET communities = region_community_counts.communities + excluded.communities
    """
)


async def on_community_registered(
    session: AsyncSession, received: Sequence[Received[CommunityRegistered]]
) -> None:
    events = b"[" + b",".join(r.event.to_json() for r in received) + b"]"
    await session.execute(_ENTER_AND_COUNT, {"events": events.decode()})


SUBSCRIPTIONS = [Subscription(CommunityRegistered, on_community_registered)]
