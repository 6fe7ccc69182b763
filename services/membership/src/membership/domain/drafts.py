"""What a school or a person must be before it is recorded: the API and the import both
validate through these models, so a row and a request are judged alike."""

import re
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from kombel_events.membership import (
    CommunityKind,
    ForumType,
    Jenjang,
    MemberRole,
    SchoolJenjang,
    SchoolStatus,
)
from kombel_events.regions import KECAMATAN_CODE, regions
from kombel_runtime.contacts import normalise_email, normalise_nuptk, normalise_phone
from kombel_runtime.person_rows import (
    Kabkota,
    Name,
    Npsn,
    Optional,
    blank_is_none,
    enum_tolerant,
)
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError


class SchoolDraft(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "npsn": "10210001",
                    "name": "SD Negeri 030280 Sidikalang",
                    "jenjang": "SD",
                    "status": "negeri",
                    "kabkota_code": "Kab. Dairi",
                    "kecamatan": "Sidikalang",
                    "address": "Jl. Pahlawan No. 12",
                }
            ]
        },
    )

    npsn: Npsn
    name: Name
    jenjang: Annotated[SchoolJenjang, BeforeValidator(enum_tolerant)]
    status: Annotated[SchoolStatus, BeforeValidator(enum_tolerant)]
    kabkota_code: Kabkota = Field(description="Kode Kemendagri (12.11) atau nama (Kab. Dairi)")
    kecamatan: Annotated[
        Annotated[str, StringConstraints(max_length=100)] | None, BeforeValidator(blank_is_none)
    ] = None
    address: Annotated[
        Annotated[str, StringConstraints(max_length=300)] | None, BeforeValidator(blank_is_none)
    ] = None


def _choice(enum: type[StrEnum]) -> Callable[[object], object]:
    """A value of `enum` however a spreadsheet writes it: 'Antar Sekolah' is antar_sekolah,
    'gugus paud' is gugus_paud, 'mgmp' is MGMP."""
    by_key = {_choice_key(member.value): member.value for member in enum}

    def tolerant(value: object) -> object:
        if isinstance(value, str):
            return by_key.get(_choice_key(value), value.strip())
        return value

    return tolerant


def _choice_key(text: str) -> str:
    return re.sub(r"[\s_/-]+", "", text).lower()


def _items(value: object) -> object:
    """Several values in one cell: 'SD, SMP', 'SD/SMP' or 'SD; SMP'."""
    if isinstance(value, str):
        return [item for item in re.split(r"[,;/]", value) if item.strip()]
    return value


class CommunityDraft(BaseModel):
    """A community as a row of an import; the API's own model adds the meeting schedule."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]
    kind: Annotated[CommunityKind, BeforeValidator(_choice(CommunityKind))]
    forum_type: Annotated[ForumType, BeforeValidator(_choice(ForumType))]
    jenjang: Annotated[
        list[Annotated[Jenjang, BeforeValidator(_choice(Jenjang))]],
        BeforeValidator(_items),
        Field(min_length=1, max_length=7),
    ]
    kabkota_code: Kabkota
    subject_name: Annotated[
        Annotated[str, StringConstraints(max_length=100)] | None, BeforeValidator(blank_is_none)
    ] = None
    host_school_npsns: Annotated[
        list[Npsn], BeforeValidator(lambda v: _items(v) if v else []), Field(max_length=50)
    ] = Field(default_factory=list)
    pmm_url: Annotated[
        Annotated[str, StringConstraints(max_length=500, pattern=r"^https?://\S+$")] | None,
        BeforeValidator(blank_is_none),
    ] = None


def _date(value: object) -> object:
    """Dates as offices write them: 2026-05-25, 25/05/2026 or 25-05-2026."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        parts = text.replace("/", "-").split("-")
        if len(parts) == 3 and len(parts[2]) == 4:
            return f"{parts[2]}-{parts[1].zfill(2)}-{parts[0].zfill(2)}"
        return text.split(" ")[0]
    return value


class MembershipDraft(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # The community by id, or by name (with its kabupaten/kota where names repeat).
    community_id: Annotated[UUID | None, BeforeValidator(blank_is_none)] = None
    community_name: Annotated[
        Annotated[str, StringConstraints(max_length=200)] | None, BeforeValidator(blank_is_none)
    ] = None
    kabkota_code: Annotated[Kabkota | None, BeforeValidator(blank_is_none)] = None
    nuptk: Annotated[Optional, AfterValidator(lambda v: v and normalise_nuptk(v))] = None
    email: Annotated[Optional, AfterValidator(lambda v: v and normalise_email(v))] = None
    phone: Annotated[Optional, AfterValidator(lambda v: v and normalise_phone(v))] = None
    role: Annotated[MemberRole, BeforeValidator(lambda v: enum_tolerant(v) or "anggota")] = (
        MemberRole.ANGGOTA
    )
    since: Annotated[date | None, BeforeValidator(_date)] = None

    @model_validator(mode="after")
    def _someone(self) -> "MembershipDraft":
        if not (self.community_id or self.community_name):
            raise PydanticCustomError("community_missing", "isi ID Komunitas atau Nama Komunitas")
        if not (self.nuptk or self.email or self.phone):
            raise PydanticCustomError(
                "person_identity_missing", "isi NUPTK, email atau nomor HP/WA anggota"
            )
        return self


def _kecamatan_code(value: str) -> str:
    code = value.strip()
    if not KECAMATAN_CODE.fullmatch(code):
        raise PydanticCustomError(
            "kecamatan_code_format", "kode kecamatan ditulis seperti 12.11.01"
        )
    if regions().get(code[:5]) is None:
        raise PydanticCustomError("kabkota_unknown", "kabupaten/kota kecamatan ini tidak dikenal")
    return code


class KecamatanDraft(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: Annotated[str, AfterValidator(_kecamatan_code)]
    name: Name
