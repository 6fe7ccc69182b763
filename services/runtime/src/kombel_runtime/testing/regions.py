"""Real kabupaten/kota for tests that share one platform, each handed out once per session,
so counts per region start at zero."""

import os
import random
from collections.abc import Callable, Collection
from dataclasses import dataclass

from kombel_events.regions import RegionKind, regions

# Named by tests that need a place of a given zone (WITA): Kalimantan Selatan, Sulawesi Selatan.
NAMED_PROVINCES = frozenset({"63", "73"})


def _directory_provinces() -> dict[str, list[str]]:
    directory = regions()
    return {
        r.code: [k.code for k in directory.kabkota_of(r.code)]
        for r in directory.by_code.values()
        if r.kind is RegionKind.PROVINSI and r.code not in NAMED_PROVINCES
    }


@dataclass(frozen=True)
class Usage:
    """What a session has drawn from the pool, and what is left of it."""

    whole_provinces: int  # handed out by `fresh_province`
    kabkota: int  # handed out by `fresh_kabkota(s)`
    opened_provinces: int  # the provinces those kabupaten/kota came from
    provinces_left: int  # nobody has drawn from them
    kabkota_left: int  # in those provinces and the leftovers of opened ones
    leftover_kabkota: int  # of them, in opened provinces
    largest_leftover: int  # the largest `fresh_kabkotas(n)` an opened province still serves

    def line(self) -> str:
        return (
            f"regions pool: handed out {self.whole_provinces} whole provinces and "
            f"{self.kabkota} kabupaten/kota (from {self.opened_provinces} provinces); left "
            f"{self.provinces_left} whole provinces and {self.kabkota_left} kabupaten/kota "
            f"({self.leftover_kabkota} of them in opened provinces, at most "
            f"{self.largest_leftover} in one)"
        )


class RegionPool:
    """Provinces and kabupaten/kota, each handed out once; a run that needs more places than
    there are fails loudly."""

    def __init__(
        self,
        provinces: Callable[[], dict[str, list[str]]] = _directory_provinces,
        shuffle: Callable[[list[str]], None] = random.shuffle,
    ) -> None:
        self._source = provinces
        self._shuffle = shuffle
        self._all: dict[str, list[str]] | None = None
        # Provinces nobody has drawn from yet, largest first.
        self._untouched: list[str] = []
        # What is left of the provinces opened for single kabupaten/kota, by province.
        self._opened: dict[str, list[str]] = {}
        self._whole: list[str] = []
        # Every draw: the test that made it (pytest's name for it), what, and how many.
        self.draws: list[tuple[str, str, int]] = []

    def _note(self, kind: str, count: int) -> None:
        test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0]
        self.draws.append((test, kind, count))

    def _provinces(self) -> dict[str, list[str]]:
        """Read once, on the first draw: tests that draw nothing never load the directory."""
        if self._all is None:
            found = self._all = self._source()
            codes = list(found)
            self._shuffle(codes)
            # Largest first: whole provinces are handed out from the small end, single
            # kabupaten/kota from the large one, so each lasts as long as it can.
            self._untouched = sorted(codes, key=lambda code: -len(found[code]))
        return self._all

    def _all_of(self, province: str) -> list[str]:
        return list(self._provinces()[province])

    def province(self) -> tuple[str, list[str]]:
        self._provinces()
        if not self._untouched:
            raise RuntimeError("the test run has used every province of the directory")
        province = self._untouched.pop()
        self._whole.append(province)
        self._note("province", len(self._all_of(province)))
        return province, self._all_of(province)

    def kabkotas(self, count: int, outside: Collection[str] = ()) -> list[str]:
        if count < 1:
            raise ValueError("count must be at least 1")
        fitting = [
            codes
            for province, codes in self._opened.items()
            if len(codes) >= count and province not in outside
        ]
        if fitting:
            # The tightest fit: larger remainders stay for larger draws.
            left = min(fitting, key=len)
        else:
            self._provinces()
            province = next((p for p in self._untouched if p not in outside), "")
            if not province:
                raise RuntimeError(
                    f"the test run has used every kabupaten/kota of the directory "
                    f"({count} asked of one province)"
                )
            self._untouched.remove(province)
            left = self._opened[province] = self._all_of(province)
            self._shuffle(left)
        self._note("kabkota", count)
        return [left.pop() for _ in range(count)]

    def drawn(self) -> bool:
        return bool(self._whole or self._opened)

    def usage(self) -> Usage:
        self._provinces()
        leftovers = [len(codes) for codes in self._opened.values()]
        opened = sum(len(self._all_of(province)) for province in self._opened)
        return Usage(
            whole_provinces=len(self._whole),
            kabkota=opened - sum(leftovers),
            opened_provinces=len(self._opened),
            provinces_left=len(self._untouched),
            kabkota_left=sum(len(self._all_of(p)) for p in self._untouched) + sum(leftovers),
            leftover_kabkota=sum(leftovers),
            largest_leftover=max(leftovers, default=0),
        )


# The session's pool, which every test draws from.
POOL = RegionPool()


def fresh_province() -> tuple[str, list[str]]:
    """A province no other test in this session uses, with its kabupaten/kota codes.

    Only for a test that counts or lists a whole province: any other test takes
    `fresh_kabkotas(n)` and, where it needs a province, `province_of` one of them."""
    return POOL.province()


def fresh_kabkota(*, outside: Collection[str] = ()) -> str:
    """A kabupaten/kota no other test in this session uses, in none of the provinces
    `outside` names."""
    (code,) = POOL.kabkotas(1, outside)
    return code


def fresh_kabkotas(count: int, *, outside: Collection[str] = ()) -> list[str]:
    """`count` kabupaten/kota of one province that no other test in this session uses (other
    tests may use the province's other kabupaten/kota), in none of the provinces `outside`
    names.

    They come from the opened province with the fewest left that still has `count`; a new
    province, the largest left, is opened only when none has."""
    return POOL.kabkotas(count, outside)


def neighbour_of(kabkota_code: str, *not_these: str) -> str:
    """Another kabupaten/kota of the same province (none of `not_these` either), handed out to
    no one: it may be another test's. Only for the scope of a caller that the test expects
    refused, or that reads by id or by something only the test has made; never write there,
    never count there."""
    taken = {kabkota_code, *not_these}
    return next(
        r.code for r in regions().kabkota_of(province_of(kabkota_code)) if r.code not in taken
    )


def province_other_than(province: str) -> str:
    """Another province, handed out to no one: it may be another test's. Only for the scope of
    a caller that the test expects refused, or that reads by id; never write there, never count
    there."""
    return next(code for code in sorted(_directory_provinces()) if code != province)


def province_of(kabkota_code: str) -> str:
    return kabkota_code.split(".", 1)[0]
