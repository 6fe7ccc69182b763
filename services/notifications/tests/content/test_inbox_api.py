"""`/notifications/inbox`: a teacher's own messages, newest first, page by page, with the unread
count; reading one or all of them is their last status, recorded and published."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import fresh_kabkota
from notifications.db.tables import message_statuses
from notifications.db.tables import messages as messages_table
from sqlalchemy import select

from .rows import a_contact, a_message, got, written


async def teacher_with_inbox(
    platform: RunningPlatform, count: int
) -> tuple[UUID, list[UUID], dict[str, str]]:
    """A teacher with `count` delivered inbox messages, an hour apart (the last is newest),
    and messages elsewhere that are not in their inbox."""
    start = datetime.now(UTC) - timedelta(days=1)
    async with written(platform) as session:
        person = await a_contact(session, fresh_kabkota())
        ids = [
            await a_message(
                session,
                person,
                subject=f"Pesan {n}",
                body=f"Isi pesan {n}",
                delivered_at=start + timedelta(hours=n),
            )
            for n in range(count)
        ]
        await a_message(session, person, channel="email")  # another channel
        await a_message(session, person, status="queued")  # not delivered yet
        await a_message(session, await a_contact(session))  # someone else's
    return person, ids, platform.auth(Role.MEMBER, person=str(person))


async def inbox(platform: RunningPlatform, headers: dict[str, str], **params: Any) -> Any:
    return await got(platform, "/notifications/inbox", headers, **params)


async def test_the_inbox_pages_newest_first_with_the_unread_count(
    platform: RunningPlatform,
) -> None:
    _, ids, teacher = await teacher_with_inbox(platform, 5)
    seen: list[str] = []
    cursor = None
    while True:
        page = await inbox(platform, teacher, limit=2, **({"cursor": cursor} if cursor else {}))
        assert page["total"] == 5
        assert page["unread"] == 5
        seen += [item["id"] for item in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == [str(i) for i in reversed(ids)]
    first = (await inbox(platform, teacher, limit=1))["items"][0]
    assert (first["subject"], first["body"], first["read_at"]) == ("Pesan 4", "Isi pesan 4", None)
    assert first["rule"] == "registration_confirmed"


async def test_reading_marks_one_and_then_all_and_records_each_read(
    platform: RunningPlatform,
) -> None:
    person, ids, teacher = await teacher_with_inbox(platform, 3)
    read = await platform.client.post(f"/notifications/inbox/{ids[0]}/read", headers=teacher)
    assert read.status_code == 200
    assert read.json()["id"] == str(ids[0])
    assert read.json()["read_at"] is not None
    again = await platform.client.post(f"/notifications/inbox/{ids[0]}/read", headers=teacher)
    assert again.json()["read_at"] == read.json()["read_at"]  # reading twice changes nothing
    page = await inbox(platform, teacher)
    assert (page["total"], page["unread"]) == (3, 2)
    unread = await inbox(platform, teacher, unread="true")
    assert [item["id"] for item in unread["items"]] == [str(ids[2]), str(ids[1])]

    everything = await platform.client.post("/notifications/inbox/read-all", headers=teacher)
    assert everything.json() == {"marked": 2}
    assert (await inbox(platform, teacher))["unread"] == 0
    assert (
        await platform.client.post("/notifications/inbox/read-all", headers=teacher)
    ).json() == {"marked": 0}

    async with written(platform) as session:
        statuses = (
            await session.execute(
                select(message_statuses.c.message_id, message_statuses.c.status).where(
                    message_statuses.c.message_id.in_(ids)
                )
            )
        ).all()
        states = (
            await session.execute(
                select(messages_table.c.status).where(messages_table.c.id.in_(ids))
            )
        ).scalars()
        assert set(states) == {"read"}
    assert sorted(statuses) == sorted((i, "read") for i in ids)  # once each

    published = await eventually(
        lambda: platform.read_topic("kombel.notifications.deliveries"),
        lambda records: any(r.key == str(ids[2]).encode() for r in records),
    )
    reads = [r for r in published if r.key == str(ids[0]).encode()]
    assert len(reads) == 1
    assert b'"status":"read"' in reads[0].value
    assert str(person).encode() in reads[0].value


async def test_nobody_reads_or_marks_another_persons_inbox(platform: RunningPlatform) -> None:
    _, ids, _ = await teacher_with_inbox(platform, 1)
    _, _, stranger = await teacher_with_inbox(platform, 0)
    assert (await inbox(platform, stranger))["total"] == 0
    marked = await platform.client.post(f"/notifications/inbox/{ids[0]}/read", headers=stranger)
    assert marked.status_code == 404
    assert marked.json()["error"]["code"] == "message_not_found"


async def test_a_token_without_a_person_has_no_inbox(platform: RunningPlatform) -> None:
    staff = platform.auth(Role.DISTRICT_STAFF, kabkota="31.71")
    for method, path in (
        ("GET", "/notifications/inbox"),
        ("POST", "/notifications/inbox/read-all"),
        ("GET", "/notifications/inbox/stream"),
        ("GET", "/notifications/preferences"),
    ):
        response = await platform.client.request(method, path, headers=staff)
        assert response.status_code == 403, path
        assert response.json()["error"]["code"] == "person_required"
    assert (await platform.client.get("/notifications/inbox")).status_code == 401


async def test_a_cursor_the_inbox_never_gave_is_refused(platform: RunningPlatform) -> None:
    _, _, teacher = await teacher_with_inbox(platform, 1)
    response = await platform.client.get(
        "/notifications/inbox", params={"cursor": "bukan-kursor"}, headers=teacher
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"
