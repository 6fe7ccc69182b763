"""The findings of the security review, reproduced against the membership service."""

import random
import time
import uuid
from datetime import datetime, timedelta, tzinfo
from typing import Any

import jwt
import pytest
from kombel_runtime.auth import Role
from kombel_runtime.dev_issuer import DEV_AUDIENCE, DEV_ISSUER
from kombel_runtime.testing.edge_service import CountingBody
from kombel_runtime.testing.harness import RunningPlatform
from kombel_runtime.testing.regions import fresh_kabkota

pytestmark = pytest.mark.infra

PEOPLE = "/membership/people"


async def school(platform: RunningPlatform) -> str:
    npsn = str(random.randint(10**7, 10**8 - 1))
    response = await platform.client.post(
        "/membership/schools",
        json={
            "npsn": npsn,
            "name": "SD Negeri 5",
            "jenjang": "SD",
            "status": "negeri",
            "kabkota_code": fresh_kabkota(),
        },
        headers=platform.auth(Role.NATIONAL_ADMIN),
    )
    assert response.status_code == 201, response.text
    return npsn


def person(npsn: str, **fields: Any) -> dict[str, Any]:
    nuptk = "".join(random.choices("0123456789", k=16))
    return {"full_name": "Rina Sitorus", "school_npsn": npsn, "nuptk": nuptk} | fields


async def test_a_100_mb_body_is_not_read_without_a_token_nor_kept_with_one(
    platform: RunningPlatform,
) -> None:
    json_type = {"Content-Type": "application/json"}
    body = CountingBody(100)
    response = await platform.client.post(PEOPLE, content=body, headers=json_type)
    assert response.status_code == 401
    assert body.pulled == 0

    body = CountingBody(100)
    staff = platform.auth(Role.NATIONAL_ADMIN)
    response = await platform.client.post(PEOPLE, content=body, headers=staff | json_type)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"
    assert body.pulled <= 2


async def test_the_import_upload_takes_files_up_to_its_own_setting(
    platform: RunningPlatform,
) -> None:
    staff = platform.auth(Role.NATIONAL_ADMIN)
    # Over the 1 MiB of JSON routes, under the 2 MiB import limit of the tests.
    rows = b"".join(b"Guru %d,10203040,%s\n" % (i, b"x" * 300) for i in range(4500))
    content = b"Nama Lengkap,NPSN Sekolah,Catatan\n" + rows
    assert 1024 * 1024 < len(content) < 2 * 1024 * 1024
    response = await platform.client.post(
        "/membership/imports/people",
        params={"dry_run": "true"},
        files={"file": ("besar.csv", content)},
        headers=staff,
    )
    assert response.status_code == 202, response.text

    body = CountingBody(100)
    response = await platform.client.post(
        "/membership/imports/people",
        content=body,
        headers=staff
        | {"Content-Type": "multipart/form-data; boundary=b", "Content-Length": str(100 << 20)},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "file_too_large"
    assert "2 MB" in response.json()["error"]["message"]
    assert body.pulled == 0


class _TwoHoursLater(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> "_TwoHoursLater":
        later = datetime.now(tz) + timedelta(hours=2)
        return cls.fromtimestamp(later.timestamp(), tz)


async def test_an_idempotent_replay_needs_a_valid_token_and_survives_a_refresh(
    platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = person(await school(platform))
    subject = f"admin-{uuid.uuid4().hex[:8]}"
    key = {"Idempotency-Key": str(uuid.uuid4())}

    def token(ttl_s: int) -> dict[str, str]:
        minted = platform.embedded.issuer.mint(Role.NATIONAL_ADMIN, subject=subject, ttl_s=ttl_s)
        return {"Authorization": f"Bearer {minted}"} | key

    first_token = token(ttl_s=3600)
    first = await platform.client.post(PEOPLE, json=body, headers=first_token)
    assert first.status_code == 201
    with monkeypatch.context() as later:
        later.setattr(jwt.api_jwt, "datetime", _TwoHoursLater)
        expired = await platform.client.post(PEOPLE, json=body, headers=first_token)
    assert expired.status_code == 401
    assert expired.json()["error"]["code"] == "unauthenticated"
    refreshed = await platform.client.post(PEOPLE, json=body, headers=token(ttl_s=7200))
    assert refreshed.status_code == 201
    assert refreshed.headers["idempotent-replayed"] == "true"
    assert refreshed.json()["id"] == first.json()["id"]


async def test_nul_in_a_query_a_path_or_a_json_name_is_a_422_not_a_500(
    platform: RunningPlatform,
) -> None:
    staff = platform.auth(Role.NATIONAL_ADMIN)
    for url, field in [
        (f"{PEOPLE}?q=%00", "query.q"),
        ("/membership/regions/12%00", "path"),
        ("/membership/schools?q=SD%00", "query.q"),
    ]:
        response = await platform.client.get(url, headers=staff)
        assert response.status_code == 422, url
        assert response.json()["error"]["code"] == "control_characters"
        assert response.json()["error"]["details"][0]["field"] == field

    body = person(await school(platform), full_name="Rina\u0000 Sitorus")
    response = await platform.client.post(PEOPLE, json=body, headers=staff)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "control_characters"
    assert "`full_name`" in error["message"]


def token_with(platform: RunningPlatform, **claims: Any) -> dict[str, str]:
    now = int(time.time())
    issuer = platform.embedded.issuer
    values = {"iss": DEV_ISSUER, "aud": DEV_AUDIENCE, "sub": "staf", "iat": now, "exp": now + 600}
    token = jwt.encode(
        values | claims,
        issuer._key,
        algorithm="RS256",
        headers={"kid": issuer.public_jwk()["kid"]},
    )
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    "claims",
    [
        {"roles": ["district_staff"], "kabkota": ["12.11"]},
        {"roles": ["province_staff"], "province": 12},
        {"roles": "national_admin"},
        {"roles": ["member"], "communities": "0190e3c1-7c1e-7000-8000-000000000001"},
        {"roles": ["member"], "person": 12345},
        {"roles": ["district_staff"], "kabkota": "12.11\u0000"},
    ],
)
async def test_a_signed_token_with_claims_of_the_wrong_type_is_a_401(
    platform: RunningPlatform, claims: dict[str, Any]
) -> None:
    for path in (PEOPLE, "/membership/communities", "/membership/schools"):
        response = await platform.client.get(path, headers=token_with(platform, **claims))
        assert response.status_code == 401, (path, response.text)
        assert response.json()["error"]["code"] == "unauthenticated"
