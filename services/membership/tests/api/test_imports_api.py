"""Bulk imports over HTTP, against the real database, Redis and broker."""

import asyncio
import csv
import io
import itertools
import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from kombel_runtime.auth import Principal, Role
from kombel_runtime.ids import uuid7
from kombel_runtime.imports.retention import prune_import_rows
from kombel_runtime.imports.worker import scope_of
from kombel_runtime.messaging_tables import outbox
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import fresh_kabkota, neighbour_of
from membership.db.tables import audit_log, imports, people
from membership.testing import created, digits, person
from membership.testing import finished_import as upload
from openpyxl import Workbook
from sqlalchemy import func, select, update

pytestmark = pytest.mark.infra


async def make_school(platform: RunningPlatform, kabkota: str) -> str:
    npsn = str(
        random.randint(10**7, 10**8 - 1)
    )  # no leading zero: the XLSX test stores it as a number
    response = await platform.client.post(
        "/membership/schools",
        json={
            "npsn": npsn,
            "name": "SMP Negeri 2",
            "jenjang": "SMP",
            "status": "negeri",
            "kabkota_code": kabkota,
        },
        headers=platform.auth(Role.NATIONAL_ADMIN),
    )
    assert response.status_code == 201, response.text
    return npsn


async def people_in(platform: RunningPlatform, npsn: str) -> int:
    async with platform.runtime("membership").sessions() as session:
        return int(
            await session.scalar(
                select(func.count()).select_from(people).where(people.c.school_npsn == npsn)
            )
            or 0
        )


def people_csv(
    npsn: str, *, delimiter: str = ",", encoding: str = "utf-8", bom: bool = False
) -> tuple[bytes, list[str]]:
    nuptks = [digits(16) for _ in range(4)]
    rows = [
        ["Nama Lengkap", "NUPTK", "Email", "No. HP/WA", "Jabatan", "NPSN Sekolah"],
        [
            "Rina Sitorus, S.Pd.",
            nuptks[0],
            f"rina{nuptks[0][:6]}@example.id",
            "0812" + digits(8),
            "Guru",
            npsn,
        ],
        ["Pak Harahap", nuptks[1], "", "+62 813-" + digits(8), "Kepala Sekolah", npsn],
        [
            "Bu Sinaga",
            "123",
            "bukan-email",
            "0812" + digits(8),
            "guru",
            npsn,
        ],  # bad NUPTK and email
        ["Ani Pohan", nuptks[0], "", "", "guru", npsn],  # same NUPTK as row 2
        ["Dewi Gultom", nuptks[3], "", "", "guru", "99999999"],  # unknown school
        ["Bu Ginting Ñ", nuptks[2], "", "", "tendik", npsn],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data if bom else data), nuptks


async def test_dry_run_then_commit_then_reupload(platform: RunningPlatform) -> None:
    kabkota = fresh_kabkota()
    npsn = await make_school(platform, kabkota)
    staff = platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota)
    content, _ = people_csv(npsn, delimiter=";", encoding="cp1252")

    dry = await upload(platform, "people", content, staff, dry_run=True)
    assert dry["status"] == "succeeded", dry
    assert (dry["rows_total"], dry["rows_done"], dry["created"], dry["rejected"]) == (6, 6, 3, 2)
    assert dry["duplicates"] == 1, "row 5 repeats row 2's NUPTK: a duplicate, not an error"
    assert dry["percent"] == 100.0
    assert await people_in(platform, npsn) == 0, "a dry run saves nothing"

    errors = await platform.client.get(dry["errors_csv"], headers=staff)
    assert errors.status_code == 200
    table = list(csv.reader(io.StringIO(errors.text.lstrip("\ufeff"))))
    assert table[0] == [
        "Baris",
        "Nama Lengkap",
        "NUPTK",
        "Email",
        "No. HP/WA",
        "Jabatan",
        "NPSN Sekolah",
        "Kesalahan",
    ]
    by_row = {r[0]: r[-1] for r in table[1:]}
    assert set(by_row) == {"4", "6"}
    assert "NUPTK: NUPTK harus 16 angka" in by_row["4"]
    assert "Email: alamat email tidak sah" in by_row["4"]
    assert "belum terdaftar" in by_row["6"]

    done = await upload(platform, "people", content, staff, dry_run=False)
    assert (done["created"], done["updated"], done["duplicates"], done["rejected"]) == (3, 0, 1, 2)
    in_file = await platform.client.get(done["matches_csv"], headers=staff)
    repeated = list(csv.reader(io.StringIO(in_file.text.lstrip("\ufeff"))))
    assert [(r[0], r[-1]) for r in repeated[1:]] == [("5", "sama dengan baris 2 di berkas ini")]
    assert await people_in(platform, npsn) == 3
    async with platform.runtime("membership").sessions() as session:
        announced = await session.scalar(
            select(func.count())
            .select_from(outbox)
            .where(
                outbox.c.event_type == "kombel.membership.person.registered.v1",
                outbox.c.data.contains(npsn.encode()),
            )
        )
    assert announced == 3
    async with platform.runtime("membership").sessions() as session:
        finished = await session.scalar(
            select(outbox.c.data).where(
                outbox.c.event_type == "kombel.imports.import.finished.v1",
                outbox.c.data.contains(str(done["id"]).encode()),
            )
        )
    assert finished is not None, "the uploader is told the import finished"
    told = json.loads(finished)
    assert (told["status"], told["kind"], told["created"], told["rejected"]) == (
        "succeeded",
        "people",
        3,
        2,
    )

    again = await upload(platform, "people", content, staff, dry_run=False)
    assert (again["created"], again["updated"], again["duplicates"]) == (0, 0, 4)
    matches = await platform.client.get(again["matches_csv"], headers=staff)
    noted = list(csv.reader(io.StringIO(matches.text.lstrip("\ufeff"))))
    assert noted[0][-1] == "Keterangan"
    assert [r[0] for r in noted[1:]] == ["2", "3", "5", "7"]
    assert noted[1][-1] == "sama dengan PTK tersimpan (NUPTK)"
    assert await people_in(platform, npsn) == 3, "re-uploading the same file creates no duplicates"


async def test_xlsx_with_its_numbers_and_a_utf8_bom_csv_read_alike(
    platform: RunningPlatform,
) -> None:
    kabkota = fresh_kabkota()
    npsn = await make_school(platform, kabkota)
    staff = platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["NAMA", "nuptk", "No HP", "npsn"])
    sheet.append(
        ["Guru Satu", int(digits(15)) + 10**15, 81234567890, int(npsn)]
    )  # numbers, as Excel keeps them
    raw = io.BytesIO()
    book.save(raw)
    result = await upload(platform, "people", raw.getvalue(), staff, dry_run=False, name="ptk.xlsx")
    assert (result["created"], result["rejected"]) == (1, 0), result

    content, _ = people_csv(npsn, bom=True)
    bom = await upload(platform, "people", content, staff, dry_run=True)
    assert (bom["created"], bom["duplicates"], bom["rejected"]) == (3, 1, 2)


async def test_schools_import_matches_kabupaten_names_and_refuses_other_regions(
    platform: RunningPlatform,
) -> None:
    kabkota = fresh_kabkota()
    other = neighbour_of(kabkota)  # its row is refused: nothing is written there
    from kombel_events.regions import regions

    name = regions().get(kabkota).display_name  # type: ignore[union-attr]
    far = regions().get(other).display_name  # type: ignore[union-attr]
    rows = [
        ["NPSN", "Nama Sekolah", "Jenjang", "Status", "Kabupaten/Kota", "Kecamatan"],
        [digits(8), "SD Negeri 1", "SD", "Negeri", name, "Kota"],
        [digits(8), "SMK Swasta 2", "smk", "swasta", kabkota, ""],
        [digits(8), "SMA Negeri 3", "SMA", "negeri", far, ""],
        [digits(8), "Sekolah Aneh", "Universitas", "negeri", name, ""],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    staff = platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota)
    result = await upload(platform, "schools", buffer.getvalue().encode(), staff, dry_run=False)
    assert (result["created"], result["rejected"]) == (2, 2), result
    listed = (
        await platform.client.get("/membership/schools", params={"kabkota": kabkota}, headers=staff)
    ).json()
    assert listed["total"] == 2


async def test_unreadable_files_fail_with_a_clear_reason(platform: RunningPlatform) -> None:
    staff = platform.auth(Role.NATIONAL_ADMIN)
    missing = await upload(platform, "people", b"Nama;Alamat\nRina;Medan\n", staff, dry_run=True)
    assert missing["status"] == "failed"
    assert "Kolom wajib tidak ditemukan: NPSN Sekolah" in missing["error"]
    broken = await upload(
        platform, "people", b"PK\x03\x04rusak", staff, dry_run=True, name="x.xlsx"
    )
    assert broken["status"] == "failed"
    assert "Berkas Excel tidak dapat dibaca" in broken["error"]
    pdf = await platform.client.post(
        "/membership/imports/people",
        files={"file": ("ptk.pdf", b"%PDF-1.7\n%\xe2\xe3\n\x00\x01 obj")},
        headers=staff,
    )
    assert pdf.status_code == 422
    assert pdf.json()["error"]["code"] == "file_format"
    assert ".xlsx" in pdf.json()["error"]["message"]
    member = await platform.client.post(
        "/membership/imports/people",
        files={"file": ("a.csv", b"x")},
        headers=platform.auth(Role.MEMBER),
    )
    assert member.status_code == 403


async def test_a_file_that_breaks_halfway_fails_before_any_row_is_saved(
    platform: RunningPlatform,
) -> None:
    kabkota = fresh_kabkota()
    npsn = await make_school(platform, kabkota)
    staff = platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota)
    good = [f"Guru {i},{digits(16)},{npsn}" for i in range(6000)]  # more than one chunk
    content = "\n".join(["Nama Lengkap,NUPTK,NPSN Sekolah", *good, "x" * 200_000]).encode()
    result = await upload(platform, "people", content, staff, dry_run=False)
    assert result["status"] == "failed"
    assert "Baris 6002 tidak dapat dibaca sebagai CSV" in result["error"]
    assert await people_in(platform, npsn) == 0


async def test_progress_streams_over_sse_and_the_template_has_indonesian_headers(
    platform: RunningPlatform,
) -> None:
    kabkota = fresh_kabkota()
    npsn = await make_school(platform, kabkota)
    staff = platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota)
    template = await platform.client.get("/membership/imports/people/template.csv", headers=staff)
    assert (
        template.text.lstrip("\ufeff").splitlines()[0]
        == "Nama Lengkap,NUPTK,NIP,Email,No. HP/WA,Jabatan,NPSN Sekolah"
    )

    lines = ["Nama Lengkap,NUPTK,NPSN Sekolah"] + [
        f"Guru {i},{digits(16)},{npsn}" for i in range(2500)
    ]
    response = await platform.client.post(
        "/membership/imports/people",
        params={"dry_run": "true"},
        files={"file": ("banyak.csv", "\n".join(lines).encode())},
        headers=staff,
    )
    events = []
    async with platform.client.stream("GET", response.json()["events"], headers=staff) as stream:
        async for line in stream.aiter_lines():
            if line.startswith("data: "):
                events.append(json.loads(line[6:]))
                if events[-1]["status"] in ("succeeded", "failed"):
                    break
    assert events[-1]["status"] == "succeeded"
    assert events[-1]["rows_done"] == 2500
    assert events[-1]["percent"] == 100.0
    assert all(a["rows_done"] <= b["rows_done"] for a, b in itertools.pairwise(events))


async def test_memberships_import_joins_people_and_changes_roles(platform: RunningPlatform) -> None:
    kabkota = fresh_kabkota()
    npsn = await make_school(platform, kabkota)
    admin = platform.auth(Role.NATIONAL_ADMIN)
    content, nuptks = people_csv(npsn)
    await upload(platform, "people", content, admin, dry_run=False)
    community = await platform.client.post(
        "/membership/communities",
        json={
            "name": "KKG Gugus 7",
            "kind": "antar_sekolah",
            "forum_type": "KKG",
            "jenjang": ["SD"],
            "kabkota_code": kabkota,
        },
        headers=admin,
    )
    community_id = community.json()["id"]
    # The lead leads by the data: a koordinator of the community, so the rows below name its
    # only penggerak.
    koordinator = await person(platform, npsn)
    await created(
        platform,
        f"/membership/communities/{community_id}/members",
        {"person_id": koordinator["id"], "role": "koordinator"},
        admin,
    )
    lead = platform.auth(Role.MEMBER, person=koordinator["id"])

    def sheet(*rows: list[str]) -> bytes:
        buffer = io.StringIO()
        csv.writer(buffer).writerows([["ID Komunitas", "NUPTK", "Peran", "Tanggal Mulai"], *rows])
        return buffer.getvalue().encode()

    first = await upload(
        platform,
        "memberships",
        sheet(
            [community_id, nuptks[0], "Penggerak", "25/05/2026"],
            [community_id, nuptks[1], "", ""],
            [community_id, nuptks[1], "koordinator", ""],
            [community_id, "9" * 16, "anggota", ""],
            [str(uuid.uuid4()), nuptks[2], "anggota", ""],
        ),
        lead,
        dry_run=False,
    )
    # The third row names the membership of the second again: a duplicate of row 3, whose
    # role stands; the file's first word on a record is the one taken.
    assert (first["created"], first["duplicates"], first["rejected"]) == (2, 1, 2), first
    second = await upload(
        platform,
        "memberships",
        sheet(
            [community_id, nuptks[0], "anggota", "01/06/2026"],
            [community_id, nuptks[1], "koordinator", "01/06/2026"],
        ),
        lead,
        dry_run=False,
    )
    assert (second["updated"], second["rejected"]) == (1, 1), second
    errors = await platform.client.get(second["errors_csv"], headers=lead)
    assert "komunitas harus tetap punya penggerak" in errors.text
    members = (
        await platform.client.get(f"/membership/communities/{community_id}/members", headers=lead)
    ).json()
    assert sorted(m["role"] for m in members if m["person_id"] != koordinator["id"]) == [
        "koordinator",
        "penggerak",
    ]


async def test_files_over_the_limits_are_refused_with_the_limit_named(
    platform: RunningPlatform,
) -> None:
    staff = platform.auth(Role.NATIONAL_ADMIN)
    big = b"Nama Lengkap,NPSN Sekolah\n" + b"Guru,10203040\n" * 200_000  # about 2.8 MB
    response = await platform.client.post(
        "/membership/imports/people", files={"file": ("besar.csv", big)}, headers=staff
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "file_too_large"
    assert "2 MB" in response.json()["error"]["message"]

    many = b"Nama Lengkap,NPSN Sekolah\n" + b"Guru,10203040\n" * 5001
    result = await upload(platform, "people", many, staff, dry_run=True)
    assert result["status"] == "failed"
    assert "5001 baris" in result["error"]
    assert "5000" in result["error"]


async def test_a_job_whose_worker_died_is_taken_up_where_it_stood(
    platform: RunningPlatform,
) -> None:

    kabkota = fresh_kabkota()
    npsn = await make_school(platform, kabkota)
    lines = ["Nama Lengkap,NUPTK,NPSN Sekolah"] + [
        f"Guru {i},{digits(16)},{npsn}" for i in range(2500)
    ]
    import_id = uuid7()
    async with platform.runtime("membership").sessions() as session, session.begin():
        await session.execute(
            imports.insert().values(
                id=import_id,
                kind="people",
                dry_run=False,
                status="running",
                filename="mati.csv",
                content="\n".join(lines).encode(),
                requested_by="staf",
                scope=scope_of(
                    Principal(
                        subject="staf", roles=frozenset({Role.DISTRICT_STAFF}), kabkota=kabkota
                    )
                ),
                rows_total=2500,
                rows_done=1000,
                created=1000,
                started_at=datetime.now(UTC) - timedelta(minutes=10),
                heartbeat_at=datetime.now(UTC) - timedelta(minutes=5),
            )
        )
    admin = platform.auth(Role.NATIONAL_ADMIN)

    async def status() -> dict[str, Any]:
        body: dict[str, Any] = (
            await platform.client.get(f"/membership/imports/{import_id}", headers=admin)
        ).json()
        return body

    done = await eventually(status, lambda s: s["status"] == "succeeded", timeout_s=60)
    assert (done["rows_done"], done["created"]) == (2500, 2500)
    assert await people_in(platform, npsn) == 1500, "the 1,000 rows done before are not read again"


async def test_a_retried_upload_with_its_idempotency_key_starts_one_job(
    platform: RunningPlatform,
) -> None:
    kabkota = fresh_kabkota()
    npsn = await make_school(platform, kabkota)
    content, _ = people_csv(npsn)
    headers = platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota) | {
        "Idempotency-Key": str(uuid.uuid4())
    }

    async def post(dry_run: str) -> Any:
        # Each attempt gets its own multipart boundary, as with any client.
        return await platform.client.post(
            "/membership/imports/people",
            params={"dry_run": dry_run},
            files={"file": ("ptk.csv", content)},
            headers=headers,
        )

    first, retried = await post("true"), await post("true")
    assert first.status_code == retried.status_code == 202
    assert retried.json()["id"] == first.json()["id"]
    assert retried.headers["idempotent-replayed"] == "true"
    other = await post("false")  # the same file, but for real: another request
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"


async def test_an_erased_persons_rows_leave_every_import_and_old_rows_expire(
    platform: RunningPlatform,
) -> None:
    kabkota = fresh_kabkota()
    npsn = await make_school(platform, kabkota)
    staff = platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota)
    content, nuptks = people_csv(npsn)
    first = await upload(platform, "people", content, staff, dry_run=False)
    second = await upload(platform, "people", content, staff, dry_run=False)
    assert (first["created"], second["duplicates"]) == (3, 4)

    async def noted(job: dict[str, Any], which: str) -> list[str]:
        response = await platform.client.get(job[which], headers=staff)
        assert response.status_code == 200, response.text
        rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))[1:]
        return [row[0] for row in rows]

    assert await noted(first, "errors_csv") == ["4", "6"]
    assert await noted(first, "matches_csv") == ["5"]
    assert await noted(second, "matches_csv") == ["2", "3", "5", "7"]
    rina = (
        await platform.client.get("/membership/people", params={"q": nuptks[0]}, headers=staff)
    ).json()["items"][0]
    erased = await platform.client.post(f"/membership/people/{rina['id']}/erase", headers=staff)
    assert erased.status_code == 200, erased.text

    # Row 2 is Rina; row 5 repeated her NUPTK under another name.
    assert await noted(first, "errors_csv") == ["4", "6"]
    assert await noted(first, "matches_csv") == []
    assert await noted(second, "errors_csv") == ["4", "6"]
    assert await noted(second, "matches_csv") == ["3", "7"]

    runtime = platform.runtime("membership")
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            update(imports)
            .where(imports.c.id == first["id"])
            .values(finished_at=datetime.now(UTC) - timedelta(days=31))
        )
    assert await prune_import_rows(runtime) >= 2
    expired = await platform.client.get(first["errors_csv"], headers=staff)
    assert expired.status_code == 410
    assert expired.json()["error"]["code"] == "import_rows_expired"
    assert "30 hari" in expired.json()["error"]["message"]
    assert await noted(second, "matches_csv") == ["3", "7"], "a recent import keeps its rows"
    async with runtime.sessions() as session:
        reads = (
            (
                await session.execute(
                    select(audit_log.c.detail).where(
                        audit_log.c.action == "import.rows.read",
                        audit_log.c.subject == second["id"],
                    )
                )
            )
            .scalars()
            .all()
        )
    assert {"outcomes": ["duplicate", "update"], "returned": 2} in reads, reads


async def test_saving_imports_of_one_kind_take_turns_and_dry_runs_do_not_wait(
    platform: RunningPlatform,
) -> None:
    """Two files that name the same school, decided side by side, would both create it."""
    runtime = platform.runtime("membership")
    kabkota = fresh_kabkota()
    staff = platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota)
    other_worker = uuid7()  # a schools import running on another replica
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            imports.insert().values(
                id=other_worker,
                kind="schools",
                dry_run=False,
                status="running",
                filename="lain.csv",
                requested_by="replika-lain",
                scope=scope_of(Principal(subject="replika-lain", roles=frozenset())),
                started_at=datetime.now(UTC),
                heartbeat_at=datetime.now(UTC),
            )
        )
    npsn = str(random.randint(10**7, 10**8 - 1))
    sheet = (
        f"NPSN,Nama Sekolah,Jenjang,Status,Kabupaten/Kota\n{npsn},SD Antre,SD,negeri,{kabkota}\n"
    )
    try:
        queued = await platform.client.post(
            "/membership/imports/schools",
            params={"dry_run": "false"},
            files={"file": ("s.csv", sheet.encode())},
            headers=staff,
        )
        waiting = f"/membership/imports/{queued.json()['id']}"
        dry = await upload(platform, "schools", sheet.encode(), staff, dry_run=True)
        assert (dry["status"], dry["created"]) == ("succeeded", 1), "a dry run does not wait"
        await asyncio.sleep(2.5)
        still = (await platform.client.get(waiting, headers=staff)).json()
        assert still["status"] == "queued", still
    finally:
        async with runtime.sessions() as session, session.begin():
            await session.execute(
                update(imports).where(imports.c.id == other_worker).values(status="succeeded")
            )
    done = await eventually(
        lambda: platform.client.get(waiting, headers=staff),
        lambda r: r.json()["status"] == "succeeded",
        timeout_s=30,
    )
    assert done.json()["created"] == 1


async def test_the_import_history_lists_the_callers_own_newest_first(
    platform: RunningPlatform,
) -> None:
    kabkota = fresh_kabkota()
    npsn = await make_school(platform, kabkota)
    staff = platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota)
    someone_else = platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota)
    content, _ = people_csv(npsn)
    ids = [(await upload(platform, "people", content, staff, dry_run=True))["id"] for _ in range(2)]
    schools_sheet = (
        f"NPSN,Nama Sekolah,Jenjang,Status,Kabupaten/Kota\n{npsn},SD,SD,negeri,{kabkota}\n"
    )
    ids.append(
        (await upload(platform, "schools", schools_sheet.encode(), staff, dry_run=True))["id"]
    )
    await upload(platform, "people", content, someone_else, dry_run=True)

    first = (
        await platform.client.get("/membership/imports", params={"limit": 2}, headers=staff)
    ).json()
    assert first["total"] == 3
    assert [i["id"] for i in first["items"]] == [ids[2], ids[1]]
    assert first["items"][1]["kind"] == "people"
    assert first["items"][1]["errors_csv"] is not None
    rest = (
        await platform.client.get(
            "/membership/imports", params={"limit": 2, "cursor": first["next"]}, headers=staff
        )
    ).json()
    assert [i["id"] for i in rest["items"]] == [ids[0]]
    assert rest["next"] is None
    people_only = (
        await platform.client.get("/membership/imports", params={"kind": "people"}, headers=staff)
    ).json()
    assert [i["id"] for i in people_only["items"]] == [ids[1], ids[0]]
