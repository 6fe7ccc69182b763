"""Planning for communities and imports: a scheduled meeting reminds each current member in the
community's local time, moves and drops with the meeting, stops for a member who left; a
newcomer is welcomed once; an uploader hears that their import finished."""

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from kombel_events.activities import ActivityChanged, ActivityDeleted, ActivityLogged, Mode, Phase
from kombel_events.imports import ImportFinished
from kombel_events.membership import (
    CommunityKind,
    CommunityRegistered,
    ForumType,
    Jenjang,
    MemberJoined,
    MemberLeft,
    MemberRole,
)
from notifications.db.tables import messages
from sqlalchemy.ext.asyncio import AsyncSession

from ..planning_fixtures import a_person, at_local, by_rule, handled, local_day, rows

pytestmark = pytest.mark.infra

BANJARBARU = "63.72"  # Kalimantan Selatan, WITA
EVERYWHERE = {"email", "whatsapp", "inbox"}


def a_community(kabkota: str) -> CommunityRegistered:
    return CommunityRegistered(
        community_id=uuid.uuid4(),
        name="KKG Gugus Intan",
        kind=CommunityKind.ANTAR_SEKOLAH,
        forum_type=ForumType.KKG,
        jenjang=[Jenjang.SD],
        province_code=kabkota.split(".")[0],
        kabkota_code=kabkota,
        registered_at=datetime.now(UTC),
    )


def joined(group: CommunityRegistered, person_id: uuid.UUID) -> MemberJoined:
    return MemberJoined(
        community_id=group.community_id,
        person_id=person_id,
        role=MemberRole.ANGGOTA,
        since=date.today(),
    )


def a_meeting(group: CommunityRegistered, starts_at: datetime) -> ActivityLogged:
    return ActivityLogged(
        activity_id=uuid.uuid4(),
        community_id=group.community_id,
        province_code=group.province_code,
        kabkota_code=group.kabkota_code,
        title="Refleksi hasil Rapor Pendidikan",
        phase=Phase.REFLEKSI_AWAL,
        mode=Mode.LURING,
        starts_at=starts_at,
        timezone="WITA",
        duration_minutes=90,
        attendees=0,
    )


async def test_a_meeting_reminds_its_members_moves_and_is_dropped(session: AsyncSession) -> None:
    people = [a_person(BANJARBARU) for _ in range(2)]
    group = a_community(BANJARBARU)
    day = local_day(6)
    meeting = a_meeting(group, at_local(day, 16, BANJARBARU))
    await handled(session, *people, group, *(joined(group, p.person_id) for p in people), meeting)
    ours = messages.c.activity_id == meeting.activity_id
    planned = await rows(session, ours)
    assert by_rule(planned) == {
        "meeting_reminder_day_before": EVERYWHERE,
        "meeting_reminder_two_hours": EVERYWHERE,
    }
    assert len(planned) == 12
    wita = ZoneInfo("Asia/Makassar")
    assert {m["due_at"].astimezone(wita).hour for m in planned} == {14, 16}
    assert {m["expires_at"] for m in planned} == {meeting.starts_at}
    assert {m["context"]["community_id"] for m in planned} == {str(group.community_id)}

    later = ActivityChanged(
        **meeting.model_dump(exclude={"starts_at"}),
        starts_at=meeting.starts_at + timedelta(hours=1),
    )
    await handled(session, later)
    moved = await rows(session, ours)
    assert {m["due_at"].astimezone(wita).hour for m in moved} == {15, 17}

    # A member who left hears no more of it; the meeting deleted, nobody does.
    await handled(
        session,
        MemberLeft(community_id=group.community_id, person_id=people[0].person_id, until=day),
    )
    states = {(m["person_id"], m["status"]) for m in await rows(session, ours)}
    assert states == {(people[0].person_id, "cancelled"), (people[1].person_id, "scheduled")}
    await handled(
        session,
        ActivityDeleted(
            activity_id=meeting.activity_id,
            community_id=group.community_id,
            deleted_at=datetime.now(UTC),
        ),
    )
    assert {m["status"] for m in await rows(session, ours)} == {"cancelled"}


async def test_a_newcomer_is_welcomed_once_and_reminded_of_what_is_scheduled(
    session: AsyncSession,
) -> None:
    group = a_community(BANJARBARU)
    meeting = a_meeting(group, at_local(local_day(6), 16, BANJARBARU))
    past = a_meeting(group, datetime.now(UTC) - timedelta(days=1))
    newcomer = a_person(BANJARBARU, phone=None)
    await handled(session, newcomer, group, meeting, past)
    welcome = joined(group, newcomer.person_id)
    await handled(session, welcome)

    theirs = await rows(session, messages.c.person_id == newcomer.person_id)
    assert by_rule(theirs) == {
        "community_welcome": {"email", "inbox"},
        "meeting_reminder_day_before": {"email", "inbox"},
        "meeting_reminder_two_hours": {"email", "inbox"},
    }
    assert {m["activity_id"] for m in theirs if m["rule"] != "community_welcome"} == {
        meeting.activity_id
    }
    # Leaving and joining again is no news worth a second welcome.
    await handled(
        session,
        MemberLeft(
            community_id=group.community_id, person_id=newcomer.person_id, until=date.today()
        ),
        joined(group, newcomer.person_id),
    )
    again = await rows(session, messages.c.person_id == newcomer.person_id)
    assert len([m for m in again if m["rule"] == "community_welcome"]) == 2


async def test_the_uploader_hears_that_an_import_finished(session: AsyncSession) -> None:
    uploader = a_person(BANJARBARU)
    finished = ImportFinished(
        import_id=uuid.uuid4(),
        service="membership",
        kind="people",
        dry_run=False,
        status="succeeded",
        uploader_person_id=uploader.person_id,
        filename="ptk.xlsx",
        created=120,
        rejected=3,
        finished_at=datetime.now(UTC),
    )
    nobodys = ImportFinished(
        **(finished.model_dump() | {"import_id": uuid.uuid4(), "uploader_person_id": None})
    )
    await handled(session, uploader, finished, nobodys)
    planned = await rows(session, messages.c.person_id == uploader.person_id)
    assert by_rule(planned) == {"import_finished": {"email", "inbox"}}
    assert {m["status"] for m in planned} == {"queued"}
    assert planned[0]["event_key"] == f"import:{finished.import_id}"
    assert planned[0]["context"]["created"] == 120
    assert planned[0]["context"]["rejected"] == 3
    assert await rows(session, messages.c.event_key == f"import:{nobodys.import_id}") == []
