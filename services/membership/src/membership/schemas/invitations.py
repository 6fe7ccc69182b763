"""Bodies and answers of the invitations of `/membership`."""

from datetime import datetime
from uuid import UUID

from kombel_events.membership import MemberRole
from pydantic import BaseModel, ConfigDict


class InvitationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: UUID
    role: MemberRole = MemberRole.ANGGOTA


class InvitationOut(BaseModel):
    id: UUID
    community_id: UUID
    community_name: str
    person_id: UUID
    role: MemberRole
    status: str  # pending | accepted | declined | revoked | expired
    created_at: datetime
    expires_at: datetime
