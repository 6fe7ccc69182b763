"""Importing communities from a Dinas spreadsheet (registered, matched by name, updated), and
members who join a community named in their sheet."""

import csv
import io
import random
import uuid

import pytest
from kombel_events.regions import regions
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import fresh_kabkota, fresh_kabkotas, neighbour_of, province_of
from membership.testing import finished_import as upload

from .test_imports_api import make_school, people_csv

pytestmark = pytest.mark.infra

HEADER = "Nama Komunitas;Jenis;Forum;Jenjang;Kabupaten/Kota;Mata Pelajaran;NPSN Sekolah Induk"


def spreadsheet(*lines: str) -> bytes:
    return "\r\n".join([HEADER, *lines]).encode("cp1252")


async def communities_in(platform: RunningPlatform, kabkota: str) -> list[dict[str, object]]:
    response = await platform.client.get(
        "/membership/communities",
        params={"kabkota": kabkota, "limit": 100},
        headers=platform.auth(Role.NATIONAL_ADMIN),
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, object]] = response.json()["items"]
    return items


async def test_communities_are_registered_matched_by_name_and_updated(
    platform: RunningPlatform,
) -> None:
    kabkota = fresh_kabkota()
    elsewhere = neighbour_of(kabkota)  # only in a row refused as outside the caller's scope
    name = regions().get(kabkota).display_name  # type: ignore[union-attr]
    host = await make_school(platform, kabkota)
    staff = platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota)
    unknown = random.randint(10**7, 10**8 - 1)
    content = spreadsheet(
        f"KKG Gugus 1 Sidikalang;Antar Sekolah;KKG;SD;{name};;{host}",
        f"MGMP Matematika;antar sekolah;mgmp;SMP, SMA;{kabkota};Matematika;",
        f"MGMP IPA;antar sekolah;MGMP;SMP;{kabkota};;",
        f"kkg  gugus 1 SIDIKALANG;Antar Sekolah;KKG;SD;{kabkota};;",
        f"Komunitas Belajar SDN 2;dalam sekolah;organik;SD;{kabkota};;{unknown}",
        f"Komunitas Belajar SDN 3;sekolah;organik;SD;{kabkota};;",
        f"KKG Gugus 9;daring;KKG;SD;{elsewhere};;",
    )

    dry = await upload(platform, "communities", content, staff, dry_run=True)
    assert (dry["status"], dry["created"], dry["rejected"]) == ("succeeded", 2, 4), dry
    assert await communities_in(platform, kabkota) == [], "a dry run saves nothing"

    first = await upload(platform, "communities", content, staff, dry_run=False)
    assert (first["created"], first["duplicates"], first["rejected"]) == (2, 1, 4), first
    errors = await platform.client.get(first["errors_csv"], headers=staff)
    refused = {row[0]: row[-1] for row in csv.reader(io.StringIO(errors.text.lstrip("\ufeff")))}
    assert refused["4"] == "Mata Pelajaran: MGMP perlu mata pelajaran"
    assert refused["6"].startswith("NPSN Sekolah Induk: sekolah ")
    assert refused["6"].endswith(" belum terdaftar")
    assert refused["7"] == "Jenis: pilih salah satu: 'dalam_sekolah', 'antar_sekolah' atau 'daring'"
    assert "di luar wilayah kewenangan Anda" in refused["8"]
    matches = await platform.client.get(first["matches_csv"], headers=staff)
    matched = {row[0]: row[-1] for row in csv.reader(io.StringIO(matches.text.lstrip("\ufeff")))}
    assert matched["5"] == "sama dengan baris 2 di berkas ini", "a repeated name is a duplicate"

    registered = {c["name"]: c for c in await communities_in(platform, kabkota)}
    assert set(registered) == {"KKG Gugus 1 Sidikalang", "MGMP Matematika"}
    kkg, mgmp = registered["KKG Gugus 1 Sidikalang"], registered["MGMP Matematika"]
    assert (kkg["kind"], kkg["forum_type"], kkg["host_school_npsns"]) == (
        "antar_sekolah",
        "KKG",
        [host],
    )
    assert (mgmp["jenjang"], mgmp["subject_name"]) == (["SMP", "SMA"], "Matematika")

    again = await upload(platform, "communities", content, staff, dry_run=False)
    assert (again["created"], again["duplicates"], again["rejected"]) == (0, 3, 4), again

    changed = spreadsheet(f"KKG GUGUS 1 Sidikalang;antar sekolah;KKG;SD/TK;{kabkota};;")
    update = await upload(platform, "communities", changed, staff, dry_run=False)
    assert (update["created"], update["updated"]) == (0, 1), update
    after = {c["name"]: c for c in await communities_in(platform, kabkota)}
    assert after["KKG Gugus 1 Sidikalang"]["jenjang"] == ["SD", "TK"]
    assert after["KKG Gugus 1 Sidikalang"]["host_school_npsns"] == [host], "a blank cell keeps"

    # The events reach reporting like those of communities registered one by one.
    listed = await eventually(
        lambda: platform.client.get(
            "/reporting/communities", params={"kabkota": kabkota}, headers=staff
        ),
        lambda r: r.json()["total"] == 2,
    )
    assert {i["name"] for i in listed.json()["items"]} == set(registered)


async def test_only_staff_import_communities_and_the_template_names_the_columns(
    platform: RunningPlatform,
) -> None:
    lead = platform.auth(Role.COMMUNITY_LEAD)
    refused = await platform.client.post(
        "/membership/imports/communities",
        files={"file": ("k.csv", spreadsheet())},
        headers=lead,
    )
    assert refused.status_code == 403
    template = await platform.client.get(
        "/membership/imports/communities/template.csv", headers=lead
    )
    assert template.text.lstrip("\ufeff").splitlines()[0] == (
        "Nama Komunitas,Jenis,Forum,Jenjang,Kabupaten/Kota,Mata Pelajaran,"
        "NPSN Sekolah Induk,Tautan PMM"
    )


async def test_members_join_a_community_named_in_the_sheet(platform: RunningPlatform) -> None:
    # Names of this test's own: the province's other kabupaten/kota may be other tests', and a
    # name is resolved among every community the caller manages there.
    here, there = fresh_kabkotas(2)
    province = province_of(here)
    gugus = f"KKG Gugus 7 {uuid.uuid4().hex[:8]}"
    missing = f"KKG Gugus 8 {uuid.uuid4().hex[:8]}"
    npsn = await make_school(platform, here)
    admin = platform.auth(Role.NATIONAL_ADMIN)
    people, nuptks = people_csv(npsn)
    await upload(platform, "people", people, admin, dry_run=False)
    for kabkota in (here, there):  # one name in two kabupaten/kota of the province
        await upload(
            platform,
            "communities",
            spreadsheet(f"{gugus};antar sekolah;KKG;SD;{kabkota};;"),
            admin,
            dry_run=False,
        )
    kkg_here = next(c for c in await communities_in(platform, here) if c["name"] == gugus)

    def sheet(*rows: list[str]) -> bytes:
        buffer = io.StringIO()
        csv.writer(buffer).writerows(
            [["Nama Komunitas", "Kabupaten/Kota", "NUPTK", "Peran"], *rows]
        )
        return buffer.getvalue().encode()

    rows = sheet(
        [gugus.lower(), "", nuptks[0], "penggerak"],
        [gugus, here, nuptks[1], "anggota"],
        [missing, "", nuptks[1], "anggota"],
    )
    district = platform.auth(Role.DISTRICT_STAFF, kabkota=here)
    joined = await upload(platform, "memberships", rows, district, dry_run=False)
    assert (joined["created"], joined["rejected"]) == (2, 1), joined
    members = (
        await platform.client.get(
            f"/membership/communities/{kkg_here['id']}/members", headers=district
        )
    ).json()
    assert sorted(m["role"] for m in members) == ["anggota", "penggerak"]

    # Province staff manage both: a bare name is ambiguous, a name with its kabupaten is not.
    provincial = platform.auth(Role.PROVINCE_STAFF, province=province)
    again = await upload(
        platform,
        "memberships",
        sheet([gugus, "", nuptks[2], ""], [gugus, there, nuptks[2], ""]),
        provincial,
        dry_run=False,
    )
    assert (again["created"], again["rejected"]) == (1, 1), again
    errors = await platform.client.get(again["errors_csv"], headers=provincial)
    assert "dipakai 2 komunitas; isi juga Kabupaten/Kota atau ID Komunitas" in errors.text

    neither = await upload(
        platform, "memberships", b"NUPTK,Peran\n1234567890123456,anggota\n", admin, dry_run=True
    )
    assert neither["status"] == "failed"
    assert "ID Komunitas atau Nama Komunitas" in neither["error"]
