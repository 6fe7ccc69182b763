"""`/notifications/templates`: staff list the templates and preview each one with sample data."""

import pytest
from kombel_events.notifications import Channel
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform
from notifications.rendering import TEMPLATES


async def test_staff_list_every_template_and_others_may_not(platform: RunningPlatform) -> None:
    staff = platform.auth(Role.DISTRICT_STAFF, kabkota="31.71")
    listed = await platform.client.get("/notifications/templates", headers=staff)
    assert listed.status_code == 200
    assert [item["name"] for item in listed.json()["items"]] == list(TEMPLATES)
    teacher = platform.auth(Role.MEMBER, person="0190a9b0-0000-7000-8000-0000000000aa")
    refused = await platform.client.get("/notifications/templates", headers=teacher)
    assert refused.status_code == 403


@pytest.mark.parametrize("name", sorted(TEMPLATES))
async def test_each_template_previews_in_both_languages_on_every_channel(
    platform: RunningPlatform, name: str
) -> None:
    staff = platform.auth(Role.NATIONAL_ADMIN)
    for language in ("id", "en"):
        for channel in Channel:
            response = await platform.client.post(
                f"/notifications/templates/{name}/preview",
                json={"channel": channel.value, "language": language, "timezone": "WIT"},
                headers=staff,
            )
            assert response.status_code == 200, response.text
            shown = response.json()
            assert shown["text"]
            if channel is Channel.EMAIL:
                assert shown["subject"]
                assert shown["html"].startswith("<!doctype html>")
            elif channel is Channel.INBOX:
                assert shown["subject"]
                assert shown["html"] is None
            else:
                assert shown["subject"] is None
                assert shown["html"] is None


async def test_a_preview_without_a_body_is_the_indonesian_email_in_wib(
    platform: RunningPlatform,
) -> None:
    response = await platform.client.post(
        "/notifications/templates/session_reminder_day_before/preview",
        headers=platform.auth(Role.PROVINCE_STAFF, province="31"),
    )
    assert response.status_code == 200
    shown = response.json()
    assert shown["subject"] == "Besok: Bimtek Penguatan Komunitas Belajar"
    assert "Rabu, 9 Desember 2026, 08.00 WIB" in shown["text"]
    assert 'src="data:image/png;base64,' in shown["html"]


async def test_overrides_replace_the_sample_facts(platform: RunningPlatform) -> None:
    response = await platform.client.post(
        "/notifications/templates/registration_confirmed/preview",
        json={
            "channel": "whatsapp",
            "timezone": "WITA",
            "overrides": {
                "training": {"title": "Bimtek Literasi Numerasi"},
                "session": {"starts_at": "2027-01-04T00:30:00+00:00", "venue": "LPMP Sulsel"},
            },
        },
        headers=platform.auth(Role.NATIONAL_ADMIN),
    )
    assert response.status_code == 200
    text = response.json()["text"]
    assert "Bimtek Literasi Numerasi, sesi MDN-01: Senin, 4 Januari 2027, 08.30 WITA" in text
    assert "LPMP Sulsel, Kota Medan" in text


async def test_unknown_templates_and_broken_overrides_are_refused_with_their_codes(
    platform: RunningPlatform,
) -> None:
    staff = platform.auth(Role.NATIONAL_ADMIN)
    unknown = await platform.client.post(
        "/notifications/templates/no_such_rule/preview", headers=staff
    )
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "template_not_found"
    broken = await platform.client.post(
        "/notifications/templates/registration_confirmed/preview",
        json={"overrides": {"session": {"starts_at": "besok pagi"}}},
        headers=staff,
    )
    assert broken.status_code == 422
    assert broken.json()["error"]["code"] == "preview_failed"
    missing = await platform.client.post(
        "/notifications/templates/registration_confirmed/preview",
        json={"overrides": {"training": None}},
        headers=staff,
    )
    assert missing.status_code == 422
    assert missing.json()["error"]["code"] == "preview_failed"
    wrong_channel = await platform.client.post(
        "/notifications/templates/registration_confirmed/preview",
        json={"channel": "pigeon"},
        headers=staff,
    )
    assert wrong_channel.status_code == 422
