"""`/membership/people`: teachers and education staff (PTK), their duplicates and their data."""

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Response, status
from kombel_events.membership import (
    PersonErased,
    PersonMerged,
    PersonRegistered,
    PersonUpdated,
    Position,
)
from kombel_runtime.auth import CurrentPrincipal, Principal
from kombel_runtime.errors import ApiError
from kombel_runtime.ids import uuid7
from kombel_runtime.outbox import record_events
from kombel_runtime.pagination import Page, contains, keyset_page
from kombel_runtime.patch import not_null
from kombel_runtime.service import DbSession, Runtime
from pydantic import BaseModel, ConfigDict
from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from membership.api.scope import (
    can_see,
    not_found,
    registered_elsewhere,
    require_manager_of_school,
    visible,
)
from membership.db import records
from membership.db.audit import audit
from membership.db.tables import audit_log, people
from membership.domain.drafts import PersonDraft
from membership.imports.retention import forget_in_import_rows

router = APIRouter(prefix="/people", tags=["people"])

_STATE_FIELDS = (
    "full_name",
    "nuptk",
    "nip",
    "email",
    "phone",
    "position",
    "school_npsn",
    "province_code",
    "kabkota_code",
)


class PersonOut(BaseModel):
    id: UUID
    full_name: str
    nuptk: str | None
    nip: str | None
    email: str | None
    phone: str | None
    position: Position
    school_npsn: str
    province_code: str
    kabkota_code: str
    status: str
    merged_into: UUID | None


class PersonChanges(PersonDraft):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    full_name: str | None = None  # type: ignore[assignment]
    school_npsn: str | None = None  # type: ignore[assignment]

    _required = not_null("full_name", "school_npsn", "position")


class MergeRequest(BaseModel):
    into: UUID


def _state_event(
    row: dict[str, Any], kind: type[PersonRegistered] | type[PersonUpdated]
) -> PersonRegistered | PersonUpdated:
    return kind.model_validate({"person_id": row["id"], **{f: row[f] for f in _STATE_FIELDS}})


async def _school_for(session: AsyncSession, principal: Principal, npsn: str) -> dict[str, Any]:
    school = await records.school(session, npsn)
    if school is None:
        raise ApiError(
            422,
            "school_unknown",
            f"Sekolah dengan NPSN {npsn} belum terdaftar. Daftarkan sekolahnya dulu.",
        )
    require_manager_of_school(principal, school["kabkota_code"], school["npsn"])
    return school


def _duplicate(principal: Principal, found: tuple[dict[str, Any], str]) -> ApiError:
    """Who holds the identity, for callers who may see that person; for others only that it
    is taken."""
    person, field = found
    if not can_see(principal, person["kabkota_code"], person["school_npsn"]):
        return registered_elsewhere("PTK dengan NUPTK, email atau nomor HP/WA")
    label = {"nuptk": "NUPTK", "email": "email", "phone": "nomor HP/WA"}[field]
    return ApiError(
        409,
        "person_duplicate",
        f"Sudah ada PTK dengan {label} yang sama. Perbarui data orang itu, atau gabungkan.",
        details=[{"existing_id": str(person["id"]), "matched_on": field}],
    )


@router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=PersonOut, summary="Daftarkan PTK"
)
async def register_person(
    body: PersonDraft,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
    response: Response,
) -> PersonOut:
    async with session.begin():
        school = await _school_for(session, principal, body.school_npsn)
        values = body.model_dump()
        found = await records.duplicate_of(session, values)
        if found is not None:
            raise _duplicate(principal, found)
        row = values | {
            "id": uuid7(),
            "province_code": school["province_code"],
            "kabkota_code": school["kabkota_code"],
        }
        await session.execute(people.insert().values(**row))
        await record_events(session, runtime.source, [_state_event(row, PersonRegistered)])
        await audit(session, principal, "person.registered", str(row["id"]))
    response.headers["Location"] = f"/membership/people/{row['id']}"
    return PersonOut.model_validate(row | {"status": "active", "merged_into": None})


@router.get("", response_model=Page[PersonOut], summary="Daftar PTK")
async def list_people(
    principal: CurrentPrincipal,
    session: DbSession,
    province: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
    kabkota: Annotated[str | None, Query(pattern=r"^\d{2}\.\d{2}$", examples=["12.11"])] = None,
    npsn: str | None = None,
    position: Position | None = None,
    q: Annotated[str | None, Query(max_length=100, description="Nama, NUPTK atau email")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: str | None = None,
) -> Page[PersonOut]:
    where = [reachable_people(principal), people.c.status == "active"]
    if province:
        where.append(people.c.province_code == province)
    if kabkota:
        where.append(people.c.kabkota_code == kabkota)
    if npsn:
        where.append(people.c.school_npsn == npsn.upper())
    if position:
        where.append(people.c.position == position.value)
    if q:
        where.append(
            or_(
                people.c.full_name.ilike(contains(q)),
                people.c.nuptk == q.strip(),
                people.c.email == q.strip().lower(),
            )
        )
    query = select(people).where(and_(*where))
    async with session.begin():
        page = await keyset_page(
            session,
            query,
            people.c.id,
            limit=limit,
            cursor=cursor,
            item=PersonOut.model_validate,
            parse=UUID,
        )
        await audit(
            session,
            principal,
            "people.listed",
            None,
            filters={"province": province, "kabkota": kabkota, "npsn": npsn, "q": bool(q)},
            returned=len(page.items),
        )
    return page


async def _visible_person(
    session: AsyncSession, principal: Principal, person_id: UUID, *, lock: bool = False
) -> dict[str, Any]:
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


def reachable_people(principal: Principal) -> ColumnElement[bool]:
    """Staff their region, principals their school, and everyone their own record. A
    community's lead sees its members through the community (names, schools and roles), never
    their contacts or ids of the state (NUPTK, NIP)."""
    conditions = [visible(principal, people, "school_npsn")]
    if principal.person_id:
        conditions.append(people.c.id == principal.person_id)
    return or_(*conditions)


@router.get("/{person_id}", response_model=PersonOut, summary="Satu PTK")
async def get_person(person_id: UUID, principal: CurrentPrincipal, session: DbSession) -> PersonOut:
    return PersonOut.model_validate(await _visible_person(session, principal, person_id))


@router.patch("/{person_id}", response_model=PersonOut, summary="Ubah data PTK")
async def change_person(
    person_id: UUID,
    body: PersonChanges,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
) -> PersonOut:
    changes = body.model_dump(exclude_unset=True)
    async with session.begin():
        row = await _visible_person(session, principal, person_id, lock=True)
        if row["status"] != "active":
            raise ApiError(
                409,
                "person_inactive",
                "Data PTK ini sudah digabung atau dihapus; tidak bisa diubah.",
            )
        require_manager_of_school(principal, row["kabkota_code"], row["school_npsn"])
        if "school_npsn" in changes:
            school = await _school_for(session, principal, changes["school_npsn"])
            changes |= {
                "province_code": school["province_code"],
                "kabkota_code": school["kabkota_code"],
            }
        found = await records.duplicate_of(session, changes, excluding=person_id)
        if found is not None:
            raise _duplicate(principal, found)
        updated = row | changes
        if updated != row:
            await session.execute(
                people.update()
                .where(people.c.id == person_id)
                .values(**changes, updated_at=datetime.now(UTC))
            )
            await record_events(session, runtime.source, [_state_event(updated, PersonUpdated)])
            await audit(
                session, principal, "person.updated", str(person_id), fields=sorted(changes)
            )
            if updated["kabkota_code"] != row["kabkota_code"]:
                # A move between regions: only staff who cover both get here (the old school
                # and the new one are each checked above); imports never move anyone.
                await audit(
                    session,
                    principal,
                    "person.transferred",
                    str(person_id),
                    from_kabkota=row["kabkota_code"],
                    to_kabkota=updated["kabkota_code"],
                )
    return PersonOut.model_validate(updated)


@router.post(
    "/{person_id}/merge",
    response_model=PersonOut,
    summary="Gabungkan PTK ganda ke data yang dipertahankan",
)
async def merge_person(
    person_id: UUID,
    body: MergeRequest,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
) -> PersonOut:
    if body.into == person_id:
        raise ApiError(422, "merge_into_self", "Data PTK tidak bisa digabung ke dirinya sendiri.")
    async with session.begin():
        duplicate = await _visible_person(session, principal, person_id, lock=True)
        keeper = await _visible_person(session, principal, body.into, lock=True)
        for row in (duplicate, keeper):
            require_manager_of_school(principal, row["kabkota_code"], row["school_npsn"])
            if row["status"] != "active":
                raise ApiError(
                    409, "person_inactive", "Salah satu data PTK sudah digabung atau dihapus."
                )
        # The kept record takes the identities only the duplicate had.
        filled = {
            f: duplicate[f]
            for f in ("nuptk", "nip", "email", "phone")
            if keeper[f] is None and duplicate[f]
        }
        await session.execute(
            people.update()
            .where(people.c.id == person_id)
            .values(
                status="merged",
                merged_into=body.into,
                nuptk=None,
                nip=None,
                email=None,
                phone=None,
                updated_at=datetime.now(UTC),
            )
        )
        kept = keeper | filled
        events: list[Any] = [PersonMerged(person_id=person_id, into_person_id=body.into)]
        if filled:
            await session.execute(
                people.update()
                .where(people.c.id == body.into)
                .values(**filled, updated_at=datetime.now(UTC))
            )
            events.append(_state_event(kept, PersonUpdated))
        await record_events(session, runtime.source, events)
        await audit(session, principal, "person.merged", str(person_id), into=str(body.into))
    return PersonOut.model_validate(kept)


@router.get("/{person_id}/export", summary="Ekspor seluruh data pribadi seorang PTK (UU PDP)")
async def export_person(
    person_id: UUID, principal: CurrentPrincipal, session: DbSession
) -> dict[str, Any]:
    async with session.begin():
        row = await _visible_person(session, principal, person_id)
        trail = (
            (
                await session.execute(
                    select(audit_log.c.at, audit_log.c.action, audit_log.c.detail)
                    .where(audit_log.c.subject == str(person_id))
                    .order_by(audit_log.c.at)
                )
            )
            .mappings()
            .all()
        )
        await audit(session, principal, "person.exported", str(person_id))
    return {
        "person": PersonOut.model_validate(row).model_dump(mode="json"),
        "recorded_at": row["created_at"].isoformat(),
        "changes": [
            {"at": t["at"].isoformat(), "action": t["action"], "detail": t["detail"]} for t in trail
        ],
    }


@router.post(
    "/{person_id}/erase",
    response_model=PersonOut,
    summary="Hapus data pribadi seorang PTK (UU PDP)",
)
async def erase_person(
    person_id: UUID, principal: CurrentPrincipal, session: DbSession, runtime: Runtime
) -> PersonOut:
    async with session.begin():
        row = await _visible_person(session, principal, person_id, lock=True)
        require_manager_of_school(principal, row["kabkota_code"], row["school_npsn"])
        erased = {
            "full_name": f"PTK terhapus {str(person_id)[:8]}",
            "nuptk": None,
            "nip": None,
            "email": None,
            "phone": None,
            "status": "erased",
        }
        now = datetime.now(UTC)
        await session.execute(
            people.update().where(people.c.id == person_id).values(**erased, updated_at=now)
        )
        await forget_in_import_rows(session, row)
        await record_events(
            session, runtime.source, [PersonErased(person_id=person_id, erased_at=now)]
        )
        await audit(session, principal, "person.erased", str(person_id))
    return PersonOut.model_validate(row | erased)
