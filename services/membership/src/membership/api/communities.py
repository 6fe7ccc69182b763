"""`/membership/communities`: learning communities, their details and their members."""

from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Response, status
from kombel_events.membership import (
    CommunityArchived,
    CommunityKind,
    CommunityUpdated,
    ForumType,
    Frequency,
    Jenjang,
    KabkotaCode,
    MemberLeft,
    MemberRole,
    MemberRoleChanged,
    Schedule,
)
from kombel_runtime.auth import CurrentPrincipal, Principal, Role
from kombel_runtime.errors import ApiError
from kombel_runtime.locks import COMMUNITY_NAMES
from kombel_runtime.outbox import record_events
from kombel_runtime.pagination import Page, contains, keyset_page
from kombel_runtime.patch import not_null
from kombel_runtime.service import DbSession, Runtime
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, StringConstraints
from sqlalchemy import ColumnElement, and_, false, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from membership.api.scope import not_found
from membership.db import records
from membership.db.audit import audit
from membership.db.tables import communities, memberships, people, schools
from membership.domain.communities import (
    MeetingTimes,
    RegisterCommunity,
    can_manage_community,
    can_see_community,
    check_details,
    check_penggerak_kept,
    may_enrol,
    name_key,
    register_community,
    schedule_in_place,
)
from membership.services.memberships import join

router = APIRouter(prefix="/communities", tags=["communities"])

Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]


class ScheduleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    frequency: Frequency
    weekday: int = Field(ge=1, le=7, description="1 = Senin … 7 = Minggu")
    week_of_month: int | None = Field(default=None, ge=1, le=5)
    start: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["16:00"])
    end: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["17:30"])

    def times(self) -> MeetingTimes:
        return MeetingTimes(self.frequency, self.weekday, self.start, self.end, self.week_of_month)


class CommunityIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "KKG Gugus 3 Sidikalang",
                    "kind": "antar_sekolah",
                    "forum_type": "KKG",
                    "jenjang": ["SD"],
                    "kabkota_code": "12.11",
                    "schedule": {
                        "frequency": "mingguan",
                        "weekday": 4,
                        "start": "16:00",
                        "end": "17:30",
                    },
                }
            ]
        },
    )

    name: Text200
    kind: CommunityKind
    forum_type: ForumType
    jenjang: list[Jenjang] = Field(min_length=1, max_length=7)
    kabkota_code: KabkotaCode = Field(description="Kode Kemendagri kabupaten/kota, mis. 12.11")
    subject_name: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None
    ) = Field(default=None, description="Mata pelajaran (wajib untuk MGMP)")
    host_school_npsns: list[str] = Field(default_factory=list, max_length=50)
    schedule: ScheduleIn | None = None
    pmm_url: HttpUrl | None = Field(
        default=None, description="Tautan komunitas di Platform Merdeka Mengajar"
    )


class CommunityChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Text200 | None = None
    forum_type: ForumType | None = None
    jenjang: list[Jenjang] | None = Field(default=None, min_length=1, max_length=7)
    subject_name: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None
    ) = None
    host_school_npsns: list[str] | None = Field(default=None, max_length=50)
    schedule: ScheduleIn | None = None
    pmm_url: HttpUrl | None = None

    _required = not_null("name", "forum_type", "jenjang", "host_school_npsns")


class CommunityOut(BaseModel):
    id: UUID
    name: str
    kind: CommunityKind
    forum_type: ForumType
    jenjang: list[Jenjang]
    province_code: str
    kabkota_code: str
    status: str
    subject_name: str | None = None
    host_school_npsns: list[str] = []
    schedule: Schedule | None = None
    pmm_url: str | None = None


class MemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: UUID
    role: MemberRole = MemberRole.ANGGOTA
    since: date | None = None


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: MemberRole
    since: date | None = None


class MemberOut(BaseModel):
    """What a community's leads and members see of each other: no contacts, no NUPTK or NIP."""

    person_id: UUID
    full_name: str
    school_npsn: str
    school_name: str
    role: MemberRole
    started_on: date
    ended_on: date | None = None


async def _check_hosts(session: AsyncSession, npsns: list[str]) -> None:
    for npsn in npsns:
        if await records.school(session, npsn) is None:
            raise ApiError(
                422, "school_unknown", f"Sekolah induk dengan NPSN {npsn} belum terdaftar."
            )


async def _check_name_free(
    session: AsyncSession, principal: Principal, kabkota_code: str, name: str
) -> None:
    """One name per active community within a kabupaten/kota (as the imports match them).
    Registrations of one kabupaten/kota take turns, so two at once cannot both pass."""
    await session.execute(COMMUNITY_NAMES.xact_lock(func.hashtext(kabkota_code)))
    existing = (
        (
            await session.execute(
                select(communities).where(
                    communities.c.status == "active",
                    communities.c.kabkota_code == kabkota_code,
                    records.community_name_key == name_key(name),
                )
            )
        )
        .mappings()
        .first()
    )
    if existing is not None:
        seen = can_see_community(principal, dict(existing))
        raise ApiError(
            409,
            "community_exists",
            "Sudah ada komunitas aktif dengan nama ini di kabupaten/kota yang sama. Beri nama "
            "yang membedakan, mis. dengan nama kecamatan atau sekolahnya.",
            details=[{"existing_id": str(existing["id"])}] if seen else None,
        )


async def _community(
    session: AsyncSession, principal: Principal, community_id: UUID, *, lock: bool = False
) -> dict[str, Any]:
    query = select(communities).where(communities.c.id == community_id)
    if lock:
        query = query.with_for_update()
    row = (await session.execute(query)).mappings().first()
    if row is None or not can_see_community(principal, dict(row)):
        raise not_found("Komunitas")
    return dict(row)


def _require_manager(principal: Principal, community: dict[str, Any]) -> None:
    if not can_manage_community(principal, community):
        raise ApiError(
            403,
            "forbidden",
            "Hanya staf wilayahnya atau penggerak komunitas ini yang boleh mengubahnya.",
        )
    if community["status"] != "active":
        raise ApiError(409, "community_archived", "Komunitas ini sudah diarsipkan.")


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CommunityOut,
    summary="Daftarkan komunitas belajar",
    responses={
        403: {"description": "Di luar peran atau wilayah kewenangan"},
        409: {"description": "Nama sudah dipakai komunitas aktif di kabupaten/kota yang sama"},
        422: {"description": "Data tidak sah"},
    },
)
async def register(
    body: CommunityIn,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
    response: Response,
) -> CommunityOut:
    command = RegisterCommunity(
        **body.model_dump(exclude={"schedule", "pmm_url"}),
        schedule=body.schedule.times() if body.schedule else None,
        pmm_url=str(body.pmm_url) if body.pmm_url else None,
    )
    community, event = register_community(principal, command)
    row = asdict(community) | {
        "schedule": community.schedule.model_dump() if community.schedule else None
    }
    async with session.begin():
        await _check_name_free(session, principal, community.kabkota_code, community.name)
        await _check_hosts(session, community.host_school_npsns)
        await session.execute(communities.insert().values(**row))
        await record_events(session, runtime.source, [event])
    response.headers["Location"] = f"/membership/communities/{community.id}"
    return CommunityOut.model_validate(row)


@router.get("", response_model=Page[CommunityOut], summary="Daftar komunitas belajar")
async def list_communities(
    principal: CurrentPrincipal,
    session: DbSession,
    province: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
    kabkota: Annotated[str | None, Query(pattern=r"^\d{2}\.\d{2}$")] = None,
    jenjang: Jenjang | None = None,
    kind: CommunityKind | None = None,
    forum_type: ForumType | None = None,
    status_: Annotated[str, Query(alias="status", pattern="^(active|archived|all)$")] = "active",
    q: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: str | None = None,
) -> Page[CommunityOut]:
    where = [_visible(principal)]
    for column, value in (
        (communities.c.province_code, province),
        (communities.c.kabkota_code, kabkota),
        (communities.c.kind, kind),
        (communities.c.forum_type, forum_type),
    ):
        if value:
            where.append(column == value)
    if jenjang:
        where.append(communities.c.jenjang.any(jenjang.value))
    if status_ != "all":
        where.append(communities.c.status == status_)
    if q:
        where.append(
            or_(
                communities.c.name.ilike(contains(q)), communities.c.subject_name.ilike(contains(q))
            )
        )
    query = select(communities).where(and_(*where))
    return await keyset_page(
        session,
        query,
        communities.c.id,
        limit=limit,
        cursor=cursor,
        item=CommunityOut.model_validate,
        parse=UUID,
    )


def _visible(principal: Principal) -> ColumnElement[bool]:
    staff = principal.region_filter(communities.c.province_code, communities.c.kabkota_code)
    if staff is not None:
        return staff
    conditions = []
    if principal.community_ids:
        conditions.append(communities.c.id.in_(principal.community_ids))
    if principal.has_any(Role.PRINCIPAL) and principal.npsn:
        conditions.append(communities.c.host_school_npsns.any(principal.npsn))
    return or_(*conditions) if conditions else false()


@router.get("/{community_id}", response_model=CommunityOut, summary="Satu komunitas")
async def get_community(
    community_id: UUID, principal: CurrentPrincipal, session: DbSession
) -> CommunityOut:
    return CommunityOut.model_validate(await _community(session, principal, community_id))


@router.patch("/{community_id}", response_model=CommunityOut, summary="Ubah data komunitas")
async def change_community(
    community_id: UUID,
    body: CommunityChanges,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
) -> CommunityOut:
    changes = body.model_dump(exclude_unset=True, exclude={"schedule", "pmm_url"})
    async with session.begin():
        row = await _community(session, principal, community_id, lock=True)
        _require_manager(principal, row)
        if "schedule" in body.model_fields_set:
            schedule = schedule_in_place(
                body.schedule.times() if body.schedule else None, row["kabkota_code"]
            )
            changes["schedule"] = schedule.model_dump() if schedule else None
        if "pmm_url" in body.model_fields_set:
            changes["pmm_url"] = str(body.pmm_url) if body.pmm_url else None
        updated = row | changes
        check_details(
            updated["kind"],
            ForumType(updated["forum_type"]),
            updated["subject_name"],
            updated["host_school_npsns"],
        )
        if "host_school_npsns" in changes:
            await _check_hosts(session, changes["host_school_npsns"])
        if name_key(updated["name"]) != name_key(row["name"]):
            await _check_name_free(session, principal, row["kabkota_code"], updated["name"])
        if updated != row:
            await session.execute(
                update(communities)
                .where(communities.c.id == community_id)
                .values(**changes, updated_at=datetime.now(UTC))
            )
            event = CommunityUpdated.model_validate(updated | {"community_id": community_id})
            await record_events(session, runtime.source, [event])
    return CommunityOut.model_validate(updated)


@router.post("/{community_id}/archive", response_model=CommunityOut, summary="Arsipkan komunitas")
async def archive_community(
    community_id: UUID, principal: CurrentPrincipal, session: DbSession, runtime: Runtime
) -> CommunityOut:
    async with session.begin():
        row = await _community(session, principal, community_id, lock=True)
        if not principal.covers_region(row["kabkota_code"]):
            raise ApiError(
                403, "forbidden", "Hanya staf wilayahnya yang boleh mengarsipkan komunitas."
            )
        if row["status"] == "archived":
            return CommunityOut.model_validate(row)
        now = datetime.now(UTC)
        await session.execute(
            update(communities)
            .where(communities.c.id == community_id)
            .values(status="archived", updated_at=now)
        )
        await record_events(
            session, runtime.source, [CommunityArchived(community_id=community_id, archived_at=now)]
        )
    return CommunityOut.model_validate(row | {"status": "archived"})


async def _current_start(session: AsyncSession, community_id: UUID, person_id: UUID) -> date:
    """When the current membership (its role) began; callers know the person is a member."""
    started: date = (
        await session.execute(
            select(memberships.c.started_on).where(
                memberships.c.community_id == community_id,
                memberships.c.person_id == person_id,
                memberships.c.ended_on.is_(None),
            )
        )
    ).scalar_one()
    return started


async def _check_after_start(
    session: AsyncSession, community_id: UUID, person_id: UUID, day: date
) -> None:
    started = await _current_start(session, community_id, person_id)
    if day < started:
        raise ApiError(
            422,
            "date_before_start",
            f"Tanggal itu sebelum keanggotaan saat ini dimulai ({started.isoformat()}).",
        )


async def _member_roles(
    session: AsyncSession, principal: Principal, community_id: UUID, person_id: UUID
) -> dict[UUID, MemberRole]:
    """The current roles of a community the caller manages, which `person_id` is among."""
    community = await _community(session, principal, community_id, lock=True)
    _require_manager(principal, community)
    roles = await _current_roles(session, community_id)
    if person_id not in roles:
        raise not_found("Anggota")
    return roles


async def _current_roles(session: AsyncSession, community_id: UUID) -> dict[UUID, MemberRole]:
    return {
        p: MemberRole(r) for p, r in (await records.current_roles(session, community_id)).items()
    }


@router.get("/{community_id}/members", response_model=list[MemberOut], summary="Anggota komunitas")
async def list_members(
    community_id: UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    history: Annotated[bool, Query(description="Sertakan keanggotaan yang sudah berakhir")] = False,
) -> list[MemberOut]:
    await _community(session, principal, community_id)
    query = (
        select(
            memberships.c.person_id,
            people.c.full_name,
            people.c.school_npsn,
            schools.c.name.label("school_name"),
            memberships.c.role,
            memberships.c.started_on,
            memberships.c.ended_on,
        )
        .join(people, people.c.id == memberships.c.person_id)
        .join(schools, schools.c.npsn == people.c.school_npsn)
        .where(memberships.c.community_id == community_id)
        .order_by(memberships.c.started_on, memberships.c.id)
    )
    if not history:
        query = query.where(memberships.c.ended_on.is_(None))
    return [MemberOut.model_validate(dict(r)) for r in (await session.execute(query)).mappings()]


@router.post(
    "/{community_id}/members",
    status_code=status.HTTP_201_CREATED,
    response_model=MemberOut,
    summary="Tambahkan anggota",
)
async def add_member(
    community_id: UUID,
    body: MemberIn,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
) -> MemberOut:
    since = body.since or date.today()
    async with session.begin():
        community = await _community(session, principal, community_id, lock=True)
        _require_manager(principal, community)
        person = await records.person(session, body.person_id)
        # Unknown and out of reach answer alike: adding is not a way to find people.
        if (
            person is None
            or person["status"] != "active"
            or not may_enrol(principal, community, person)
        ):
            raise ApiError(
                422,
                "person_out_of_reach",
                "PTK ini tidak ditemukan di wilayah yang Anda kelola. Staf menambahkan PTK "
                "wilayahnya, penggerak menambahkan PTK kabupaten/kota komunitasnya; PTK dari "
                "wilayah lain bergabung lewat undangan yang ia terima "
                f"(POST /membership/communities/{community_id}/invitations).",
            )
        if body.person_id in await _current_roles(session, community_id):
            raise ApiError(409, "already_member", "PTK ini sudah menjadi anggota komunitas.")
        await join(
            session, runtime.source, principal, community_id, body.person_id, body.role, since
        )
        card = await records.member_card(session, body.person_id)
    return MemberOut(**card, person_id=body.person_id, role=body.role, started_on=since)


@router.patch(
    "/{community_id}/members/{person_id}", response_model=MemberOut, summary="Ubah peran anggota"
)
async def change_role(
    community_id: UUID,
    person_id: UUID,
    body: RoleChange,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
) -> MemberOut:
    since = body.since or date.today()
    async with session.begin():
        roles = await _member_roles(session, principal, community_id, person_id)
        previous = roles[person_id]
        card = await records.member_card(session, person_id)
        if previous is body.role:
            return MemberOut(
                **card,
                person_id=person_id,
                role=previous,
                started_on=await _current_start(session, community_id, person_id),
            )
        check_penggerak_kept(roles, person_id, body.role)
        await _check_after_start(session, community_id, person_id, since)
        # History: the old role ends where the new one starts.
        await records.end_membership(session, community_id, person_id, since)
        await session.execute(
            memberships.insert().values(
                community_id=community_id,
                person_id=person_id,
                role=body.role.value,
                started_on=since,
                recorded_by=principal.subject,
            )
        )
        await record_events(
            session,
            runtime.source,
            [
                MemberRoleChanged(
                    community_id=community_id,
                    person_id=person_id,
                    previous_role=previous,
                    role=body.role,
                    since=since,
                )
            ],
        )
    return MemberOut(**card, person_id=person_id, role=body.role, started_on=since)


@router.delete(
    "/{community_id}/members/{person_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Keluarkan anggota",
)
async def remove_member(
    community_id: UUID,
    person_id: UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
    until: date | None = None,
) -> Response:
    until = until or date.today()
    async with session.begin():
        roles = await _member_roles(session, principal, community_id, person_id)
        check_penggerak_kept(roles, person_id, None)
        await _check_after_start(session, community_id, person_id, until)
        await records.end_membership(session, community_id, person_id, until)
        await record_events(
            session,
            runtime.source,
            [MemberLeft(community_id=community_id, person_id=person_id, until=until)],
        )
        await audit(session, principal, "member.left", str(person_id), community=str(community_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
