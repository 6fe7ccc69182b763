"""Check-in over HTTP: a seat's signed ticket, verified offline with the published key alone,
scanned at the door once or twice, refused when forged, for another session, waitlisted or
cancelled; batches of offline scans in which the earliest scan wins and a replay changes
nothing; the session's counter exact throughout."""

import base64
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from activities.db.tables import registrations, training_sessions
from activities.services.seats import cancel
from activities.services.signing_keys import keyring
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from kombel_events.regions import TimeZone
from kombel_runtime.auth import Role
from kombel_runtime.messaging_tables import outbox
from kombel_runtime.testing.harness import RunningPlatform
from kombel_runtime.testing.regions import fresh_kabkota, fresh_kabkotas, neighbour_of
from sqlalchemy import func, select

from ..trainings_fixtures import Bimtek, a_bimtek, people, seats

pytestmark = pytest.mark.infra

CHECKED_IN = "kombel.activities.participant.checked_in.v1"


@dataclass
class Day:
    """A bimtek at one site or two; the committee of the first checks people in."""

    platform: RunningPlatform
    bimtek: Bimtek
    here: str
    there: str

    @property
    def session_id(self) -> uuid.UUID:
        return self.bimtek.sessions[self.here]

    @property
    def committee(self) -> dict[str, str]:
        return self.platform.auth(Role.DISTRICT_STAFF, kabkota=self.here)

    async def seated(self, *names: str, where: str | None = None) -> list[uuid.UUID]:
        sessions = self.platform.runtime("activities").sessions
        kabkota = where or self.here
        person_ids = await people(sessions, kabkota, list(names))
        placed = await seats(sessions, self.bimtek.sessions[kabkota], person_ids)
        return [p.id for p in placed]

    async def ticket(self, registration_id: uuid.UUID) -> str:
        """The ticket as `GET /activities/registrations/{id}` gives it (to an admin, who
        reads the seats of every site)."""
        answer = await self.platform.client.get(
            f"/activities/registrations/{registration_id}",
            headers=self.platform.auth(Role.NATIONAL_ADMIN),
        )
        assert answer.status_code == 200, answer.text
        ticket = answer.json()["ticket"]
        assert isinstance(ticket, str)
        return ticket

    async def scan(
        self, ticket: str, headers: dict[str, str] | None = None, **body: Any
    ) -> httpx.Response:
        return await self.platform.client.post(
            "/activities/checkins",
            json={"ticket": ticket, "session_id": str(self.session_id)} | body,
            headers=headers or self.committee,
        )

    async def batch(self, scans: list[tuple[str, datetime]]) -> httpx.Response:
        return await self.platform.client.post(
            "/activities/checkins/batch",
            json={
                "session_id": str(self.session_id),
                "device_id": "hp-panitia-1",
                "scans": [{"ticket": t, "scanned_at": at.isoformat()} for t, at in scans],
            },
            headers=self.committee,
        )

    async def counted(self) -> int:
        async with self.platform.runtime("activities").sessions() as session:
            count = await session.scalar(
                select(training_sessions.c.checked_in).where(
                    training_sessions.c.id == self.session_id
                )
            )
        return int(count or 0)

    async def events(self) -> int:
        async with self.platform.runtime("activities").sessions() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(outbox)
                .where(
                    outbox.c.key == str(self.bimtek.training_id),
                    outbox.c.event_type == CHECKED_IN,
                )
            )
        return int(count or 0)

    async def checked_in_at(self, registration_id: uuid.UUID) -> datetime | None:
        async with self.platform.runtime("activities").sessions() as session:
            return await session.scalar(
                select(registrations.c.checked_in_at).where(registrations.c.id == registration_id)
            )


async def a_day(
    platform: RunningPlatform, capacity: int = 10, *, today: bool = True, two_sites: bool = False
) -> Day:
    """A bimtek today (scans are refused far from their session), or on Monday 25 May 2026
    where what is checked is the date it prints; at a second site, `there`, for tests that
    seat people there. Without one, `there` is a neighbouring kabupaten/kota the test does not
    draw (it may be another test's), only for the committee of another place, who is refused."""
    sessions = platform.runtime("activities").sessions
    if two_sites:
        here, there = fresh_kabkotas(2)  # of one province, as the training is
        sites = [here, there]
    else:
        here = fresh_kabkota()
        there, sites = neighbour_of(here), [here]
    return Day(
        platform, await a_bimtek(sessions, sites, capacity=capacity, today=today), here, there
    )


def ticket_bytes(ticket: str) -> bytes:
    return base64.b32decode(ticket + "=" * (-len(ticket) % 8))


def flipped(ticket: str, at: int) -> str:
    raw = bytearray(ticket_bytes(ticket))
    raw[at] ^= 0x01
    return base64.b32encode(bytes(raw)).decode().rstrip("=")


def at(body: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(body["checked_in_at"])


async def test_a_ticket_verifies_offline_with_the_published_key_alone(
    platform: RunningPlatform,
) -> None:
    day = await a_day(platform)
    [registration_id] = await day.seated("Rina Sitorus")
    ticket = await day.ticket(registration_id)
    assert ticket == await day.ticket(registration_id)  # the same seat, the same ticket

    published = await platform.client.get("/activities/checkin/keys")  # no token
    assert published.status_code == 200
    keys = {k["kid"]: k for k in published.json()["keys"]}
    assert published.json()["format"]["bytes"] == 101

    # What a scanner does with no signal: only the published key and `cryptography`.
    raw = ticket_bytes(ticket)
    version, kid, signed, signature = raw[0], raw[1:5].hex(), raw[:37], raw[37:]
    assert (version, keys[kid]["alg"]) == (1, "Ed25519")
    public = keys[kid]["public_key"]
    key = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(public + "=="))
    key.verify(signature, signed)
    assert uuid.UUID(bytes=raw[5:21]) == registration_id
    assert uuid.UUID(bytes=raw[21:37]) == day.session_id
    for position in (0, 5, 30, 60):
        forged = ticket_bytes(flipped(ticket, position))
        with pytest.raises(InvalidSignature):
            key.verify(forged[37:], forged[:37])


async def test_the_ticket_picture_is_for_the_person_and_the_committee_only(
    platform: RunningPlatform,
) -> None:
    day = await a_day(platform)
    [registration_id] = await day.seated("Rina Sitorus")
    async with platform.runtime("activities").sessions() as session:
        person_id = await session.scalar(
            select(registrations.c.person_id).where(registrations.c.id == registration_id)
        )
    path = f"/activities/registrations/{registration_id}/ticket.svg"

    for reader in (platform.auth(Role.MEMBER, person=str(person_id)), day.committee):
        drawn = await platform.client.get(path, headers=reader)
        assert drawn.status_code == 200, drawn.text
        assert drawn.headers["content-type"] == "image/svg+xml"
        assert "Sesi S01" in drawn.text
        assert day.bimtek.title in drawn.text
        assert "Rina" not in drawn.text
    for stranger in (
        platform.auth(Role.MEMBER, person=str(uuid.uuid4())),
        platform.auth(Role.DISTRICT_STAFF, kabkota=day.there),
    ):
        assert (await platform.client.get(path, headers=stranger)).status_code == 404
    assert (await platform.client.get(path)).status_code == 401


async def test_a_ticket_scanned_twice_is_checked_in_once_at_its_earliest_scan(
    platform: RunningPlatform,
) -> None:
    day = await a_day(platform)
    [registration_id] = await day.seated("Budi Santoso")
    ticket = await day.ticket(registration_id)
    first = datetime.now(UTC) - timedelta(minutes=30)

    scanned = await day.scan(ticket, scanned_at=first.isoformat(), device_id="gerbang-1")
    assert scanned.status_code == 200, scanned.text
    assert scanned.json()["result"] == "ok"
    assert scanned.json()["registration_id"] == str(registration_id)
    assert at(scanned.json()) == first

    again = await day.scan(ticket)  # now, at another gate
    assert again.status_code == 200
    assert again.json()["result"] == "already_checked_in"
    assert at(again.json()) == first
    assert (await day.counted(), await day.events()) == (1, 1)

    # An offline scanner's earlier scan arrives late: its time holds, and is published again.
    earlier = first - timedelta(minutes=10)
    late = await day.scan(ticket, scanned_at=earlier.isoformat())
    assert (late.json()["result"], at(late.json())) == ("already_checked_in", earlier)
    assert (await day.counted(), await day.events()) == (1, 2)
    assert await day.checked_in_at(registration_id) == earlier

    # A time without offset is the session's local time.
    zone = ZoneInfo(TimeZone(day.bimtek.timezones[day.here]).iana)
    earliest = earlier - timedelta(hours=1)
    local = await day.scan(
        ticket, scanned_at=earliest.astimezone(zone).replace(tzinfo=None).isoformat()
    )
    assert at(local.json()) == earliest
    assert (await day.counted(), await day.events()) == (1, 3)


async def test_refusals_name_what_is_wrong_and_change_nothing(
    platform: RunningPlatform,
) -> None:
    day = await a_day(platform, capacity=2, two_sites=True)
    seated, cancelled, _, waitlisted = await day.seated(
        "Sari Dewi", "Andi Wijaya", "Maya Putri", "Joko Susilo"
    )
    [elsewhere] = await day.seated("Yusuf Hakim", where=day.there)
    async with platform.runtime("activities").sessions() as session, session.begin():
        await cancel(session, cancelled, "Berhalangan", [])  # Maya takes the seat; Joko waits
    ticket = await day.ticket(seated)

    async def refused(response: httpx.Response) -> tuple[int, str]:
        return response.status_code, response.json()["error"]["code"]

    runtime = platform.runtime("activities")
    async with runtime.sessions() as session:
        keys = await keyring(session, runtime.settings)
    no_such_seat = keys.sign(uuid.uuid4(), day.session_id)
    for forged in (
        flipped(ticket, 40),
        flipped(ticket, 100),
        ticket[:-3],
        "QR-BUKAN-TIKET",
        no_such_seat,
    ):
        assert await refused(await day.scan(forged)) == (422, "ticket_invalid")
    assert await refused(await day.scan(await day.ticket(elsewhere))) == (409, "wrong_session")
    assert await refused(await day.scan(await day.ticket(waitlisted))) == (
        409,
        "registration_waitlisted",
    )
    assert await refused(await day.scan(keys.sign(cancelled, day.session_id))) == (
        409,
        "registration_cancelled",
    )
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert await refused(await day.scan(ticket, scanned_at=tomorrow)) == (
        422,
        "scanned_in_future",
    )
    member = platform.auth(Role.MEMBER, person=str(uuid.uuid4()))
    assert await refused(await day.scan(ticket, headers=member)) == (403, "checkin_forbidden")
    other_district = platform.auth(Role.DISTRICT_STAFF, kabkota=day.there)
    assert (await day.scan(ticket, headers=other_district)).status_code == 404
    assert (await day.counted(), await day.events()) == (0, 0)

    province = platform.auth(Role.PROVINCE_STAFF, province=day.here.split(".")[0])
    assert (await day.scan(ticket, headers=province)).json()["result"] == "ok"


async def test_a_batch_keeps_each_earliest_scan_and_a_replay_changes_nothing(
    platform: RunningPlatform,
) -> None:
    day = await a_day(platform, capacity=4, two_sites=True)
    a, b, c, d, waiting = await day.seated("Ani", "Bayu", "Citra", "Dodi", "Eka")
    [elsewhere] = await day.seated("Fajar", where=day.there)
    ticket = {r: await day.ticket(r) for r in (a, b, c, d, waiting, elsewhere)}
    t = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    minute = timedelta(minutes=1)

    scans = [
        (ticket[a], t + 5 * minute),
        (ticket[b], t + 3 * minute),
        (ticket[a], t + 1 * minute),  # a's earliest, sent after a later one
        (flipped(ticket[c], 50), t),
        (ticket[c], t + 2 * minute),
        (ticket[waiting], t),
        (ticket[a], t + 1 * minute),  # the same scan twice
        (ticket[elsewhere], t),
    ]
    sent = await day.batch(scans)
    assert sent.status_code == 200, sent.text
    results = sent.json()["results"]
    assert [r["index"] for r in results] == list(range(len(scans)))
    assert [r.get("result") or r["code"] for r in results] == [
        "already_checked_in",
        "ok",
        "ok",
        "ticket_invalid",
        "ok",
        "registration_waitlisted",
        "already_checked_in",
        "wrong_session",
    ]
    assert [at(results[i]) for i in (0, 1, 2, 4, 6)] == [
        t + minute,
        t + 3 * minute,
        t + minute,
        t + 2 * minute,
        t + minute,
    ]
    assert sent.json()["summary"] == {
        "scans": 8,
        "ok": 3,
        "already_checked_in": 2,
        "ticket_invalid": 1,
        "registration_waitlisted": 1,
        "wrong_session": 1,
    }
    assert (await day.counted(), await day.events()) == (3, 3)

    state = [await day.checked_in_at(r) for r in (a, b, c, d)]
    replayed = await day.batch(scans)
    assert replayed.status_code == 200
    assert replayed.json()["summary"]["already_checked_in"] == 5
    assert [await day.checked_in_at(r) for r in (a, b, c, d)] == state
    assert (await day.counted(), await day.events()) == (3, 3)

    # Another device's batch: a first check-in, and an earlier scan that moves one.
    later = await day.batch([(ticket[d], t + 4 * minute), (ticket[b], t)])
    assert [r["result"] for r in later.json()["results"]] == ["ok", "already_checked_in"]
    assert at(later.json()["results"][1]) == t
    assert (await day.counted(), await day.events()) == (4, 5)


async def test_a_batch_over_the_limit_is_refused_whole(platform: RunningPlatform) -> None:
    day = await a_day(platform)
    most = platform.runtime("activities").settings.checkin_batch_max  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    refused = await day.batch([("X", now)] * (most + 1))
    assert refused.status_code == 413
    assert refused.json()["error"]["code"] == "batch_too_large"
