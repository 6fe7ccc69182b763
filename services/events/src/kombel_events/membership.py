"""Events published by the membership service."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, ClassVar
from uuid import UUID

from pydantic import Field, StringConstraints

from kombel_events.base import IntegrationEvent
from kombel_events.topics import MEMBERSHIP_COMMUNITIES, Topic

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


class CommunityRegistered(IntegrationEvent):
    event_type: ClassVar[str] = "kombel.membership.community.registered.v1"
    topic: ClassVar[Topic] = MEMBERSHIP_COMMUNITIES

    community_id: UUID
    name: str = Field(min_length=1)
    kind: CommunityKind
    forum_type: ForumType
    jenjang: list[Jenjang]
    province_code: ProvinceCode
    kabkota_code: KabkotaCode
    registered_at: datetime

    def subject(self) -> str:
        return str(self.community_id)
