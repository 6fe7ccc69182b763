"""Registering a community: who may, and what it records and announces."""

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from kombel_events.membership import CommunityKind, CommunityRegistered, ForumType, Jenjang
from kombel_events.regions import regions
from kombel_runtime.auth import Principal, Role
from kombel_runtime.errors import ApiError
from kombel_runtime.ids import uuid7

REGISTRARS = (Role.NATIONAL_ADMIN, Role.PROVINCE_STAFF, Role.DISTRICT_STAFF)


@dataclass(frozen=True)
class RegisterCommunity:
    name: str
    kind: CommunityKind
    forum_type: ForumType
    jenjang: list[Jenjang]
    kabkota_code: str


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
    )
    return community, event
