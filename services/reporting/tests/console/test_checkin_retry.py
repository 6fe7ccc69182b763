"""A batch whose answer is lost on a bad line: the server has applied it, the device never heard.
The device sends the same batch again under the same Idempotency-Key and shows the first
answer: its scan is the check-in, not a conflict with itself."""

from typing import Any

import pytest
from kombel_runtime.testing.harness import RunningPlatform
from kombel_runtime.testing.regions import fresh_kabkotas
from playwright.async_api import Request, Route, expect
from reporting.console.testing import ConsoleBrowser

from .test_checkin_offline import a_bimtek_today, checkin_page, registered, registration, row, scan

pytestmark = pytest.mark.infra


async def test_a_batch_whose_answer_was_lost_is_sent_again_and_counted_once(
    platform: RunningPlatform, console: ConsoleBrowser
) -> None:
    (here,) = fresh_kabkotas(1)
    training_id, sessions = await a_bimtek_today(platform, "Bimtek Sinyal Lemah", here)
    dewi = await registered(platform, training_id, sessions[here], here, "Dewi Lestari")
    page = await checkin_page(console, here, training_id, sessions[here])

    sent: list[Request] = []
    answered: list[int] = []

    async def lose_the_first_answer(route: Route) -> None:
        sent.append(route.request)
        response = await route.fetch()
        answered.append(response.status)
        if len(sent) == 1:
            await route.abort("connectionreset")
        else:
            await route.fulfill(response=response)

    await page.route("**/activities/checkins/batch", lose_the_first_answer)
    await scan(page, dewi["ticket"])
    scanned = row(page, dewi["id"])
    await expect(scanned).to_have_attribute("data-result", "ok", timeout=20_000)
    await expect(scanned).to_contain_text("Hadir, tercatat")
    await expect(page.locator("#count-conflicts")).to_have_text("0")

    assert answered == [200, 200]
    keys = [r.headers.get("idempotency-key") for r in sent]
    assert keys[0] is not None
    assert keys[0] == keys[1]
    bodies: list[Any] = [r.post_data_json for r in sent]
    assert bodies[0] == bodies[1]
    assert (await registration(platform, dewi["id"]))["checked_in_at"] is not None
