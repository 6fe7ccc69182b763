"""Bodies and answers of `/membership/schools` (a new school is a `SchoolDraft`)."""

from kombel_events.membership import SchoolJenjang, SchoolStatus
from kombel_runtime.patch import not_null
from pydantic import BaseModel, ConfigDict, Field


class SchoolOut(BaseModel):
    npsn: str
    name: str
    jenjang: SchoolJenjang
    status: SchoolStatus
    province_code: str
    kabkota_code: str
    kecamatan: str | None
    address: str | None


class SchoolChanges(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(default=None, min_length=2, max_length=200)
    jenjang: SchoolJenjang | None = None
    status: SchoolStatus | None = None
    kecamatan: str | None = Field(default=None, max_length=100)
    address: str | None = Field(default=None, max_length=300)

    _required = not_null("name", "jenjang", "status")
