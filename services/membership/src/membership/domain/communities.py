"""Communities and their members: what a community must be, and the rules they keep."""

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
    Schedule,
)
from kombel_events.regions import regions
from kombel_runtime.auth import Principal, Role
from kombel_runtime.errors import Forbidden, Invalid
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
class ChangeCommunity:
    """The fields a change sets, by column name (`schedule` as `MeetingTimes` or None,
    `pmm_url` as text); the fields left out keep their values."""

    community_id: UUID
    changes: dict[str, Any]


@dataclass(frozen=True)
class ArchiveCommunity:
    community_id: UUID


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
        raise Invalid("schedule_invalid", "Jam selesai pertemuan harus setelah jam mulai.")
    if times.frequency is Frequency.MONTHLY and times.week_of_month is None:
        raise Invalid(
            "schedule_invalid", "Pertemuan bulanan perlu `week_of_month` (minggu ke-1 … ke-5)."
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
        raise Invalid("subject_required", "MGMP perlu mata pelajaran (`subject_name`).")
    if kind == CommunityKind.DALAM_SEKOLAH and len(hosts) > 1:
        raise Invalid(
            "too_many_host_schools", "Komunitas dalam sekolah hanya punya satu sekolah induk."
        )


def new_community(
    principal: Principal, command: RegisterCommunity
) -> tuple[Community, CommunityRegistered]:
    """The community a registration makes and its event, if the caller may register it."""
    if not principal.has_any(*REGISTRARS):
        raise Forbidden(
            "forbidden",
            "Hanya staf nasional, provinsi atau kabupaten/kota yang dapat mendaftarkan komunitas.",
        )
    if regions().get(command.kabkota_code) is None:
        raise Invalid("region_unknown", f"Kabupaten/kota {command.kabkota_code} tidak dikenal.")
    if not principal.covers_region(command.kabkota_code):
        raise Forbidden(
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


def changed_community(stored: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The columns a change writes, with its schedule in the community's time zone, checked
    against the rules a community keeps as a whole."""
    columns = dict(changes)
    if "schedule" in columns:
        schedule = schedule_in_place(columns["schedule"], stored["kabkota_code"])
        columns["schedule"] = schedule.model_dump() if schedule else None
    updated = stored | columns
    check_details(
        updated["kind"],
        ForumType(updated["forum_type"]),
        updated["subject_name"],
        updated["host_school_npsns"],
    )
    return columns
