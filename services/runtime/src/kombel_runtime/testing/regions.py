"""Real kabupaten/kota for tests that share one platform, each handed out once per session,
so counts per region start at zero."""

import random

from kombel_events.regions import RegionKind, regions

_provinces: list[str] = []
_kabkota: list[str] = []


def _fill() -> None:
    if _provinces or _kabkota:
        return
    directory = regions()
    _provinces.extend(r.code for r in directory.by_code.values() if r.kind is RegionKind.PROVINSI)
    random.shuffle(_provinces)


def fresh_province() -> tuple[str, list[str]]:
    """A province no other test in this session uses, with its kabupaten/kota codes."""
    _fill()
    province = _provinces.pop()
    return province, [r.code for r in regions().kabkota_of(province)]


def fresh_kabkota() -> str:
    """A kabupaten/kota no other test in this session uses."""
    if not _kabkota:
        _, codes = fresh_province()
        random.shuffle(codes)
        _kabkota.extend(codes)
    return _kabkota.pop()
