"""The first slice end to end: membership records a community, reporting lists it.

Against real PostgreSQL, Valkey and a real Kafka-protocol broker (see the `infrastructure`
fixture), with all four services and their workers running.
"""

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from kombel_events.membership import CommunityRegistered
from kombel_events.topics import MEMBERSHIP_COMMUNITIES
from kombel_runtime.auth import Role
from kombel_runtime.database import alembic_config
from kombel_runtime.deadletters import list_dead_letters, replay_dead_letters
from kombel_runtime.envelope import Envelope
from kombel_runtime.messaging_tables import inbox, outbox
from kombel_runtime.testing.harness import RunningPlatform, eventually
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from reporting.db.tables import region_community_counts
from sqlalchemy import func, select, text

from tests.random_refs import community_body, kabkota

pytestmark = pytest.mark.infra

CONSUMER = "reporting.communities"


async def register(platform: RunningPlatform, kabkota_code: str, **changes: Any) -> dict[str, Any]:
    response = await platform.client.post(
        "/membership/communities",
        json=community_body(kabkota_code, **changes),
        headers=platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota_code),
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def listed(platform: RunningPlatform, kabkota_code: str) -> dict[str, Any]:
    response = await platform.client.get(
        "/reporting/communities",
        params={"kabkota": kabkota_code},
        headers=platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota_code),
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def community_count(platform: RunningPlatform, kabkota_code: str) -> int:
    async with platform.runtime("reporting").sessions() as session:
        count = await session.scalar(
            select(region_community_counts.c.communities).where(
                region_community_counts.c.kabkota_code == kabkota_code
            )
        )
    return int(count or 0)


async def test_a_registered_community_is_listed_by_reporting_in_the_same_trace(
    platform: RunningPlatform,
) -> None:
    spans = InMemorySpanExporter()
    for service in ("membership", "reporting"):
        platform.runtime(service).telemetry.tracer_provider.add_span_processor(
            SimpleSpanProcessor(spans)
        )
    region = kabkota()

    created = await register(platform, region)

    page = await eventually(lambda: listed(platform, region), lambda p: p["total"] == 1)
    item = page["items"][0]
    assert item["community_id"] == created["id"]
    assert item["name"] == created["name"]
    assert item["province_code"] == region.split(".")[0]
    assert await community_count(platform, region) == 1

    finished = await eventually(
        lambda: asyncio.sleep(0, spans.get_finished_spans()),
        lambda found: any(s.name == f"{MEMBERSHIP_COMMUNITIES.name} process" for s in found),
    )
    request = next(s for s in finished if s.name == "POST /membership/communities")
    publish = next(s for s in finished if s.name == f"{MEMBERSHIP_COMMUNITIES.name} publish")
    process = next(s for s in finished if s.name == f"{MEMBERSHIP_COMMUNITIES.name} process")
    assert request.context is not None
    assert process.context is not None
    assert process.context.trace_id == request.context.trace_id
    assert process.parent is not None
    # The consumer's span continues the trace inside the request that recorded the event.
    assert process.parent.trace_id == request.context.trace_id
    insert = next(
        s
        for s in finished
        if s.name.startswith("INSERT")
        and s.attributes
        and "communities" in str(s.attributes.get("db.query.text"))
    )
    assert insert.context is not None
    assert insert.context.trace_id == request.context.trace_id
    # The relay's batch span links to that creation context.
    assert any(link.context.trace_id == request.context.trace_id for link in publish.links)
    assert process.resource.attributes["service.name"] == "reporting"

    published = await platform.client.get("/membership/metrics")
    assert "kombel_relay_events_published_total" in published.text
    handled = (await platform.client.get("/reporting/metrics")).text
    assert 'kombel_consumer_events_handled_total{consumer="reporting.communities"' in handled


async def _record_of(platform: RunningPlatform, community_id: str) -> Any:
    records = await platform.read_topic(MEMBERSHIP_COMMUNITIES.name)
    return next(r for r in records if dict(r.headers).get("ce_subject") == community_id.encode())


async def test_the_same_event_delivered_twice_changes_nothing(platform: RunningPlatform) -> None:
    region = kabkota()
    created = await register(platform, region)
    await eventually(lambda: listed(platform, region), lambda p: p["total"] == 1)
    record = await _record_of(platform, created["id"])

    await platform.produce(record.topic, record.value, record.key, list(record.headers))
    # A later event on the same partition proves the duplicate has been consumed.
    marker = await register(platform, region)
    await eventually(lambda: listed(platform, region), lambda p: p["total"] == 2)

    assert await community_count(platform, region) == 2
    page = await listed(platform, region)
    assert sorted(i["community_id"] for i in page["items"]) == sorted([created["id"], marker["id"]])
    event_id = uuid.UUID(dict(record.headers)["ce_id"].decode())
    async with platform.runtime("reporting").sessions() as session:
        seen = await session.scalar(
            select(func.count()).select_from(inbox).where(inbox.c.event_id == event_id)
        )
    assert seen == 1


async def test_a_poison_event_is_dead_lettered_and_the_next_event_is_processed(
    platform: RunningPlatform,
) -> None:
    region = kabkota()
    poison_id = uuid.uuid4()
    envelope = Envelope(
        id=uuid.uuid4(),
        type=CommunityRegistered.event_type,
        source="/kombel/test",
        subject=str(poison_id),
        time=datetime.now(UTC),
        # kabkota_code and kind are malformed: the payload can never be applied.
        data=json.dumps(
            {
                "community_id": str(poison_id),
                "name": "Racun",
                "kind": "tidak_ada",
                "forum_type": "KKG",
                "jenjang": ["SD"],
                "province_code": "12",
                "kabkota_code": "budi@example.com",
                "registered_at": "2026-05-25T01:30:00Z",
            }
        ).encode(),
    )
    # The same key as the next community: both land on one partition, poison first.
    follower_key = str(uuid.uuid4())
    await platform.produce(
        MEMBERSHIP_COMMUNITIES.name, envelope.data, follower_key.encode(), envelope.kafka_headers()
    )
    await register(platform, region)

    await eventually(lambda: listed(platform, region), lambda p: p["total"] == 1)
    dead_letter_topic = MEMBERSHIP_COMMUNITIES.dead_letter(CONSUMER).name
    letters = await eventually(
        lambda: list_dead_letters(platform.kafka_bootstrap, dead_letter_topic),
        lambda found: any(letter.event_id == str(envelope.id) for letter in found),
    )
    letter = next(letter for letter in letters if letter.event_id == str(envelope.id))
    assert letter.consumer == CONSUMER
    assert letter.original_topic == MEMBERSHIP_COMMUNITIES.name
    assert "kind: enum" in letter.error
    assert "kabkota_code" in letter.error
    assert "budi@example.com" not in letter.error
    assert not letter.replayed
    metrics = (await platform.client.get("/reporting/metrics")).text
    assert 'kombel_consumer_events_dead_lettered_total{consumer="reporting.communities"' in metrics

    assert await replay_dead_letters(platform.kafka_bootstrap, dead_letter_topic) >= 1
    # Replayed, the event reaches the consumer again, still fails, and is dead-lettered anew.
    after = await eventually(
        lambda: list_dead_letters(platform.kafka_bootstrap, dead_letter_topic),
        lambda found: sum(x.event_id == str(envelope.id) for x in found) == 2,
    )
    assert next(x for x in after if x.offset == letter.offset).replayed


async def test_events_written_while_the_broker_is_frozen_all_arrive(
    platform: RunningPlatform,
) -> None:
    settings = platform.runtime("membership").settings
    region = kabkota()
    before = [await register(platform, region) for _ in range(3)]
    await eventually(lambda: listed(platform, region), lambda p: p["total"] == 3)

    platform.infrastructure.pause_broker()
    try:
        during = [await register(platform, region) for _ in range(20)]
        # Longer than the request and session timeouts of every Kafka client.
        frozen_s = (
            max(settings.kafka_request_timeout_ms, settings.kafka_session_timeout_ms) / 1000 + 3
        )
        await asyncio.sleep(frozen_s)
        ready = await platform.client.get("/membership/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["broker"] != "ok"
        assert ready.json()["checks"]["database"] == "ok"
        page = await listed(platform, region)
        assert page["total"] == 3, "nothing can travel while the broker is frozen"
    finally:
        platform.infrastructure.resume_broker()

    after = [await register(platform, region) for _ in range(3)]
    wanted = {c["id"] for c in before + during + after}
    page = await eventually(
        lambda: listed(platform, region), lambda p: p["total"] == len(wanted), timeout_s=90
    )
    assert {i["community_id"] for i in page["items"]} == wanted
    assert await community_count(platform, region) == len(wanted)


async def test_outbox_rows_and_published_events_match_one_to_one(
    platform: RunningPlatform,
) -> None:
    region = kabkota()
    created = {(await register(platform, region))["id"] for _ in range(10)}
    runtime = platform.runtime("membership")

    async def pending() -> int:
        async with runtime.sessions() as session:
            return int(
                await session.scalar(
                    select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
                )
                or 0
            )

    await eventually(pending, lambda n: n == 0)
    async with runtime.sessions() as session:
        rows = (
            await session.execute(
                select(outbox.c.event_id, outbox.c.key).where(
                    outbox.c.topic == MEMBERSHIP_COMMUNITIES.name
                )
            )
        ).all()
    records = [
        r
        for r in await platform.read_topic(MEMBERSHIP_COMMUNITIES.name)
        if dict(r.headers).get("ce_source") == b"/kombel/membership"
        and datetime.fromisoformat(dict(r.headers)["ce_time"].decode()) >= platform.started_at
    ]
    published = {uuid.UUID(dict(r.headers)["ce_id"].decode()): r.key.decode() for r in records}
    assert {row.event_id: row.key for row in rows} == published
    ours = [r for r in records if r.key.decode() in created]
    assert len(ours) == len(created), "each of these events is published exactly once"


async def test_published_outbox_rows_are_pruned_after_the_retention(
    platform: RunningPlatform,
) -> None:
    runtime = platform.runtime("membership")
    assert runtime.relay is not None
    now = datetime.now(UTC)

    def published_row(age: timedelta) -> dict[str, Any]:
        return {
            "event_id": uuid.uuid4(),
            "event_type": "kombel.test.pruned.v1",
            "topic": MEMBERSHIP_COMMUNITIES.name,
            "key": "prune-test",
            "lane": 0,
            "source": "/kombel/membership",
            "subject": "prune-test",
            "occurred_at": now - age,
            "data": b"{}",
            "published_at": now - age,
        }

    old = [published_row(timedelta(hours=25)) for _ in range(3)]
    recent = [published_row(timedelta(hours=23)) for _ in range(2)]
    async with runtime.sessions() as session, session.begin():
        await session.execute(outbox.insert(), old + recent)

    assert await runtime.relay.prune() >= len(old)

    ids = [row["event_id"] for row in old + recent]
    async with runtime.sessions() as session:
        kept = set(
            await session.scalars(select(outbox.c.event_id).where(outbox.c.event_id.in_(ids)))
        )
    assert kept == {row["event_id"] for row in recent}


async def test_the_outbox_index_migration_goes_down_and_up(platform: RunningPlatform) -> None:
    runtime = platform.runtime("membership")
    config = alembic_config(runtime.definition.migrations, runtime.settings.database_url)

    async def outbox_indexes() -> set[str]:
        async with runtime.sessions() as session:
            return set(
                await session.scalars(
                    text("SELECT indexname FROM pg_indexes WHERE tablename = 'kombel_outbox'")
                )
            )

    assert "kombel_outbox_unpublished" in await outbox_indexes()
    await asyncio.to_thread(command.downgrade, config, "0005")
    assert {"kombel_outbox_pending", "kombel_outbox_unpublished"} & await outbox_indexes() == {
        "kombel_outbox_pending"
    }
    await asyncio.to_thread(command.upgrade, config, "head")
    assert {"kombel_outbox_pending", "kombel_outbox_unpublished"} & await outbox_indexes() == {
        "kombel_outbox_unpublished"
    }


async def test_request_spans_carry_no_search_text_or_contact(platform: RunningPlatform) -> None:
    spans = InMemorySpanExporter()
    platform.runtime("membership").telemetry.tracer_provider.add_span_processor(
        SimpleSpanProcessor(spans)
    )
    searched = "rina.sitorus@contoh.sch.id"
    response = await platform.client.get(
        "/membership/people",
        params={"q": searched, "kabkota": "12.11"},
        headers=platform.auth(Role.NATIONAL_ADMIN),
    )
    assert response.status_code == 200
    finished = spans.get_finished_spans()
    request = next(s for s in finished if s.name == "GET /membership/people")
    assert request.attributes is not None
    recorded = " ".join(str(v) for s in finished for v in (s.attributes or {}).values())
    assert "rina" not in recorded
    assert "q=[disamarkan]&kabkota=12.11" in str(request.attributes.get("http.url"))
