"""Use cases of a community's activities: log, read, change, delete, and share good practice.

Each takes a session, the caller and a command, applies the rules, writes, records its events
in the outbox in the caller's transaction, and returns the result.
"""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from kombel_events.activities import (
    ActivityChanged,
    ActivityDeleted,
    ActivityLogged,
    GoodPracticeShared,
    Mode,
)
from kombel_runtime.auth import Principal, Role
from kombel_runtime.errors import Conflict, Forbidden, Invalid
from kombel_runtime.ids import uuid7
from kombel_runtime.outbox import record_events
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from activities.db.tables import activities, replica_memberships
from activities.domain.access import Standing, not_found, require_reader, require_writer
from activities.domain.activities import (
    check_good_practice,
    check_how_held,
    duration_of,
    place_start,
)
from activities.schemas import ActivityChanges, ActivityIn
from activities.services.attendance_records import (
    Roll,
    add_present,
    attendees_of,
    checked_roll,
    members_present,
)
from activities.services.communities import standing_in

WHAT = "Kegiatan"


def _state(row: dict[str, Any], attendees: int) -> dict[str, Any]:
    return {
        "activity_id": row["id"],
        "community_id": row["community_id"],
        "province_code": row["province_code"],
        "kabkota_code": row["kabkota_code"],
        "title": row["title"],
        "phase": row["phase"],
        "mode": row["mode"],
        "starts_at": row["starts_at"],
        "timezone": row["timezone"],
        "duration_minutes": row["duration_minutes"],
        "attendees": attendees,
        "good_practice": row["good_practice"],
    }


def _shared(row: dict[str, Any]) -> GoodPracticeShared:
    return GoodPracticeShared(
        activity_id=row["id"],
        community_id=row["community_id"],
        province_code=row["province_code"],
        kabkota_code=row["kabkota_code"],
        title=row["title"],
        summary=row["good_practice_summary"],
    )


async def _check_speakers(
    session: AsyncSession, community_id: UUID, speakers: list[dict[str, Any]]
) -> None:
    """A speaker named by id is a member of the community."""
    ids = {UUID(str(s["person_id"])) for s in speakers if s.get("person_id")}
    if not ids:
        return
    found = set(
        (
            await session.execute(
                select(replica_memberships.c.person_id).where(
                    replica_memberships.c.community_id == community_id,
                    replica_memberships.c.person_id.in_(ids),
                )
            )
        ).scalars()
    )
    if ids - found:
        raise Invalid(
            "speaker_not_member",
            "Narasumber yang disebut dengan `person_id` harus anggota komunitas; tulis tamu "
            "dengan `name`.",
            details=[{"field": "speakers", "code": "speaker_not_member"}],
        )


async def log_activity(
    session: AsyncSession,
    source: str,
    principal: Principal,
    community_id: UUID,
    command: ActivityIn,
) -> tuple[dict[str, Any], int]:
    place = require_writer(await standing_in(session, principal, community_id))
    community = place.community
    start = place_start(command.starts_at, community["kabkota_code"], datetime.now(UTC))
    minutes = duration_of(start, command.duration_minutes, command.ends_at)
    values = command.model_dump(mode="json", exclude={"ends_at", "starts_at", "attendance"})
    check_how_held(command.mode, values["place"], values["meeting_url"])
    check_good_practice(command.good_practice, command.good_practice_summary)
    await _check_speakers(session, community_id, values["speakers"])
    row = values | {
        "id": uuid7(),
        "community_id": community_id,
        "province_code": community["province_code"],
        "kabkota_code": community["kabkota_code"],
        "starts_at": start.utc,
        "timezone": start.timezone.value,
        "duration_minutes": minutes,
        "featured": False,
        "erased_attendees": 0,
        "recorded_by": principal.subject,
    }
    roll = Roll(frozenset(), [], 0)
    if command.attendance is not None:
        roll = await checked_roll(session, row, command.attendance)
    row |= roll.guest_columns()
    await session.execute(activities.insert().values(**row))
    await add_present(session, principal, row["id"], roll.members)
    state = _state(row, attendees_of(row, len(roll.members)))
    events: list[Any] = [ActivityLogged.model_validate(state)]
    if row["good_practice"]:
        events.append(_shared(row))
    await record_events(session, source, events)
    return row, len(roll.members)


async def _activity(
    session: AsyncSession, activity_id: UUID, *, lock: bool = False
) -> dict[str, Any] | None:
    query = select(activities).where(activities.c.id == activity_id)
    if lock:
        query = query.with_for_update()
    row = (await session.execute(query)).mappings().first()
    return dict(row) if row else None


async def readable_activity(
    session: AsyncSession, principal: Principal, activity_id: UUID
) -> tuple[dict[str, Any], Standing]:
    row = await _activity(session, activity_id)
    if row is None:
        raise not_found(WHAT)
    place = require_reader(await standing_in(session, principal, row["community_id"]), WHAT)
    return row, place


async def writable_activity(
    session: AsyncSession, principal: Principal, activity_id: UUID
) -> dict[str, Any]:
    row = await _activity(session, activity_id, lock=True)
    if row is None:
        raise not_found(WHAT)
    require_writer(await standing_in(session, principal, row["community_id"]), WHAT)
    return row


async def change_activity(
    session: AsyncSession,
    source: str,
    principal: Principal,
    activity_id: UUID,
    command: ActivityChanges,
) -> tuple[dict[str, Any], int]:
    """The activity as changed, and its members present."""
    row = await writable_activity(session, principal, activity_id)
    changes = command.model_dump(mode="json", exclude_unset=True, exclude={"ends_at", "starts_at"})
    if {"starts_at", "ends_at", "duration_minutes"} & command.model_fields_set:
        start = place_start(
            command.starts_at or row["starts_at"], row["kabkota_code"], datetime.now(UTC)
        )
        changes["starts_at"] = start.utc
        changes["duration_minutes"] = duration_of(
            start, command.duration_minutes or row["duration_minutes"], command.ends_at
        )
    updated = row | changes
    check_how_held(Mode(updated["mode"]), updated["place"], updated["meeting_url"])
    check_good_practice(updated["good_practice"], updated["good_practice_summary"])
    if "speakers" in changes:
        await _check_speakers(session, row["community_id"], changes["speakers"])
    present = await members_present(session, activity_id)
    if updated == row:
        return row, present
    await session.execute(
        update(activities)
        .where(activities.c.id == activity_id)
        .values(**changes, updated_at=datetime.now(UTC))
    )
    events: list[Any] = [
        ActivityChanged.model_validate(_state(updated, attendees_of(updated, present)))
    ]
    if updated["good_practice"] and not row["good_practice"]:
        events.append(_shared(updated))
    await record_events(session, source, events)
    return updated, present


async def delete_activity(
    session: AsyncSession, source: str, principal: Principal, activity_id: UUID
) -> dict[str, Any]:
    """The activity and its attendance go (its files with it, by the caller)."""
    row = await writable_activity(session, principal, activity_id)
    await session.execute(delete(activities).where(activities.c.id == activity_id))
    await record_events(
        session,
        source,
        [
            ActivityDeleted(
                activity_id=activity_id,
                community_id=row["community_id"],
                deleted_at=datetime.now(UTC),
            )
        ],
    )
    return row


def good_practice_scope(principal: Principal) -> Any:
    """The good practice a caller may search: staff their region's."""
    found = principal.region_filter(activities.c.province_code, activities.c.kabkota_code)
    if found is None:
        raise Forbidden(
            "forbidden",
            "Pencarian praktik baik untuk staf nasional, provinsi atau kabupaten/kota.",
        )
    return found


async def feature(
    session: AsyncSession, principal: Principal, activity_id: UUID, featured: bool
) -> dict[str, Any]:
    """Province staff (and national) feature good practice of their province."""
    row = await _activity(session, activity_id, lock=True)
    if row is None or not principal.covers_region(row["kabkota_code"]):
        raise not_found(WHAT)
    if not principal.has_any(Role.NATIONAL_ADMIN, Role.PROVINCE_STAFF):
        raise Forbidden("forbidden", "Hanya staf provinsi yang menampilkan praktik baik.")
    if not row["good_practice"]:
        raise Conflict("not_good_practice", "Kegiatan ini tidak ditandai sebagai praktik baik.")
    await session.execute(
        update(activities).where(activities.c.id == activity_id).values(featured=featured)
    )
    return row | {"featured": featured}
