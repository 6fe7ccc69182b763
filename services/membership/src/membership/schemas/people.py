"""Bodies and answers of `/membership/people` (a new person is a `PersonDraft`)."""

from typing import Any
from uuid import UUID

from kombel_events.membership import Position
from kombel_runtime.patch import not_null
from kombel_runtime.person_rows import PersonDraft
from pydantic import BaseModel, ConfigDict


class PersonOut(BaseModel):
    id: UUID
    full_name: str
    nuptk: str | None
    nip: str | None
    email: str | None
    phone: str | None
    position: Position
    school_npsn: str
    province_code: str
    kabkota_code: str
    status: str
    merged_into: UUID | None


class PersonChanges(PersonDraft):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    full_name: str | None = None  # type: ignore[assignment]
    school_npsn: str | None = None  # type: ignore[assignment]

    _required = not_null("full_name", "school_npsn", "position")


class MergeRequest(BaseModel):
    into: UUID


def export_document(person: dict[str, Any], trail: list[dict[str, Any]]) -> dict[str, Any]:
    """A person's data as they may take it away (UU PDP): the record and its changes."""
    return {
        "person": PersonOut.model_validate(person).model_dump(mode="json"),
        "recorded_at": person["created_at"].isoformat(),
        "changes": [
            {"at": t["at"].isoformat(), "action": t["action"], "detail": t["detail"]} for t in trail
        ],
    }
