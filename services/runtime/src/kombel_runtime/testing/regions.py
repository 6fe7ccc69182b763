"""Real kabupaten/kota for tests that share one platform, each handed out once per session,
so counts per region start at zero."""

import random

from kombel_events.regions import RegionKind, regions

# Named by tests that need a place of a given zone (WITA): Kalimantan Selatan, Sulawesi Selatan.
NAMED_PROVINCES = frozenset({"63", "73"})

_provinces: list[str] = []
# What is left of the provinces opened for single kabupaten/kota, by province.
_kabkota: dict[str, list[str]] = {}
_filled: list[bool] = []


def _fill() -> None:
    """Once per session: a test run that needs more places than there are fails loudly."""
    if _filled:
        return
    _filled.append(True)
    directory = regions()
    codes = [
        r.code
        for r in directory.by_code.values()
        if r.kind is RegionKind.PROVINSI and r.code not in NAMED_PROVINCES
    ]
    random.shuffle(codes)
    # Largest first: whole provinces are handed out from the small end, single kabupaten/kota
    # from the large one, so the kabupaten/kota last as long as the provinces do.
    _provinces.extend(sorted(codes, key=lambda code: -len(directory.kabkota_of(code))))


def _kabkota_of(province: str) -> list[str]:
    return [r.code for r in regions().kabkota_of(province)]


def fresh_province() -> tuple[str, list[str]]:
    """A province no other test in this session uses, with its kabupaten/kota codes."""
    _fill()
    if not _provinces:
        raise RuntimeError("the test run has used every province of the directory")
    province = _provinces.pop()
    return province, _kabkota_of(province)


def fresh_kabkota() -> str:
    """A kabupaten/kota no other test in this session uses."""
    (code,) = fresh_kabkotas(1)
    return code


def fresh_kabkotas(count: int) -> list[str]:
    """`count` kabupaten/kota of one province that no other test in this session uses: a
    whole province is for tests that count per province, and 36 of them go fast."""
    left = next((codes for codes in _kabkota.values() if len(codes) >= count), None)
    if left is None:
        _fill()
        if not _provinces:
            raise RuntimeError("the test run has used every kabupaten/kota of the directory")
        province = _provinces.pop(0)
        left = _kabkota[province] = _kabkota_of(province)
        random.shuffle(left)
    return [left.pop() for _ in range(count)]


def province_of(kabkota_code: str) -> str:
    return kabkota_code.split(".", 1)[0]
