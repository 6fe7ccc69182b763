"""What a person must be before the platform records them, as people type it: the fields,
their normalising, and `PersonDraft`. Membership's API and import judge a person by it, and
activities judges a training roster's rows by it before it seats anyone, so a row is refused
for the same reason wherever it is uploaded."""

from typing import Annotated

from kombel_events.membership import MemberRole, Position, SchoolStatus
from kombel_events.regions import RegionKind, regions
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, StringConstraints
from pydantic_core import PydanticCustomError

from kombel_runtime.contacts import (
    normalise_email,
    normalise_nip,
    normalise_npsn,
    normalise_nuptk,
    normalise_phone,
)


def blank_is_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def kabkota_code(value: str) -> str:
    found = [r for r in regions().find(value) if r.kind in (RegionKind.KABUPATEN, RegionKind.KOTA)]
    if not found:
        raise PydanticCustomError("kabkota_unknown", "kabupaten/kota tidak dikenal")
    if len(found) > 1:
        raise PydanticCustomError(
            "kabkota_ambiguous",
            "nama ini dipakai kabupaten dan kota; tulis 'Kabupaten …', 'Kota …' atau kodenya",
        )
    return found[0].code


def enum_tolerant(value: object) -> object:
    """'Negeri', ' SD ', 'Kepala Sekolah' are what spreadsheets hold."""
    if isinstance(value, str):
        text = value.strip()
        lowered = text.lower().replace(" ", "_")
        return {"paud": "PAUD/TK", "tk": "PAUD/TK", "paud/tk": "PAUD/TK"}.get(
            lowered, lowered if lowered in _LOWER_ENUMS else text.upper()
        )
    return value


_LOWER_ENUMS = (
    {s.value for s in SchoolStatus} | {p.value for p in Position} | {r.value for r in MemberRole}
)

Optional = Annotated[str | None, BeforeValidator(blank_is_none)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]
Npsn = Annotated[str, AfterValidator(normalise_npsn)]
Kabkota = Annotated[str, AfterValidator(kabkota_code)]


class PersonDraft(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "full_name": "Rina Sitorus, S.Pd.",
                    "nuptk": "1234567890120001",
                    "email": "rina.sitorus@contoh.sch.id",
                    "phone": "0812-3456-7001",
                    "position": "guru",
                    "school_npsn": "10210001",
                }
            ]
        },
    )

    full_name: Name
    nuptk: Annotated[Optional, AfterValidator(lambda v: v and normalise_nuptk(v))] = None
    nip: Annotated[Optional, AfterValidator(lambda v: v and normalise_nip(v))] = None
    email: Annotated[Optional, AfterValidator(lambda v: v and normalise_email(v))] = None
    phone: Annotated[Optional, AfterValidator(lambda v: v and normalise_phone(v))] = None
    position: Annotated[Position, BeforeValidator(enum_tolerant)] = Position.GURU
    school_npsn: Npsn
