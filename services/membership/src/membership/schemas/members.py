"""Bodies and answers of `/membership/communities/{id}/members`."""

from datetime import date
from uuid import UUID

from kombel_events.membership import MemberRole
from pydantic import BaseModel, ConfigDict


class MemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: UUID
    role: MemberRole = MemberRole.ANGGOTA
    since: date | None = None


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: MemberRole
    since: date | None = None


class MemberOut(BaseModel):
    """What a community's leads and members see of each other: no contacts, no NUPTK or NIP."""

    person_id: UUID
    full_name: str
    school_npsn: str
    school_name: str
    role: MemberRole
    started_on: date
    ended_on: date | None = None
