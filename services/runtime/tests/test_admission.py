"""The token is verified once at the edge, before anything else of the request is used."""

import uuid
from typing import Any

import pytest
from kombel_runtime.auth import Principal, TokenVerifier
from kombel_runtime.testing.edge_service import EdgeFactory

pytestmark = pytest.mark.infra


def count_verifications(verifier: TokenVerifier, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    verify = verifier.verify

    async def counted(token: str) -> Principal:
        calls.append(token)
        return await verify(token)

    monkeypatch.setattr(verifier, "verify", counted)
    return calls


async def test_a_token_is_verified_once_and_the_route_gets_its_principal(
    edge_service: EdgeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with edge_service() as edge:
        calls = count_verifications(edge.app.state.token_verifier, monkeypatch)
        response = await edge.client.get("/edge/notes", headers=edge.auth("guru-1"))
    assert response.status_code == 200
    assert response.json()["by"] == "guru-1"
    assert len(calls) == 1


async def test_public_paths_need_no_token_and_others_do_even_unknown_ones(
    edge_service: EdgeFactory,
) -> None:
    async with edge_service() as edge:
        for path in ("/edge/healthz", "/edge/openapi.json", "/edge/docs", "/edge/open/abc"):
            response = await edge.client.get(path)
            assert response.status_code == 200, path
        for path in ("/edge/notes", "/edge/tidak-ada", "/edge/open/abc/lagi", "/edge"):
            response = await edge.client.get(path)
            assert response.status_code == 401, path
            assert response.json()["error"]["code"] == "unauthenticated"


async def test_a_public_route_that_asks_who_calls_verifies_the_token_itself(
    edge_service: EdgeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with edge_service() as edge:
        calls = count_verifications(edge.app.state.token_verifier, monkeypatch)
        response = await edge.client.get("/edge/open-whoami", headers=edge.auth("guru-2"))
        assert response.json() == {"by": "guru-2"}
        assert len(calls) == 1
        assert (await edge.client.get("/edge/open-whoami")).status_code == 401


async def post_note(edge: Any, key: str, headers: dict[str, str], title: str = "a") -> Any:
    return await edge.client.post(
        "/edge/notes", json={"title": title}, headers=headers | {"Idempotency-Key": key}
    )


async def test_a_replay_follows_the_subject_and_never_answers_an_invalid_token(
    edge_service: EdgeFactory,
) -> None:
    async with edge_service() as edge:
        key = str(uuid.uuid4())
        first = await post_note(edge, key, edge.auth("guru-3"))
        assert first.status_code == 201

        expired = await post_note(edge, key, edge.auth("guru-3", ttl_s=-120))
        assert expired.status_code == 401
        assert "idempotent-replayed" not in expired.headers

        refreshed = await post_note(edge, key, edge.auth("guru-3", ttl_s=7200))
        assert refreshed.status_code == 201
        assert refreshed.headers["idempotent-replayed"] == "true"
        assert refreshed.json() == first.json()

        someone_else = await post_note(edge, key, edge.auth("guru-4"))
        assert someone_else.status_code == 201
        assert "idempotent-replayed" not in someone_else.headers
        assert edge.app.state.effects == ["a", "a"]
