"""Events published by the membership service."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from kombel_events.base import IntegrationEvent
from kombel_events.topics import (
    MEMBERSHIP_COMMUNITIES,
    MEMBERSHIP_PEOPLE,
    MEMBERSHIP_SCHOOLS,
    Topic,
)

ProvinceCode = Annotated[str, StringConstraints(pattern=r"^\d{2}$")]
KabkotaCode = Annotated[str, StringConstraints(pattern=r"^\d{2}\.\d{2}$")]


class CommunityKind(StrEnum):
    DALAM_SEKOLAH = "dalam_sekolah"
    ANTAR_SEKOLAH = "antar_sekolah"
    DARING = "daring"


class ForumType(StrEnum):
    KKG = "KKG"
    MGMP = "MGMP"
    MGBK = "MGBK"
    KKS = "KKS"
    MKKS = "MKKS"
    MKPS = "MKPS"
    PKG = "PKG"
    GUGUS_PAUD = "gugus_paud"
    ORGANIK = "organik"
    LAINNYA = "lainnya"


class Jenjang(StrEnum):
    PAUD = "PAUD"
    TK = "TK"
    SD = "SD"
    SMP = "SMP"
    SMA = "SMA"
    SMK = "SMK"
    SLB = "SLB"


class Frequency(StrEnum):
    WEEKLY = "mingguan"
    BIWEEKLY = "dua_mingguan"
    MONTHLY = "bulanan"


class Schedule(BaseModel):
    """When a community meets, in the local time of its place ("Kamis 16:00 WITA")."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    frequency: Frequency
    weekday: int = Field(ge=1, le=7, description="1 = Senin … 7 = Minggu")
    week_of_month: int | None = Field(default=None, ge=1, le=5, description="untuk bulanan")
    start: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    end: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    timezone: str = Field(description="WIB, WITA atau WIT: zona tempat komunitas")


class _CommunityState(IntegrationEvent):
    topic: ClassVar[Topic] = MEMBERSHIP_COMMUNITIES

    community_id: UUID
    name: str = Field(min_length=1)
    kind: CommunityKind
    forum_type: ForumType
    jenjang: list[Jenjang]
    province_code: ProvinceCode
    kabkota_code: KabkotaCode
    # Added within v1 of CommunityRegistered (readers of older samples see the defaults).
    subject_name: str | None = None
    host_school_npsns: list[str] = Field(default_factory=list)
    schedule: Schedule | None = None
    pmm_url: str | None = None

    def subject(self) -> str:
        return str(self.community_id)


class CommunityRegistered(_CommunityState):
    event_type: ClassVar[str] = "kombel.membership.community.registered.v1"

    registered_at: datetime


class CommunityUpdated(_CommunityState):
    """The community's state after a change."""

    event_type: ClassVar[str] = "kombel.membership.community.updated.v1"


class CommunityArchived(IntegrationEvent):
    event_type: ClassVar[str] = "kombel.membership.community.archived.v1"
    topic: ClassVar[Topic] = MEMBERSHIP_COMMUNITIES

    community_id: UUID
    archived_at: datetime

    def subject(self) -> str:
        return str(self.community_id)


class MemberRole(StrEnum):
    PENGGERAK = "penggerak"
    KOORDINATOR = "koordinator"
    NARASUMBER = "narasumber"
    ANGGOTA = "anggota"
    AGEN_PERUBAHAN = "agen_perubahan"


class _MembershipEvent(IntegrationEvent):
    """Keyed by the community, so its members' changes keep their order with its own."""

    topic: ClassVar[Topic] = MEMBERSHIP_COMMUNITIES

    community_id: UUID
    person_id: UUID

    def subject(self) -> str:
        return str(self.community_id)


class MemberJoined(_MembershipEvent):
    event_type: ClassVar[str] = "kombel.membership.member.joined.v1"

    role: MemberRole
    since: date


class MemberLeft(_MembershipEvent):
    event_type: ClassVar[str] = "kombel.membership.member.left.v1"

    until: date


class MemberRoleChanged(_MembershipEvent):
    event_type: ClassVar[str] = "kombel.membership.member.role_changed.v1"

    previous_role: MemberRole
    role: MemberRole
    since: date


class SchoolStatus(StrEnum):
    NEGERI = "negeri"
    SWASTA = "swasta"


class SchoolJenjang(StrEnum):
    PAUD_TK = "PAUD/TK"
    SD = "SD"
    SMP = "SMP"
    SMA = "SMA"
    SMK = "SMK"
    SLB = "SLB"


class _SchoolState(IntegrationEvent):
    topic: ClassVar[Topic] = MEMBERSHIP_SCHOOLS

    npsn: str = Field(pattern=r"^[0-9A-Z]{8}$")
    name: str
    jenjang: SchoolJenjang
    status: SchoolStatus
    province_code: ProvinceCode
    kabkota_code: KabkotaCode
    kecamatan: str | None = None
    address: str | None = None

    def subject(self) -> str:
        return self.npsn


class SchoolRegistered(_SchoolState):
    event_type: ClassVar[str] = "kombel.membership.school.registered.v1"


class SchoolUpdated(_SchoolState):
    event_type: ClassVar[str] = "kombel.membership.school.updated.v1"


class Position(StrEnum):
    GURU = "guru"
    KEPALA_SEKOLAH = "kepala_sekolah"
    PENGAWAS = "pengawas"
    TENDIK = "tendik"
    FASILITATOR_DAERAH = "fasilitator_daerah"
    LAINNYA = "lainnya"


class _PersonState(IntegrationEvent):
    """A person's full current state, contacts included: the replicas of notifications and
    activities are built from it."""

    topic: ClassVar[Topic] = MEMBERSHIP_PEOPLE

    person_id: UUID
    full_name: str
    nuptk: str | None = None
    nip: str | None = None
    email: str | None = None
    phone: str | None = None
    position: Position
    school_npsn: str
    province_code: ProvinceCode
    kabkota_code: KabkotaCode

    def subject(self) -> str:
        return str(self.person_id)


class PersonRegistered(_PersonState):
    event_type: ClassVar[str] = "kombel.membership.person.registered.v1"


class PersonUpdated(_PersonState):
    event_type: ClassVar[str] = "kombel.membership.person.updated.v1"


class PersonMerged(IntegrationEvent):
    """`person_id` was a duplicate of `into_person_id`; its memberships now belong there."""

    event_type: ClassVar[str] = "kombel.membership.person.merged.v1"
    topic: ClassVar[Topic] = MEMBERSHIP_PEOPLE

    person_id: UUID
    into_person_id: UUID

    def subject(self) -> str:
        return str(self.person_id)


class PersonErased(IntegrationEvent):
    """The person asked to be forgotten (UU PDP): every replica drops their contact data."""

    event_type: ClassVar[str] = "kombel.membership.person.erased.v1"
    topic: ClassVar[Topic] = MEMBERSHIP_PEOPLE

    person_id: UUID
    erased_at: datetime

    def subject(self) -> str:
        return str(self.person_id)
