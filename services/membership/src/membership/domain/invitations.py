"""Invitations: how a person of another area joins a community, by their own consent.

A community's managers add the people of their own reach directly; anyone else (a `daring`
community spans provinces) is invited and becomes a member only by accepting, signed in as
themselves. The invitation tells the community nothing about the person until then.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from kombel_events.membership import MemberRole

VALID_FOR = timedelta(days=14)


@dataclass(frozen=True)
class Invite:
    community_id: UUID
    person_id: UUID
    role: MemberRole = MemberRole.ANGGOTA


@dataclass(frozen=True)
class AnswerInvitation:
    """The invited person accepts or declines their own invitation."""

    invitation_id: UUID


@dataclass(frozen=True)
class RevokeInvitation:
    community_id: UUID
    invitation_id: UUID


def state_of(invitation: Mapping[Any, Any], now: datetime) -> str:
    """pending | accepted | declined | revoked | expired: a pending one past its time has
    expired, which nothing needs to write down."""
    state: str = invitation["status"]
    if state == "pending" and invitation["expires_at"] <= now:
        return "expired"
    return state
