"""How many communities were active at each week's end, per kabupaten/kota.

Whether a community is active is a fact of an instant (`active_until > t`), and the read models
keep only the latest `active_until`; last month's count cannot be recomputed from them. So a
worker records, every few minutes while a week runs, each kabupaten/kota's communities and
active ones into that week's row: the last record before the week ends stays as its figure.
One GROUP BY over the directory and one upsert per run; running it twice at once is harmless.
"""

import asyncio
import json
from datetime import UTC, datetime

from kombel_events.regions import RegionKind, regions
from kombel_runtime.backoff import sleep_unless_stopped
from kombel_runtime.service import ServiceRuntime
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.domain.periods import local_today, week_start

_RECORD = text(
    """
    WITH counted AS (
        SELECT kabkota_code, min(province_code) AS province_code, count(*) AS communities,
               count(*) FILTER (WHERE active_until > :now) AS active
        FROM community_directory
        WHERE archived_at IS NULL
        GROUP BY kabkota_code
    )
    INSERT INTO region_weekly_standing AS s (
        kabkota_code, week_start, province_code, communities, active, recorded_at
    )
    SELECT c.kabkota_code, w.week_start, c.province_code, c.communities, c.active, :now
    FROM counted AS c
    JOIN jsonb_to_recordset(CAST(:weeks AS jsonb)) AS w(province_code text, week_start date)
      USING (province_code)
    ORDER BY c.kabkota_code
    ON CONFLICT (kabkota_code, week_start) DO UPDATE
    SET communities = excluded.communities, active = excluded.active,
        recorded_at = excluded.recorded_at
    WHERE s.recorded_at <= excluded.recorded_at
    """
)


async def record_standing(session: AsyncSession, now: datetime) -> None:
    """Record the standing at `now` into the week that `now` falls in, in each province's
    local time."""
    weeks = [
        {
            "province_code": r.code,
            "week_start": week_start(local_today(r.timezone, now)).isoformat(),
        }
        for r in regions().by_code.values()
        if r.kind is RegionKind.PROVINSI
    ]
    await session.execute(_RECORD, {"now": now, "weeks": json.dumps(weeks)})


async def standing_worker(runtime: ServiceRuntime, stopping: asyncio.Event) -> None:
    every = float(getattr(runtime.settings, "reporting_standing_every_s", 900.0))
    while not stopping.is_set():
        async with runtime.sessions() as session, session.begin():
            await record_standing(session, datetime.now(UTC))
        await sleep_unless_stopped(stopping, every)
