"""Dashboards over a big province (issue 11): 5,000 communities and 2,000,000 activities, a
province dashboard and a district drill-down at 20 users, beside the same figures computed by
`GROUP BY` over activities' own rows; and how soon a bimtek check-in shows in its roll-up.

The province (Sulawesi Selatan, 24 kabupaten/kota) gets its schools, people, communities and
members the way offices send them: membership's imports, through the API (the demo's planner
writes the sheets). Its activities are too many for the API in a benchmark's time, so they
are COPied into activities' tables. Their events reach reporting by the real path for a first
slice (activities' outbox → relay → Kafka → reporting's consumer), whose rate is reported
with what the whole two million would take by it; the rest are handed to reporting's own
`ActivityLogged` handler in batches of 20,000 in this process (the set-based statements its
consumer runs, without Kafka and the inbox). `KOMBEL_BENCH_DASHBOARD_PATH=kafka` produces
the rest straight to Kafka for the consumer instead, `=outbox` sends every event by the
outbox.

The dashboards are served by reporting's API under uvicorn in a process of its own (`served`),
once with its Redis cache and once without, and driven by 20 closed-loop users in another
process (`python -m tests.benchmarks.dashboard`): each user sends its next request when its
last one is answered. The `GROUP BY` baseline runs the same load shape against activities'
database, the query a dashboard without read models would run.
"""

import asyncio
import json
import os
import random
import statistics
import sys
import time
import uuid
import zlib
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaProducer
from kombel_events.activities import ActivityLogged, Mode, Phase
from kombel_events.regions import regions
from kombel_events.topics import ACTIVITIES_ACTIVITIES
from kombel_runtime.auth import Role
from kombel_runtime.consumer import Received, Subscription
from kombel_runtime.database import asyncpg_dsn
from kombel_runtime.envelope import Envelope
from kombel_runtime.ids import uuid7
from kombel_runtime.messaging_tables import LANES
from kombel_runtime.testing.harness import RunningPlatform, eventually
from reporting.demo.plan import Scale, plan_province
from reporting.demo.platform_api import PlatformApi
from reporting.demo.seed import DemoSeed
from sqlalchemy import text as sql

from tests.benchmarks.bimtek import scheduled_training, settled
from tests.benchmarks.door import seats_at_the_door
from tests.benchmarks.report import markdown_table
from tests.benchmarks.served import served, service_environment

PROVINCE = "73"  # Sulawesi Selatan: kept out of the tests' pool of fresh regions
# Per kabupaten/kota: 42 communities inside schools and 168 across them, about 5,000 in all.
SCALE = Scale(kabkotas=None, schools=130, communities=168, meetings_lively=0)
USERS = 20
DAYS = 730  # activities spread over two years
ATTENDANCE_DAYS = 100  # members present are recorded for the activities that windows count
SOURCE = "/kombel/activities"
LOGGED = ActivityLogged.event_type
# How reporting's dashboard is told to skip its Redis cache (a setting of the reporting service).
NO_CACHE = {"reporting_cache_seconds": 0}


def activities_wanted() -> int:
    return int(os.environ.get("KOMBEL_BENCH_DASHBOARD_ACTIVITIES", "2000000"))


def outbox_slice() -> int:
    """How many activities' events go through the outbox (the rest by `rest_path`)."""
    if rest_path() == "outbox":
        return activities_wanted()
    return min(activities_wanted(), int(os.environ.get("KOMBEL_BENCH_DASHBOARD_SLICE", "50000")))


def rest_path() -> str:
    """How the events after the outbox's slice reach the read model: `handlers` (reporting's
    own projection handlers, applied in this process in big batches), `kafka` (produced
    straight to Kafka for reporting's consumer), or `outbox` (every event by the outbox)."""
    return os.environ.get("KOMBEL_BENCH_DASHBOARD_PATH", "handlers")


def requests_wanted() -> int:
    return int(os.environ.get("KOMBEL_BENCH_DASHBOARD_REQUESTS", "600"))


@dataclass(frozen=True)
class Community:
    id: uuid.UUID
    kabkota: str
    members: tuple[uuid.UUID, ...]
    weight: float  # how busy: 0 never met, quiet ones stopped months ago
    quiet: bool


@dataclass(frozen=True)
class Timing:
    name: str
    count: int
    seconds: float
    p50_ms: float | None = None
    p95_ms: float | None = None
    note: str = ""


async def dashboard_section(platform: RunningPlatform, folder: Path) -> str:
    load_before = os.getloadavg()[0]
    communities = await _province(platform)
    loading = await _activities(platform, communities)
    figures = await _figures(platform)
    reporting = platform.runtime("reporting").settings
    rows: list[Timing] = [*loading]
    paths = _dashboard_requests(platform, requests_wanted())
    for label, changes in (("cache on", {}), ("cache off", NO_CACHE)):
        if not changes.keys() <= type(reporting).model_fields.keys():
            rows.append(Timing(f"{label}: reporting has no setting {', '.join(changes)}", 0, 0))
            continue
        environment = service_environment(reporting, role="api", **changes)
        async with served(
            f"reporting-{label[-3:]}", "reporting.app:create_app", environment, folder
        ) as api:
            for scope, chosen in paths.items():
                times, seconds = await _driven(str(api.base_url), chosen)
                rows.append(_timing(f"{scope}, {label}, {USERS} users", times, seconds))
    baseline = await _group_by_load(platform, paths)
    rows += baseline
    seen = await _checkin_seen(platform)
    return "\n".join(
        [
            "Dashboards",
            "",
            markdown_table(
                ["run", "count", "seconds", "p50 ms", "p95 ms", "note"],
                [
                    [r.name, r.count, f"{r.seconds:.1f}", _ms(r.p50_ms), _ms(r.p95_ms), r.note]
                    for r in rows
                ],
            ),
            "",
            _verdict(rows),
            figures,
            f"bimtek roll-up after a check-in's commit: {_ms(statistics.median(seen))} ms median, "
            f"{_ms(max(seen))} ms at most over {len(seen)} check-ins (aim: within 2,000 ms)",
            f"{len(communities)} communities in {PROVINCE} "
            f"({len(regions().kabkota_of(PROVINCE))} kabupaten/kota); machine: {os.cpu_count()} "
            f"cores, load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after.",
        ]
    )


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _timing(name: str, times: list[float], seconds: float, note: str = "") -> Timing:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return Timing(name, len(times), seconds, statistics.median(ordered), p95, note)


def _verdict(rows: list[Timing]) -> str:
    by_name = {r.name: r for r in rows}
    lines = []
    for scope in ("province", "district"):
        cached = by_name.get(f"{scope}, cache on, {USERS} users")
        bare = by_name.get(f"{scope}, cache off, {USERS} users")
        grouped = by_name.get(f"{scope}, GROUP BY over activities' rows, {USERS} users")
        if not (cached and bare and grouped and cached.p95_ms and bare.p95_ms and grouped.p95_ms):
            continue
        lines.append(
            f"{scope}: p95 {cached.p95_ms:.0f} ms cached, {bare.p95_ms:.0f} ms from the read "
            f"model (aim: under 100 ms); GROUP BY / read model at p95: "
            f"{grouped.p95_ms / bare.p95_ms:.1f}x (aim: at least 10x)"
        )
    return "\n".join(lines)


# The province, through membership's imports


async def _province(platform: RunningPlatform) -> list[Community]:
    """The province's communities with their members, once activities and reporting know
    them all."""
    today = datetime.now(UTC).date()
    plan = plan_province(PROVINCE, SCALE, today, seed=11)
    seed = DemoSeed(PlatformApi(platform.client, platform.embedded.issuer), plan, lambda _: None)
    began = time.perf_counter()
    await seed.import_membership()
    rng = random.Random(11)
    communities = []
    for planned in plan.communities:
        liveliness = rng.choices(("lively", "regular", "quiet", "dormant"), (4, 3, 2, 1))[0]
        communities.append(
            Community(
                uuid.UUID(seed.community_ids[(planned.kabkota_code, planned.name)]),
                planned.kabkota_code,
                tuple(uuid.UUID(seed.person_ids[nuptk]) for nuptk, _, _ in planned.members),
                {"lively": 3.0, "regular": 1.5, "quiet": 1.0, "dormant": 0.0}[liveliness],
                liveliness == "quiet",
            )
        )
    members = sum(len(c.members) for c in communities)
    await _replicated(platform, len(communities), members)
    print(
        f"  {len(communities)} communities, {members} members imported and replicated in "
        f"{time.perf_counter() - began:.0f} s",
        flush=True,
    )
    return communities


async def _replicated(platform: RunningPlatform, communities: int, members: int) -> None:
    async def counts() -> tuple[int, int]:
        async with platform.runtime("activities").sessions() as session:
            found = (
                await session.execute(
                    sql(
                        "SELECT (SELECT count(*) FROM replica_communities"
                        " WHERE province_code = :p), (SELECT count(*) FROM replica_memberships m"
                        " JOIN replica_communities c"
                        " ON c.id = m.community_id WHERE c.province_code = :p)"
                    ),
                    {"p": PROVINCE},
                )
            ).one()
        return int(found[0]), int(found[1])

    await eventually(counts, lambda c: c == (communities, members), timeout_s=600, interval_s=1)
    await settled(platform)


# Two years of activities: COPY into activities' tables, events by the outbox or Kafka

CHUNK = 50_000
PHASES = ("refleksi_awal", "perencanaan", "implementasi", "evaluasi")
TITLES = (
    "Refleksi hasil Rapor Pendidikan",
    "Menyusun modul ajar",
    "Praktik mengajar",
    "Evaluasi hasil belajar murid",
)
# The event's JSON as `ActivityLogged.to_json()` writes it; checked against it once a chunk.
_LOGGED_JSON = (
    '{{"activity_id":"{id}","community_id":"{community}","province_code":"' + PROVINCE + '",'
    '"kabkota_code":"{kabkota}","title":"{title}","phase":"{phase}","mode":"luring",'
    '"starts_at":"{starts}","timezone":"WITA","duration_minutes":90,"attendees":{attendees},'
    '"good_practice":false}}'
)
ACTIVITY_COLUMNS = (
    "id",
    "community_id",
    "province_code",
    "kabkota_code",
    "title",
    "phase",
    "starts_at",
    "timezone",
    "duration_minutes",
    "mode",
    "place",
    "recorded_by",
)
OUTBOX_COLUMNS = (
    "event_id",
    "event_type",
    "topic",
    "key",
    "lane",
    "source",
    "subject",
    "occurred_at",
    "data",
)


@dataclass(frozen=True)
class Activities:
    """Two years of activities, compactly: one entry per activity in each array, its id made
    from its number (time-ordered like `uuid7`, unique in the run)."""

    communities: Sequence[Community]
    community: "array[int]"  # index into `communities`
    starts: "array[int]"  # epoch seconds
    turn: "array[int]"  # phase and title
    present: "array[int]"  # members present (recorded for recent activities)
    id_prefix: int

    def __len__(self) -> int:
        return len(self.community)

    def id(self, number: int) -> uuid.UUID:
        return uuid.UUID(int=self.id_prefix | number)

    def rows(self, start: int, stop: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """Rows of activities and of attendance for COPY."""
        rng = random.Random(start)
        activities, attendance = [], []
        for n in range(start, stop):
            community = self.communities[self.community[n]]
            activity, turn = self.id(n), self.turn[n]
            activities.append(
                (
                    activity,
                    community.id,
                    PROVINCE,
                    community.kabkota,
                    TITLES[turn],
                    PHASES[turn],
                    datetime.fromtimestamp(self.starts[n], UTC),
                    "WITA",
                    90,
                    "luring",
                    "Aula gugus",
                    "bench",
                )
            )
            if self.present[n]:
                for person in rng.sample(community.members, self.present[n]):
                    attendance.append((activity, person, "bench"))
        return activities, attendance

    def events(self, start: int, stop: int) -> list[tuple[str, bytes]]:
        """(key, value) of each activity's `ActivityLogged`, written by string formatting:
        two million through pydantic would take minutes (the first is checked against it)."""
        ids = str(uuid.UUID(int=self.id_prefix))[:-12]
        days: dict[int, str] = {}
        events = []
        for n in range(start, stop):
            community = self.communities[self.community[n]]
            turn, at = self.turn[n], self.starts[n]
            day, second = divmod(at, 86400)
            if day not in days:
                days[day] = datetime.fromtimestamp(day * 86400, UTC).strftime("%Y-%m-%dT")
            starts = f"{days[day]}{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}Z"
            key = str(community.id)
            value = _LOGGED_JSON.format(
                id=f"{ids}{n:012x}",
                community=key,
                kabkota=community.kabkota,
                title=TITLES[turn],
                phase=PHASES[turn],
                starts=starts,
                attendees=self.present[n],
            )
            events.append((key, value.encode()))
        if events:
            self._check(start, events[0][1])
        return events

    def logged(self, start: int, stop: int) -> list[tuple[str, ActivityLogged]]:
        """(key, event) of each activity's `ActivityLogged`, built without validation (the
        values are the ones `events` writes and checks)."""
        found = []
        for n in range(start, stop):
            community = self.communities[self.community[n]]
            turn = self.turn[n]
            event = ActivityLogged.model_construct(
                activity_id=self.id(n),
                community_id=community.id,
                province_code=PROVINCE,
                kabkota_code=community.kabkota,
                title=TITLES[turn],
                phase=Phase(PHASES[turn]),
                mode=Mode.LURING,
                starts_at=datetime.fromtimestamp(self.starts[n], UTC),
                timezone="WITA",
                duration_minutes=90,
                attendees=self.present[n],
                good_practice=False,
            )
            found.append((str(community.id), event))
        return found

    def _check(self, number: int, value: bytes) -> None:
        community = self.communities[self.community[number]]
        written = ActivityLogged(
            activity_id=self.id(number),
            community_id=community.id,
            province_code=PROVINCE,
            kabkota_code=community.kabkota,
            title=TITLES[self.turn[number]],
            phase=PHASES[self.turn[number]],
            mode="luring",
            starts_at=datetime.fromtimestamp(self.starts[number], UTC),
            timezone="WITA",
            duration_minutes=90,
            attendees=self.present[number],
        ).to_json()
        if written != value:
            raise AssertionError(f"the benchmark's event differs:\n{written!r}\n{value!r}")


def planned_activities(communities: Sequence[Community], count: int, now: datetime) -> Activities:
    """`count` activities over the last `DAYS`, more for busy communities; quiet ones stopped
    150 days ago, dormant ones never met."""
    rng = random.Random(73)
    weights = [c.weight for c in communities]
    total = sum(weights)
    shares = [int(count * w / total) for w in weights]
    for index in sorted(range(len(shares)), key=lambda i: -weights[i])[: count - sum(shares)]:
        shares[index] += 1
    end = int(now.timestamp())
    recent = end - ATTENDANCE_DAYS * 86400
    community, starts = array("I"), array("q")
    turn, present = array("B"), array("B")
    for index, (planned, share) in enumerate(zip(communities, shares, strict=True)):
        latest = end - (150 * 86400 if planned.quiet else 3600)
        span = latest - (end - DAYS * 86400)
        members = len(planned.members)
        for _ in range(share):
            at = latest - int(rng.random() * span)
            community.append(index)
            starts.append(at)
            turn.append(int(rng.random() * 4))
            present.append(2 + int(rng.random() * (min(9, members) - 1)) if at > recent else 0)
    prefix = (uuid7().int >> 64) << 64 | 1 << 63
    return Activities(communities, community, starts, turn, present, prefix)


def _outbox_records(events: list[tuple[str, bytes]], now: datetime) -> list[tuple[Any, ...]]:
    topic = ACTIVITIES_ACTIVITIES.name
    return [
        (uuid7(), LOGGED, topic, key, zlib.crc32(key.encode()) % LANES, SOURCE, key, now, value)
        for key, value in events
    ]


async def _activities(platform: RunningPlatform, communities: list[Community]) -> list[Timing]:
    now = datetime.now(UTC)
    began = time.perf_counter()
    planned = planned_activities(communities, activities_wanted(), now)
    count, through_outbox = len(planned), min(len(planned), outbox_slice())
    dsn = asyncpg_dsn(platform.runtime("activities").settings.database_url)
    connection = await asyncpg.connect(dsn)
    attended = 0
    try:
        for start in range(0, count, CHUNK):
            activities, attendance = planned.rows(start, min(count, start + CHUNK))
            async with connection.transaction():
                await connection.copy_records_to_table(
                    "activities", records=activities, columns=ACTIVITY_COLUMNS
                )
                await connection.copy_records_to_table(
                    "attendance",
                    records=attendance,
                    columns=("activity_id", "person_id", "recorded_by"),
                )
            attended += len(attendance)
        await connection.execute("ANALYZE activities; ANALYZE attendance")
        copied = time.perf_counter() - began
        print(
            f"  {count} activities, {attended} attendance rows COPied in {copied:.0f} s", flush=True
        )
        consumer = _consumer_of(platform, ActivityLogged)
        began = time.perf_counter()
        for start in range(0, through_outbox, CHUNK):
            events = planned.events(start, min(through_outbox, start + CHUNK))
            async with connection.transaction():
                await connection.copy_records_to_table(
                    "kombel_outbox", records=_outbox_records(events, now), columns=OUTBOX_COLUMNS
                )
        await _caught_up(platform, consumer, through_outbox)
        outboxed = time.perf_counter() - began
        print(f"  {through_outbox} events through the outbox in {outboxed:.0f} s", flush=True)
    finally:
        await connection.close()
    rows = [
        Timing("activities + attendance: generated, COPY into activities' tables", count, copied),
        Timing(
            "events: outbox → relay → Kafka → reporting",
            through_outbox,
            outboxed,
            note=f"{through_outbox / outboxed:.0f} events/s",
        ),
    ]
    rest = count - through_outbox
    if rest > 0 and rest_path() == "handlers":
        began = time.perf_counter()
        await _applied(platform, planned, through_outbox, now)
        applied = time.perf_counter() - began
        print(f"  {rest} events applied by reporting's handlers in {applied:.0f} s", flush=True)
        note = (
            f"{rest / applied:.0f} events/s; by the event path above they would take "
            f"{rest / (through_outbox / outboxed) / 60:.0f} min"
        )
        rows.append(
            Timing("events: reporting's handlers, batches in-process", rest, applied, note=note)
        )
    elif rest > 0:
        began = time.perf_counter()
        await _produced(platform, planned, through_outbox, now)
        produced = time.perf_counter() - began
        await _caught_up(platform, consumer, count)
        caught_up = time.perf_counter() - began
        note = f"produced in {produced:.0f} s; {rest / caught_up:.0f} events/s"
        rows.append(Timing("events: straight to Kafka → reporting", rest, caught_up, note=note))
    return rows


APPLIED_BATCH = 20_000


async def _applied(
    platform: RunningPlatform, planned: Activities, skip: int, now: datetime
) -> None:
    """The events after the outbox's slice, handed to reporting's own `ActivityLogged`
    handler (the set-based statements its consumer runs) in big batches, without Kafka and
    the inbox: a read model of two million activities within the benchmark's minutes."""
    handler = _subscription_of(platform, ActivityLogged).handler
    runtime = platform.runtime("reporting")
    for start in range(skip, len(planned), APPLIED_BATCH):
        received = [
            Received(
                Envelope(id=uuid7(), type=LOGGED, source=SOURCE, subject=key, time=now, data=b""),
                event,
            )
            for key, event in planned.logged(start, min(len(planned), start + APPLIED_BATCH))
        ]
        async with runtime.sessions() as session, session.begin():
            await handler(session, received)


async def _produced(
    platform: RunningPlatform, planned: Activities, skip: int, now: datetime
) -> None:
    """The events after the outbox's slice, produced in batches as the relay would."""
    producer = AIOKafkaProducer(
        bootstrap_servers=platform.kafka_bootstrap,
        acks="all",
        linger_ms=20,
        max_batch_size=1024 * 1024,
    )
    await producer.start()
    # The relay's headers: those of an envelope, each with its own id.
    headers = Envelope(
        id=uuid7(), type=LOGGED, source=SOURCE, subject="", time=now, data=b""
    ).kafka_headers()
    try:
        for start in range(skip, len(planned), CHUNK):
            sends = []
            for key, value in planned.events(start, min(len(planned), start + CHUNK)):
                own = [
                    (name, str(uuid7()).encode() if name == "ce_id" else key.encode())
                    if name in ("ce_id", "ce_subject")
                    else (name, raw)
                    for name, raw in headers
                ]
                sends.append(
                    await producer.send(
                        ACTIVITIES_ACTIVITIES.name, value=value, key=key.encode(), headers=own
                    )
                )
            await asyncio.gather(*sends)
    finally:
        await producer.stop()


def _consumer_of(platform: RunningPlatform, event: type[Any]) -> str:
    """The name of reporting's consumer group that follows `event`."""
    for spec in platform.runtime("reporting").definition.consumers:
        if any(s.event is event for s in spec.subscriptions):
            return spec.name
    raise RuntimeError(f"reporting follows no {event.__name__}")


def _subscription_of(platform: RunningPlatform, event: type[Any]) -> Subscription:
    for spec in platform.runtime("reporting").definition.consumers:
        for subscription in spec.subscriptions:
            if subscription.event is event:
                return subscription
    raise RuntimeError(f"reporting follows no {event.__name__}")


async def _caught_up(platform: RunningPlatform, consumer: str, count: int) -> None:
    async def handled() -> int:
        async with platform.runtime("reporting").sessions() as session:
            found = await session.scalar(
                sql("SELECT count(*) FROM kombel_inbox WHERE consumer = :c AND event_type = :t"),
                {"c": consumer, "t": LOGGED},
            )
        return int(found or 0)

    await eventually(handled, lambda n: n >= count, timeout_s=3600, interval_s=1)


# The dashboards under load, and the GROUP BY that read models spare

SUMMARY = "/reporting/regions/{code}/summary"
# What a dashboard without read models would run on activities' database: the same figures,
# from the source rows, per kabupaten/kota of a province or per community of one. Windows of
# 30 and 90 days are local days (WITA), today included; a community is active with two
# activities of at least three members present in the last 60 days, as reporting counts them.
GROUP_BY = """
WITH today AS (SELECT (now() AT TIME ZONE 'Asia/Makassar')::date AS day),
recent AS (
    SELECT a.community_id, a.starts_at,
           (a.starts_at AT TIME ZONE 'Asia/Makassar')::date AS day,
           (SELECT count(*) FROM attendance t WHERE t.activity_id = a.id) AS present
    FROM activities a
    WHERE a.province_code = $1 AND a.kabkota_code LIKE $2
      AND a.starts_at > now() - interval '91 days'
),
per_community AS (
    SELECT c.id, c.kabkota_code,
           count(r.day) FILTER (WHERE r.day > (SELECT day FROM today) - 30) AS d30,
           count(r.day) FILTER (WHERE r.day > (SELECT day FROM today) - 90) AS d90,
           count(r.starts_at) FILTER (
               WHERE r.starts_at > now() - interval '60 days' AND r.present >= 3
           ) AS qualifying,
           (SELECT max(a.starts_at) FROM activities a WHERE a.community_id = c.id) AS last_at,
           (SELECT count(*) FROM replica_memberships m
            WHERE m.community_id = c.id AND m.ended_on IS NULL) AS members
    FROM replica_communities c LEFT JOIN recent r ON r.community_id = c.id
    WHERE c.province_code = $1 AND c.kabkota_code LIKE $2 AND c.status = 'active'
    GROUP BY c.id, c.kabkota_code
)
"""
PROVINCE_GROUP_BY = (
    GROUP_BY
    + """
SELECT kabkota_code, count(*) AS communities, count(*) FILTER (WHERE qualifying >= 2) AS active,
       sum(d30) AS activities_30d, sum(members) AS members
FROM per_community GROUP BY kabkota_code ORDER BY kabkota_code
"""
)
DISTRICT_GROUP_BY = (
    GROUP_BY
    + """
SELECT id, members, d30 AS activities_30d, d90 AS activities_90d, last_at,
       qualifying >= 2 AS active
FROM per_community ORDER BY id
"""
)


def _dashboard_requests(
    platform: RunningPlatform, count: int
) -> dict[str, list[tuple[str, dict[str, str]]]]:
    """For each view, `count` requests of 20 different people: the province's staff, and
    district staff of each kabupaten/kota in turn."""
    places = [r.code for r in regions().kabkota_of(PROVINCE)]
    province = [platform.auth(Role.PROVINCE_STAFF, province=PROVINCE) for _ in range(USERS)]
    district = {k: platform.auth(Role.DISTRICT_STAFF, kabkota=k) for k in places}
    return {
        "province": [(SUMMARY.format(code=PROVINCE), province[n % USERS]) for n in range(count)],
        "district": [
            (SUMMARY.format(code=places[n % len(places)]), district[places[n % len(places)]])
            for n in range(count)
        ],
    }


async def _driven(
    base_url: str, requests: list[tuple[str, dict[str, str]]]
) -> tuple[list[float], float]:
    """The requests sent by `USERS` closed-loop users in a process of their own."""
    plan = {"base_url": base_url, "requests": requests, "users": USERS}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.benchmarks.dashboard",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    answer, failure = await process.communicate(json.dumps(plan).encode())
    if process.returncode != 0:
        raise RuntimeError(f"the dashboard's users failed:\n{failure.decode()[-3000:]}")
    found = json.loads(answer)
    return found["times"], found["seconds"]


async def _group_by_load(
    platform: RunningPlatform, paths: dict[str, list[tuple[str, dict[str, str]]]]
) -> list[Timing]:
    """The GROUP BY of each view, by `USERS` connections at once, each twice (a province's
    takes seconds)."""
    dsn = asyncpg_dsn(platform.runtime("activities").settings.database_url)
    pool = await asyncpg.create_pool(dsn, min_size=USERS, max_size=USERS)
    rows = []
    try:
        for scope, requests in paths.items():
            codes = [path.split("/")[3] for path, _ in requests[: 2 * USERS]]
            query = PROVINCE_GROUP_BY if scope == "province" else DISTRICT_GROUP_BY
            times: list[float] = []
            queue = list(codes)
            began = time.perf_counter()

            async def user(
                queue: list[str] = queue, query: str = query, times: list[float] = times
            ) -> None:
                while queue:
                    code = queue.pop()
                    started = time.perf_counter()
                    kabkota = "%" if code == PROVINCE else code
                    await pool.fetch(query, PROVINCE, kabkota)
                    times.append((time.perf_counter() - started) * 1000)

            await asyncio.gather(*(user() for _ in range(USERS)))
            rows.append(
                _timing(
                    f"{scope}, GROUP BY over activities' rows, {USERS} users",
                    times,
                    time.perf_counter() - began,
                )
            )
    finally:
        await pool.close()
    return rows


async def _figures(platform: RunningPlatform) -> str:
    """Whether the province dashboard's numbers equal the GROUP BY's, kabupaten by kabupaten."""
    dsn = asyncpg_dsn(platform.runtime("activities").settings.database_url)
    connection = await asyncpg.connect(dsn)
    try:
        expected = {
            r["kabkota_code"]: dict(r)
            for r in await connection.fetch(PROVINCE_GROUP_BY, PROVINCE, "%")
        }
    finally:
        await connection.close()
    response = await platform.client.get(
        SUMMARY.format(code=PROVINCE), headers=platform.auth(Role.NATIONAL_ADMIN)
    )
    if response.status_code != 200:
        return f"province summary answered {response.status_code}: {response.text[:200]}"
    differences = []
    for item in response.json()["items"]:
        wanted = expected.get(item["kabkota_code"], {})
        for field in ("communities", "active", "activities_30d", "members"):
            if int(item.get(field) or 0) != int(wanted.get(field) or 0):
                differences.append(
                    f"{item['kabkota_code']} {field}: {item.get(field)} "
                    f"(GROUP BY {wanted.get(field)})"
                )
    if not differences:
        return "province dashboard = GROUP BY over the source rows, in every kabupaten/kota"
    return f"{len(differences)} figures differ from the GROUP BY: " + "; ".join(differences[:8])


def counted(number: int) -> Callable[[int], bool]:
    return lambda found: found >= number


async def _checkin_seen(platform: RunningPlatform, count: int = 20) -> list[float]:
    """Milliseconds from a check-in's answer until the training's roll-up counts it."""
    staff = platform.auth(Role.PROVINCE_STAFF, province="12")
    training, sessions = await scheduled_training(platform.client, staff, ["12.71"], 400)
    seats = await seats_at_the_door(platform, sessions, 0)
    await settled(platform)
    summary = f"/reporting/trainings/{training}/summary"

    async def totals() -> dict[str, int]:
        response = await platform.client.get(summary, headers=staff)
        found: dict[str, int] = response.json()["totals"] if response.status_code == 200 else {}
        return found

    async def checked_in() -> int:
        return int((await totals()).get("checked_in", -1))

    # The seats first reach the roll-up, then each check-in is timed.
    await eventually(totals, lambda t: t.get("registered") == len(seats), timeout_s=120)
    seen = []
    for number, (_, session, ticket) in enumerate(seats[:count], start=1):
        response = await platform.client.post(
            "/activities/checkins",
            json={"ticket": ticket, "session_id": str(session)},
            headers=staff,
        )
        response.raise_for_status()
        committed = time.perf_counter()
        await eventually(checked_in, counted(number), timeout_s=30, interval_s=0.01)
        seen.append((time.perf_counter() - committed) * 1000)
    return seen


# The users: `python -m tests.benchmarks.dashboard`, a plan on standard input


async def _get(client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> httpx.Response:
    """A GET, sent again on a connection the server had just closed (uvicorn ends idle
    keep-alive connections after 5 s); the time counts from the first try."""
    for _ in range(2):
        try:
            return await client.get(path, headers=headers)
        except (httpx.ReadError, httpx.RemoteProtocolError):
            continue
    return await client.get(path, headers=headers)


async def users(plan: dict[str, Any]) -> dict[str, Any]:
    requests = list(reversed(plan["requests"]))
    times: list[float] = []
    limits = httpx.Limits(max_connections=plan["users"])
    async with httpx.AsyncClient(base_url=plan["base_url"], timeout=120, limits=limits) as client:
        # Untimed: connections opened, the app's first requests served.
        for path, headers in plan["requests"][: plan["users"]]:
            (await client.get(path, headers=headers)).raise_for_status()

        async def user() -> None:
            while requests:
                path, headers = requests.pop()
                started = time.perf_counter()
                response = await _get(client, path, headers)
                times.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()

        began = time.perf_counter()
        await asyncio.gather(*(user() for _ in range(plan["users"])))
    return {"times": times, "seconds": time.perf_counter() - began}


def main() -> int:
    json.dump(asyncio.run(users(json.load(sys.stdin))), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
