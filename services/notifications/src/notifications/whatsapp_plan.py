"""The WhatsApp planner: can the account's daily limit send a training's confirmations and
reminders before its first session begins?

It counts what is planned (`messages` rows on WhatsApp not yet sent) and what will be (a
registration not yet answered, e.g. awaiting its person from membership: its answer and its
reminders, as if on WhatsApp, since its number is not known yet), lays them on the account's
days (Jakarta's calendar, on which providers count) and asks `domain.daily_limit`. The whole
account's messages take part: other trainings' reminders use the same daily limit.

Organisers read it on request (`GET /notifications/trainings/{id}/plan`), and a worker checks
the upcoming trainings now and then, warning once per training when they cannot all be sent
in time. The trainings' events name no organiser person to write to, so the warning goes to
the service's log (ids and counts, no personal data), and the planner shows it to whoever
asks.
"""

import asyncio
import logging
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, cast
from uuid import UUID
from zoneinfo import ZoneInfo

import redis.asyncio as redis
from kombel_events.notifications import Channel
from kombel_events.regions import TimeZone
from kombel_runtime.auth import Principal, Role
from kombel_runtime.backoff import sleep_unless_stopped
from kombel_runtime.errors import NotFound
from kombel_runtime.service import ServiceRuntime
from sqlalchemy import and_, exists, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.db.tables import messages, registrations, training_sessions, trainings
from notifications.domain.daily_limit import Due, Outlook, outlook
from notifications.rules import ANSWERS, SESSION_REMINDERS

if TYPE_CHECKING:
    from notifications.app import NotificationsSettings

log = logging.getLogger(__name__)

# Providers count a day on Jakarta's clock.
ACCOUNT_ZONE = ZoneInfo(TimeZone.WIB.iana)
CHECK_EVERY_S = 300.0
_WARNED = "kombel:notifications:whatsapp-limit-warned:{training_id}"


@dataclass(frozen=True)
class TrainingPlan:
    training_id: UUID
    first_session_starts_at: datetime | None
    first_session_timezone: str | None
    planned: int  # this training's WhatsApp messages planned and due before its first session
    expected: int  # this training's still to be planned (registrations not yet answered)
    account_total: int  # everything the account must send before then, all trainings
    sent_today: int
    daily_limit: int
    outlook: Outlook
    warning: str | None


def _day(instant: datetime) -> date:
    return instant.astimezone(ACCOUNT_ZONE).date()


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _local(instant: datetime, zone: TimeZone) -> str:
    """ "25/05/2026 pukul 08.00 WIB", in the place's zone."""
    return f"{instant.astimezone(ZoneInfo(zone.iana)):%d/%m/%Y pukul %H.%M} {zone.value}"


def warning_text(plan: TrainingPlan) -> str | None:
    """What the organiser is told when the limit cannot send everything in time."""
    if plan.outlook.fits or plan.first_session_starts_at is None:
        return None
    zone = TimeZone(plan.first_session_timezone or TimeZone.WIB.value)
    return (
        f"Batas harian akun WhatsApp ({_number(plan.daily_limit)} pesan per hari) tidak "
        f"cukup: {_number(plan.outlook.late)} pesan WhatsApp tidak akan sempat terkirim "
        "sebelum sesi pertama pelatihan ini dimulai pada "
        f"{_local(plan.first_session_starts_at, zone)}. Dalam "
        f"{plan.outlook.days_left} hari tersisa akun ini dapat mengirim "
        f"{_number(plan.outlook.capacity)} pesan, sedangkan "
        f"{_number(plan.account_total)} pesan menunggu. Naikkan batas harian akun WhatsApp "
        "atau tambah akun pengirim. Peserta tetap menerima pesan lewat email (bila ada) dan "
        "kotak masuk aplikasi."
    )


def _not_found() -> NotFound:
    return NotFound(
        "training_not_found", "Pelatihan tidak ditemukan atau di luar wilayah kewenangan Anda."
    )


def may_read(principal: Principal, province_code: str, session_kabkotas: set[str]) -> bool:
    """Organisers (province staff of its province, national admins), and district staff of a
    kabupaten/kota where one of its sessions takes place."""
    if Role.NATIONAL_ADMIN in principal.roles:
        return True
    if Role.PROVINCE_STAFF in principal.roles and principal.province == province_code:
        return True
    return Role.DISTRICT_STAFF in principal.roles and principal.kabkota in session_kabkotas


async def readable_plan(
    session: AsyncSession, principal: Principal, training_id: UUID, daily_limit: int
) -> TrainingPlan:
    training = (
        await session.execute(
            select(trainings.c.province_code).where(trainings.c.id == training_id)
        )
    ).first()
    kabkotas = set(
        (
            await session.execute(
                select(training_sessions.c.kabkota_code).where(
                    training_sessions.c.training_id == training_id
                )
            )
        ).scalars()
    )
    if training is None or not may_read(principal, training.province_code, kabkotas):
        raise _not_found()
    return await training_plan(session, training_id, daily_limit, datetime.now(UTC))


# Pending WhatsApp messages of the whole account due before the horizon, by the day they may
# leave and the day they must have left by (capped just past the horizon: later is never late).
_PENDING = text(
    """
    SELECT (greatest(m.due_at, :now) AT TIME ZONE :zone)::date AS day,
           (least(coalesce(m.expires_at, s.starts_at, :beyond), :beyond)
               AT TIME ZONE :zone)::date AS deadline,
           count(*) AS count,
           count(*) FILTER (WHERE m.training_id = :training_id) AS ours
    FROM messages m LEFT JOIN training_sessions s ON s.id = m.session_id
    WHERE m.channel = 'whatsapp' AND m.status IN ('scheduled', 'queued', 'sending')
      AND m.due_at < :horizon
    GROUP BY 1, 2
    """
)


async def _expected(
    session: AsyncSession, training_id: UUID, now: datetime, horizon: datetime
) -> list[Due]:
    """The messages registrations not yet answered will have: the answer, at once, and a
    seated one's reminders, at their instants."""
    answered = exists().where(
        messages.c.registration_id == registrations.c.id,
        messages.c.rule.in_([rule.name for rule in ANSWERS]),
    )
    found = await session.execute(
        select(
            registrations.c.status,
            training_sessions.c.starts_at,
            training_sessions.c.timezone,
            func.count().label("count"),
        )
        .join(training_sessions, training_sessions.c.id == registrations.c.session_id)
        .where(
            registrations.c.training_id == training_id,
            registrations.c.status.in_(["registered", "waitlisted"]),
            training_sessions.c.status == "scheduled",
            training_sessions.c.starts_at > now,
            ~answered,
        )
        .group_by(
            registrations.c.status, training_sessions.c.starts_at, training_sessions.c.timezone
        )
    )
    due = []
    for row in found.mappings():
        deadline = _day(min(row["starts_at"], horizon + timedelta(days=1)))
        due.append(Due(_day(now), deadline, row["count"]))
        if row["status"] != "registered":
            continue
        for rule in SESSION_REMINDERS:
            at = rule.schedule.due(row["starts_at"], TimeZone(row["timezone"]), now)
            if at is not None and at < horizon:
                due.append(Due(_day(at), deadline, row["count"]))
    return due


async def training_plan(
    session: AsyncSession, training_id: UUID, daily_limit: int, now: datetime
) -> TrainingPlan:
    """The training's WhatsApp plan up to its first session still to come."""
    first = (
        await session.execute(
            select(training_sessions.c.starts_at, training_sessions.c.timezone)
            .where(
                training_sessions.c.training_id == training_id,
                training_sessions.c.status == "scheduled",
                training_sessions.c.starts_at > now,
            )
            .order_by(training_sessions.c.starts_at)
            .limit(1)
        )
    ).first()
    sent_today = await session.scalar(
        select(func.count()).where(
            messages.c.channel == Channel.WHATSAPP.value,
            messages.c.sent_at >= datetime.combine(_day(now), datetime.min.time(), ACCOUNT_ZONE),
        )
    )
    sent = int(sent_today or 0)
    if first is None:
        empty = outlook([], _day(now), _day(now) - timedelta(days=1), daily_limit, sent)
        return TrainingPlan(training_id, None, None, 0, 0, 0, sent, daily_limit, empty, None)
    horizon = first.starts_at
    rows = (
        await session.execute(
            _PENDING,
            {
                "now": now,
                "zone": ACCOUNT_ZONE.key,
                "beyond": horizon + timedelta(days=1),
                "horizon": horizon,
                "training_id": training_id,
            },
        )
    ).mappings()
    due: list[Due] = []
    planned = 0
    for row in rows:
        due.append(Due(row["day"], row["deadline"], row["count"]))
        planned += row["ours"]
    expected = await _expected(session, training_id, now, horizon)
    found = outlook([*due, *expected], _day(now), _day(horizon), daily_limit, sent)
    plan = TrainingPlan(
        training_id=training_id,
        first_session_starts_at=horizon,
        first_session_timezone=first.timezone,
        planned=planned,
        expected=sum(d.count for d in expected),
        account_total=found.total,
        sent_today=sent,
        daily_limit=daily_limit,
        outlook=found,
        warning=None,
    )
    return replace(plan, warning=warning_text(plan))


async def upcoming_trainings(session: AsyncSession, now: datetime) -> list[UUID]:
    found = await session.execute(
        select(training_sessions.c.training_id)
        .join(trainings, trainings.c.id == training_sessions.c.training_id)
        .where(
            and_(
                training_sessions.c.status == "scheduled",
                training_sessions.c.starts_at > now,
                trainings.c.status == "scheduled",
            )
        )
        .distinct()
    )
    return list(found.scalars())


async def warn_over_limit(
    session: AsyncSession, client: "redis.Redis", daily_limit: int, now: datetime
) -> list[UUID]:
    """Warn, once per training, of those whose WhatsApp messages cannot all go in time;
    the trainings warned of now."""
    warned = []
    for training_id in await upcoming_trainings(session, now):
        plan = await training_plan(session, training_id, daily_limit, now)
        if plan.outlook.fits or plan.first_session_starts_at is None:
            continue
        # Remembered until a day after the session, across replicas and restarts.
        keep_s = int((plan.first_session_starts_at - now).total_seconds()) + 86_400
        if not await client.set(_WARNED.format(training_id=training_id), "1", nx=True, ex=keep_s):
            continue
        warned.append(training_id)
        log.warning(
            "WhatsApp daily limit cannot send a training's messages in time",
            extra={
                "training_id": str(training_id),
                "planned": plan.planned,
                "expected": plan.expected,
                "late": plan.outlook.late,
                "daily_limit": daily_limit,
                "days_left": plan.outlook.days_left,
            },
        )
    return warned


async def limit_warning_worker(runtime: ServiceRuntime, stopping: asyncio.Event) -> None:
    """Check the upcoming trainings now and then (see the module's note)."""
    limit = cast("NotificationsSettings", runtime.settings).whatsapp_daily_limit
    while not stopping.is_set():
        async with runtime.sessions() as session:
            await warn_over_limit(session, runtime.redis, limit, datetime.now(UTC))
        await sleep_unless_stopped(stopping, CHECK_EVERY_S)
