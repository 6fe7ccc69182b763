"""Events as membership and activities publish them, handed to notifications' live consumers
as the consumer runner would (one type at a time, in order, in one transaction), and what
planning left in `messages`."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kombel_events import IntegrationEvent
from kombel_events.membership import PersonRegistered, Position
from kombel_events.regions import regions
from kombel_events.trainings import (
    ParticipantRegistered,
    SessionScheduled,
    TrainingScheduled,
)
from kombel_runtime.consumer import Received
from kombel_runtime.envelope import Envelope
from kombel_runtime.ids import uuid7
from notifications.consumers import consumer_specs
from notifications.db.tables import messages
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

HANDLERS = {s.event: s.handler for spec in consumer_specs() for s in spec.subscriptions}


def envelope_of(event: IntegrationEvent) -> Envelope:
    """The envelope the owner's relay gives an event: a new, later id each time."""
    service = event.event_type.split(".")[1]
    return Envelope(
        id=uuid7(),
        type=event.event_type,
        source=f"/kombel/{service}",
        subject=event.subject(),
        time=datetime.now(UTC),
        data=event.to_json(),
    )


def received(*events: IntegrationEvent) -> list[Received[Any]]:
    return [Received(envelope_of(e), e) for e in events]


async def handled(session: AsyncSession, *items: IntegrationEvent | Received[Any]) -> None:
    """The events (or events already received, to hand over again) through the live
    handlers, consecutive events of a type as one batch, all in one transaction."""
    batch = [i if isinstance(i, Received) else Received(envelope_of(i), i) for i in items]
    async with session.begin():
        run: list[Received[Any]] = []
        for item in batch:
            if run and type(run[-1].event) is not type(item.event):
                await HANDLERS[type(run[0].event)](session, run)
                run = []
            run.append(item)
        if run:
            await HANDLERS[type(run[0].event)](session, run)


def local_day(days_ahead: int) -> date:
    return datetime.now(UTC).date() + timedelta(days=days_ahead)


def at_local(day: date, hour: int, kabkota: str, minute: int = 0) -> datetime:
    """The UTC instant of a local wall-clock time in the kabupaten/kota's zone."""
    zone = ZoneInfo(regions().by_code[kabkota].timezone.iana)
    return datetime.combine(day, time(hour, minute), zone).astimezone(UTC)


def a_person(kabkota: str, **fields: Any) -> PersonRegistered:
    values: dict[str, Any] = {
        "person_id": uuid.uuid4(),
        "full_name": "Siti Rahmawati",
        "email": "siti@contoh.sch.id",
        "phone": "+6281234567890",
        "position": Position.GURU,
        "school_npsn": "40300001",
        "province_code": kabkota.split(".")[0],
        "kabkota_code": kabkota,
    }
    return PersonRegistered(**(values | fields))


def a_training(province: str) -> TrainingScheduled:
    return TrainingScheduled(
        training_id=uuid.uuid4(),
        title="Bimtek Penggerak Komunitas Belajar",
        organiser="BBGP",
        province_code=province,
        audience="penggerak komunitas belajar",
    )


def a_session(
    training: TrainingScheduled, kabkota: str, starts_at: datetime, hours: int = 8
) -> SessionScheduled:
    return SessionScheduled(
        training_id=training.training_id,
        session_id=uuid.uuid4(),
        code=f"S{uuid.uuid4().hex[:6].upper()}",
        province_code=training.province_code,
        kabkota_code=kabkota,
        venue="Aula Dinas Pendidikan",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        timezone=regions().by_code[kabkota].timezone.value,
        capacity=50,
    )


def participant(
    kind: type[Any], place: SessionScheduled, person_id: uuid.UUID | None, **fields: Any
) -> Any:
    """An event of one participant of the session (a new registration unless named)."""
    values: dict[str, Any] = {
        "training_id": place.training_id,
        "session_id": place.session_id,
        "registration_id": uuid.uuid4(),
        "person_id": person_id,
        "kabkota_code": place.kabkota_code,
    }
    return kind(**(values | fields))


def seat(place: SessionScheduled, person_id: uuid.UUID | None) -> ParticipantRegistered:
    event: ParticipantRegistered = participant(
        ParticipantRegistered, place, person_id, ticket="tiket.bertanda.tangan"
    )
    return event


@dataclass(frozen=True)
class Seated:
    person: PersonRegistered
    training: TrainingScheduled
    place: SessionScheduled
    registered: Received[ParticipantRegistered]  # as handled: hand it over again to replay

    @property
    def registration_id(self) -> uuid.UUID:
        return self.registered.event.registration_id


async def a_seated(
    session: AsyncSession,
    kabkota: str = "31.71",
    starts_at: datetime | None = None,
    **person: Any,
) -> Seated:
    """A person (as given) seated in a new training's session, which starts at `starts_at`
    (08.00 local time ten days ahead unless told), every event handled."""
    who = a_person(kabkota, **person)
    training = a_training(kabkota.split(".")[0])
    place = a_session(training, kabkota, starts_at or at_local(local_day(10), 8, kabkota))
    (registered,) = received(seat(place, who.person_id))
    await handled(session, who, training, place, registered)
    return Seated(who, training, place, registered)


async def rows(session: AsyncSession, *where: Any) -> list[dict[str, Any]]:
    """Messages, oldest first, as planning left them."""
    async with session.begin():
        found = await session.execute(
            select(messages).where(*where).order_by(messages.c.rule, messages.c.channel)
        )
        return [dict(r) for r in found.mappings()]


def by_rule(found: Sequence[dict[str, Any]]) -> dict[str, set[str]]:
    """The channels of each rule among the messages."""
    rules: dict[str, set[str]] = {}
    for row in found:
        rules.setdefault(row["rule"], set()).add(row["channel"])
    return rules
