"""Requests and answers of the notifications API: templates and their previews, the inbox,
preferences, and messages with their delivery statuses. No answer carries an address (email,
phone): a message names its person by id."""

from datetime import datetime, time
from typing import Any, Literal
from uuid import UUID

from kombel_events.notifications import Channel
from kombel_events.regions import TimeZone
from kombel_runtime.local_time import Language
from kombel_runtime.pagination import Page
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_serializer,
    field_validator,
    model_validator,
)

# Templates


class TemplateOut(BaseModel):
    name: str = Field(description="Nama aturan, juga nama templatnya")
    description: str


class TemplateList(BaseModel):
    items: list[TemplateOut]


class PreviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: Channel = Channel.EMAIL
    language: Language = Language.INDONESIAN
    timezone: TimeZone = Field(default=TimeZone.WIB, description="Zona waktu penerima contoh")
    overrides: dict[str, Any] = Field(
        default_factory=dict,
        description='Fakta contoh yang diganti, mis. {"training": {"title": "…"}, '
        '"session": {"starts_at": "2026-12-09T01:00:00Z"}}',
    )


class PreviewOut(BaseModel):
    subject: str | None = Field(description="Judul email atau kotak masuk; kosong di WhatsApp/SMS")
    text: str
    html: str | None = Field(description="HTML email, dengan kode QR disisipkan sebagai data URI")


# Inbox


class InboxItem(BaseModel):
    id: UUID
    rule: str
    subject: str | None
    body: str | None
    received_at: datetime = Field(description="Waktu pesan masuk (UTC)")
    read_at: datetime | None


class InboxPage(Page[InboxItem]):
    unread: int = Field(description="Pesan yang belum dibaca, di seluruh kotak masuk")


class ReadAll(BaseModel):
    marked: int = Field(description="Pesan yang baru ditandai sudah dibaca")


# Preferences


class ChannelSwitches(BaseModel):
    """Which channels may carry messages to the person; the inbox always does."""

    model_config = ConfigDict(extra="forbid")

    email: bool = True
    whatsapp: bool = True
    sms: bool = True


class QuietHours(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts: time = Field(description="Waktu setempat, mis. 21:00")
    ends: time = Field(description="Waktu setempat, mis. 06:00 (boleh melewati tengah malam)")

    @field_validator("starts", "ends")
    @classmethod
    def _local(cls, value: time) -> time:
        return value.replace(tzinfo=None)  # local time of the person's zone, whatever is sent

    @model_validator(mode="after")
    def _not_empty(self) -> "QuietHours":
        if self.starts == self.ends:
            raise ValueError("jam mulai dan selesai tidak boleh sama")
        return self

    @field_serializer("starts", "ends")
    def _clock(self, value: time) -> str:
        return value.strftime("%H:%M")


class PreferencesIn(BaseModel):
    """The whole of a person's preferences: a channel left out is on, no quiet hours is none."""

    model_config = ConfigDict(extra="forbid")

    channels: ChannelSwitches = Field(default_factory=ChannelSwitches)
    quiet_hours: QuietHours | None = None


class PreferencesOut(PreferencesIn):
    timezone: TimeZone | None = Field(
        description="Zona waktu tempat Anda, tempat jam tenang dibaca; kosong bila belum dikenal"
    )


# Messages and their delivery


# Where a message is: waiting (scheduled, queued), on its way (sending, sent), arrived
# (delivered, read), or ended without arriving (failed, cancelled, skipped by preferences).
MessageState = Literal[
    "scheduled", "queued", "sending", "sent", "delivered", "read", "failed", "cancelled", "skipped"
]


class MessageOut(BaseModel):
    id: UUID
    person_id: UUID
    channel: Channel
    rule: str
    transactional: bool
    status: str = Field(
        description="scheduled, queued, sending, sent, delivered, read, failed, cancelled, skipped"
    )
    due_at: datetime
    expires_at: datetime | None
    attempts: int
    provider: str | None
    failure_reason: str | None
    fallback_of: UUID | None = Field(description="Pesan di saluran lain yang digantikan pesan ini")
    training_id: UUID | None
    session_id: UUID | None
    registration_id: UUID | None
    activity_id: UUID | None
    sent_at: datetime | None
    delivered_at: datetime | None
    read_at: datetime | None
    created_at: datetime
    updated_at: datetime


class StatusOut(BaseModel):
    status: str
    reported_at: datetime
    detail: str | None


class MessageDetail(MessageOut):
    statuses: list[StatusOut] = Field(description="Riwayat status, yang terlama lebih dulu")
