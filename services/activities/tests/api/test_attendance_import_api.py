"""A paper attendance list imported into an activity: matched by name among the community's
members on its date, through the same import machinery as membership's."""

import csv
import io
from typing import Any

import pytest
from kombel_runtime.auth import Role
from kombel_runtime.messaging_tables import outbox
from kombel_runtime.testing.harness import RunningPlatform, eventually
from sqlalchemy import func, select

from .test_evidence_api import an_activity

pytestmark = pytest.mark.infra


def attendance_list(*names: str) -> bytes:
    buffer = io.StringIO()
    rows = [["No", "Nama", "NUPTK", "No. HP/WA", "Tanda Tangan"]]
    rows += [[str(i), name, "", "", "ttd"] for i, name in enumerate(names, start=1)]
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


async def imported(
    platform: RunningPlatform,
    activity_id: str,
    content: bytes,
    headers: dict[str, str],
    *,
    dry_run: bool,
) -> dict[str, Any]:
    response = await platform.client.post(
        "/activities/imports/attendance",
        params={"activity_id": activity_id, "dry_run": str(dry_run).lower()},
        files={"file": ("daftar-hadir.csv", content)},
        headers=headers,
    )
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["progress"] == f"/activities/imports/{accepted['id']}"

    async def status() -> dict[str, Any]:
        body: dict[str, Any] = (
            await platform.client.get(accepted["progress"], headers=headers)
        ).json()
        return body

    return await eventually(status, lambda s: s["status"] in ("succeeded", "failed"), timeout_s=60)


async def noted(platform: RunningPlatform, path: str, headers: dict[str, str]) -> dict[str, str]:
    response = await platform.client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return {r[0]: r[-1] for r in list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))[1:]}


async def present(platform: RunningPlatform, activity_id: str, headers: dict[str, str]) -> set[str]:
    response = await platform.client.get(
        f"/activities/activities/{activity_id}/attendance", headers=headers
    )
    assert response.status_code == 200, response.text
    return {m["full_name"] for m in response.json()["members"]}


async def test_a_paper_list_adds_members_once_and_names_what_it_refused(
    platform: RunningPlatform,
) -> None:
    world, activity = await an_activity(platform)
    lead = world["as_lead"]
    content = attendance_list("rina  SITORUS", "Budi Santoso", "BUDI SANTOSO", "Sari Dewi")

    dry = await imported(platform, activity["id"], content, lead, dry_run=True)
    assert (dry["created"], dry["duplicates"], dry["rejected"]) == (2, 1, 1), dry
    assert await present(platform, activity["id"], lead) == set(), "a dry run saves nothing"

    done = await imported(platform, activity["id"], content, lead, dry_run=False)
    assert (done["created"], done["duplicates"], done["rejected"]) == (2, 1, 1), done
    assert await present(platform, activity["id"], lead) == {"Rina Sitorus", "Budi Santoso"}
    matches = await noted(platform, done["matches_csv"], lead)
    assert matches == {"4": "sama dengan baris 3 di berkas ini"}
    errors = await noted(platform, done["errors_csv"], lead)
    assert errors == {
        "5": "Nama Lengkap: bukan anggota komunitas pada tanggal kegiatan; catat sebagai tamu"
    }
    async with platform.runtime("activities").sessions() as session:
        recorded = await session.scalar(
            select(func.count())
            .select_from(outbox)
            .where(
                outbox.c.event_type == "kombel.activities.attendance.recorded.v1",
                outbox.c.data.contains(activity["id"].encode()),
            )
        )
    assert recorded == 1

    again = await imported(platform, activity["id"], content, lead, dry_run=False)
    assert (again["created"], again["duplicates"], again["rejected"]) == (0, 3, 1), again
    assert set((await noted(platform, again["matches_csv"], lead)).values()) == {
        "sudah tercatat hadir",
        "sama dengan baris 3 di berkas ini",
    }
    assert await present(platform, activity["id"], lead) == {"Rina Sitorus", "Budi Santoso"}


async def test_only_those_who_record_attendance_may_upload_a_list(
    platform: RunningPlatform,
) -> None:
    world, activity = await an_activity(platform)
    for headers, expected in (
        (world["as_member"], 403),
        (world["as_outsider"], 404),
        (platform.auth(Role.DISTRICT_STAFF, kabkota=world["kabkota"]), 202),
    ):
        response = await platform.client.post(
            "/activities/imports/attendance",
            params={"activity_id": activity["id"]},
            files={"file": ("daftar-hadir.csv", attendance_list("Budi Santoso"))},
            headers=headers,
        )
        assert response.status_code == expected, response.text
    template = await platform.client.get(
        "/activities/imports/attendance/template.csv", headers=world["as_lead"]
    )
    assert template.text.lstrip("\ufeff").splitlines()[0] == "Nama Lengkap,NUPTK,Email,No. HP/WA"
