"""Events published by the reporting service: report-ready facts for other services to pass on.

The weekly digest is one event per area (a province, or a kabupaten/kota) per ISO week,
written once its Monday 07.00 local time has passed. It carries counts and a bounded list of
the communities that went quiet that week: ids, names and places, never a person.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from kombel_events.base import IntegrationEvent
from kombel_events.regions import TimeZone
from kombel_events.topics import REPORTING_DIGESTS, Topic

# At most this many communities are named in one digest; the count says how many there are.
QUIET_LISTED_MAX = 50


class AreaKind(StrEnum):
    PROVINCE = "province"
    KABKOTA = "kabkota"


class QuietCommunity(BaseModel):
    """A community that was active at the previous digest and is not any more."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    community_id: UUID
    name: str
    kabkota_code: str
    last_activity_at: datetime | None = Field(
        default=None, description="Kegiatan terakhirnya; kosong bila belum pernah ada"
    )


class WeeklyDigestCompiled(IntegrationEvent):
    """The weekly digest of one area: how many of its communities are active, and which went
    quiet in the week that ended at `due_at` (Monday 07.00 in the area's zone)."""

    event_type: ClassVar[str] = "kombel.reporting.weekly_digest.compiled.v1"
    topic: ClassVar[Topic] = REPORTING_DIGESTS

    area_code: str = Field(description="Kode wilayah: provinsi (12) atau kabupaten/kota (12.11)")
    area_kind: AreaKind
    province_code: str
    week_start: date = Field(description="Senin minggu ini, tanggal setempat")
    due_at: datetime = Field(description="Senin 07.00 waktu setempat, sebagai instan UTC")
    quiet_since: datetime = Field(description="Instan ringkasan sebelumnya (seminggu sebelumnya)")
    timezone: TimeZone
    communities: int = Field(description="Komunitas yang tidak diarsipkan")
    active: int
    inactive: int
    gone_quiet: int = Field(description="Komunitas yang berhenti aktif minggu ini")
    quiet_communities: list[QuietCommunity] = Field(
        default_factory=list,
        max_length=QUIET_LISTED_MAX,
        description="Sebagian (paling banyak 50) komunitas yang berhenti aktif minggu ini",
    )

    def subject(self) -> str:
        # Keyed by the area: its digests keep their order, week after week.
        return self.area_code
