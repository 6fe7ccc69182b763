"""Members of a community: how one joins, changes role and leaves, and what a community keeps."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from kombel_events.membership import MemberRole
from kombel_runtime.errors import Conflict, Invalid

# Who leads a community from within: they change it and its members as its regional staff do.
LEADS = (MemberRole.PENGGERAK, MemberRole.KOORDINATOR)


@dataclass(frozen=True)
class AddMember:
    community_id: UUID
    person_id: UUID
    role: MemberRole = MemberRole.ANGGOTA
    since: date | None = None  # today when not given


@dataclass(frozen=True)
class ChangeRole:
    community_id: UUID
    person_id: UUID
    role: MemberRole
    since: date | None = None


@dataclass(frozen=True)
class RemoveMember:
    community_id: UUID
    person_id: UUID
    until: date | None = None


def check_penggerak_kept(
    current_roles: dict[UUID, MemberRole], person_id: UUID, new_role: MemberRole | None
) -> None:
    """A community that has a penggerak keeps at least one: the last one cannot leave or step
    down until another is named."""
    if current_roles.get(person_id) is not MemberRole.PENGGERAK or new_role is MemberRole.PENGGERAK:
        return
    others = [
        p for p, role in current_roles.items() if role is MemberRole.PENGGERAK and p != person_id
    ]
    if not others:
        raise Conflict(
            "last_penggerak",
            "Komunitas harus tetap punya penggerak. Tetapkan penggerak lain lebih dulu.",
        )


def check_after_start(started: date, day: date) -> None:
    """A role change or a leaving takes effect on or after the current membership began."""
    if day < started:
        raise Invalid(
            "date_before_start",
            f"Tanggal itu sebelum keanggotaan saat ini dimulai ({started.isoformat()}).",
        )
