"""Bodies and answers of `/membership/communities`."""

from typing import Annotated, Any
from uuid import UUID

from kombel_events.membership import (
    CommunityKind,
    ForumType,
    Frequency,
    Jenjang,
    KabkotaCode,
    Schedule,
)
from kombel_runtime.patch import not_null
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, StringConstraints

from membership.domain.communities import MeetingTimes, RegisterCommunity

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

    def command(self) -> RegisterCommunity:
        return RegisterCommunity(
            **self.model_dump(exclude={"schedule", "pmm_url"}),
            schedule=self.schedule.times() if self.schedule else None,
            pmm_url=str(self.pmm_url) if self.pmm_url else None,
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

    def changes(self) -> dict[str, Any]:
        """The fields the body sets, as a `ChangeCommunity` takes them."""
        changes = self.model_dump(exclude_unset=True, exclude={"schedule", "pmm_url"})
        if "schedule" in self.model_fields_set:
            changes["schedule"] = self.schedule.times() if self.schedule else None
        if "pmm_url" in self.model_fields_set:
            changes["pmm_url"] = str(self.pmm_url) if self.pmm_url else None
        return changes


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
