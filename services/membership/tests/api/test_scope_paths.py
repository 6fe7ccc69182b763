"""No path around scope: imports, members, creates and changes tried as an officer, a principal
or a lead of another area would try them."""

from typing import Any

import pytest
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform
from kombel_runtime.testing.regions import fresh_kabkota, fresh_kabkotas, province_of
from membership.testing import (
    community,
    created,
    csv_bytes,
    finished_import,
    nuptk,
    person,
    school,
)

pytestmark = pytest.mark.infra

PEOPLE_HEADER = ["Nama Lengkap", "NUPTK", "Email", "NPSN Sekolah"]


async def read(platform: RunningPlatform, person_id: str) -> dict[str, Any]:
    response = await platform.client.get(
        f"/membership/people/{person_id}", headers=platform.auth(Role.NATIONAL_ADMIN)
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


async def two_areas(platform: RunningPlatform) -> dict[str, Any]:
    """A province with a school and a teacher in each of two kabupaten/kota (the province's
    other kabupaten/kota may be other tests': nothing here is counted province-wide)."""
    here, there = fresh_kabkotas(2)
    province = province_of(here)
    school_here, school_there = await school(platform, here), await school(platform, there)
    teacher_here = await person(platform, school_here, email=f"{nuptk()}@contoh.sch.id")
    teacher_there = await person(platform, school_there, email=f"{nuptk()}@contoh.sch.id")
    return {
        "province": province,
        "here": here,
        "there": there,
        "school_here": school_here,
        "school_there": school_there,
        "teacher_here": teacher_here,
        "teacher_there": teacher_there,
    }


async def test_a_people_import_cannot_take_over_a_teacher_of_another_area(
    platform: RunningPlatform,
) -> None:
    area = await two_areas(platform)
    victim = area["teacher_there"]
    officer = platform.auth(Role.DISTRICT_STAFF, kabkota=area["here"])
    file = csv_bytes(
        PEOPLE_HEADER,
        ["Nama Diganti", victim["nuptk"], "", area["school_here"]],
        ["Nama Diganti", "", victim["email"], area["school_here"]],
    )
    result = await finished_import(platform, "people", file, officer)
    assert (result["created"], result["updated"], result["rejected"]) == (0, 0, 2), result
    assert await read(platform, victim["id"]) == victim
    errors = (await platform.client.get(result["errors_csv"], headers=officer)).text
    assert errors.count("sudah terdaftar di wilayah lain") == 2
    assert victim["id"] not in errors

    # A principal of another province's school, importing into their own school.
    far = fresh_kabkota(outside={area["province"]})
    principal_school = await school(platform, far)
    principal = platform.auth(Role.PRINCIPAL, npsn=principal_school)
    file = csv_bytes(PEOPLE_HEADER, ["Nama Diganti", victim["nuptk"], "", principal_school])
    result = await finished_import(platform, "people", file, principal)
    assert result["rejected"] == 1
    assert await read(platform, victim["id"]) == victim
    for path in ("", "/export"):
        response = await platform.client.get(
            f"/membership/people/{victim['id']}{path}", headers=principal
        )
        assert response.status_code == 404


async def test_no_import_moves_a_teacher_between_regions_but_staff_of_both_may(
    platform: RunningPlatform,
) -> None:
    area = await two_areas(platform)
    teacher = area["teacher_there"]
    province_staff = platform.auth(Role.PROVINCE_STAFF, province=area["province"])
    file = csv_bytes(
        PEOPLE_HEADER, [teacher["full_name"], teacher["nuptk"], "", area["school_here"]]
    )
    result = await finished_import(platform, "people", file, province_staff)
    assert result["rejected"] == 1
    errors = (await platform.client.get(result["errors_csv"], headers=province_staff)).text
    assert "impor tidak memindahkan PTK antarwilayah" in errors
    assert (await read(platform, teacher["id"]))["kabkota_code"] == area["there"]

    moved = await platform.client.patch(
        f"/membership/people/{teacher['id']}",
        json={"school_npsn": area["school_here"]},
        headers=province_staff,
    )
    assert moved.status_code == 200
    assert moved.json()["kabkota_code"] == area["here"]
    export = await platform.client.get(
        f"/membership/people/{teacher['id']}/export", headers=province_staff
    )
    transfers = [c for c in export.json()["changes"] if c["action"] == "person.transferred"]
    assert [(t["detail"]["from_kabkota"], t["detail"]["to_kabkota"]) for t in transfers] == [
        (area["there"], area["here"])
    ]


async def test_every_record_an_import_changes_shows_in_the_persons_export(
    platform: RunningPlatform,
) -> None:
    area = await two_areas(platform)
    teacher = area["teacher_here"]
    officer = platform.auth(Role.DISTRICT_STAFF, kabkota=area["here"])
    new_nuptk = nuptk()
    file = csv_bytes(
        PEOPLE_HEADER,
        ["Nama Baru, S.Pd.", teacher["nuptk"], "", area["school_here"]],
        ["Guru Baru", new_nuptk, "", area["school_here"]],
    )
    result = await finished_import(platform, "people", file, officer)
    assert (result["created"], result["updated"]) == (1, 1), result

    export = await platform.client.get(
        f"/membership/people/{teacher['id']}/export", headers=officer
    )
    updates = [c for c in export.json()["changes"] if c["action"] == "person.updated"]
    assert [(u["detail"]["import"], u["detail"]["fields"]) for u in updates] == [
        (result["id"], ["full_name"])
    ]
    found = await platform.client.get(
        "/membership/people", params={"q": new_nuptk}, headers=officer
    )
    (newcomer,) = found.json()["items"]
    export = await platform.client.get(
        f"/membership/people/{newcomer['id']}/export", headers=officer
    )
    assert export.json()["changes"][0]["action"] == "person.registered"


async def test_an_import_row_cannot_take_another_persons_identity(
    platform: RunningPlatform,
) -> None:
    area = await two_areas(platform)
    first = area["teacher_here"]
    second = await person(
        platform, area["school_here"], email=f"{nuptk()}@contoh.sch.id", full_name="Guru Kedua"
    )
    officer = platform.auth(Role.DISTRICT_STAFF, kabkota=area["here"])
    file = csv_bytes(
        PEOPLE_HEADER, ["Guru Kedua", first["nuptk"], second["email"], area["school_here"]]
    )
    result = await finished_import(platform, "people", file, officer)
    assert (result["status"], result["rejected"]) == ("succeeded", 1), result
    errors = (await platform.client.get(result["errors_csv"], headers=officer)).text
    assert "Email: sudah dipakai PTK lain" in errors
    assert await read(platform, first["id"]) == first


async def test_a_schools_import_cannot_change_or_move_a_school_of_another_area(
    platform: RunningPlatform,
) -> None:
    area = await two_areas(platform)
    officer = platform.auth(Role.DISTRICT_STAFF, kabkota=area["here"])
    header = ["NPSN", "Nama Sekolah", "Jenjang", "Status", "Kabupaten/Kota"]
    file = csv_bytes(
        header, [area["school_there"], "Sekolah Diganti", "SD", "negeri", area["here"]]
    )
    result = await finished_import(platform, "schools", file, officer)
    assert result["rejected"] == 1
    stored = await platform.client.get(
        f"/membership/schools/{area['school_there']}", headers=platform.auth(Role.NATIONAL_ADMIN)
    )
    assert (stored.json()["name"], stored.json()["kabkota_code"]) == ("SD Negeri 1", area["there"])

    province_staff = platform.auth(Role.PROVINCE_STAFF, province=area["province"])
    result = await finished_import(platform, "schools", file, province_staff)
    assert result["rejected"] == 1
    errors = (await platform.client.get(result["errors_csv"], headers=province_staff)).text
    assert "impor tidak memindahkan sekolah antarwilayah" in errors


async def test_members_are_added_within_reach_and_others_join_by_invitation(
    platform: RunningPlatform,
) -> None:
    area = await two_areas(platform)
    group = await community(platform, area["here"], kind="daring")
    base = f"/membership/communities/{group['id']}"
    penggerak = await person(platform, area["school_here"], full_name="Penggerak Daring")
    await created(
        platform,
        f"{base}/members",
        {"person_id": penggerak["id"], "role": "penggerak"},
        platform.auth(Role.NATIONAL_ADMIN),
    )
    lead = platform.auth(Role.MEMBER, person=penggerak["id"])
    officer = platform.auth(Role.DISTRICT_STAFF, kabkota=area["here"])
    outsider, insider = area["teacher_there"], area["teacher_here"]

    for caller in (lead, officer):
        refused = await platform.client.post(
            f"{base}/members", json={"person_id": outsider["id"]}, headers=caller
        )
        assert refused.status_code == 422
        assert refused.json()["error"]["code"] == "person_out_of_reach"
        assert outsider["full_name"] not in refused.text
    await created(platform, f"{base}/members", {"person_id": insider["id"]}, lead)

    # The memberships import refuses the outsider as it refuses a NUPTK nobody has.
    file = csv_bytes(
        ["ID Komunitas", "NUPTK"], [group["id"], outsider["nuptk"]], [group["id"], nuptk()]
    )
    result = await finished_import(platform, "memberships", file, lead)
    assert (result["created"], result["rejected"]) == (0, 2), result
    notes = [
        line.rsplit(",", 1)[-1]
        for line in (await platform.client.get(result["errors_csv"], headers=lead)).text.split(
            "\n"
        )[1:3]
    ]
    assert notes[0] == notes[1]

    invitation = await created(
        platform, f"{base}/invitations", {"person_id": outsider["id"], "role": "narasumber"}, lead
    )
    assert invitation["status"] == "pending"
    someone_else = platform.auth(Role.MEMBER, person=insider["id"])
    stolen = await platform.client.post(
        f"/membership/invitations/{invitation['id']}/accept", headers=someone_else
    )
    assert stolen.status_code == 404
    invited = platform.auth(Role.MEMBER, person=outsider["id"])
    mine = (await platform.client.get("/membership/invitations", headers=invited)).json()
    assert [(i["id"], i["community_name"]) for i in mine] == [(invitation["id"], group["name"])]
    accepted = await platform.client.post(
        f"/membership/invitations/{invitation['id']}/accept", headers=invited
    )
    assert accepted.json()["status"] == "accepted"
    again = await platform.client.post(
        f"/membership/invitations/{invitation['id']}/accept", headers=invited
    )
    assert again.json()["error"]["code"] == "invitation_closed"
    members = (await platform.client.get(f"{base}/members", headers=lead)).json()
    assert {(m["person_id"], m["role"]) for m in members} == {
        (penggerak["id"], "penggerak"),
        (insider["id"], "anggota"),
        (outsider["id"], "narasumber"),
    }
    # Joining gives the lead no more than the community shows.
    for path in (
        f"/membership/people/{outsider['id']}",
        f"/membership/people/{outsider['id']}/export",
    ):
        assert (await platform.client.get(path, headers=lead)).status_code == 404


async def test_a_create_that_meets_another_areas_record_names_nothing(
    platform: RunningPlatform,
) -> None:
    area = await two_areas(platform)
    theirs, ours = area["teacher_there"], area["teacher_here"]
    officer = platform.auth(Role.DISTRICT_STAFF, kabkota=area["here"])
    body = {"full_name": "Guru Baru", "school_npsn": area["school_here"], "nuptk": theirs["nuptk"]}
    taken = await platform.client.post("/membership/people", json=body, headers=officer)
    assert taken.status_code == 409
    assert taken.json()["error"]["code"] == "registered_elsewhere"
    assert "details" not in taken.json()["error"]
    assert theirs["id"] not in taken.text

    changed = await platform.client.patch(
        f"/membership/people/{ours['id']}", json={"email": theirs["email"]}, headers=officer
    )
    assert changed.json()["error"]["code"] == "registered_elsewhere"

    their_officer = platform.auth(Role.DISTRICT_STAFF, kabkota=area["there"])
    body["school_npsn"] = area["school_there"]
    seen = await platform.client.post("/membership/people", json=body, headers=their_officer)
    assert seen.json()["error"]["details"] == [{"existing_id": theirs["id"], "matched_on": "nuptk"}]

    school_body = {
        "npsn": area["school_there"],
        "name": "SD Baru",
        "jenjang": "SD",
        "status": "negeri",
        "kabkota_code": area["here"],
    }
    school_taken = await platform.client.post(
        "/membership/schools", json=school_body, headers=officer
    )
    assert school_taken.json()["error"]["code"] == "registered_elsewhere"


async def test_null_for_a_required_field_is_refused_in_every_change(
    platform: RunningPlatform,
) -> None:
    area = await two_areas(platform)
    admin = platform.auth(Role.NATIONAL_ADMIN)
    group = await community(platform, area["here"])
    cases = [
        (f"/membership/people/{area['teacher_here']['id']}", {"full_name": None}),
        (f"/membership/people/{area['teacher_here']['id']}", {"position": None}),
        (f"/membership/schools/{area['school_here']}", {"name": None}),
        (f"/membership/communities/{group['id']}", {"jenjang": None}),
        (f"/membership/communities/{group['id']}", {"host_school_npsns": None}),
    ]
    for path, body in cases:
        response = await platform.client.patch(path, json=body, headers=admin)
        assert response.status_code == 422, (path, response.text)
        (detail,) = response.json()["error"]["details"]
        assert (detail["field"], detail["code"]) == (next(iter(body)), "null_not_allowed")
    # A field the record may be without is still emptied by null.
    cleared = await platform.client.patch(
        f"/membership/people/{area['teacher_here']['id']}", json={"email": None}, headers=admin
    )
    assert cleared.status_code == 200
    assert cleared.json()["email"] is None
