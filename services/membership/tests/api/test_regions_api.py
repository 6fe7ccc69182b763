"""`/membership/regions` and the kecamatan import."""

import pytest
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import fresh_kabkota, neighbour_of

pytestmark = pytest.mark.infra


async def test_regions_are_found_by_name_as_people_write_it(platform: RunningPlatform) -> None:
    headers = platform.auth(Role.MEMBER)
    found = (
        await platform.client.get(
            "/membership/regions", params={"q": "Kab. Dairi"}, headers=headers
        )
    ).json()
    assert found["items"][0]["code"] == "12.11"
    assert found["items"][0]["timezone_iana"] == "Asia/Jakarta"
    provinces = (
        await platform.client.get(
            "/membership/regions", params={"kind": "provinsi"}, headers=headers
        )
    ).json()
    assert provinces["total"] == 38
    missing = await platform.client.get("/membership/regions/99.99", headers=headers)
    assert missing.status_code == 404


async def test_kecamatan_are_imported_under_their_kabupaten(platform: RunningPlatform) -> None:
    kabkota = fresh_kabkota()
    staff = platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota)
    other = neighbour_of(kabkota)  # its row is refused: nothing is written there
    lines = ["Kode;Nama Kecamatan", f"{kabkota}.01;Kota Satu", f"{kabkota}.02;Dua"]
    lines += [f"{other}.01;Luar", f"{kabkota}.1;Salah"]
    content = "\n".join(lines).encode()
    response = await platform.client.post(
        "/membership/imports/kecamatan",
        params={"dry_run": "false"},
        files={"file": ("kec.csv", content)},
        headers=staff,
    )
    assert response.status_code == 202
    url = response.json()["progress"]
    result = await eventually(
        lambda: platform.client.get(url, headers=staff),
        lambda r: r.json()["status"] in ("succeeded", "failed"),
    )
    assert (result.json()["created"], result.json()["rejected"]) == (2, 2)
    listed = (
        await platform.client.get(f"/membership/regions/{kabkota}/kecamatan", headers=staff)
    ).json()
    assert [k["name"] for k in listed] == ["Kota Satu", "Dua"]
