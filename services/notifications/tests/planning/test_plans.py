"""The WhatsApp planner against a database of its own (the whole account's messages take part,
so no other test's may): what is planned and still to come before the first session, the days
left, whether the daily limit can send it in time, and one warning when it cannot."""

import logging
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
import redis.asyncio as redis
from kombel_runtime.auth import Principal, Role
from kombel_runtime.errors import NotFound
from kombel_runtime.testing.databases import migrated_database
from kombel_runtime.testing.infrastructure import Infrastructure
from notifications.app import definition
from notifications.whatsapp_plan import readable_plan, training_plan, warn_over_limit
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ..planning_fixtures import a_person, a_session, a_training, at_local, handled, seat

pytestmark = pytest.mark.infra

JAKARTA = "31.71"


@pytest_asyncio.fixture(scope="module")
async def own_sessions(
    infrastructure: Infrastructure,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    name = f"ks{secrets.token_hex(3)}_notifications_plans"
    async with migrated_database(infrastructure, definition, name) as sessions:
        yield sessions


@pytest_asyncio.fixture
async def own(own_sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with own_sessions() as opened:
        yield opened


def staff(role: Role, province: str | None = None, kabkota: str | None = None) -> Principal:
    return Principal("staf", frozenset({role}), province=province, kabkota=kabkota)


async def a_bimtek_in_two_days(session: AsyncSession, seated: int, pending: int) -> tuple:  # type: ignore[type-arg]
    """A session at 08.00 WIB the day after tomorrow (Jakarta's calendar), `seated` people
    with numbers, and `pending` registrations awaiting their person."""
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date()
    people = [a_person(JAKARTA) for _ in range(seated)]
    training = a_training("31")
    place = a_session(training, JAKARTA, at_local(today + timedelta(days=2), 8, JAKARTA))
    seats = [seat(place, p.person_id) for p in people] + [seat(place, None) for _ in range(pending)]
    await handled(session, *people, training, place, *seats)
    return training, place


async def test_the_plan_counts_what_is_planned_and_what_will_be(own: AsyncSession) -> None:
    training, place = await a_bimtek_in_two_days(own, seated=6, pending=2)
    async with own.begin():
        tight = await training_plan(own, training.training_id, 5, datetime.now(UTC))
        roomy = await training_plan(own, training.training_id, 1000, datetime.now(UTC))

    # Each seat: a confirmation now, reminders the day before and on the morning.
    assert (tight.planned, tight.expected, tight.account_total) == (18, 6, 24)
    assert tight.first_session_starts_at == place.starts_at
    assert tight.outlook.days_left == 3
    assert [count for _, count in tight.outlook.per_day] == [8, 8, 8]
    # 5 a day: 15 go, of which the session's morning can take only 5 of its 8 and the
    # backlog: 9 miss the session.
    assert (tight.outlook.capacity, tight.outlook.late, tight.outlook.fits) == (15, 9, False)
    assert tight.warning is not None
    assert tight.warning.startswith("Batas harian akun WhatsApp (5 pesan per hari) tidak cukup")
    assert "9 pesan WhatsApp tidak akan sempat terkirim" in tight.warning
    assert "08.00 WIB" in tight.warning

    assert roomy.outlook.fits
    assert roomy.warning is None


async def test_organisers_and_district_staff_of_a_session_read_it_others_do_not(
    own: AsyncSession,
) -> None:
    training, _place = await a_bimtek_in_two_days(own, seated=1, pending=0)
    readers = [
        staff(Role.NATIONAL_ADMIN),
        staff(Role.PROVINCE_STAFF, province="31"),
        staff(Role.DISTRICT_STAFF, kabkota=JAKARTA),
    ]
    for principal in readers:
        async with own.begin():
            plan = await readable_plan(own, principal, training.training_id, 1000)
        assert plan.planned == 3
    strangers = [
        staff(Role.PROVINCE_STAFF, province="73"),
        staff(Role.DISTRICT_STAFF, kabkota="31.72"),
        staff(Role.MEMBER),
    ]
    for principal in strangers:
        async with own.begin():
            with pytest.raises(NotFound):
                await readable_plan(own, principal, training.training_id, 1000)


async def test_a_training_over_the_limit_is_warned_of_once(
    own: AsyncSession, infrastructure: Infrastructure, caplog: pytest.LogCaptureFixture
) -> None:
    training, _ = await a_bimtek_in_two_days(own, seated=4, pending=0)
    client = redis.Redis.from_url(infrastructure.endpoints.redis_url)
    try:
        with caplog.at_level(logging.WARNING, logger="notifications.whatsapp_plan"):
            async with own.begin():
                first = await warn_over_limit(own, client, 2, datetime.now(UTC))
            async with own.begin():
                again = await warn_over_limit(own, client, 2, datetime.now(UTC))
    finally:
        await client.aclose()
    assert training.training_id in first
    assert training.training_id not in again
    records = [
        r for r in caplog.records if getattr(r, "training_id", None) == str(training.training_id)
    ]
    assert len(records) == 1
    assert "contoh.sch.id" not in caplog.text
    assert "+62" not in caplog.text
