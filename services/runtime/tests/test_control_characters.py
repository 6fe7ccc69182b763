"""Control characters are refused at the edge with 422, naming where they were found."""

import json

import pytest
from kombel_runtime.testing.edge_service import EdgeFactory

pytestmark = pytest.mark.infra


async def test_control_characters_in_the_query_or_path_are_named(
    edge_service: EdgeFactory,
) -> None:
    async with edge_service() as edge:
        headers = edge.auth()
        for url, field in [
            ("/edge/notes?q=%00", "query.q"),
            ("/edge/notes?q=a%09b", "query.q"),
            ("/edge/notes?q=ok&lain=%7F", "query.lain"),
            ("/edge/notes?na%01ma=x", "query.na\\x01ma"),
            ("/edge/notes/ab%00c", "path"),
        ]:
            response = await edge.client.get(url, headers=headers)
            assert response.status_code == 422, url
            error = response.json()["error"]
            assert error["code"] == "control_characters"
            assert [d["field"] for d in error["details"]] == [field]
            assert "karakter kendali" in error["message"]
        response = await edge.client.get("/edge/notes?q=Guru%20SD%C3%A9", headers=headers)
        assert response.json()["q"] == "Guru SDé"


async def test_control_characters_in_json_strings_are_named_but_line_breaks_pass(
    edge_service: EdgeFactory,
) -> None:
    async with edge_service() as edge:
        headers = edge.auth()
        refused = {
            "title": "Bu\u0000di",
            "tags": ["baik", "bel\u0007"],
            "extra": {"catatan": {"isi": "hapus\u007f"}, "ku\u001bnci": "x"},
        }
        response = await edge.client.post("/edge/notes", json=refused, headers=headers)
        assert response.status_code == 422
        error = response.json()["error"]
        assert error["code"] == "control_characters"
        assert "`title`" in error["message"]
        assert {d["field"] for d in error["details"]} == {
            "title",
            "tags.1",
            "extra.catatan.isi",
            "extra.ku\\x1bnci",
        }
        assert edge.app.state.effects == []

        long_text = {"title": "Rapat", "text": "Baris satu\r\nBaris dua\n\tmenjorok"}
        response = await edge.client.post("/edge/notes", json=long_text, headers=headers)
        assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("raw", "refused"),
    [
        (rb'{"title": "a\u0000b"}', True),
        (rb'{"title": "a\bb"}', True),
        (rb'{"title": "a\fb"}', True),
        (b'{"title": "a\x7fb"}', True),
        (rb'{"title": "a\u001Fb"}', True),
        (rb'{"title": "a\\u0000b"}', False),  # an escaped backslash, then text
        (rb'{"title": "a\\\u0000b"}', True),
        (rb'{"title": "a\u0009b\u000ab\u000Db"}', False),
        (rb'{"title": "a\u0020b \u00e9"}', False),
    ],
)
async def test_json_escapes_are_read_as_json_reads_them(
    edge_service: EdgeFactory, raw: bytes, refused: bool
) -> None:
    async with edge_service() as edge:
        response = await edge.client.post(
            "/edge/notes",
            content=raw,
            headers=edge.auth() | {"Content-Type": "application/json"},
        )
    if refused:
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "control_characters"
    else:
        assert response.status_code == 201, response.text
        assert response.json()["title"] == json.loads(raw)["title"]


async def test_a_body_that_is_not_json_is_left_to_the_route(edge_service: EdgeFactory) -> None:
    async with edge_service() as edge:
        response = await edge.client.post(
            "/edge/notes",
            content=b'{"title": "a\x00',
            headers=edge.auth() | {"Content-Type": "application/json"},
        )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_failed"
