"""The registration saga between activities and membership, as a command and its replies.

A roster row names a person the platform does not know yet. Activities seats them at once and
asks membership, which alone writes people, for the person (`PersonRequested`). Membership
checks the row as its people import checks one, with the requester's scope, finds the person
if they appeared meanwhile or creates them, and answers `PersonRequestAccepted` (activities
links the registration) or `PersonRequestRefused` (activities cancels it with the reason,
which the import shows). Both sides are idempotent by `request_id`.
"""

from typing import ClassVar
from uuid import UUID

from pydantic import BaseModel, Field

from kombel_events.base import IntegrationEvent
from kombel_events.membership import Position
from kombel_events.topics import MEMBERSHIP_PERSON_REPLIES, MEMBERSHIP_PERSON_REQUESTS, Topic


class Requester(BaseModel):
    """Who asked, with the staff scope membership checks the row against."""

    subject: str
    roles: list[str]
    province: str | None = None
    kabkota: str | None = None


class PersonRequested(IntegrationEvent):
    event_type: ClassVar[str] = "kombel.membership.person.requested.v1"
    topic: ClassVar[Topic] = MEMBERSHIP_PERSON_REQUESTS

    request_id: UUID = Field(description="The registration waiting for its person")
    requester: Requester
    reason: str = Field(description="Why, for membership's audit log: 'training:<id>'")
    full_name: str
    nuptk: str | None = None
    nip: str | None = None
    email: str | None = None
    phone: str | None = None
    position: Position
    school_npsn: str

    def subject(self) -> str:
        return str(self.request_id)


class _Reply(IntegrationEvent):
    topic: ClassVar[Topic] = MEMBERSHIP_PERSON_REPLIES

    request_id: UUID

    def subject(self) -> str:
        return str(self.request_id)


class PersonRequestAccepted(_Reply):
    event_type: ClassVar[str] = "kombel.membership.person.request_accepted.v1"

    person_id: UUID
    created: bool = Field(description="False when the person was found, not created")


class PersonRequestRefused(_Reply):
    event_type: ClassVar[str] = "kombel.membership.person.request_refused.v1"

    code: str = Field(description="Stable code of the refusal")
    reason: str = Field(description="For people, in Indonesian; names no personal data")
