"""Communities, members and activities made through the public APIs of membership and
activities, for the tests of reporting's read models; and what reporting then holds."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kombel_events.regions import regions
from kombel_runtime.auth import Role
from kombel_runtime.consumer import Received
from kombel_runtime.envelope import Envelope
from kombel_runtime.testing.harness import RunningPlatform, eventually
from membership.testing import community, created, person, school
from reporting.projections import COMMUNITIES
from sqlalchemy import text

MEMBERSHIP_SINCE = "2026-01-05"


@dataclass
class World:
    """A community of one kabupaten/kota and the people in it."""

    platform: RunningPlatform
    kabkota: str
    community: dict[str, Any]
    members: list[dict[str, Any]]
    activities: list[dict[str, Any]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.community["id"])

    @property
    def staff(self) -> dict[str, str]:
        return self.platform.auth(Role.DISTRICT_STAFF, kabkota=self.kabkota)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(regions().by_code[self.kabkota].timezone.iana)

    def local_start(self, days_ago: float, hour: int = 10) -> str:
        """A local time without offset, `days_ago` days before today at `hour`."""
        day = datetime.now(UTC).astimezone(self.zone).date() - timedelta(days=days_ago)
        return f"{day.isoformat()}T{hour:02d}:00:00"

    async def log(
        self, days_ago: float, present: int = 0, phase: str = "refleksi_awal", hour: int = 10
    ) -> dict[str, Any]:
        """An activity `days_ago` days back, with `present` members recorded as present."""
        body = {
            "title": "Pertemuan rutin",
            "phase": phase,
            "starts_at": self.local_start(days_ago, hour),
            "duration_minutes": 90,
            "mode": "luring",
            "place": "Ruang guru",
        }
        activity = await created(
            self.platform, f"/activities/communities/{self.id}/activities", body, self.staff
        )
        if present:
            await self.attend(activity["id"], present)
        self.activities.append(activity)
        return activity

    async def attend(self, activity_id: str, present: int) -> None:
        people = [m["id"] for m in self.members[:present]]

        async def put() -> int:
            response = await self.platform.client.put(
                f"/activities/activities/{activity_id}/attendance",
                json={"person_ids": people},
                headers=self.staff,
            )
            return response.status_code

        # The members reach activities' replica in their own time.
        await eventually(put, lambda status: status == 200, timeout_s=30)


async def a_world(
    platform: RunningPlatform, kabkota: str, members: int = 4, **fields: Any
) -> World:
    """A community with `members` members (the first its penggerak), known to activities."""
    admin = platform.auth(Role.NATIONAL_ADMIN)
    npsn = await school(platform, kabkota, name="SMP Negeri 2")
    group = await community(platform, kabkota, **fields)
    people = [await person(platform, npsn, full_name=f"Guru {n}") for n in range(members)]
    path = f"/membership/communities/{group['id']}/members"
    for n, someone in enumerate(people):
        role = {"role": "penggerak"} if n == 0 else {}
        body = {"person_id": someone["id"], "since": MEMBERSHIP_SINCE} | role
        await created(platform, path, body, admin)
    world = World(platform, kabkota, group, people)

    async def known() -> int:
        response = await platform.client.get(
            f"/activities/communities/{world.id}/activities", headers=world.staff
        )
        return response.status_code

    await eventually(known, lambda status: status == 200, timeout_s=30)
    return world


async def read(platform: RunningPlatform, sql: str, **params: Any) -> list[dict[str, Any]]:
    """Rows of reporting's database."""
    async with platform.runtime("reporting").sessions() as session:
        return [dict(r) for r in (await session.execute(text(sql), params)).mappings()]


async def directory_row(platform: RunningPlatform, community_id: str) -> dict[str, Any] | None:
    rows = await read(
        platform,
        "SELECT * FROM community_directory WHERE community_id = CAST(:id AS uuid)",
        id=community_id,
    )
    return rows[0] if rows else None


async def forget_cached_answers(platform: RunningPlatform) -> None:
    """Drop reporting's cached dashboard answers, so the next read sees the read models."""
    client = platform.runtime("reporting").redis
    async for key in client.scan_iter(match="reporting:answer:*", count=1000):
        await client.delete(key)


async def replay_community(platform: RunningPlatform, community_id: str) -> int:
    """Apply again, straight to the live tables (no inbox), every event of one community that
    the projection follows, as a rebuild or a redelivery would; the number applied."""
    subscriptions = {s.event.event_type: s for s in COMMUNITIES.live()}
    topics = {s.event.topic.name for s in subscriptions.values()}
    received: list[tuple[Any, Received[Any]]] = []
    for topic in sorted(topics):
        for record in await platform.read_topic(topic):
            envelope = Envelope.from_kafka(record.headers, record.value)
            found = subscriptions.get(envelope.type)
            if found is None or envelope.subject != community_id:
                continue
            event = found.event.model_validate_json(envelope.data)
            received.append((found, Received(envelope, event)))
    async with platform.runtime("reporting").sessions() as session, session.begin():
        await _apply_runs(session, received)
    return len(received)


async def _apply_runs(session: Any, received: Sequence[tuple[Any, Received[Any]]]) -> None:
    run: list[Received[Any]] = []
    current = None
    for subscription, item in received:
        if current is not None and subscription is not current:
            await current.handler(session, run)
            run = []
        current = subscription
        run.append(item)
    if current is not None and run:
        await current.handler(session, run)


async def answer(
    platform: RunningPlatform, path: str, headers: dict[str, str], **params: Any
) -> Any:
    """A fresh (uncached) JSON answer of reporting, which must be 200."""
    await forget_cached_answers(platform)
    response = await platform.client.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def error_code(
    platform: RunningPlatform,
    path: str,
    headers: dict[str, str],
    *,
    method: str = "GET",
    **params: Any,
) -> tuple[int, str]:
    body = params.pop("json", None)
    response = await platform.client.request(
        method, path, params=params, headers=headers, json=body
    )
    return response.status_code, response.json()["error"]["code"]


async def source_figures(world: World, today: str, since_30: str) -> dict[str, int]:
    """Members and activities of the last 30 local days, as membership and activities hold
    them."""
    platform = world.platform
    admin = platform.auth(Role.NATIONAL_ADMIN)
    members = await platform.client.get(
        f"/membership/communities/{world.id}/members", headers=admin
    )
    assert members.status_code == 200, members.text
    listed = await platform.client.get(
        f"/activities/communities/{world.id}/activities",
        params={"limit": 200},
        headers=world.staff,
    )
    assert listed.status_code == 200, listed.text
    starts = [a["local_start"][:10] for a in listed.json()["items"]]
    return {
        "members": len(members.json()),
        "activities_30d": sum(1 for s in starts if since_30 <= s <= today),
    }
