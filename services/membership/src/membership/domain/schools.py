"""Schools by NPSN: registered from a `SchoolDraft` (see `drafts`), changed by regional staff."""

from dataclasses import dataclass
from typing import Any

from kombel_events.membership import SchoolRegistered, SchoolUpdated

# What the events of a school's state carry.
STATE_FIELDS = (
    "npsn",
    "name",
    "jenjang",
    "status",
    "province_code",
    "kabkota_code",
    "kecamatan",
    "address",
)


@dataclass(frozen=True)
class ChangeSchool:
    """The fields a change sets, by column name; the fields left out keep their values."""

    npsn: str
    changes: dict[str, Any]


def state_event(
    row: dict[str, Any], kind: type[SchoolRegistered] | type[SchoolUpdated]
) -> SchoolRegistered | SchoolUpdated:
    return kind.model_validate({f: row[f] for f in STATE_FIELDS})
