"""People (PTK): what changes them, how duplicates merge, and what erasure leaves.

A person is registered from a `PersonDraft` (see `drafts`), by a request or an import row.
"""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from kombel_events.membership import PersonRegistered, PersonUpdated
from kombel_runtime.errors import Conflict, Invalid

# What the events of a person's state carry.
STATE_FIELDS = (
    "full_name",
    "nuptk",
    "nip",
    "email",
    "phone",
    "position",
    "school_npsn",
    "province_code",
    "kabkota_code",
)
IDENTITY_FIELDS = ("nuptk", "nip", "email", "phone")


@dataclass(frozen=True)
class ChangePerson:
    """The fields a change sets, by column name; the fields left out keep their values."""

    person_id: UUID
    changes: dict[str, Any]


@dataclass(frozen=True)
class MergePerson:
    """The duplicate `person_id` is folded into `into`, the record that stays."""

    person_id: UUID
    into: UUID


@dataclass(frozen=True)
class ErasePerson:
    person_id: UUID


def state_event(
    row: dict[str, Any], kind: type[PersonRegistered] | type[PersonUpdated]
) -> PersonRegistered | PersonUpdated:
    return kind.model_validate({"person_id": row["id"], **{f: row[f] for f in STATE_FIELDS}})


def check_active(person: dict[str, Any], message: str) -> None:
    if person["status"] != "active":
        raise Conflict("person_inactive", message)


def check_merge(command: MergePerson) -> None:
    if command.into == command.person_id:
        raise Invalid("merge_into_self", "Data PTK tidak bisa digabung ke dirinya sendiri.")


def identities_to_keep(keeper: dict[str, Any], duplicate: dict[str, Any]) -> dict[str, Any]:
    """The identities only the duplicate had, which the kept record takes over."""
    return {f: duplicate[f] for f in IDENTITY_FIELDS if keeper[f] is None and duplicate[f]}


def erased(person_id: UUID) -> dict[str, Any]:
    """What remains of a person erased on request (UU PDP): a placeholder name, no contacts
    and no ids of the state; the row stays so that memberships keep their history."""
    return {
        "full_name": f"PTK terhapus {str(person_id)[:8]}",
        "nuptk": None,
        "nip": None,
        "email": None,
        "phone": None,
        "status": "erased",
    }
