"""The unsubscribe link in every message: opening it asks, the one-click POST (RFC 8058) turns
the channel off, no sign-in needed; a link we did not sign changes nothing."""

from typing import cast
from urllib.parse import urlsplit
from uuid import UUID

from kombel_events.notifications import Channel
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform
from notifications.app import NotificationsSettings
from notifications.domain.unsubscribe import unsubscribe_token
from notifications.rendering import Links

from .rows import a_contact, written

ONE_CLICK = {"Content-Type": "application/x-www-form-urlencoded"}


def link_path(platform: RunningPlatform, person_id: UUID, channel: Channel) -> str:
    """The path and query of the link a message to the person on the channel carries."""
    settings = cast(NotificationsSettings, platform.runtime("notifications").settings)
    url = urlsplit(Links.of(settings).unsubscribe(person_id, channel))
    return f"{url.path}?{url.query}"


async def channels(platform: RunningPlatform, person_id: UUID) -> dict[str, bool]:
    teacher = platform.auth(Role.MEMBER, person=str(person_id))
    response = await platform.client.get("/notifications/preferences", headers=teacher)
    return cast(dict[str, bool], response.json()["channels"])


async def test_the_link_asks_first_and_the_one_click_post_turns_the_channel_off(
    platform: RunningPlatform,
) -> None:
    async with written(platform) as session:
        person = await a_contact(session)
    path = link_path(platform, person, Channel.WHATSAPP)

    page = await platform.client.get(path)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Berhenti menerima pesan WhatsApp?" in page.text
    assert 'method="post"' in page.text
    # Opening the link (as a mail scanner does) changes nothing.
    assert await channels(platform, person) == {"email": True, "whatsapp": True, "sms": True}

    done = await platform.client.post(path, content="List-Unsubscribe=One-Click", headers=ONE_CLICK)
    assert done.status_code == 200
    assert "Anda berhenti menerima pesan WhatsApp" in done.text
    assert await channels(platform, person) == {"email": True, "whatsapp": False, "sms": True}
    # Clicking again is harmless.
    assert (await platform.client.post(path, headers=ONE_CLICK)).status_code == 200

    email = link_path(platform, person, Channel.EMAIL)
    assert (await platform.client.post(email, headers=ONE_CLICK)).status_code == 200
    assert await channels(platform, person) == {"email": False, "whatsapp": False, "sms": True}


async def test_a_link_we_did_not_sign_is_refused_and_changes_nothing(
    platform: RunningPlatform,
) -> None:
    async with written(platform) as session:
        person = await a_contact(session)
    forged = unsubscribe_token(b"someone-elses-secret", person, Channel.EMAIL)
    genuine = link_path(platform, person, Channel.EMAIL)
    truncated = genuine[:-6]
    inbox = link_path(platform, person, Channel.INBOX)
    for path in (
        f"/notifications/unsubscribe?token={forged}",
        truncated,
        inbox,
        "/notifications/unsubscribe?token=",
        "/notifications/unsubscribe?token=%25%25%25",
    ):
        for method in ("GET", "POST"):
            response = await platform.client.request(method, path, headers=ONE_CLICK)
            assert response.status_code == 400, (method, path)
            assert response.json()["error"]["code"] == "unsubscribe_link_invalid"
    assert await channels(platform, person) == {"email": True, "whatsapp": True, "sms": True}
    assert (await platform.client.get("/notifications/unsubscribe")).status_code == 422
