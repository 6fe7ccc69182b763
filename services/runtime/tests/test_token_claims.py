"""A signed token whose claims have the wrong shape is refused with 401, never a 500."""

import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from kombel_runtime.auth import JwksSource, Principal, Role, TokenVerifier
from kombel_runtime.dev_issuer import DEV_AUDIENCE, DEV_ISSUER, DevIssuer
from kombel_runtime.errors import ApiError


def signed(issuer: DevIssuer, **claims: Any) -> str:
    now = int(time.time())
    base = {"iss": DEV_ISSUER, "aud": DEV_AUDIENCE, "sub": "staf", "iat": now, "exp": now + 60}
    values = {k: v for k, v in (base | claims).items() if v is not None}
    return jwt.encode(
        values, issuer._key, algorithm="RS256", headers={"kid": issuer.public_jwk()["kid"]}
    )


@pytest.fixture
def issuer(tmp_path: Path) -> DevIssuer:
    return DevIssuer(tmp_path)


@pytest.fixture
def verifier(issuer: DevIssuer) -> TokenVerifier:
    return TokenVerifier(
        JwksSource(path=issuer.jwks_path), issuer=DEV_ISSUER, audience=DEV_AUDIENCE
    )


@pytest.mark.parametrize(
    ("claims", "named"),
    [
        ({"roles": ["district_staff"], "kabkota": ["12.11"]}, "kabkota"),
        ({"roles": ["province_staff"], "province": 12}, "province"),
        ({"roles": "national_admin"}, "roles"),
        ({"roles": [1, 2]}, "roles"),
        ({"roles": ["member"], "communities": "abc"}, "communities"),
        ({"roles": ["member"], "communities": [1]}, "communities"),
        ({"roles": ["member"], "person": 42}, "person"),
        ({"roles": ["principal"], "npsn": {"kode": "10203040"}}, "npsn"),
        ({"realm_access": ["province_staff"]}, "realm_access"),
        ({"realm_access": {"roles": "province_staff"}}, "realm_access"),
        ({"roles": ["district_staff"], "kabkota": "12.11\u0000"}, "kabkota"),
        ({"roles": ["member"], "sub": ""}, "sub"),
        ({"roles": ["member"], "sub": "x" * 201}, "sub"),
    ],
)
async def test_claims_of_the_wrong_shape_are_refused_naming_the_claim(
    issuer: DevIssuer, verifier: TokenVerifier, claims: dict[str, Any], named: str
) -> None:
    with pytest.raises(ApiError) as raised:
        await verifier.verify(signed(issuer, **claims))
    assert raised.value.status == 401
    assert raised.value.code == "unauthenticated"
    assert f"`{named}`" in raised.value.message
    assert raised.value.headers == {"WWW-Authenticate": "Bearer"}


async def test_well_formed_claims_still_make_a_principal(
    issuer: DevIssuer, verifier: TokenVerifier
) -> None:
    token = signed(
        issuer,
        roles=["community_lead", "offline_access"],
        province="12",
        kabkota="12.11",
        npsn="10203040",
        communities=["0190e3c1-7c1e-7000-8000-000000000001", "bukan-uuid"],
        person="0190e3c1-7c1e-7000-8000-000000000002",
        extra_claim={"anything": [1, 2]},
    )
    principal = await verifier.verify(token)
    assert principal == Principal(
        subject="staf",
        roles=frozenset({Role.COMMUNITY_LEAD}),
        province="12",
        kabkota="12.11",
        npsn="10203040",
        communities=frozenset({"0190e3c1-7c1e-7000-8000-000000000001", "bukan-uuid"}),
        person="0190e3c1-7c1e-7000-8000-000000000002",
    )
    assert len(principal.community_ids) == 1
