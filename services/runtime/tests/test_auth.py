import time
from pathlib import Path

import jwt
import pytest
from kombel_runtime.auth import JwksSource, Principal, Role, TokenVerifier
from kombel_runtime.dev_issuer import DEV_AUDIENCE, DEV_ISSUER, DevIssuer, DevIssuerRefused
from kombel_runtime.errors import ApiError
from kombel_runtime.settings import Environment


@pytest.fixture
def issuer(tmp_path: Path) -> DevIssuer:
    return DevIssuer(tmp_path)


@pytest.fixture
def verifier(issuer: DevIssuer) -> TokenVerifier:
    return TokenVerifier(
        JwksSource(path=issuer.jwks_path), issuer=DEV_ISSUER, audience=DEV_AUDIENCE
    )


async def test_a_dev_token_becomes_a_principal_with_its_scope(
    issuer: DevIssuer, verifier: TokenVerifier
) -> None:
    token = issuer.mint(Role.DISTRICT_STAFF, subject="staf-dairi", kabkota="12.11")
    principal = await verifier.verify(token)
    assert principal.subject == "staf-dairi"
    assert principal.roles == {Role.DISTRICT_STAFF}
    assert (principal.province, principal.kabkota) == ("12", "12.11")


async def test_expired_forged_and_foreign_tokens_are_refused(
    issuer: DevIssuer, verifier: TokenVerifier, tmp_path: Path
) -> None:
    expired = issuer.mint(Role.MEMBER, ttl_s=-120)
    other = DevIssuer(tmp_path / "other").mint(Role.NATIONAL_ADMIN)
    claims = jwt.decode(issuer.mint(Role.MEMBER), options={"verify_signature": False})
    wrong_audience = jwt.encode(
        claims | {"aud": "lain", "exp": int(time.time()) + 60},
        issuer._key,
        algorithm="RS256",
        headers={"kid": issuer.public_jwk()["kid"]},
    )
    for token, message in [
        (expired, "kedaluwarsa"),
        (other, "tidak sah"),
        (wrong_audience, "tidak sah"),
        ("bukan.token.jwt", "tidak sah"),
    ]:
        with pytest.raises(ApiError) as raised:
            await verifier.verify(token)
        assert raised.value.status == 401
        assert raised.value.code == "unauthenticated"
        assert message in raised.value.message


def test_keycloak_realm_roles_are_read_and_unknown_roles_ignored() -> None:
    principal = Principal.from_claims(
        {
            "sub": "x",
            "realm_access": {"roles": ["province_staff", "offline_access"]},
            "province": "63",
        }
    )
    assert principal.roles == {Role.PROVINCE_STAFF}


@pytest.mark.parametrize(
    ("roles", "scope", "kabkota", "covered"),
    [
        ({Role.NATIONAL_ADMIN}, {}, "91.01", True),
        ({Role.PROVINCE_STAFF}, {"province": "12"}, "12.11", True),
        ({Role.PROVINCE_STAFF}, {"province": "12"}, "13.11", False),
        ({Role.PROVINCE_STAFF}, {"province": "1"}, "12.11", False),
        ({Role.DISTRICT_STAFF}, {"kabkota": "12.11"}, "12.11", True),
        ({Role.DISTRICT_STAFF}, {"kabkota": "12.11"}, "12.12", False),
        ({Role.PRINCIPAL}, {"kabkota": "12.11"}, "12.11", False),
    ],
)
def test_staff_scope_covers_exactly_its_region(
    roles: set[Role], scope: dict[str, str], kabkota: str, covered: bool
) -> None:
    principal = Principal(
        subject="s",
        roles=frozenset(roles),
        province=scope.get("province"),
        kabkota=scope.get("kabkota"),
    )
    assert principal.covers_region(kabkota) is covered


def test_the_dev_issuer_refuses_production(tmp_path: Path) -> None:
    with pytest.raises(DevIssuerRefused):
        DevIssuer(tmp_path, Environment.PRODUCTION)


def test_the_dev_issuer_keeps_its_key_across_restarts(tmp_path: Path) -> None:
    assert DevIssuer(tmp_path).public_jwk() == DevIssuer(tmp_path).public_jwk()


def test_region_filter_is_the_sql_twin_of_covers_region() -> None:
    import sqlalchemy as sa

    table = sa.table("t", sa.column("province_code"), sa.column("kabkota_code"))

    def sql(principal: Principal) -> str | None:
        found = principal.region_filter(table.c.province_code, table.c.kabkota_code)
        if found is None:
            return None
        return str(found.compile(compile_kwargs={"literal_binds": True}))

    assert sql(Principal("a", frozenset({Role.NATIONAL_ADMIN}))) == "true"
    assert sql(Principal("p", frozenset({Role.PROVINCE_STAFF}), province="12")) == (
        "t.province_code = '12'"
    )
    assert sql(Principal("d", frozenset({Role.DISTRICT_STAFF}), kabkota="12.11")) == (
        "t.kabkota_code = '12.11'"
    )
    assert sql(Principal("k", frozenset({Role.PRINCIPAL}), npsn="10203040")) is None
