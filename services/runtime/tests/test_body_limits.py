"""Bodies are limited per route before any of them is kept, and never read before the token."""

import pytest
from kombel_runtime.testing.edge_service import FILE_LIMIT, CountingBody, EdgeFactory

pytestmark = pytest.mark.infra

HUNDRED_MB = 100


async def test_a_declared_length_over_the_limit_is_refused_before_a_byte_is_read(
    edge_service: EdgeFactory,
) -> None:
    async with edge_service() as edge:
        body = CountingBody(HUNDRED_MB)
        response = await edge.client.post(
            "/edge/notes",
            content=body,
            headers=edge.auth()
            | {"Content-Type": "application/json", "Content-Length": str(HUNDRED_MB << 20)},
        )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"
    assert "1 MB" in response.json()["error"]["message"]
    assert body.pulled == 0


async def test_a_streamed_body_is_cut_off_as_soon_as_it_passes_the_limit(
    edge_service: EdgeFactory,
) -> None:
    async with edge_service() as edge:
        body = CountingBody(HUNDRED_MB)
        response = await edge.client.post(
            "/edge/notes",
            content=body,
            headers=edge.auth() | {"Content-Type": "application/json"},
        )
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "body_too_large"
        assert body.pulled <= 2, "1 MiB is the limit: the second MiB passes it"
        assert edge.app.state.effects == []


async def test_bodies_are_not_read_before_the_token_is_checked(edge_service: EdgeFactory) -> None:
    async with edge_service() as edge:
        for headers in ({}, {"Authorization": "Bearer rusak"}, edge.auth(ttl_s=-120)):
            body = CountingBody(HUNDRED_MB)
            response = await edge.client.post(
                "/edge/notes", content=body, headers=headers | {"Content-Type": "application/json"}
            )
            assert response.status_code == 401
            assert response.headers["www-authenticate"] == "Bearer"
            assert body.pulled == 0


async def test_upload_routes_take_their_declared_file_limit_and_json_routes_the_setting(
    edge_service: EdgeFactory,
) -> None:
    async with edge_service(max_body_bytes=16 * 1024) as edge:
        fits = b"x" * (FILE_LIMIT - 1024)
        too_big = b"x" * (FILE_LIMIT * 2)
        ok = await edge.client.post(
            "/edge/files", files={"file": ("a.csv", fits)}, headers=edge.auth()
        )
        assert ok.status_code == 200, ok.text
        assert ok.json() == {"size": len(fits)}

        refused = await edge.client.post(
            "/edge/files", files={"file": ("a.csv", too_big)}, headers=edge.auth()
        )
        assert refused.status_code == 413
        assert refused.json()["error"]["code"] == "file_too_large"
        assert "64 KB" in refused.json()["error"]["message"]

        json_body = {"title": "catatan", "text": "x" * (20 * 1024)}
        refused = await edge.client.post("/edge/notes", json=json_body, headers=edge.auth())
        assert refused.status_code == 413
        assert refused.json()["error"]["code"] == "body_too_large"
        assert "16 KB" in refused.json()["error"]["message"]


async def test_a_multipart_body_streamed_past_an_upload_limit_is_refused(
    edge_service: EdgeFactory,
) -> None:
    async with edge_service() as edge:
        part = b'--batas\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'
        body = CountingBody(HUNDRED_MB, size=16 * 1024, head=part)
        response = await edge.client.post(
            "/edge/files",
            content=body,
            headers=edge.auth() | {"Content-Type": "multipart/form-data; boundary=batas"},
        )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "file_too_large"
    assert body.pulled <= (FILE_LIMIT + 64 * 1024) // (16 * 1024) + 1
