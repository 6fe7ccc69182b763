"""Use cases of people (PTK): register, change, merge duplicates, read, export and erase."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from kombel_events.membership import (
    PersonErased,
    PersonMerged,
    PersonRegistered,
    PersonUpdated,
    Position,
)
from kombel_runtime.auth import Principal
from kombel_runtime.errors import Conflict, DomainError, Invalid
from kombel_runtime.ids import uuid7
from kombel_runtime.imports.retention import forget_in_import_rows
from kombel_runtime.outbox import record_events
from kombel_runtime.pagination import Page, contains, keyset_page
from kombel_runtime.person_rows import PersonDraft
from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from membership.db import records
from membership.db.audit import audit
from membership.db.tables import audit_log, people
from membership.domain.access import (
    can_see,
    not_found,
    reachable_people,
    registered_elsewhere,
    require_manager_of_school,
)
from membership.domain.people import (
    ChangePerson,
    ErasePerson,
    MergePerson,
    check_active,
    check_merge,
    erased,
    identities_to_keep,
    state_event,
)

_IDENTITY_LABELS = {"nuptk": "NUPTK", "email": "email", "phone": "nomor HP/WA"}


@dataclass(frozen=True)
class PeopleFilter:
    province: str | None = None
    kabkota: str | None = None
    npsn: str | None = None
    position: Position | None = None
    q: str | None = None


async def _school_for(session: AsyncSession, principal: Principal, npsn: str) -> dict[str, Any]:
    school = await records.school(session, npsn)
    if school is None:
        raise Invalid(
            "school_unknown",
            f"Sekolah dengan NPSN {npsn} belum terdaftar. Daftarkan sekolahnya dulu.",
        )
    require_manager_of_school(principal, school["kabkota_code"], school["npsn"])
    return school


def _duplicate(principal: Principal, found: tuple[dict[str, Any], str]) -> DomainError:
    """Who holds the identity, for callers who may see that person; for others only that it
    is taken."""
    person, field = found
    if not can_see(principal, person["kabkota_code"], person["school_npsn"]):
        return registered_elsewhere("PTK dengan NUPTK, email atau nomor HP/WA")
    return Conflict(
        "person_duplicate",
        f"Sudah ada PTK dengan {_IDENTITY_LABELS[field]} yang sama. Perbarui data orang itu, "
        "atau gabungkan.",
        details=[{"existing_id": str(person["id"]), "matched_on": field}],
    )


async def register_person(
    session: AsyncSession, principal: Principal, command: PersonDraft, source: str
) -> dict[str, Any]:
    school = await _school_for(session, principal, command.school_npsn)
    values = command.model_dump()
    found = await records.duplicate_of(session, values)
    if found is not None:
        raise _duplicate(principal, found)
    row = values | {
        "id": uuid7(),
        "province_code": school["province_code"],
        "kabkota_code": school["kabkota_code"],
    }
    await session.execute(people.insert().values(**row))
    await record_events(session, source, [state_event(row, PersonRegistered)])
    await audit(session, principal, "person.registered", str(row["id"]))
    return row | {"status": "active", "merged_into": None}


async def person(
    session: AsyncSession, principal: Principal, person_id: UUID, *, lock: bool = False
) -> dict[str, Any]:
    """The person, if the caller may see them; `lock` holds the row until the transaction
    ends."""
    row = await records.person(session, person_id, lock=lock)
    if row is None:
        raise not_found("PTK")
    if can_see(principal, row["kabkota_code"], row["school_npsn"]):
        return row
    reachable = await session.scalar(
        select(people.c.id).where(people.c.id == person_id, reachable_people(principal))
    )
    if reachable is None:
        raise not_found("PTK")
    return row


async def change_person(
    session: AsyncSession, principal: Principal, command: ChangePerson, source: str
) -> dict[str, Any]:
    changes = dict(command.changes)
    row = await person(session, principal, command.person_id, lock=True)
    check_active(row, "Data PTK ini sudah digabung atau dihapus; tidak bisa diubah.")
    require_manager_of_school(principal, row["kabkota_code"], row["school_npsn"])
    if "school_npsn" in changes:
        school = await _school_for(session, principal, changes["school_npsn"])
        changes |= {
            "province_code": school["province_code"],
            "kabkota_code": school["kabkota_code"],
        }
    found = await records.duplicate_of(session, changes, excluding=command.person_id)
    if found is not None:
        raise _duplicate(principal, found)
    updated = row | changes
    if updated == row:
        return updated
    await session.execute(
        people.update()
        .where(people.c.id == command.person_id)
        .values(**changes, updated_at=datetime.now(UTC))
    )
    await record_events(session, source, [state_event(updated, PersonUpdated)])
    subject = str(command.person_id)
    await audit(session, principal, "person.updated", subject, fields=sorted(changes))
    if updated["kabkota_code"] != row["kabkota_code"]:
        # A move between regions: only staff who cover both get here (the old school and the
        # new one are each checked above); imports never move anyone.
        await audit(
            session,
            principal,
            "person.transferred",
            subject,
            from_kabkota=row["kabkota_code"],
            to_kabkota=updated["kabkota_code"],
        )
    return updated


async def merge_person(
    session: AsyncSession, principal: Principal, command: MergePerson, source: str
) -> dict[str, Any]:
    """Fold a duplicate into the record that stays; the kept record as it is now."""
    check_merge(command)
    duplicate = await person(session, principal, command.person_id, lock=True)
    keeper = await person(session, principal, command.into, lock=True)
    for row in (duplicate, keeper):
        require_manager_of_school(principal, row["kabkota_code"], row["school_npsn"])
        check_active(row, "Salah satu data PTK sudah digabung atau dihapus.")
    filled = identities_to_keep(keeper, duplicate)
    now = datetime.now(UTC)
    await session.execute(
        people.update()
        .where(people.c.id == command.person_id)
        .values(
            status="merged",
            merged_into=command.into,
            nuptk=None,
            nip=None,
            email=None,
            phone=None,
            updated_at=now,
        )
    )
    kept = keeper | filled
    events: list[Any] = [PersonMerged(person_id=command.person_id, into_person_id=command.into)]
    if filled:
        await session.execute(
            people.update().where(people.c.id == command.into).values(**filled, updated_at=now)
        )
        events.append(state_event(kept, PersonUpdated))
    await record_events(session, source, events)
    await audit(session, principal, "person.merged", str(command.person_id), into=str(command.into))
    return kept


async def export_person(
    session: AsyncSession, principal: Principal, person_id: UUID
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The person and the trail of what was done to their data, oldest first; the export
    leaves a trace of its own."""
    row = await person(session, principal, person_id)
    trail = (
        await session.execute(
            select(audit_log.c.at, audit_log.c.action, audit_log.c.detail)
            .where(audit_log.c.subject == str(person_id))
            .order_by(audit_log.c.at)
        )
    ).mappings()
    changes = [dict(t) for t in trail]
    await audit(session, principal, "person.exported", str(person_id))
    return row, changes


async def erase_person(
    session: AsyncSession, principal: Principal, command: ErasePerson, source: str
) -> dict[str, Any]:
    row = await person(session, principal, command.person_id, lock=True)
    require_manager_of_school(principal, row["kabkota_code"], row["school_npsn"])
    blanked = erased(command.person_id)
    now = datetime.now(UTC)
    await session.execute(
        people.update().where(people.c.id == command.person_id).values(**blanked, updated_at=now)
    )
    await forget_in_import_rows(session, row)
    await record_events(session, source, [PersonErased(person_id=command.person_id, erased_at=now)])
    await audit(session, principal, "person.erased", str(command.person_id))
    return row | blanked


async def list_people(
    session: AsyncSession,
    principal: Principal,
    search: PeopleFilter,
    *,
    limit: int,
    cursor: str | None,
) -> Page[dict[str, Any]]:
    """One page of the active people the caller reaches; a bulk read, so it is audited."""
    where = [reachable_people(principal), people.c.status == "active"]
    if search.province:
        where.append(people.c.province_code == search.province)
    if search.kabkota:
        where.append(people.c.kabkota_code == search.kabkota)
    if search.npsn:
        where.append(people.c.school_npsn == search.npsn.upper())
    if search.position:
        where.append(people.c.position == search.position.value)
    if search.q:
        where.append(
            or_(
                people.c.full_name.ilike(contains(search.q)),
                people.c.nuptk == search.q.strip(),
                people.c.email == search.q.strip().lower(),
            )
        )
    page = await keyset_page(
        session,
        select(people).where(and_(*where)),
        people.c.id,
        limit=limit,
        cursor=cursor,
        item=dict,
        parse=UUID,
    )
    await audit(
        session,
        principal,
        "people.listed",
        None,
        filters={
            "province": search.province,
            "kabkota": search.kabkota,
            "npsn": search.npsn,
            "q": bool(search.q),
        },
        returned=len(page.items),
    )
    return page
