"""Events published by the notifications service: what became of each message it sent."""

from datetime import datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import Field

from kombel_events.base import IntegrationEvent
from kombel_events.topics import NOTIFICATIONS_DELIVERIES, Topic


class Channel(StrEnum):
    EMAIL = "email"
    WHATSAPP = "whatsapp"
    SMS = "sms"
    INBOX = "inbox"


class DeliveryStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"


class MessageStatusChanged(IntegrationEvent):
    """A message moved on: queued, handed to the provider (sent), delivered, read, or failed
    for good (with the reason, never the address)."""

    event_type: ClassVar[str] = "kombel.notifications.message.status_changed.v1"
    topic: ClassVar[Topic] = NOTIFICATIONS_DELIVERIES

    message_id: UUID
    person_id: UUID
    channel: Channel
    rule: str = Field(description="Aturan yang membuat pesan ini, mis. registration_confirmed")
    status: DeliveryStatus
    at: datetime
    reason: str | None = None

    def subject(self) -> str:
        return str(self.message_id)
