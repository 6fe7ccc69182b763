"""Events published by the activities service about trainings (bimtek): the training, its
sessions at many sites, its participants from registration to certificate.

All travel on one topic keyed by the training, so a participant's registration, promotion,
check-in and certificate arrive in the order they happened. Times are UTC; `timezone` names the
zone of the session's place (WIB, WITA, WIT), in which people read them.
"""

from datetime import datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import Field

from kombel_events.base import IntegrationEvent
from kombel_events.membership import KabkotaCode, ProvinceCode
from kombel_events.topics import ACTIVITIES_TRAININGS, Topic


class _TrainingEvent(IntegrationEvent):
    topic: ClassVar[Topic] = ACTIVITIES_TRAININGS

    training_id: UUID

    def subject(self) -> str:
        return str(self.training_id)


class _TrainingState(_TrainingEvent):
    title: str
    organiser: str = Field(description="Penyelenggara: BBGP, BGP, BPMP atau dinas")
    province_code: ProvinceCode
    audience: str = Field(description="Sasaran: penggerak komunitas belajar, kepala sekolah, …")
    registration_closes_at: datetime | None = Field(default=None, description="UTC")


class TrainingScheduled(_TrainingState):
    event_type: ClassVar[str] = "kombel.activities.training.scheduled.v1"


class TrainingChanged(_TrainingState):
    """The training's state after a change."""

    event_type: ClassVar[str] = "kombel.activities.training.changed.v1"


class TrainingCancelled(_TrainingEvent):
    """Every session of the training is cancelled with it, and so are its registrations."""

    event_type: ClassVar[str] = "kombel.activities.training.cancelled.v1"

    cancelled_at: datetime
    reason: str | None = None


class _SessionEvent(_TrainingEvent):
    session_id: UUID


class _SessionState(_SessionEvent):
    code: str = Field(description="Kode sesi, unik dalam pelatihan: ditulis di daftar peserta")
    province_code: ProvinceCode
    kabkota_code: KabkotaCode
    venue: str
    starts_at: datetime = Field(description="UTC")
    ends_at: datetime = Field(description="UTC")
    timezone: str = Field(description="WIB, WITA atau WIT: zona tempat sesi")
    capacity: int


class SessionScheduled(_SessionState):
    event_type: ClassVar[str] = "kombel.activities.session.scheduled.v1"


class SessionChanged(_SessionState):
    """The session's state after a change: a moved session moves its reminders."""

    event_type: ClassVar[str] = "kombel.activities.session.changed.v1"


class SessionCancelled(_SessionEvent):
    """The session's registrations are cancelled with it (each with its own event)."""

    event_type: ClassVar[str] = "kombel.activities.session.cancelled.v1"

    cancelled_at: datetime
    reason: str | None = None


class RegistrationStatus(StrEnum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class _ParticipantEvent(_SessionEvent):
    registration_id: UUID
    # None while membership is still creating the person of a roster row (the saga); a
    # `ParticipantLinked` names them once it is done.
    person_id: UUID | None
    kabkota_code: KabkotaCode


_TICKET = Field(
    default=None,
    description="Tiket bertanda tangan (Ed25519) untuk kode QR; diverifikasi luring dengan "
    "kunci publik dari GET /activities/checkin/keys",
)


class ParticipantRegistered(_ParticipantEvent):
    """A seat in the session."""

    event_type: ClassVar[str] = "kombel.activities.participant.registered.v1"

    ticket: str | None = _TICKET


class ParticipantWaitlisted(_ParticipantEvent):
    """A place on the session's waitlist; the position is at the time of registration."""

    event_type: ClassVar[str] = "kombel.activities.participant.waitlisted.v1"

    waitlist_position: int


class ParticipantPromoted(_ParticipantEvent):
    """From the waitlist to a seat freed by a cancellation."""

    event_type: ClassVar[str] = "kombel.activities.participant.promoted.v1"

    ticket: str | None = _TICKET


class ParticipantCancelled(_ParticipantEvent):
    event_type: ClassVar[str] = "kombel.activities.participant.cancelled.v1"

    previous_status: RegistrationStatus
    reason: str | None = Field(default=None, description="Alasan, untuk orang; tanpa data pribadi")


class ParticipantLinked(_ParticipantEvent):
    """The registration of a roster row now names its person, created or found by membership."""

    event_type: ClassVar[str] = "kombel.activities.participant.linked.v1"


class ParticipantCheckedIn(_ParticipantEvent):
    """Checked in at the session. Offline scans may arrive late and earlier than one already
    recorded: the event is published again with the earlier time, which is the one that holds."""

    event_type: ClassVar[str] = "kombel.activities.participant.checked_in.v1"

    checked_in_at: datetime


class CertificateIssued(_ParticipantEvent):
    event_type: ClassVar[str] = "kombel.activities.certificate.issued.v1"

    certificate_code: str = Field(description="Kode verifikasi publik")
    issued_at: datetime
