"""`GET /notifications/trainings/{id}/plan` over HTTP: the organisers and the districts hosting
a session read the training's WhatsApp plan; nobody else learns the training exists."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from kombel_events.regions import regions
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform, eventually

from .test_planning_platform import DAY, ENREKANG, LUWU, SULSEL, a_registration

pytestmark = pytest.mark.infra


async def test_organisers_read_the_whatsapp_plan_of_their_training(
    platform: RunningPlatform,
) -> None:
    province, kabkota, elsewhere = SULSEL, ENREKANG, LUWU
    made = await a_registration(platform, province, kabkota)
    teacher, training_id, staff = made.teacher, made.training_id, made.staff
    path = f"/notifications/trainings/{training_id}/plan"

    async def read() -> dict[str, object]:
        answer = await platform.client.get(path, headers=staff)
        assert answer.status_code in (200, 404), answer.text
        return answer.json() if answer.status_code == 200 else {}

    # A confirmation now, reminders the day before and two hours before.
    plan = await eventually(read, lambda body: body.get("planned") == 3)
    assert plan["expected"] == 0
    assert plan["total"] == 3
    assert plan["daily_limit"] == 1000
    assert plan["fits"] is True
    assert plan["late"] == 0
    assert plan["warning"] is None
    zone = regions().by_code[kabkota].timezone
    starts = datetime.fromisoformat(str(plan["first_session_starts_at"]))
    assert starts.astimezone(ZoneInfo(zone.iana)) == datetime.combine(
        DAY, time(8), ZoneInfo(zone.iana)
    )
    assert plan["first_session_timezone"] == zone.value
    assert isinstance(plan["days_left"], int)
    assert plan["days_left"] >= 20
    assert plan["days"]

    for reader in (
        platform.auth(Role.NATIONAL_ADMIN),
        platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota),
    ):
        assert (await platform.client.get(path, headers=reader)).status_code == 200
    for stranger in (
        platform.auth(Role.DISTRICT_STAFF, kabkota=elsewhere),
        platform.auth(Role.PROVINCE_STAFF, province="63"),
        platform.auth(Role.MEMBER, person=teacher["id"]),
    ):
        refused = await platform.client.get(path, headers=stranger)
        assert refused.status_code == 404
        assert refused.json()["error"]["code"] == "training_not_found"
    assert (await platform.client.get(path)).status_code == 401
