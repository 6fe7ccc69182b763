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
    (code,) = fresh_kabkotas(1)
    return code


def fresh_kabkotas(count: int) -> list[str]:
    """`count` kabupaten/kota of one province that no other test in this session uses: a
    whole province is for tests that count per province, and 38 of them go fast."""
    if len(_kabkota) < count:
        _kabkota.clear()
        _, codes = fresh_province()
        random.shuffle(codes)
        _kabkota.extend(codes)
    return [_kabkota.pop() for _ in range(count)]


def province_of(kabkota_code: str) -> str:
    return kabkota_code.split(".", 1)[0]
