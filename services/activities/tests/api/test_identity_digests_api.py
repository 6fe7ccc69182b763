"""The people replica keeps the keyed digests of a person's NUPTK, email and phone, never the
identifiers: from their registration, after a change, and none once they are merged into
another or erased; a replay makes the same digests."""

from typing import Any

import pytest
from activities.db.tables import replica_people
from activities.identity_key import digests_of
from activities.replicas import REPLICAS
from kombel_runtime.auth import Role
from kombel_runtime.replicas import rebuild
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import fresh_kabkota
from membership.testing import person, school
from sqlalchemy import select

pytestmark = pytest.mark.infra


async def digests_in_replica(platform: RunningPlatform, person_id: str) -> set[bytes] | None:
    async with platform.runtime("activities").sessions() as session:
        found = await session.scalar(
            select(replica_people.c.identity_digests).where(replica_people.c.id == person_id)
        )
    return None if found is None else {bytes(d) for d in found}


def digests(of: dict[str, Any]) -> set[bytes]:
    return set(digests_of({f: of.get(f) for f in ("nuptk", "email", "phone")}))


async def test_the_replica_keeps_digests_of_a_persons_identifiers_until_they_go(
    platform: RunningPlatform,
) -> None:
    npsn = await school(platform, fresh_kabkota())
    admin = platform.auth(Role.NATIONAL_ADMIN)
    rina = await person(platform, npsn, full_name="Rina Sitorus", phone="0812 3456 7001")
    expected = digests(rina)
    assert len(expected) == 2
    await eventually(lambda: digests_in_replica(platform, rina["id"]), lambda d: d == expected)

    changed = await platform.client.patch(
        f"/membership/people/{rina['id']}", json={"email": "Rina@Contoh.sch.id"}, headers=admin
    )
    assert changed.status_code == 200, changed.text
    now = digests(changed.json())
    assert len(now) == 3
    await eventually(lambda: digests_in_replica(platform, rina["id"]), lambda d: d == now)

    # The same events applied again from the beginning of the topic make the same digests.
    people = next(r for r in REPLICAS if r.name == "people")
    runtime = platform.runtime("activities")
    assert await rebuild(platform.kafka_bootstrap, runtime.sessions, people) > 0
    assert await digests_in_replica(platform, rina["id"]) == now

    twin = await person(platform, npsn, full_name="Rina Sitorus", email="rina.lain@contoh.sch.id")
    await eventually(lambda: digests_in_replica(platform, twin["id"]), bool)
    merged = await platform.client.post(
        f"/membership/people/{twin['id']}/merge", json={"into": rina["id"]}, headers=admin
    )
    assert merged.status_code == 200, merged.text
    await eventually(lambda: digests_in_replica(platform, twin["id"]), lambda d: d is None)

    erased = await platform.client.post(f"/membership/people/{rina['id']}/erase", headers=admin)
    assert erased.status_code == 200, erased.text
    await eventually(lambda: digests_in_replica(platform, rina["id"]), lambda d: d is None)
