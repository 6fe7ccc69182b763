"""The tests' pool of regions: each place handed out once, leftovers used before a new
province is opened, and a line telling what a run left."""

import pytest
from kombel_runtime.testing.regions import (
    NAMED_PROVINCES,
    RegionPool,
    neighbour_of,
    province_of,
    province_other_than,
)


def pool(sizes: dict[str, int]) -> RegionPool:
    return RegionPool(
        lambda: {p: [f"{p}.{i:02d}" for i in range(1, n + 1)] for p, n in sizes.items()},
        shuffle=lambda codes: None,
    )


def test_whole_provinces_come_from_the_small_end_and_single_ones_from_the_large() -> None:
    regions = pool({"11": 3, "12": 8, "13": 5})
    assert regions.province()[0] == "11"
    assert {province_of(code) for code in regions.kabkotas(2)} == {"12"}


def test_later_draws_use_the_leftovers_of_the_tightest_fitting_province() -> None:
    regions = pool({"11": 6, "12": 5, "13": 9})
    first = regions.kabkotas(7)  # 13 keeps 2
    second = regions.kabkotas(3)  # 11 opened (6), keeps 3
    assert {province_of(c) for c in first} == {"13"}
    assert {province_of(c) for c in second} == {"11"}
    # 2 fit both 13 (2 left) and 11 (3 left): the tighter one serves them.
    assert {province_of(c) for c in regions.kabkotas(2)} == {"13"}
    assert {province_of(c) for c in regions.kabkotas(3)} == {"11"}
    assert regions.usage().provinces_left == 1


def test_nothing_is_handed_out_twice_and_running_out_is_loud() -> None:
    regions = pool({"11": 2, "12": 3, "13": 4})
    handed = [*regions.province()[1], *regions.kabkotas(3), *regions.kabkotas(1)]
    handed += regions.kabkotas(3)
    assert len(handed) == len(set(handed)) == 9
    with pytest.raises(RuntimeError, match="every kabupaten/kota"):
        regions.kabkotas(1)
    with pytest.raises(RuntimeError, match="every province"):
        regions.province()
    with pytest.raises(ValueError, match="at least 1"):
        regions.kabkotas(0)


def test_usage_counts_what_was_handed_out_and_what_is_left() -> None:
    regions = pool({"11": 2, "12": 3, "13": 4, "14": 10})
    assert not regions.drawn()
    regions.province()  # 11
    regions.kabkotas(3)  # 14 opened, 7 left
    regions.kabkotas(1)
    usage = regions.usage()
    assert regions.drawn()
    assert (usage.whole_provinces, usage.kabkota, usage.opened_provinces) == (1, 4, 1)
    assert (usage.provinces_left, usage.kabkota_left) == (2, 3 + 4 + 6)
    assert (usage.leftover_kabkota, usage.largest_leftover) == (6, 6)
    assert usage.line().startswith("regions pool: handed out 1 whole provinces and 4 ")


def test_the_directory_pool_leaves_out_the_provinces_tests_name() -> None:
    regions = RegionPool()
    provinces = set()
    while regions.usage().provinces_left:
        provinces.add(regions.province()[0])
    assert len(provinces) > 30
    assert not provinces & NAMED_PROVINCES


def test_a_draw_outside_some_provinces_skips_them_even_when_they_fit() -> None:
    regions = pool({"11": 6, "12": 5, "13": 9})
    here = regions.kabkotas(2)  # 13
    far = regions.kabkotas(1, outside={province_of(here[0])})
    assert {province_of(c) for c in far} == {"11"}
    assert regions.usage().opened_provinces == 2
    with pytest.raises(RuntimeError):
        regions.kabkotas(1, outside={"11", "12", "13"})


def test_a_neighbour_and_another_province_are_never_the_place_given() -> None:
    kabkota = "12.11"  # Kabupaten Nias: no draw, nothing written
    assert neighbour_of(kabkota) != kabkota
    assert province_of(neighbour_of(kabkota)) == province_of(kabkota)
    assert neighbour_of(kabkota, neighbour_of(kabkota)) not in {kabkota, neighbour_of(kabkota)}
    assert province_other_than(province_of(kabkota)) != province_of(kabkota)


def test_each_draw_is_noted_with_the_test_that_made_it() -> None:
    regions = pool({"11": 2, "12": 3})
    regions.province()
    regions.kabkotas(2)
    here = "test_regions_pool.py::test_each_draw_is_noted_with_the_test_that_made_it"
    assert [(test.endswith(here), kind, n) for test, kind, n in regions.draws] == [
        (True, "province", 2),
        (True, "kabkota", 2),
    ]
