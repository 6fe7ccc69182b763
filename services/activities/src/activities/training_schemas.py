"""Request and response bodies of trainings (bimtek), their sessions and registrations."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from kombel_events.trainings import RegistrationStatus
from kombel_runtime.patch import not_null
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from activities.schemas import Short, Title

Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
ProvinceCode = Annotated[str, StringConstraints(pattern=r"^\d{2}$")]
KabkotaCode = Annotated[str, StringConstraints(pattern=r"^\d{2}\.\d{2}$")]
# Written in roster rows: letters, digits, `.`, `_`, `-`; kept in capitals.
SessionCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"),
    AfterValidator(str.upper),
]
Capacity = Annotated[int, Field(ge=1, le=100_000)]


class TrainingIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "title": "Bimtek Penggerak Komunitas Belajar",
                    "organiser": "BBGP Sulawesi Selatan",
                    "province_code": "73",
                    "audience": "Penggerak komunitas belajar PAUD sampai SMK",
                    "registration_closes_at": "2026-05-20T23:59:00",
                }
            ]
        },
    )

    title: Title
    organiser: Short = Field(description="Penyelenggara: BBGP, BGP, BPMP atau dinas")
    province_code: ProvinceCode
    audience: Short = Field(description="Sasaran peserta")
    registration_closes_at: datetime | None = Field(
        default=None, description="Penutupan pendaftaran; tanpa zona berarti waktu provinsi"
    )
    description: Description | None = None


class TrainingChanges(BaseModel):
    """Fields left out stay as they are; `registration_closes_at: null` keeps it open."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    organiser: Short | None = None
    audience: Short | None = None
    registration_closes_at: datetime | None = None
    description: Description | None = None

    _required = not_null("title", "organiser", "audience")


class Cancellation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason | None = Field(default=None, description="Alasan, untuk peserta")


class SessionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kabkota_code": "73.71",
                    "venue": "Aula BBGP Sulawesi Selatan",
                    "starts_at": "2026-05-25T08:00:00",
                    "ends_at": "2026-05-25T16:00:00",
                    "capacity": 150,
                }
            ]
        },
    )

    kabkota_code: KabkotaCode = Field(description="Di provinsi pelatihannya")
    venue: Short
    starts_at: datetime = Field(description="Tanpa zona berarti waktu setempat tempat sesi")
    ends_at: datetime = Field(description="Tanpa zona berarti waktu setempat tempat sesi")
    capacity: Capacity
    code: SessionCode | None = Field(
        default=None, description="Kode sesi untuk daftar peserta; bawaan dari nama tempatnya"
    )


class SessionChanges(BaseModel):
    """Fields left out stay as they are; a new start alone keeps the session's length."""

    model_config = ConfigDict(extra="forbid")

    venue: Short | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    capacity: Capacity | None = None
    code: SessionCode | None = None

    _required = not_null("venue", "starts_at", "ends_at", "capacity", "code")


class SessionOut(BaseModel):
    id: UUID
    training_id: UUID
    code: str
    province_code: str
    kabkota_code: str
    kabkota_name: str | None
    venue: str
    starts_at: datetime = Field(description="UTC")
    ends_at: datetime = Field(description="UTC")
    timezone: str = Field(description="WIB, WITA atau WIT")
    local_start: str = Field(description="Waktu mulai setempat, mis. 2026-05-25T08:00:00+08:00")
    local_end: str
    capacity: int
    registered: int
    waitlisted: int
    checked_in: int
    seats_left: int
    status: str = Field(description="scheduled atau cancelled")
    cancel_reason: str | None


class TrainingOut(BaseModel):
    id: UUID
    title: str
    organiser: str
    province_code: str
    audience: str
    description: str | None
    registration_closes_at: datetime | None = Field(description="UTC")
    timezone: str = Field(description="Zona provinsi penyelenggara")
    local_registration_closes_at: str | None
    registration_open: bool
    status: str = Field(description="scheduled atau cancelled")
    cancel_reason: str | None
    created_at: datetime
    updated_at: datetime


class TrainingDetail(TrainingOut):
    sessions: list[SessionOut] = Field(description="Yang kelihatan oleh pemanggil")


class RegistrationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: UUID
    session_id: UUID


class RegistrationOut(BaseModel):
    id: UUID
    training_id: UUID
    session_id: UUID
    person_id: UUID | None = Field(description="Kosong selama data orangnya dibuat membership")
    kabkota_code: str
    status: RegistrationStatus
    waitlist_position: int | None = Field(description="1 berarti berikutnya; kini, bukan dulu")
    checked_in_at: datetime | None
    promoted_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str | None
    created_at: datetime
    updated_at: datetime


class RegistrationDetail(RegistrationOut):
    ticket: str | None = Field(
        description="Tiket bertanda tangan untuk kode QR (tanpa tiket bila dibatalkan); "
        "diverifikasi luring dengan kunci dari GET /activities/checkin/keys"
    )


class RegistrationItem(BaseModel):
    id: UUID
    person_id: UUID | None
    full_name: str | None
    session_id: UUID
    kabkota_code: str
    status: RegistrationStatus
    waitlist_position: int | None
    checked_in_at: datetime | None
