"""A small bimtek written straight into activities' database: a training, its sessions, people
in the membership replica, and seats placed by `activities.services.seats` (the one path every
registration takes), for tests of what comes after registration."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from activities.db.tables import replica_people, training_sessions, trainings
from activities.services.seats import Placement, SeatRequest, place
from kombel_events import IntegrationEvent
from kombel_events.regions import regions
from kombel_runtime.ids import uuid7
from kombel_runtime.outbox import record_events
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

SOURCE = "/kombel/activities"
# 08.00 in the place's zone on Monday 25 May 2026, as the session's start.
LOCAL_START = datetime(2026, 5, 25, 8, 0)


@dataclass
class Bimtek:
    training_id: uuid.UUID
    title: str
    organiser: str
    sessions: dict[str, uuid.UUID] = field(default_factory=dict)  # kabkota code -> session id
    timezones: dict[str, str] = field(default_factory=dict)


async def a_bimtek(
    sessions: async_sessionmaker[AsyncSession],
    kabkota_codes: list[str],
    *,
    capacity: int = 50,
    title: str = "Bimtek Penggerak Komunitas Belajar",
    organiser: str = "BBGP Sumatera Utara",
    today: bool = False,
) -> Bimtek:
    """A training with one session per kabupaten/kota, each at 08.00 local time on Monday
    25 May 2026, or `today` in its place (scanners refuse times far from their session)."""
    province = kabkota_codes[0].split(".")[0]
    bimtek = Bimtek(uuid7(), title, organiser)
    async with sessions() as session, session.begin():
        await session.execute(
            trainings.insert().values(
                id=bimtek.training_id,
                title=title,
                organiser=organiser,
                province_code=province,
                audience="penggerak komunitas belajar",
                created_by="staf-bbgp",
            )
        )
        for number, kabkota in enumerate(kabkota_codes, start=1):
            zone = regions().by_code[kabkota].timezone
            local = ZoneInfo(zone.iana)
            day = datetime.now(local).date() if today else LOCAL_START.date()
            start = datetime.combine(day, LOCAL_START.time(), local).astimezone(UTC)
            session_id = uuid7()
            await session.execute(
                training_sessions.insert().values(
                    id=session_id,
                    training_id=bimtek.training_id,
                    code=f"S{number:02d}",
                    province_code=province,
                    kabkota_code=kabkota,
                    venue=f"Aula Dinas Pendidikan {number}",
                    starts_at=start,
                    ends_at=start + timedelta(hours=8),
                    timezone=zone.value,
                    capacity=capacity,
                )
            )
            bimtek.sessions[kabkota] = session_id
            bimtek.timezones[kabkota] = zone.value
    return bimtek


async def people(
    sessions: async_sessionmaker[AsyncSession], kabkota: str, names: list[str]
) -> list[uuid.UUID]:
    """People as activities knows them from membership's events."""
    ids = [uuid7() for _ in names]
    async with sessions() as session, session.begin():
        await session.execute(
            replica_people.insert(),
            [
                {
                    "id": person_id,
                    "full_name": name,
                    "province_code": kabkota.split(".")[0],
                    "kabkota_code": kabkota,
                    "status": "active",
                    "version": uuid7(),
                }
                for person_id, name in zip(ids, names, strict=True)
            ],
        )
    return ids


async def seats(
    sessions: async_sessionmaker[AsyncSession], session_id: uuid.UUID, person_ids: list[uuid.UUID]
) -> list[Placement]:
    """Registrations for the people in the session, in order: seats while they last, then
    places on its waitlist."""
    events: list[IntegrationEvent] = []
    async with sessions() as session, session.begin():
        placed = await place(
            session, [SeatRequest(session_id, p, "staf-bbgp") for p in person_ids], events
        )
        await record_events(session, SOURCE, events)
    return placed
