"""Rebuilding and checking a read model (the trainings roll-up): a rebuild from the topics
while the API serves gives the same rows and keeps what happened meanwhile; a check finds
nothing in a sound model and names a row changed by hand, also from the command line."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from kombel_runtime.cli import main
from kombel_runtime.projection_rebuild import Kind, compare, rebuild
from kombel_runtime.replicas import replay
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import fresh_kabkotas
from reporting.db.trainings_tables import (
    training_registrations_rm,
    training_sessions_rm,
    trainings_rm,
)
from reporting.projections.trainings import TRAININGS_PROJECTION
from sqlalchemy import select, text, update

from .training_fixtures import Bimtek, teachers

pytestmark = pytest.mark.infra

TABLES = (trainings_rm, training_sessions_rm, training_registrations_rm)


async def snapshot(platform: RunningPlatform) -> dict[str, list[dict[str, Any]]]:
    async with platform.runtime("reporting").sessions() as session:
        return {
            table.name: [
                dict(r)
                for r in (
                    await session.execute(select(table).order_by(*table.primary_key.columns))
                ).mappings()
            ]
            for table in TABLES
        }


async def index_and_constraint_names(platform: RunningPlatform) -> set[str]:
    tables = [t.name for t in TABLES]
    async with platform.runtime("reporting").sessions() as session:
        indexes = await session.execute(
            text("SELECT indexname FROM pg_indexes WHERE tablename = ANY(:tables)"),
            {"tables": tables},
        )
        constraints = await session.execute(
            text(
                "SELECT conname FROM pg_constraint "
                "WHERE conrelid = ANY(CAST(:tables AS regclass[]))"
            ),
            {"tables": tables},
        )
        return set(indexes.scalars()) | set(constraints.scalars())


async def a_day(platform: RunningPlatform, capacity: int = 5) -> tuple[Bimtek, str]:
    """A bimtek with a session under way in a kabupaten/kota of its own."""
    (kabkota,) = fresh_kabkotas(1)
    bimtek = Bimtek(platform, kabkota[:2])
    await bimtek.schedule()
    now = datetime.now(UTC)
    starts, ends = now - timedelta(hours=1), now + timedelta(hours=2)
    await bimtek.session(kabkota, starts, ends, capacity, "Aula")
    return bimtek, kabkota


async def test_a_rebuild_while_serving_gives_the_same_rows(platform: RunningPlatform) -> None:
    bimtek, kabkota = await a_day(platform, capacity=2)
    rina, budi, sari = await teachers(platform, kabkota, "Rina", "Budi", "Sari")
    seats = [await bimtek.register(p, kabkota) for p in (rina, budi, sari)]
    await bimtek.check_in(seats[0]["id"], kabkota)
    expected = {"registered": 2, "waitlisted": 1, "checked_in": 1, "no_show": 0}
    served = await eventually(bimtek.rollup, lambda b: b["totals"] == expected)
    before = await snapshot(platform)
    names = await index_and_constraint_names(platform)

    runtime = platform.runtime("reporting")
    # Every event again from the beginning, into the live tables, changes nothing.
    _, applied = await replay(
        platform.kafka_bootstrap, runtime.sessions, TRAININGS_PROJECTION.live()
    )
    assert applied > 0
    assert await snapshot(platform) == before

    rebuilding = asyncio.create_task(
        rebuild(platform.kafka_bootstrap, runtime.sessions, TRAININGS_PROJECTION)
    )
    # The page keeps answering the same while the fresh tables fill and are swapped in.
    while not rebuilding.done():
        assert await bimtek.rollup() == served
        await asyncio.sleep(0.2)
    assert await rebuilding > 0
    assert await bimtek.rollup() == served
    assert await snapshot(platform) == before
    # Later migrations find the indexes and constraints by the names they gave them.
    assert await index_and_constraint_names(platform) == names

    # A check-in made while a rebuild runs is in the rebuilt tables.
    rebuilding = asyncio.create_task(
        rebuild(platform.kafka_bootstrap, runtime.sessions, TRAININGS_PROJECTION)
    )
    await bimtek.check_in(seats[1]["id"], kabkota)
    await rebuilding
    after = await eventually(bimtek.rollup, lambda b: b["totals"]["checked_in"] == 2)
    assert after["totals"] == expected | {"checked_in": 2}
    assert await compare(platform.kafka_bootstrap, runtime.sessions, TRAININGS_PROJECTION) == []


async def test_check_finds_a_row_changed_by_hand(
    platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bimtek, kabkota = await a_day(platform)
    (rina,) = await teachers(platform, kabkota, "Rina")
    seat = await bimtek.register(rina, kabkota)
    await eventually(bimtek.rollup, lambda b: b["totals"]["registered"] == 1)
    runtime = platform.runtime("reporting")
    assert await compare(platform.kafka_bootstrap, runtime.sessions, TRAININGS_PROJECTION) == []

    registration = training_registrations_rm.c.registration_id == seat["id"]
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            update(training_registrations_rm).where(registration).values(status="waitlisted")
        )
        await session.execute(
            update(trainings_rm)
            .where(trainings_rm.c.training_id == bimtek.id)
            .values(version="00000000-0000-7000-8000-000000000000")  # not compared
        )
    (found,) = await compare(platform.kafka_bootstrap, runtime.sessions, TRAININGS_PROJECTION)
    assert (found.table, found.kind, str(found.key["registration_id"])) == (
        training_registrations_rm.name,
        Kind.DIFFERENT,
        seat["id"],
    )
    assert found.live is not None
    assert found.expected is not None
    assert (found.live["status"], found.expected["status"]) == ("waitlisted", "registered")

    # From the command line: the check fails and names the row; a replay mends it.
    checked, out = await kombel(platform, monkeypatch, capsys, "check", "reporting", "trainings")
    assert checked == 1, out
    assert seat["id"] in out
    assert "different" in out
    replayed, out = await kombel(platform, monkeypatch, capsys, "replay", "reporting", "trainings")
    assert (replayed, "reporting.trainings: rebuilt from" in out) == (0, True), out
    checked, out = await kombel(platform, monkeypatch, capsys, "check", "reporting", "trainings")
    assert (checked, "no differences" in out) == (0, True), out
    assert await _tables_left(platform) == []


async def kombel(
    platform: RunningPlatform,
    environment: pytest.MonkeyPatch,
    output: pytest.CaptureFixture[str],
    *arguments: str,
) -> tuple[int, str]:
    """`kombel …` against the test platform's reporting service, as a deploy job runs it
    (settings from the environment): exit code and output. In a thread of this process,
    which has imported every service already."""
    settings = platform.embedded.settings["reporting"]
    environment.setenv("KOMBEL_DATABASE_URL", settings.database_url)
    environment.setenv("KOMBEL_KAFKA_BOOTSTRAP", settings.kafka_bootstrap)
    environment.setenv("KOMBEL_REDIS_URL", settings.redis_url)
    environment.setenv("KOMBEL_AUTH_JWKS_PATH", str(settings.auth_jwks_path))
    code = await asyncio.to_thread(main, list(arguments))
    return code, output.readouterr().out


async def _tables_left(platform: RunningPlatform) -> list[str]:
    """Shadow or retired tables a check or rebuild left behind."""
    async with platform.runtime("reporting").sessions() as session:
        names = await session.execute(
            text(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema()"
            )
        )
        return [n for n in names.scalars() if n.endswith(("_check", "_rebuild", "_retired"))]
