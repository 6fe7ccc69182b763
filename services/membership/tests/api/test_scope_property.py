"""Scope as a property: for random pairs of a caller and a record in different areas, no
operation of membership's API that names the record reads or changes it.

The operations come from the service's own OpenAPI, so an endpoint added later is tried too
(and the test asks for a body for it if it needs one).
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform
from kombel_runtime.testing.regions import fresh_kabkota, fresh_kabkotas, province_of
from membership.testing import community, created, csv_bytes, finished_import, person, school

pytestmark = pytest.mark.infra

PAIRS = 12
# Which record a path parameter names.
RECORD_OF = {
    "person_id": "person",
    "npsn": "school",
    "community_id": "community",
    "invitation_id": "invitation",
    "import_id": "import",
}


@dataclass
class Area:
    """One kabupaten/kota's records, and the people who may act there."""

    province: str
    kabkota: str
    school: str
    teacher: dict[str, Any]
    member: dict[str, Any]
    community: dict[str, Any]
    invitation: dict[str, Any]
    import_id: str

    def record(self, name: str) -> str:
        ids: dict[str, str] = {
            "person": self.member["id"],
            "school": self.school,
            "community": self.community["id"],
            "invitation": self.invitation["id"],
            "import": self.import_id,
        }
        return ids[name]

    def callers(self, platform: RunningPlatform) -> Iterator[tuple[str, dict[str, str]]]:
        yield "district_staff", platform.auth(Role.DISTRICT_STAFF, kabkota=self.kabkota)
        yield "province_staff", platform.auth(Role.PROVINCE_STAFF, province=self.province)
        yield "principal", platform.auth(Role.PRINCIPAL, npsn=self.school)
        yield (
            "community_lead",
            platform.auth(Role.COMMUNITY_LEAD, person=self.member["id"]),
        )
        yield "member", platform.auth(Role.MEMBER, person=self.teacher["id"])


async def area(platform: RunningPlatform, province: str, kabkota: str) -> Area:
    admin = platform.auth(Role.NATIONAL_ADMIN)
    npsn = await school(platform, kabkota)
    teacher = await person(platform, npsn, full_name=f"Guru Wilayah {kabkota}")
    member = await person(platform, npsn, full_name=f"Penggerak Wilayah {kabkota}")
    group = await community(platform, kabkota)
    base = f"/membership/communities/{group['id']}"
    await created(
        platform, f"{base}/members", {"person_id": member["id"], "role": "penggerak"}, admin
    )
    invitation = await created(platform, f"{base}/invitations", {"person_id": teacher["id"]}, admin)
    officer = platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota)
    file = csv_bytes(["Nama Lengkap", "NPSN Sekolah"], ["Guru Impor", npsn])
    imported = await finished_import(platform, "people", file, officer, dry_run=True)
    return Area(province, kabkota, npsn, teacher, member, group, invitation, imported["id"])


def bodies(caller: Area) -> dict[tuple[str, str], dict[str, Any]]:
    """Valid bodies, so that scope is the only reason left to refuse."""
    own = caller.teacher["id"]
    return {
        ("PATCH", "/membership/people/{person_id}"): {"full_name": "Diubah Wilayah Lain"},
        ("POST", "/membership/people/{person_id}/merge"): {"into": own},
        ("PATCH", "/membership/schools/{npsn}"): {"name": "Diubah Wilayah Lain"},
        ("PATCH", "/membership/communities/{community_id}"): {"name": "Diubah Wilayah Lain"},
        ("POST", "/membership/communities/{community_id}/members"): {"person_id": own},
        ("PATCH", "/membership/communities/{community_id}/members/{person_id}"): {
            "role": "koordinator"
        },
        ("POST", "/membership/communities/{community_id}/invitations"): {"person_id": own},
    }


async def snapshot(platform: RunningPlatform, target: Area) -> dict[str, Any]:
    admin = platform.auth(Role.NATIONAL_ADMIN)
    community_path = f"/membership/communities/{target.community['id']}"
    paths = {
        "person": f"/membership/people/{target.member['id']}",
        "school": f"/membership/schools/{target.school}",
        "community": community_path,
        "members": f"{community_path}/members",
        "invitations": f"{community_path}/invitations",
    }
    return {
        name: (await platform.client.get(path, headers=admin)).json()
        for name, path in paths.items()
    }


async def test_no_operation_reaches_a_record_of_another_area(platform: RunningPlatform) -> None:
    # Two kabupaten/kota of one province and one of another; the provinces' other
    # kabupaten/kota may be other tests': every check is of this test's records.
    a, b = fresh_kabkotas(2)
    first_province = province_of(a)
    c = fresh_kabkota(outside={first_province})
    second_province = province_of(c)
    areas = [
        await area(platform, first_province, a),
        await area(platform, first_province, b),
        await area(platform, second_province, c),
    ]
    spec = (await platform.client.get("/membership/openapi.json")).json()
    operations = [
        (method.upper(), path, [p for p in RECORD_OF if "{" + p + "}" in path])
        for path, methods in spec["paths"].items()
        for method in methods
        if any("{" + p + "}" in path for p in RECORD_OF)
    ]
    assert len(operations) >= 20, operations

    seed = random.randrange(2**32)
    chooser = random.Random(seed)
    for _ in range(PAIRS):
        caller_area, target = chooser.sample(areas, 2)
        if caller_area.province == target.province:
            # Province staff cover both kabupaten/kota of one province: not a foreign pair.
            callers = [c for c in caller_area.callers(platform) if c[0] != "province_staff"]
        else:
            callers = list(caller_area.callers(platform))
        role, headers = chooser.choice(callers)
        before = await snapshot(platform, target)
        known = bodies(caller_area)
        for method, path, parameters in operations:
            url = path
            for parameter in parameters:
                url = url.replace("{" + parameter + "}", target.record(RECORD_OF[parameter]))
            response = await platform.client.request(
                method, url, json=known.get((method, path)), headers=headers
            )
            assert response.status_code in (403, 404), (
                f"seed {seed}: {role} of {caller_area.kabkota} got {response.status_code} "
                f"for {method} {path} on {target.kabkota}: {response.text[:300]}"
            )
        for name, q in (("people", target.member["full_name"]), ("communities", "KKG")):
            listing = await platform.client.get(
                f"/membership/{name}", params={"q": q, "limit": 500}, headers=headers
            )
            ids = {item["id"] for item in listing.json()["items"]}
            assert not ids & {target.member["id"], target.community["id"]}, (seed, role, name)
        assert await snapshot(platform, target) == before, f"seed {seed}: {role} changed a record"
