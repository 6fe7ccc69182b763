"""`kombel seed --demo`, small: two kabupaten/kota built through the public APIs, which then
answer with the demo's numbers; a second run changes nothing."""

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from kombel_events.regions import regions
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import fresh_kabkotas, province_of
from reporting.demo import demo_plan, seed_demo
from reporting.demo.plan import ProvincePlan

pytestmark = pytest.mark.infra


async def answer(
    platform: RunningPlatform, path: str, headers: dict[str, str], **params: Any
) -> Any:
    response = await platform.client.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def directory_reaches(
    platform: RunningPlatform, headers: dict[str, str], kabkota: str, count: int
) -> None:
    async def listed() -> Any:
        return await answer(platform, "/reporting/communities", headers, kabkota=kabkota)

    await eventually(listed, lambda page: page["total"] == count)


def dashboard_rows(plan: ProvincePlan, kabkota: str) -> dict[str, dict[str, Any]]:
    """What the district dashboard should say of each community of the kabupaten/kota."""
    zone = ZoneInfo(regions().by_code[kabkota].timezone.iana)
    window = datetime.now(UTC) - timedelta(days=60)
    rows = {}
    for community in (c for c in plan.communities if c.kabkota_code == kabkota):
        meetings = [m for m in plan.meetings if m.community is community]
        ago = [(plan.today - m.starts_at.date()).days for m in meetings]
        qualifying = [
            m
            for m in meetings
            if m.starts_at.replace(tzinfo=zone) > window and len(m.present) + m.guests >= 3
        ]
        rows[community.name] = {
            "members": len(community.members),
            "activities_30d": sum(1 for days in ago if days < 30),
            "activities_90d": sum(1 for days in ago if days < 90),
            "active": len(qualifying) >= 2,
        }
    return rows


async def district_dashboard(
    platform: RunningPlatform, headers: dict[str, str], kabkota: str
) -> dict[str, dict[str, Any]]:
    summary = await answer(platform, f"/reporting/regions/{kabkota}/summary", headers)
    return {
        item["name"]: {
            field: item[field]
            for field in ("members", "activities_30d", "activities_90d", "active")
        }
        for item in summary["items"]
    }


async def dashboard_reaches(
    platform: RunningPlatform, headers: dict[str, str], kabkota: str, wanted: dict[str, Any]
) -> None:
    async def rows() -> dict[str, dict[str, Any]]:
        return await district_dashboard(platform, headers, kabkota)

    await eventually(rows, lambda found: found == wanted, timeout_s=60)


async def test_a_small_demo_province_is_what_the_apis_then_show(platform: RunningPlatform) -> None:
    kabkotas = fresh_kabkotas(2)
    province = province_of(kabkotas[0])
    plan = demo_plan(province, "small", kabkotas)
    said: list[str] = []

    seeded = await seed_demo(platform.client, platform.embedded.issuer, plan, said.append)

    assert not seeded.skipped
    assert said, "the demo prints its progress"
    staff = platform.auth(Role.PROVINCE_STAFF, province=province)
    for kabkota in kabkotas:
        district = platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota)
        schools = await answer(platform, "/membership/schools", district, kabkota=kabkota)
        assert schools["total"] == sum(1 for s in plan.schools if s.kabkota_code == kabkota)
        people = await answer(platform, "/membership/people", district, kabkota=kabkota)
        assert people["total"] == sum(1 for p in plan.people if p.kabkota_code == kabkota)
        planned = [c for c in plan.communities if c.kabkota_code == kabkota]
        listed = await answer(platform, "/membership/communities", district, kabkota=kabkota)
        assert {c["name"] for c in listed["items"]} == {c.name for c in planned}
        # Reporting's directory follows from membership's events.
        await directory_reaches(platform, district, kabkota, len(planned))

    meetings = Counter(m.community.name for m in plan.meetings)
    ids = {
        c["name"]: c["id"]
        for k in kabkotas
        for c in (await answer(platform, "/membership/communities", staff, kabkota=k))["items"]
    }
    for community in plan.communities:
        logged = await answer(
            platform, f"/activities/communities/{ids[community.name]}/activities", staff
        )
        assert logged["total"] == meetings[community.name], community.name
    assert sum(meetings.values()) == seeded.meetings > 0

    # The dashboards count what the demo made: members, meetings in 30 and 90 days, and the
    # communities active by the default rule (some lively, some gone quiet).
    for kabkota in kabkotas:
        district = platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota)
        wanted = dashboard_rows(plan, kabkota)
        await dashboard_reaches(platform, district, kabkota, wanted)
    province_rows = await answer(platform, f"/reporting/regions/{province}/summary", staff)
    mine = {i["kabkota_code"]: i for i in province_rows["items"] if i["kabkota_code"] in kabkotas}
    for kabkota in kabkotas:
        wanted = dashboard_rows(plan, kabkota)
        assert mine[kabkota]["communities"] == len(wanted)
        assert mine[kabkota]["active"] == sum(1 for row in wanted.values() if row["active"])
        assert mine[kabkota]["activities_30d"] == sum(r["activities_30d"] for r in wanted.values())

    bimtek = plan.bimtek
    assert bimtek is not None
    training = await answer(platform, f"/activities/trainings/{seeded.training_id}", staff)
    sessions = {s["kabkota_code"]: s for s in training["sessions"]}
    assert set(sessions) == set(kabkotas)
    for kabkota, session in sessions.items():
        roster = [p for p in bimtek.roster if p.kabkota_code == kabkota]
        assert session["registered"] == min(len(roster), bimtek.capacity[kabkota])
        assert session["waitlisted"] == len(roster) - session["registered"]
        assert session["checked_in"] == sum(1 for p in roster if p.nuptk in bimtek.came)

    again = await seed_demo(platform.client, platform.embedded.issuer, plan, said.append)
    assert again.skipped
    for community in plan.communities:
        logged = await answer(
            platform, f"/activities/communities/{ids[community.name]}/activities", staff
        )
        assert logged["total"] == meetings[community.name], community.name
