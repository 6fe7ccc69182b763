"""Finding schools, people and communities by part of a name (`q`), as staff type it."""

import uuid

import pytest
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform
from kombel_runtime.testing.regions import fresh_kabkota
from sqlalchemy import text

from .test_communities_api import body as community_body
from .test_people_api import npsn, nuptk

pytestmark = pytest.mark.infra


async def post(platform: RunningPlatform, path: str, body: dict[str, object]) -> dict[str, object]:
    response = await platform.client.post(
        path, json=body, headers=platform.auth(Role.NATIONAL_ADMIN)
    )
    assert response.status_code == 201, response.text
    created: dict[str, object] = response.json()
    return created


async def found(
    platform: RunningPlatform, path: str, kabkota: str, q: str, key: str = "id"
) -> set[object]:
    response = await platform.client.get(
        path,
        params={"kabkota": kabkota, "q": q},
        headers=platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota),
    )
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] == len(page["items"])
    return {item[key] for item in page["items"]}


async def test_people_are_found_by_part_of_the_name_nuptk_or_email(
    platform: RunningPlatform,
) -> None:
    kabkota = fresh_kabkota()
    school = npsn()
    await post(
        platform,
        "/membership/schools",
        {
            "npsn": school,
            "name": "SD Negeri 1",
            "jenjang": "SD",
            "status": "negeri",
            "kabkota_code": kabkota,
        },
    )
    mark = uuid.uuid4().hex[:6]
    rina = await post(
        platform,
        "/membership/people",
        {
            "full_name": f"Rina {mark} Sitorus",
            "school_npsn": school,
            "nuptk": nuptk(),
            "email": f"rina.{mark}@contoh.sch.id",
        },
    )
    budi = await post(
        platform,
        "/membership/people",
        {"full_name": "Budi 100% Nainggolan", "school_npsn": school, "nuptk": nuptk()},
    )
    path = "/membership/people"
    assert await found(platform, path, kabkota, f"{mark} sito") == {rina["id"]}
    assert await found(platform, path, kabkota, f"RINA {mark.upper()}") == {rina["id"]}
    assert await found(platform, path, kabkota, str(rina["nuptk"])) == {rina["id"]}
    assert await found(platform, path, kabkota, f"Rina.{mark}@contoh.sch.id") == {rina["id"]}
    # The caller's % and _ are letters, not wildcards.
    assert await found(platform, path, kabkota, "100%") == {budi["id"]}
    assert await found(platform, path, kabkota, "%") == {budi["id"]}
    assert await found(platform, path, kabkota, "R_na") == set()
    assert await found(platform, path, kabkota, "Siti") == set()


async def test_schools_are_found_by_part_of_the_name_or_the_npsn(
    platform: RunningPlatform,
) -> None:
    kabkota = fresh_kabkota()
    first, second = npsn(), npsn()
    for code, name in ((first, "SMP Negeri 3 Sidikalang"), (second, "SMP Swasta Santa Maria")):
        await post(
            platform,
            "/membership/schools",
            {
                "npsn": code,
                "name": name,
                "jenjang": "SMP",
                "status": "negeri",
                "kabkota_code": kabkota,
            },
        )
    path = "/membership/schools"
    assert await found(platform, path, kabkota, "sidikalang", "npsn") == {first}
    assert await found(platform, path, kabkota, "smp", "npsn") == {first, second}
    assert await found(platform, path, kabkota, second, "npsn") == {second}


async def test_communities_are_found_by_name_or_subject(platform: RunningPlatform) -> None:
    kabkota = fresh_kabkota()
    kkg = await post(
        platform, "/membership/communities", community_body(kabkota, name="KKG Gugus Melati")
    )
    mgmp = await post(
        platform,
        "/membership/communities",
        community_body(
            kabkota,
            name="MGMP Kota",
            forum_type="MGMP",
            jenjang=["SMP"],
            subject_name="Matematika",
        ),
    )
    path = "/membership/communities"
    assert await found(platform, path, kabkota, "melati") == {kkg["id"]}
    assert await found(platform, path, kabkota, "matema") == {mgmp["id"]}
    assert await found(platform, path, kabkota, "gugus melati kota") == set()


@pytest.mark.parametrize(
    ("table", "column", "index"),
    [
        ("people", "full_name", "ix_people_name_search"),
        ("schools", "name", "ix_schools_name_search"),
        ("communities", "name", "ix_communities_name_search"),
        ("communities", "subject_name", "ix_communities_subject_search"),
    ],
)
async def test_a_search_by_part_of_a_name_can_use_its_trigram_index(
    platform: RunningPlatform, table: str, column: str, index: str
) -> None:
    """The tables here are too small for the planner to choose an index by itself, so
    sequential scans are switched off: what is asserted is that the index can serve the
    search as the API writes it (ILIKE '%…%'), at a province's hundreds of thousands of rows."""
    async with platform.runtime("membership").sessions() as session, session.begin():
        await session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = (
            await session.scalars(
                # the names come from the parameters above, never from input
                text(f"EXPLAIN SELECT * FROM {table} WHERE {column} ILIKE :pattern"),  # noqa: S608
                {"pattern": "%sitorus%"},
            )
        ).all()
    assert any(index in line for line in plan), plan
