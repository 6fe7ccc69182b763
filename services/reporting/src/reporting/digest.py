"""The weekly digest's scheduler: each Monday 07.00 local time, one `WeeklyDigestCompiled` per
province and kabupaten/kota with communities, through the outbox.

Every replica's worker ticks each minute (`compile_due_digests`). An area's digest is computed
and claimed in one statement per batch of areas: the counts and the bounded list of quiet
communities come from the read model, and the `digest_runs` row (primary key: area and week)
is inserted in the same statement, `ON CONFLICT DO NOTHING`. Only the areas that statement
inserted get an event, written in the same transaction: two replicas ticking at once, or a
worker restarted mid-batch, write each week's digest once. Areas without communities get a run
row and no event.

"Now" is a parameter (`clock`), so a test can tick as of a Monday 07.05 WITA.
"""

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from kombel_events.reporting import QUIET_LISTED_MAX, QuietCommunity, WeeklyDigestCompiled
from kombel_runtime.backoff import sleep_unless_stopped
from kombel_runtime.outbox import record_events
from kombel_runtime.service import ServiceRuntime
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from reporting.digest_schedule import Area, DigestWeek, due_areas

log = logging.getLogger(__name__)

TICK_EVERY_S = 60.0
# Areas per statement and transaction: a province of 5,000 communities is counted in one go.
BATCH = 50

Clock = Callable[[], datetime]

_PENDING = text(
    """
    SELECT a.area_code
    FROM unnest(CAST(:codes AS text[]), CAST(:weeks AS date[])) AS a(area_code, week_start)
    WHERE NOT EXISTS (
        SELECT 1 FROM digest_runs r
        WHERE r.area_code = a.area_code AND r.week_start = a.week_start
    )
    """
)

# Communities of an area that count: not archived, registered by the digest's instant.
_OF_AREA = """
    d.province_code = a.province_code
    AND (a.kabkota_code IS NULL OR d.kabkota_code = a.kabkota_code)
    AND d.archived_at IS NULL
    AND d.registered_at <= a.due_at
"""
# Active at instant t iff active_until > t: gone quiet = active at the previous digest, not now.
_GONE_QUIET = "d.active_until > a.quiet_since AND d.active_until <= a.due_at"

_COMPILE_AND_CLAIM = text(
    f"""
    WITH area AS (
        SELECT * FROM jsonb_to_recordset(CAST(:areas AS jsonb)) AS a(
            area_code text, area_kind text, province_code text, kabkota_code text,
            week_start date, due_at timestamptz, quiet_since timestamptz)
    ),
    computed AS (
        SELECT a.*, n.communities, n.active, n.gone_quiet, q.listed
        FROM area a
        CROSS JOIN LATERAL (
            SELECT count(*) AS communities,
                   count(*) FILTER (WHERE d.active_until > a.due_at) AS active,
                   count(*) FILTER (WHERE {_GONE_QUIET}) AS gone_quiet
            FROM community_directory d
            WHERE {_OF_AREA}
        ) n
        CROSS JOIN LATERAL (
            SELECT coalesce(
                       jsonb_agg(to_jsonb(x) ORDER BY x.kabkota_code, x.name, x.community_id),
                       '[]'::jsonb) AS listed
            FROM (
                SELECT d.community_id, d.name, d.kabkota_code, d.last_activity_at
                FROM community_directory d
                WHERE {_OF_AREA} AND {_GONE_QUIET}
                ORDER BY d.kabkota_code, d.name, d.community_id
                LIMIT :listed
            ) x
        ) q
    ),
    claimed AS (
        INSERT INTO digest_runs (area_code, week_start, area_kind, due_at, communities,
                                 gone_quiet, published)
        SELECT area_code, week_start, area_kind, due_at, communities, gone_quiet,
               communities > 0
        FROM computed
        ON CONFLICT (area_code, week_start) DO NOTHING
        RETURNING area_code
    )
    SELECT c.* FROM computed c JOIN claimed USING (area_code)
    WHERE c.communities > 0
    ORDER BY c.area_code
    """  # noqa: S608 (only the module's own fragments are formatted in)
)


def _area_row(area: Area, week: DigestWeek) -> dict[str, Any]:
    return {
        "area_code": area.code,
        "area_kind": area.kind.value,
        "province_code": area.province_code,
        "kabkota_code": area.kabkota_code,
        "week_start": week.week_start.isoformat(),
        "due_at": week.due_at.isoformat(),
        "quiet_since": week.quiet_since.isoformat(),
    }


def _event(row: Mapping[str, Any], area: Area) -> WeeklyDigestCompiled:
    return WeeklyDigestCompiled(
        area_code=area.code,
        area_kind=area.kind,
        province_code=area.province_code,
        week_start=row["week_start"],
        due_at=row["due_at"],
        quiet_since=row["quiet_since"],
        timezone=area.zone,
        communities=row["communities"],
        active=row["active"],
        inactive=row["communities"] - row["active"],
        gone_quiet=row["gone_quiet"],
        quiet_communities=[QuietCommunity.model_validate(c) for c in row["listed"]],
    )


async def _pending(
    session: AsyncSession, due: Sequence[tuple[Area, DigestWeek]]
) -> list[tuple[Area, DigestWeek]]:
    found = await session.execute(
        _PENDING,
        {"codes": [a.code for a, _ in due], "weeks": [w.week_start for _, w in due]},
    )
    left = set(found.scalars())
    return [(area, week) for area, week in due if area.code in left]


async def _compile_batch(
    session: AsyncSession, source: str, batch: Sequence[tuple[Area, DigestWeek]]
) -> int:
    by_code = {area.code: area for area, _ in batch}
    rows = await session.execute(
        _COMPILE_AND_CLAIM,
        {"areas": json.dumps([_area_row(a, w) for a, w in batch]), "listed": QUIET_LISTED_MAX},
    )
    events = [_event(dict(row), by_code[row["area_code"]]) for row in rows.mappings()]
    await record_events(session, source, events)
    return len(events)


async def compile_due_digests(
    sessions: async_sessionmaker[AsyncSession],
    source: str,
    now: datetime,
    only: Collection[str] | None = None,
) -> int:
    """Write the digests due at `now` (of every area, or of those in `only`) that no worker
    wrote yet; returns how many events were recorded."""
    due = due_areas(now, only)
    if not due:
        return 0
    async with sessions() as session:
        pending = await _pending(session, due)
    written = 0
    for start in range(0, len(pending), BATCH):
        async with sessions() as session, session.begin():
            written += await _compile_batch(session, source, pending[start : start + BATCH])
    return written


def weekly_digest_worker(
    clock: Clock = lambda: datetime.now(UTC),
) -> Callable[[ServiceRuntime, asyncio.Event], Awaitable[None]]:
    """The scheduler as a worker of the service's definition."""

    async def run(runtime: ServiceRuntime, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            written = await compile_due_digests(runtime.sessions, runtime.source, clock())
            if written:
                log.info("weekly digests written", extra={"digests": written})
            await sleep_unless_stopped(stopping, TICK_EVERY_S)

    return run
