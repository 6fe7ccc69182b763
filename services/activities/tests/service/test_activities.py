"""Activities' use cases against its database, with the replica seeded as membership's events
would have left it: rights from the data, attendance checked against membership on the date,
an erased person kept as a count."""

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from activities.db.tables import (
    activities,
    replica_communities,
    replica_memberships,
    replica_people,
)
from activities.schemas import ActivityIn, AttendanceIn
from activities.services.activities import log_activity
from activities.services.attendance import forget_attendance, record_attendance
from kombel_events.membership import PersonErased
from kombel_runtime.auth import Principal, Role
from kombel_runtime.consumer import Received
from kombel_runtime.envelope import Envelope
from kombel_runtime.errors import Forbidden, Invalid, NotFound
from kombel_runtime.ids import uuid7
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

pytestmark = pytest.mark.infra

SOURCE = "/kombel/activities"


async def seeded(session: AsyncSession) -> dict[str, Any]:
    """A community of 12.11 with a penggerak, a member who joined in March and one who left
    in February."""
    community, lead, member, former = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    async with session.begin():
        await session.execute(
            replica_communities.insert().values(
                id=community,
                name="KKG Gugus 3",
                kind="antar_sekolah",
                province_code="12",
                kabkota_code="12.11",
                status="active",
                version=uuid7(),
            )
        )
        for person, role, started, ended in (
            (lead, "penggerak", date(2026, 1, 5), None),
            (member, "anggota", date(2026, 3, 1), None),
            (former, "anggota", date(2026, 1, 5), date(2026, 2, 1)),
        ):
            await session.execute(
                replica_people.insert().values(
                    id=person,
                    full_name=f"Guru {str(person)[:4]}",
                    school_npsn="10210001",
                    province_code="12",
                    kabkota_code="12.11",
                    status="active",
                    version=uuid7(),
                )
            )
            await session.execute(
                replica_memberships.insert().values(
                    community_id=community,
                    person_id=person,
                    role=role,
                    started_on=started,
                    ended_on=ended,
                    version=uuid7(),
                )
            )
    return {"community": community, "lead": lead, "member": member, "former": former}


def caller(person: uuid.UUID) -> Principal:
    return Principal(subject=f"u-{person}", roles=frozenset({Role.MEMBER}), person=str(person))


def meeting(day: str, **attendance: Any) -> ActivityIn:
    return ActivityIn.model_validate(
        {
            "title": "Pertemuan rutin",
            "phase": "implementasi",
            "starts_at": f"{day}T16:00:00",
            "duration_minutes": 90,
            "mode": "luring",
            "place": "Aula gugus",
        }
        | ({"attendance": attendance} if attendance else {})
    )


async def test_only_leads_log_and_attendance_counts_members_on_that_date(
    session: AsyncSession,
) -> None:
    world = await seeded(session)
    async with session.begin():
        with pytest.raises(Forbidden):
            await log_activity(
                session, SOURCE, caller(world["member"]), world["community"], meeting("2026-04-02")
            )
    async with session.begin():
        with pytest.raises(NotFound):
            await log_activity(
                session, SOURCE, caller(world["former"]), world["community"], meeting("2026-04-02")
            )
    # In January the member had not joined yet; the one who left was still there.
    async with session.begin():
        with pytest.raises(Invalid) as refused:
            await log_activity(
                session,
                SOURCE,
                caller(world["lead"]),
                world["community"],
                meeting("2026-01-15", person_ids=[str(world["member"])]),
            )
    assert refused.value.code == "not_members_on_that_date"
    async with session.begin():
        row, present = await log_activity(
            session,
            SOURCE,
            caller(world["lead"]),
            world["community"],
            meeting("2026-01-15", person_ids=[str(world["former"]), str(world["lead"])]),
        )
    assert present == 2
    assert row["starts_at"] == datetime(2026, 1, 15, 9, 0, tzinfo=UTC)  # 16.00 WIB

    async with session.begin():
        await record_attendance(
            session,
            SOURCE,
            caller(world["lead"]),
            row["id"],
            AttendanceIn(person_ids=[world["former"]], guests=3),
        )
    erasure = PersonErased(person_id=world["former"], erased_at=datetime.now(UTC))
    envelope = Envelope(
        id=uuid7(),
        type=PersonErased.event_type,
        source="/kombel/membership",
        time=datetime.now(UTC),
        subject=str(world["former"]),
        data=erasure.to_json(),
    )
    async with session.begin():
        await forget_attendance(session, [Received(envelope, erasure)])
    async with session.begin():
        stored = (
            (await session.execute(select(activities).where(activities.c.id == row["id"])))
            .mappings()
            .one()
        )
    assert (stored["guests"], stored["erased_attendees"]) == (3, 1)
