"""The region directory: 38 provinces and 514 kabupaten/kota, shipped as data.

Part of the published language: every service speaks of regions by these codes, and the
time zone of a place decides when its reminders go out.

Codes are written as Kemendagri writes them (`12`, `12.11`). Names are matched tolerantly:
"Kab. Dairi", "Kabupaten Dairi" and "DAIRI" all find 12.11; "Kota Bogor" and "Kab. Bogor" tell
the two Bogors apart, while "Bogor" alone finds both.
"""

import csv
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "regions.csv"


class RegionKind(StrEnum):
    PROVINSI = "provinsi"
    KABUPATEN = "kabupaten"
    KOTA = "kota"
    KECAMATAN = "kecamatan"


class TimeZone(StrEnum):
    WIB = "WIB"
    WITA = "WITA"
    WIT = "WIT"

    @property
    def iana(self) -> str:
        return {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}[self.value]


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    kind: RegionKind
    province_code: str
    timezone: TimeZone

    @property
    def display_name(self) -> str:
        if self.kind is RegionKind.KABUPATEN:
            return f"Kabupaten {self.name}"
        if self.kind is RegionKind.KOTA:
            return f"Kota {self.name}"
        return self.name


PROVINCE_CODE = re.compile(r"^\d{2}$")
KABKOTA_CODE = re.compile(r"^\d{2}\.\d{2}$")
KECAMATAN_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")

_PREFIXES = [
    ("kabupaten administrasi ", RegionKind.KABUPATEN),
    ("kabupaten ", RegionKind.KABUPATEN),
    ("kab ", RegionKind.KABUPATEN),
    ("kota administrasi ", RegionKind.KOTA),
    ("kota ", RegionKind.KOTA),
    ("provinsi ", RegionKind.PROVINSI),
    ("prov ", RegionKind.PROVINSI),
]


def normalise_name(text: str) -> tuple[str, RegionKind | None]:
    """The comparable form of a region name, and the kind its prefix names, if any."""
    folded = re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()
    for prefix, kind in _PREFIXES:
        if folded.startswith(prefix):
            return folded[len(prefix) :].replace(" ", ""), kind
    return folded.replace(" ", ""), None


@dataclass(frozen=True)
class RegionDirectory:
    by_code: dict[str, Region]
    by_name: dict[str, tuple[Region, ...]]

    def get(self, code: str) -> Region | None:
        return self.by_code.get(code.strip())

    def find(self, text: str) -> list[Region]:
        """Regions a person may mean by `text`: a code, or a name with or without prefix."""
        text = text.strip()
        if not text:
            return []
        exact = self.get(text)
        if exact is not None:
            return [exact]
        name, kind = normalise_name(text)
        found = self.by_name.get(name, ())
        return [r for r in found if kind is None or r.kind is kind]

    def search(self, text: str) -> list[Region]:
        """Regions whose code or name contains `text` (for pickers), exact matches first."""
        exact = self.find(text)
        name, kind = normalise_name(text)
        partial = [
            r
            for r in self.by_code.values()
            if r not in exact
            and (kind is None or r.kind is kind)
            and (name in normalise_name(r.name)[0] or r.code.startswith(text.strip()))
        ]
        return exact + partial

    def kabkota_of(self, province_code: str) -> list[Region]:
        return [
            r
            for r in self.by_code.values()
            if r.province_code == province_code and r.kind is not RegionKind.PROVINSI
        ]


@cache
def regions() -> RegionDirectory:
    by_code: dict[str, Region] = {}
    by_name: dict[str, list[Region]] = {}
    with DATA.open(newline="", encoding="utf-8") as data:
        for row in csv.DictReader(data):
            region = Region(
                code=row["code"],
                name=row["name"],
                kind=RegionKind(row["kind"]),
                province_code=row["province_code"] or row["code"],
                timezone=TimeZone(row["timezone"]),
            )
            by_code[region.code] = region
            by_name.setdefault(normalise_name(region.name)[0], []).append(region)
    return RegionDirectory(by_code, {k: tuple(v) for k, v in by_name.items()})
