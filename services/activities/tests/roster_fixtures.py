"""Trainings and sessions for the tests of rosters, check-in lists and the saga, written
straight into activities' tables (the trainings API is built beside them), and the roster
files and saga replies those tests send."""

import csv
import io
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from activities.db.tables import replica_people, replica_schools, training_sessions, trainings
from kombel_events import IntegrationEvent
from kombel_runtime.envelope import Envelope
from kombel_runtime.ids import uuid7
from kombel_runtime.testing.harness import RunningPlatform, eventually
from membership.testing import school
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

ROSTER_HEADER = [
    "Nama Lengkap",
    "NUPTK",
    "Email",
    "No. HP/WA",
    "Jabatan",
    "NPSN Sekolah",
    "Kabupaten/Kota",
    "Kode Sesi",
]
STARTS_AT = datetime(2026, 5, 25, 1, tzinfo=UTC)  # 08.00 WIB


async def a_training(
    session: AsyncSession, province: str, places: Sequence[tuple[str, int]]
) -> dict[str, Any]:
    """A scheduled training of the province with one session per (kabupaten/kota, capacity),
    coded S1, S2, … in that order: `{"id", "sessions": [{"id", "code", "kabkota_code"}]}`."""
    training_id = uuid.uuid4()
    sessions = [
        {"id": uuid.uuid4(), "code": f"S{n}", "kabkota_code": kabkota, "capacity": capacity}
        for n, (kabkota, capacity) in enumerate(places, start=1)
    ]
    async with session.begin():
        await session.execute(
            trainings.insert().values(
                id=training_id,
                title="Bimtek Penggerak Komunitas Belajar",
                organiser="BBGP",
                province_code=province,
                audience="penggerak komunitas belajar",
                created_by="staf-bbgp",
            )
        )
        await session.execute(
            training_sessions.insert(),
            [
                {
                    **place,
                    "training_id": training_id,
                    "province_code": province,
                    "venue": f"Aula {place['code']}",
                    "starts_at": STARTS_AT,
                    "ends_at": STARTS_AT + timedelta(hours=8),
                    "timezone": "WIB",
                }
                for place in sessions
            ],
        )
    return {"id": training_id, "sessions": sessions}


def roster(*rows: Sequence[str]) -> bytes:
    """A roster CSV: the header of membership's people import and a session code, then rows."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([ROSTER_HEADER, *rows])
    return buffer.getvalue().encode()


def noted(text: str) -> dict[str, str]:
    """errors.csv or matches.csv as {row number: note}."""
    return {r[0]: r[-1] for r in list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1:]}


async def imported(
    platform: RunningPlatform,
    kind: str,
    params: dict[str, Any],
    content: bytes,
    headers: dict[str, str],
) -> dict[str, Any]:
    """Upload a file of the kind and wait until its job has finished; its status."""
    response = await platform.client.post(
        f"/activities/imports/{kind}",
        params={k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in params.items()},
        files={"file": (f"{kind}.csv", content)},
        headers=headers,
    )
    assert response.status_code == 202, response.text

    async def status() -> dict[str, Any]:
        path = f"/activities/imports/{response.json()['id']}"
        body: dict[str, Any] = (await platform.client.get(path, headers=headers)).json()
        return body

    return await eventually(status, lambda s: s["status"] in ("succeeded", "failed"), timeout_s=60)


def envelope_of(event: IntegrationEvent) -> Envelope:
    """The envelope membership's relay would give one of its events (the saga's replies)."""
    return Envelope(
        id=uuid7(),
        type=event.event_type,
        source="/kombel/membership",
        subject=event.subject(),
        time=datetime.now(UTC),
        data=event.to_json(),
    )


async def publish(platform: RunningPlatform, event: IntegrationEvent) -> None:
    """Publish an event as its owner's relay would."""
    envelope = envelope_of(event)
    await platform.produce(
        event.topic.name, event.to_json(), event.subject().encode(), envelope.kafka_headers()
    )


async def replicated(platform: RunningPlatform, *people: dict[str, Any]) -> None:
    """Until activities' replica holds the people with their identity digests."""
    ids = [UUID(p["id"]) for p in people]

    async def count() -> int:
        async with platform.runtime("activities").sessions() as session:
            found = await session.scalar(
                select(func.count())
                .select_from(replica_people)
                .where(
                    replica_people.c.id.in_(ids),
                    func.cardinality(replica_people.c.identity_digests) > 0,
                )
            )
        return int(found or 0)

    await eventually(count, lambda n: n == len(ids))


async def replicated_school(platform: RunningPlatform, kabkota: str) -> str:
    """A new school of the kabupaten/kota, once activities' replica knows it: a roster row
    naming it is judged against that replica. Its NPSN."""
    npsn = await school(platform, kabkota)

    async def known() -> int:
        async with platform.runtime("activities").sessions() as session:
            found = await session.scalar(
                select(func.count())
                .select_from(replica_schools)
                .where(replica_schools.c.npsn == npsn)
            )
        return int(found or 0)

    await eventually(known, lambda n: n == 1)
    return npsn
