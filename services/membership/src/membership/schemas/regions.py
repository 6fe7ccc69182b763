"""Answers of `/membership/regions`."""

from kombel_events.regions import Region, RegionKind
from pydantic import BaseModel


class RegionOut(BaseModel):
    code: str
    name: str
    display_name: str
    kind: RegionKind
    province_code: str
    timezone: str
    timezone_iana: str

    @classmethod
    def of(cls, region: Region) -> "RegionOut":
        return cls(
            code=region.code,
            name=region.name,
            display_name=region.display_name,
            kind=region.kind,
            province_code=region.province_code,
            timezone=region.timezone.value,
            timezone_iana=region.timezone.iana,
        )


class RegionList(BaseModel):
    items: list[RegionOut]
    total: int
    next: None = None


class Kecamatan(BaseModel):
    code: str
    name: str
    kabkota_code: str
    timezone: str
