"""`/notifications/preferences`: a teacher's own channels and quiet hours, read and replaced."""

from typing import Any

from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform

from .rows import a_contact, written

ALL_ON = {"email": True, "whatsapp": True, "sms": True}


async def a_teacher(platform: RunningPlatform, kabkota: str = "73.71") -> dict[str, str]:
    async with written(platform) as session:
        person = await a_contact(session, kabkota)
    return platform.auth(Role.MEMBER, person=str(person))


async def put(platform: RunningPlatform, teacher: dict[str, str], body: Any) -> Any:
    return await platform.client.put("/notifications/preferences", json=body, headers=teacher)


async def test_every_channel_is_on_until_the_teacher_says_otherwise(
    platform: RunningPlatform,
) -> None:
    teacher = await a_teacher(platform)
    response = await platform.client.get("/notifications/preferences", headers=teacher)
    assert response.status_code == 200
    assert response.json() == {"channels": ALL_ON, "quiet_hours": None, "timezone": "WITA"}


async def test_preferences_round_trip_and_a_put_replaces_them_whole(
    platform: RunningPlatform,
) -> None:
    teacher = await a_teacher(platform)
    wanted = {
        "channels": {"email": True, "whatsapp": False, "sms": False},
        "quiet_hours": {"starts": "21:30", "ends": "05:45"},
    }
    saved = await put(platform, teacher, wanted)
    assert saved.status_code == 200
    assert saved.json() == wanted | {"timezone": "WITA"}
    read = await platform.client.get("/notifications/preferences", headers=teacher)
    assert read.json() == saved.json()

    # What a PUT leaves out is the default: channels on, no quiet hours.
    replaced = await put(platform, teacher, {"channels": {"sms": False}})
    assert replaced.json() == {
        "channels": ALL_ON | {"sms": False},
        "quiet_hours": None,
        "timezone": "WITA",
    }


async def test_a_person_not_yet_in_the_contacts_keeps_preferences_too(
    platform: RunningPlatform,
) -> None:
    teacher = platform.auth(Role.MEMBER, person="0190a9b0-0000-7000-8000-0000000000ff")
    saved = await put(platform, teacher, {"channels": {"whatsapp": False}})
    assert saved.status_code == 200
    assert saved.json()["timezone"] is None
    assert saved.json()["channels"]["whatsapp"] is False


async def test_wrong_preferences_are_refused_field_by_field(platform: RunningPlatform) -> None:
    teacher = await a_teacher(platform)
    for body, field in (
        ({"channels": {"inbox": False}}, "channels.inbox"),
        ({"channels": {"email": "kadang"}}, "channels.email"),
        ({"quiet_hours": {"starts": "22:00", "ends": "22:00"}}, "quiet_hours"),
        ({"quiet_hours": {"starts": "25:00", "ends": "06:00"}}, "quiet_hours.starts"),
        ({"quiet_hours": {"starts": "22:00"}}, "quiet_hours.ends"),
    ):
        response = await put(platform, teacher, body)
        assert response.status_code == 422, body
        error = response.json()["error"]
        assert error["code"] == "validation_failed"
        assert [d["field"] for d in error["details"]] == [field], body
