"""Events published by the activities service: a community's learning cycle as it is lived.

Each carries what reporting needs to judge a community active without asking back: the
community and its region, the phase, when it took place and how many came.
"""

from datetime import datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import Field

from kombel_events.base import IntegrationEvent
from kombel_events.membership import KabkotaCode, ProvinceCode
from kombel_events.topics import ACTIVITIES_ACTIVITIES, Topic


class Phase(StrEnum):
    """The inquiry cycle of a community."""

    REFLEKSI_AWAL = "refleksi_awal"
    PERENCANAAN = "perencanaan"
    IMPLEMENTASI = "implementasi"
    EVALUASI = "evaluasi"


class Mode(StrEnum):
    LURING = "luring"
    DARING = "daring"
    HYBRID = "hybrid"


class _ActivityEvent(IntegrationEvent):
    """Keyed by the community, so its activities keep their order."""

    topic: ClassVar[Topic] = ACTIVITIES_ACTIVITIES

    activity_id: UUID
    community_id: UUID

    def subject(self) -> str:
        return str(self.community_id)


class _ActivityState(_ActivityEvent):
    province_code: ProvinceCode
    kabkota_code: KabkotaCode
    title: str
    phase: Phase
    mode: Mode
    starts_at: datetime = Field(description="UTC")
    timezone: str = Field(description="WIB, WITA atau WIT: zona tempat komunitas")
    duration_minutes: int
    attendees: int = Field(description="Anggota dan tamu yang hadir")
    good_practice: bool = False


class ActivityLogged(_ActivityState):
    event_type: ClassVar[str] = "kombel.activities.activity.logged.v1"


class ActivityChanged(_ActivityState):
    """The activity's state after a change."""

    event_type: ClassVar[str] = "kombel.activities.activity.changed.v1"


class ActivityDeleted(_ActivityEvent):
    event_type: ClassVar[str] = "kombel.activities.activity.deleted.v1"

    deleted_at: datetime


class AttendanceRecorded(_ActivityEvent):
    """Who was there, as counts: members present, and guests."""

    event_type: ClassVar[str] = "kombel.activities.attendance.recorded.v1"

    members_present: int
    guests: int
    attendees: int


class EvidenceAttached(_ActivityEvent):
    event_type: ClassVar[str] = "kombel.activities.evidence.attached.v1"

    evidence_id: UUID
    content_type: str


class GoodPracticeShared(_ActivityEvent):
    """Staff of the province may search and feature it."""

    event_type: ClassVar[str] = "kombel.activities.good_practice.shared.v1"

    province_code: ProvinceCode
    kabkota_code: KabkotaCode
    title: str
    summary: str
