"""The registration saga through Kafka: a `PersonRequested` published on membership's request
topic is answered once on the replies topic, however often it is delivered."""

from datetime import UTC, datetime
from typing import Any

import pytest
from kombel_events import event_class
from kombel_events.person_requests import (
    PersonRequestAccepted,
    PersonRequested,
    PersonRequestRefused,
    Requester,
)
from kombel_events.topics import MEMBERSHIP_PERSON_REPLIES, MEMBERSHIP_PERSON_REQUESTS
from kombel_runtime.auth import Role
from kombel_runtime.envelope import Envelope
from kombel_runtime.ids import uuid7
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import fresh_kabkota
from membership.testing import digits, nuptk, school

pytestmark = pytest.mark.infra


def envelope_of(request: PersonRequested) -> Envelope:
    """The request as activities' relay would send it."""
    return Envelope(
        id=uuid7(),
        type=PersonRequested.event_type,
        source="/kombel/activities",
        subject=request.subject(),
        time=datetime.now(UTC),
        data=request.to_json(),
    )


async def publish(platform: RunningPlatform, envelope: Envelope, key: str) -> None:
    """`key` puts the records on one partition, in order."""
    await platform.produce(
        MEMBERSHIP_PERSON_REQUESTS.name, envelope.data, key.encode(), envelope.kafka_headers()
    )


async def replies(platform: RunningPlatform) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for record in await platform.read_topic(MEMBERSHIP_PERSON_REPLIES.name):
        envelope = Envelope.from_kafka(record.headers, record.value)
        reply = event_class(envelope.type).model_validate_json(envelope.data)
        found.setdefault(envelope.subject, []).append(reply)
    return found


async def test_a_request_is_answered_once_on_the_replies_topic(platform: RunningPlatform) -> None:
    kabkota = fresh_kabkota()
    npsn = await school(platform, kabkota)
    requester = Requester(subject="dinas", roles=["district_staff"], kabkota=kabkota)
    wanted = PersonRequested(
        request_id=uuid7(),
        requester=requester,
        reason=f"training:{uuid7()}",
        full_name="Guru Dari Daftar Bimtek",
        nuptk=nuptk(),
        position="guru",
        school_npsn=npsn,
    )
    unknown_school = wanted.model_copy(update={"request_id": uuid7(), "school_npsn": digits(8)})
    key = str(uuid7())
    # Delivered twice (a relay retrying), then a request that follows on the same partition.
    sent = envelope_of(wanted)
    await publish(platform, sent, key)
    await publish(platform, sent, key)
    await publish(platform, envelope_of(unknown_school), key)

    answered = await eventually(
        lambda: replies(platform), lambda r: str(unknown_school.request_id) in r, timeout_s=60
    )

    (refused,) = answered[str(unknown_school.request_id)]
    assert isinstance(refused, PersonRequestRefused)
    assert refused.code == "school_unknown"
    (accepted,) = answered[str(wanted.request_id)]
    assert isinstance(accepted, PersonRequestAccepted)
    assert accepted.created
    person = await platform.client.get(
        f"/membership/people/{accepted.person_id}",
        headers=platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota),
    )
    assert person.status_code == 200, person.text
    assert (person.json()["nuptk"], person.json()["school_npsn"]) == (wanted.nuptk, npsn)
