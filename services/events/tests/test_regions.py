"""The shipped region data and the tolerant lookup people rely on."""

import pytest
from kombel_events.regions import RegionKind, TimeZone, regions


def test_all_provinces_and_kabupaten_kota_ship_with_their_codes() -> None:
    directory = regions()
    kinds = [r.kind for r in directory.by_code.values()]
    assert kinds.count(RegionKind.PROVINSI) == 38
    assert kinds.count(RegionKind.KABUPATEN) == 416
    assert kinds.count(RegionKind.KOTA) == 98
    dairi = directory.get("12.11")
    assert dairi is not None
    assert dairi.display_name == "Kabupaten Dairi"
    assert dairi.province_code == "12"


@pytest.mark.parametrize("text", ["Kab. Dairi", "Kabupaten Dairi", "DAIRI", "kab dairi", "12.11"])
def test_names_are_matched_as_people_write_them(text: str) -> None:
    assert [r.code for r in regions().find(text)] == ["12.11"]


def test_a_prefix_tells_kabupaten_and_kota_apart() -> None:
    directory = regions()
    assert [r.code for r in directory.find("Kota Bogor")] == ["32.71"]
    assert [r.code for r in directory.find("Kab. Bogor")] == ["32.01"]
    assert sorted(r.code for r in directory.find("Bogor")) == ["32.01", "32.71"]


@pytest.mark.parametrize(
    ("code", "zone"),
    [
        ("12.11", TimeZone.WIB),
        ("63.03", TimeZone.WITA),
        ("64.72", TimeZone.WITA),
        ("95.01", TimeZone.WIT),
    ],
)
def test_every_region_knows_its_time_zone(code: str, zone: TimeZone) -> None:
    region = regions().get(code)
    assert region is not None
    assert region.timezone is zone


def test_the_papua_provinces_of_2022_hold_their_kabupaten() -> None:
    directory = regions()
    assert {r.name for r in directory.kabkota_of("93")} == {
        "Merauke",
        "Boven Digoel",
        "Mappi",
        "Asmat",
    }
    assert directory.get("96.71") is not None
    assert directory.get("91.01") is None, "Merauke moved to Papua Selatan (93.01)"


def test_search_finds_partial_names() -> None:
    names = [r.display_name for r in regions().search("banjar")]
    assert "Kabupaten Banjar" in names
    assert "Kota Banjarmasin" in names
