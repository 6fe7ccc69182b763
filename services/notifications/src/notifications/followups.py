"""After a session: thanks with the certificate link to those who checked in, a note to those
who did not.

A worker sweeps the sessions that ended an hour ago (`SESSION_THANKS.schedule`) and are not
yet followed up, claims them with `FOR UPDATE SKIP LOCKED` so that one replica alone plans
each, plans one follow-up per registration still seated, and marks the session followed up in
the same transaction. Check-ins sent late from an offline scanner within that hour count; one
that arrives after the sweep turns a note not yet sent into thanks (`attended_late`).
"""

import asyncio
import json
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID

from kombel_runtime.backoff import sleep_unless_stopped
from kombel_runtime.parameters import one_of
from kombel_runtime.service import ServiceRuntime
from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notifications.db.tables import registrations, training_sessions
from notifications.planning import Planned, plan, seat_messages, seats
from notifications.rules import SESSION_NO_SHOW, SESSION_THANKS

log = logging.getLogger(__name__)

SWEEP_EVERY_S = 30.0
BATCH = 20
# Sessions that ended longer ago than this are not followed up: a replica rebuilt from the
# topics (which forgets `followed_up_at`) or a first start must not thank people for last
# month's bimtek.
FOLLOW_UP_WITHIN = timedelta(days=3)

_CLAIM = text(
    """
    SELECT id FROM training_sessions
    WHERE followed_up_at IS NULL AND status = 'scheduled'
      AND ends_at <= :ended_before AND ends_at > :ended_after
    ORDER BY ends_at
    LIMIT :batch
    FOR UPDATE SKIP LOCKED
    """
)


def certificate_path(registration_id: UUID) -> str:
    """Where the participant downloads their certificate (after signing in), from the site's
    public address."""
    return f"/activities/registrations/{registration_id}/certificate.pdf"


def _thanks_context(registration_id: UUID) -> dict[str, str]:
    return {"certificate_path": certificate_path(registration_id)}


async def sweep_ended_sessions(
    sessions: async_sessionmaker[AsyncSession], now: datetime | None = None
) -> int:
    """Follow up one batch of ended sessions; how many sessions were followed up."""
    now = now or datetime.now(UTC)
    async with sessions() as session, session.begin():
        claimed = list(
            (
                await session.execute(
                    _CLAIM,
                    {
                        "ended_before": now - SESSION_THANKS.schedule.offset,
                        "ended_after": now - FOLLOW_UP_WITHIN,
                        "batch": BATCH,
                    },
                )
            ).scalars()
        )
        if not claimed:
            return 0
        planned: list[Planned] = []
        for seat in await seats(
            session,
            one_of(registrations.c.session_id, claimed) & (registrations.c.status == "registered"),
        ):
            if seat.checked_in_at is not None:
                planned += seat_messages(
                    seat, [SESSION_THANKS], now, _thanks_context(seat.registration_id)
                )
            else:
                planned += seat_messages(seat, [SESSION_NO_SHOW], now)
        count = await plan(session, planned)
        await session.execute(
            update(training_sessions)
            .where(one_of(training_sessions.c.id, claimed))
            .values(followed_up_at=now)
        )
    log.info("sessions followed up", extra={"sessions": len(claimed), "messages": count})
    return len(claimed)


async def followup_worker(runtime: ServiceRuntime, stopping: asyncio.Event) -> None:
    while not stopping.is_set():
        while await sweep_ended_sessions(runtime.sessions) == BATCH:
            if stopping.is_set():
                return
        await sleep_unless_stopped(stopping, SWEEP_EVERY_S)


_THANKS_INSTEAD = text(
    """
    UPDATE messages m SET rule = :thanks, context = v.context, updated_at = now()
    FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS v(registration_id uuid, context jsonb)
    WHERE m.registration_id = v.registration_id AND m.rule = :no_show
      AND m.status IN ('scheduled', 'queued')
    RETURNING m.registration_id
    """
)


async def attended_late(
    session: AsyncSession, registration_ids: Sequence[UUID], now: datetime
) -> int:
    """Check-ins that arrived after their session's sweep: a no-show note not yet sent
    becomes thanks (on the channels thanks uses, too); one already sent stays."""
    turned = set(
        (
            await session.execute(
                _THANKS_INSTEAD,
                {
                    "rows": json.dumps(
                        [
                            {"registration_id": str(r), "context": _thanks_context(r)}
                            for r in registration_ids
                        ]
                    ),
                    "thanks": SESSION_THANKS.name,
                    "no_show": SESSION_NO_SHOW.name,
                },
            )
        ).scalars()
    )
    if not turned:
        return 0
    found = await seats(session, one_of(registrations.c.id, turned))
    return len(turned) + await plan(
        session,
        [
            p
            for seat in found
            for p in seat_messages(
                seat, [SESSION_THANKS], now, _thanks_context(seat.registration_id)
            )
        ],
    )
