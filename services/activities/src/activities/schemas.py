"""Request and response bodies of the activities API, apart from its routes."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from kombel_events.activities import Mode, Phase
from kombel_runtime.patch import not_null
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Summary = Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=1000)]
Minutes = Annotated[str, StringConstraints(strip_whitespace=True, max_length=50_000)]


class Speaker(BaseModel):
    """A narasumber: a member of the community, or a guest named."""

    model_config = ConfigDict(extra="forbid")

    person_id: UUID | None = None
    name: Short | None = None

    @model_validator(mode="after")
    def _someone(self) -> "Speaker":
        if (self.person_id is None) == (self.name is None):
            raise PydanticCustomError(
                "speaker_invalid", "isi salah satu: `person_id` (anggota) atau `name` (tamu)"
            )
        return self


class FollowUp(BaseModel):
    """An aksi nyata: what was agreed to try, who does it, by when, and whether it is done."""

    model_config = ConfigDict(extra="forbid")

    what: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)]
    who: Short | None = None
    due_on: date | None = None
    done: bool = False


class AttendanceIn(BaseModel):
    """The whole attendance of an activity, as its lead records it."""

    model_config = ConfigDict(extra="forbid")

    person_ids: list[UUID] = Field(default_factory=list, max_length=2000)
    guest_names: list[Short] = Field(default_factory=list, max_length=500)
    guests: int | None = Field(
        default=None, ge=0, le=5000, description="Jumlah tamu; bawaan: banyaknya nama tamu"
    )


class ActivityIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "title": "Refleksi hasil Rapor Pendidikan",
                    "phase": "refleksi_awal",
                    "starts_at": "2026-05-28T16:00:00",
                    "duration_minutes": 90,
                    "mode": "luring",
                    "place": "Ruang guru SMA Negeri 1 Karang Intan",
                    "topic": "Literasi membaca kelas X",
                    "follow_ups": [{"what": "Uji coba asesmen diagnostik", "who": "Bu Rina"}],
                }
            ]
        },
    )

    title: Title
    phase: Phase
    starts_at: datetime = Field(
        description="Waktu mulai; tanpa zona berarti waktu setempat tempat komunitas"
    )
    duration_minutes: int | None = Field(default=None, ge=1, le=720)
    ends_at: datetime | None = Field(default=None, description="Alternatif dari duration_minutes")
    mode: Mode
    place: Short | None = None
    meeting_url: HttpUrl | None = None
    topic: Short | None = None
    minutes: Minutes | None = Field(default=None, description="Notulen")
    speakers: list[Speaker] = Field(default_factory=list, max_length=50)
    follow_ups: list[FollowUp] = Field(default_factory=list, max_length=50)
    good_practice: bool = False
    good_practice_summary: Summary | None = None
    attendance: AttendanceIn | None = Field(
        default=None, description="Kehadiran, bila dicatat bersama kegiatannya"
    )


class ActivityChanges(BaseModel):
    """Fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    phase: Phase | None = None
    starts_at: datetime | None = None
    duration_minutes: int | None = Field(default=None, ge=1, le=720)
    ends_at: datetime | None = None
    mode: Mode | None = None
    place: Short | None = None
    meeting_url: HttpUrl | None = None
    topic: Short | None = None
    minutes: Minutes | None = None
    speakers: list[Speaker] | None = Field(default=None, max_length=50)
    follow_ups: list[FollowUp] | None = Field(default=None, max_length=50)
    good_practice: bool | None = None
    good_practice_summary: Summary | None = None

    _required = not_null(
        "title", "phase", "starts_at", "mode", "speakers", "follow_ups", "good_practice"
    )


class ActivityOut(BaseModel):
    id: UUID
    community_id: UUID
    province_code: str
    kabkota_code: str
    title: str
    phase: Phase
    starts_at: datetime = Field(description="UTC")
    timezone: str = Field(description="WIB, WITA atau WIT")
    local_start: str = Field(description="Waktu mulai setempat, mis. 2026-05-28T16:00:00+08:00")
    duration_minutes: int
    mode: Mode
    place: str | None
    meeting_url: str | None
    topic: str | None
    minutes: str | None
    speakers: list[Speaker]
    follow_ups: list[FollowUp]
    good_practice: bool
    good_practice_summary: str | None
    featured: bool
    attendees: int = Field(description="Anggota hadir, tamu, dan yang datanya telah dihapus")
    recorded_by: str


class Attendee(BaseModel):
    person_id: UUID
    full_name: str | None
    school_npsn: str | None


class AttendanceOut(BaseModel):
    activity_id: UUID
    members: list[Attendee]
    guest_names: list[str]
    guests: int
    erased: int = Field(description="Hadir, lalu meminta datanya dihapus (UU PDP)")
    attendees: int


class Featuring(BaseModel):
    model_config = ConfigDict(extra="forbid")

    featured: bool = True


class EvidenceOut(BaseModel):
    id: UUID
    activity_id: UUID
    content_type: str
    size: int
    filename: str
    url: str = Field(description="Unduhan, bagi yang boleh membaca kegiatannya")
    thumbnail_url: str | None
    created_at: datetime | None = None
