"""Rows the content tests stand on, written straight into notifications' tables as its
consumers and planner would leave them: contacts and replicas of trainings, seats, communities
and meetings, and messages at any point of their life; and reading the API's answers back."""

import contextlib
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from kombel_events.regions import regions
from kombel_runtime.ids import uuid7
from kombel_runtime.testing.harness import RunningPlatform
from notifications.db.tables import (
    activities,
    communities,
    contacts,
    message_statuses,
    messages,
    registrations,
    training_sessions,
    trainings,
)
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession


@contextlib.asynccontextmanager
async def written(platform: RunningPlatform) -> AsyncIterator[AsyncSession]:
    """A transaction on the running platform's notifications database."""
    async with platform.runtime("notifications").sessions() as session, session.begin():
        yield session


async def got(platform: RunningPlatform, path: str, headers: dict[str, str], **params: Any) -> Any:
    """The JSON of a GET that must succeed."""
    response = await platform.client.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def a_contact(
    session: AsyncSession,
    kabkota: str = "31.71",
    *,
    language: str = "id",
    name: str = "Rina Sitorus",
    erased: bool = False,
) -> UUID:
    """A person with an address on every channel, placed in `kabkota` (and its zone)."""
    region = regions().get(kabkota)
    assert region is not None
    person_id = uuid7()
    await session.execute(
        insert(contacts).values(
            person_id=person_id,
            full_name=None if erased else name,
            email=None if erased else f"guru-{person_id.hex[:8]}@sekolah.example",
            phone=None if erased else "+6281234567890",
            language=language,
            province_code=region.province_code,
            kabkota_code=kabkota,
            timezone=region.timezone.value,
            erased_at=datetime.now(UTC) if erased else None,
            version=uuid7(),
        )
    )
    return person_id


async def a_seat(
    session: AsyncSession,
    person_id: UUID,
    starts_at: datetime,
    *,
    kabkota: str = "31.71",
    status: str = "registered",
    ticket: str | None = "A" * 162,
    checked_in: bool = False,
    session_status: str = "scheduled",
) -> dict[str, UUID]:
    """A training with one session at `kabkota` from `starts_at` for four hours, and the
    person's seat in it."""
    region = regions().get(kabkota)
    assert region is not None
    training_id, session_id, registration_id = uuid7(), uuid7(), uuid7()
    await session.execute(
        insert(trainings).values(
            id=training_id,
            title="Bimtek Kurikulum Merdeka",
            organiser="BBGP DKI Jakarta",
            province_code=region.province_code,
            version=uuid7(),
        )
    )
    await session.execute(
        insert(training_sessions).values(
            id=session_id,
            training_id=training_id,
            code="JKT-01",
            kabkota_code=kabkota,
            venue="Aula Gedung A",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=4),
            timezone=region.timezone.value,
            status=session_status,
            version=uuid7(),
        )
    )
    await session.execute(
        insert(registrations).values(
            id=registration_id,
            training_id=training_id,
            session_id=session_id,
            person_id=person_id,
            status=status,
            ticket=ticket,
            checked_in_at=starts_at if checked_in else None,
            version=uuid7(),
        )
    )
    return {
        "training_id": training_id,
        "session_id": session_id,
        "registration_id": registration_id,
    }


async def a_meeting(
    session: AsyncSession, starts_at: datetime, *, kabkota: str = "73.71", deleted: bool = False
) -> dict[str, UUID]:
    region = regions().get(kabkota)
    assert region is not None
    community_id, activity_id = uuid7(), uuid7()
    await session.execute(
        insert(communities).values(
            id=community_id, name="KKG Gugus 3 Tamalate", kabkota_code=kabkota, version=uuid7()
        )
    )
    await session.execute(
        insert(activities).values(
            id=activity_id,
            community_id=community_id,
            title="Lokakarya asesmen formatif",
            starts_at=starts_at,
            timezone=region.timezone.value,
            deleted=deleted,
            version=uuid7(),
        )
    )
    return {"community_id": community_id, "activity_id": activity_id}


async def a_message(
    session: AsyncSession,
    person_id: UUID,
    *,
    channel: str = "inbox",
    rule: str = "registration_confirmed",
    status: str = "delivered",
    delivered_at: datetime | None = None,
    subject: str | None = "Pendaftaran terkonfirmasi",
    body: str | None = "Pendaftaran Anda terkonfirmasi.",
    context: Mapping[str, Any] | None = None,
    **about: Any,
) -> UUID:
    """A message as the dispatcher leaves it; a delivered one arrived `delivered_at` (now)."""
    message_id = uuid7()
    arrived = status in ("delivered", "read")
    await session.execute(
        insert(messages).values(
            id=message_id,
            event_key=f"test:{message_id}",
            person_id=person_id,
            channel=channel,
            rule=rule,
            status=status,
            context=dict(context or {}),
            subject=subject if arrived or channel != "inbox" else None,
            body=body if arrived or channel != "inbox" else None,
            delivered_at=(delivered_at or datetime.now(UTC)) if arrived else None,
            read_at=datetime.now(UTC) if status == "read" else None,
            **about,
        )
    )
    return message_id


async def a_status(
    session: AsyncSession, message_id: UUID, status: str, at: datetime, detail: str | None = None
) -> None:
    await session.execute(
        insert(message_statuses).values(
            message_id=message_id, status=status, reported_at=at, detail=detail
        )
    )
