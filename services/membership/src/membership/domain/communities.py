"""Communities and their members: who may change them, and the rules they keep."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from kombel_events.membership import (
    CommunityKind,
    CommunityRegistered,
    ForumType,
    Frequency,
    Jenjang,
    MemberRole,
    Schedule,
)
from kombel_events.regions import regions
from kombel_runtime.auth import Principal, Role
from kombel_runtime.errors import ApiError
from kombel_runtime.ids import uuid7

REGISTRARS = (Role.NATIONAL_ADMIN, Role.PROVINCE_STAFF, Role.DISTRICT_STAFF)


@dataclass(frozen=True)
class MeetingTimes:
    frequency: Frequency
    weekday: int
    start: str
    end: str
    week_of_month: int | None = None


@dataclass(frozen=True)
class RegisterCommunity:
    name: str
    kind: CommunityKind
    forum_type: ForumType
    jenjang: list[Jenjang]
    kabkota_code: str
    subject_name: str | None = None
    host_school_npsns: list[str] = field(default_factory=list)
    schedule: MeetingTimes | None = None
    pmm_url: str | None = None


@dataclass(frozen=True)
class Community:
    id: UUID
    name: str
    kind: CommunityKind
    forum_type: ForumType
    jenjang: list[Jenjang]
    province_code: str
    kabkota_code: str
    status: str
    registered_at: datetime
    registered_by: str
    subject_name: str | None
    host_school_npsns: list[str]
    schedule: Schedule | None
    pmm_url: str | None


def name_key(name: str) -> str:
    """How two names of one community compare: 'KKG  Gugus 3' is 'kkg gugus 3'."""
    return " ".join(name.split()).lower()


def schedule_in_place(times: MeetingTimes | None, kabkota_code: str) -> Schedule | None:
    """The meeting times with the time zone of the community's place."""
    if times is None:
        return None
    if times.end <= times.start:
        raise ApiError(422, "schedule_invalid", "Jam selesai pertemuan harus setelah jam mulai.")
    if times.frequency is Frequency.MONTHLY and times.week_of_month is None:
        raise ApiError(
            422, "schedule_invalid", "Pertemuan bulanan perlu `week_of_month` (minggu ke-1 … ke-5)."
        )
    region = regions().get(kabkota_code)
    assert region is not None
    return Schedule(
        frequency=times.frequency,
        weekday=times.weekday,
        week_of_month=times.week_of_month,
        start=times.start,
        end=times.end,
        timezone=region.timezone.value,
    )


def check_details(
    kind: CommunityKind | str,
    forum_type: ForumType | str,
    subject_name: str | None,
    hosts: list[str],
) -> None:
    # == rather than `is`: a stored community's kind and forum come back as plain strings.
    if forum_type == ForumType.MGMP and not subject_name:
        raise ApiError(422, "subject_required", "MGMP perlu mata pelajaran (`subject_name`).")
    if kind == CommunityKind.DALAM_SEKOLAH and len(hosts) > 1:
        raise ApiError(
            422, "too_many_host_schools", "Komunitas dalam sekolah hanya punya satu sekolah induk."
        )


def register_community(
    principal: Principal, command: RegisterCommunity
) -> tuple[Community, CommunityRegistered]:
    if not principal.has_any(*REGISTRARS):
        raise ApiError(
            403,
            "forbidden",
            "Hanya staf nasional, provinsi atau kabupaten/kota yang dapat mendaftarkan komunitas.",
        )
    if regions().get(command.kabkota_code) is None:
        raise ApiError(
            422, "region_unknown", f"Kabupaten/kota {command.kabkota_code} tidak dikenal."
        )
    if not principal.covers_region(command.kabkota_code):
        raise ApiError(
            403,
            "outside_scope",
            f"Kabupaten/kota {command.kabkota_code} berada di luar wilayah kewenangan Anda.",
        )
    hosts = list(dict.fromkeys(command.host_school_npsns))
    check_details(command.kind, command.forum_type, command.subject_name, hosts)
    community = Community(
        id=uuid7(),
        name=command.name,
        kind=command.kind,
        forum_type=command.forum_type,
        jenjang=list(dict.fromkeys(command.jenjang)),
        province_code=command.kabkota_code.split(".")[0],
        kabkota_code=command.kabkota_code,
        status="active",
        registered_at=datetime.now(UTC),
        registered_by=principal.subject,
        subject_name=command.subject_name,
        host_school_npsns=hosts,
        schedule=schedule_in_place(command.schedule, command.kabkota_code),
        pmm_url=command.pmm_url,
    )
    event = CommunityRegistered(
        community_id=community.id,
        name=community.name,
        kind=community.kind,
        forum_type=community.forum_type,
        jenjang=community.jenjang,
        province_code=community.province_code,
        kabkota_code=community.kabkota_code,
        registered_at=community.registered_at,
        subject_name=community.subject_name,
        host_school_npsns=community.host_school_npsns,
        schedule=community.schedule,
        pmm_url=community.pmm_url,
    )
    return community, event


def can_manage_community(principal: Principal, community: dict[str, Any]) -> bool:
    """Staff of its region, or a lead of this very community."""
    if principal.covers_region(community["kabkota_code"]):
        return True
    return principal.has_any(Role.COMMUNITY_LEAD) and str(community["id"]) in principal.communities


def may_enrol(principal: Principal, community: dict[str, Any], person: dict[str, Any]) -> bool:
    """Whether a manager of the community may add the person without the person's consent:
    staff add the people of their scope, a lead the people of the community's kabupaten/kota.
    Anyone else (a `daring` community spans provinces) joins by an invitation they accept."""
    if principal.covers_region(person["kabkota_code"]):
        return True
    return (
        can_manage_community(principal, community)
        and person["kabkota_code"] == community["kabkota_code"]
    )


def can_see_community(principal: Principal, community: dict[str, Any]) -> bool:
    if can_manage_community(principal, community) or str(community["id"]) in principal.communities:
        return True
    return principal.has_any(Role.PRINCIPAL) and principal.npsn in (
        community["host_school_npsns"] or []
    )


def check_penggerak_kept(
    current_roles: dict[UUID, MemberRole], person_id: UUID, new_role: MemberRole | None
) -> None:
    """A community that has a penggerak keeps at least one: the last one cannot leave or step
    down until another is named."""
    if current_roles.get(person_id) is not MemberRole.PENGGERAK or new_role is MemberRole.PENGGERAK:
        return
    others = [
        p for p, role in current_roles.items() if role is MemberRole.PENGGERAK and p != person_id
    ]
    if not others:
        raise ApiError(
            409,
            "last_penggerak",
            "Komunitas harus tetap punya penggerak. Tetapkan penggerak lain lebih dulu.",
        )
