"""Rate limits at the edge per caller, per address, for uploads and for failed sign-ins: 429
with `Retry-After`; and a Redis that does not answer lets requests through."""

import logging

import httpx
import pytest
from kombel_runtime.embedded.processes import free_port
from kombel_runtime.testing.edge_service import EdgeFactory, random_address

pytestmark = pytest.mark.infra


def assert_rate_limited(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert response.json()["error"]["code"] == "rate_limited"
    assert "Coba lagi dalam" in response.json()["error"]["message"]
    assert 1 <= int(response.headers["retry-after"]) <= 60


async def test_a_caller_past_its_limit_waits_and_others_do_not(edge_service: EdgeFactory) -> None:
    async with edge_service(rate_limit_per_minute=3) as edge:
        mine, theirs = edge.auth("guru-a"), edge.auth("guru-b")
        for _ in range(3):
            assert (await edge.client.get("/edge/notes", headers=mine)).status_code == 200
        assert_rate_limited(await edge.client.get("/edge/notes", headers=mine))
        # A new token of the same subject is the same caller.
        assert_rate_limited(await edge.client.get("/edge/notes", headers=edge.auth("guru-a")))
        assert (await edge.client.get("/edge/notes", headers=theirs)).status_code == 200


async def test_an_address_past_its_limit_waits_whoever_calls(edge_service: EdgeFactory) -> None:
    async with edge_service(rate_limit_address_per_minute=4) as edge:
        for _ in range(4):
            assert (await edge.client.get("/edge/notes", headers=edge.auth())).status_code == 200
        assert_rate_limited(await edge.client.get("/edge/notes", headers=edge.auth()))
        assert_rate_limited(await edge.client.get("/edge/open/x"))
        # Probes are never limited.
        assert (await edge.client.get("/edge/healthz")).status_code == 200
        async with edge.client_from(random_address()) as elsewhere:
            response = await elsewhere.get("/edge/notes", headers=edge.auth())
            assert response.status_code == 200


async def test_uploads_have_a_stricter_limit_of_their_own(edge_service: EdgeFactory) -> None:
    async with edge_service(rate_limit_uploads_per_minute=1) as edge:
        headers = edge.auth("guru-c")
        files = {"file": ("a.csv", b"Nama\nBudi\n")}
        first = await edge.client.post("/edge/files", files=files, headers=headers)
        assert first.status_code == 200
        assert_rate_limited(await edge.client.post("/edge/files", files=files, headers=headers))
        # Any multipart body counts as an upload, declared route or not.
        assert_rate_limited(await edge.client.post("/edge/notes", files=files, headers=headers))
        assert (await edge.client.get("/edge/notes", headers=headers)).status_code == 200


async def test_an_address_with_failed_sign_ins_is_held_off_before_its_tokens_are_checked(
    edge_service: EdgeFactory,
) -> None:
    async with edge_service(rate_limit_failed_auth_per_minute=2) as edge:
        for bad in ({"Authorization": "Bearer rusak"}, edge.auth(ttl_s=-120)):
            assert (await edge.client.get("/edge/notes", headers=bad)).status_code == 401
        assert_rate_limited(await edge.client.get("/edge/notes", headers=edge.auth()))
        # Without a token nothing is tried; public paths stay open.
        assert (await edge.client.get("/edge/notes")).status_code == 401
        assert (await edge.client.get("/edge/open/x")).status_code == 200
        async with edge.client_from(random_address()) as elsewhere:
            response = await elsewhere.get("/edge/notes", headers=edge.auth())
            assert response.status_code == 200


async def test_limits_can_be_switched_off(edge_service: EdgeFactory) -> None:
    async with edge_service(rate_limit_enabled=False, rate_limit_per_minute=1) as edge:
        headers = edge.auth()
        for _ in range(5):
            assert (await edge.client.get("/edge/notes", headers=headers)).status_code == 200


async def test_without_redis_requests_pass_and_a_warning_is_logged(
    edge_service: EdgeFactory, caplog: pytest.LogCaptureFixture
) -> None:
    unreachable = f"redis://127.0.0.1:{free_port()}/0"
    with caplog.at_level(logging.WARNING, logger="kombel_runtime.ratelimit"):
        async with edge_service(redis_url=unreachable, rate_limit_per_minute=1) as edge:
            headers = edge.auth()
            for _ in range(3):
                assert (await edge.client.get("/edge/notes", headers=headers)).status_code == 200
    warnings = [r for r in caplog.records if r.name == "kombel_runtime.ratelimit"]
    assert len(warnings) == 1
    assert "redis unreachable" in warnings[0].getMessage()
