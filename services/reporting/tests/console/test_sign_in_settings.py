"""Under production settings the console signs in only through OIDC: the dev sign-in is
refused with a code, and the pages learn the issuer and client from `/console/config.json`."""

from collections.abc import AsyncIterator

import httpx
import pytest
from kombel_runtime.service import create_service_app
from reporting.app import definition

ISSUER = "https://sso.example.id/realms/kombel"


@pytest.fixture
async def production() -> AsyncIterator[httpx.AsyncClient]:
    settings = definition.settings_class(
        environment="production",
        database_url="postgresql+asyncpg://kombel@127.0.0.1:1/unused",
        auth_issuer=ISSUER,
        auth_jwks_url=ISSUER + "/protocol/openid-connect/certs",
        object_store="s3",
        s3_bucket="kombel-files",
        rate_limit_enabled=False,
    )
    app = create_service_app(definition, settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://kombel.example.id") as c:
        yield c


async def test_production_offers_oidc_and_refuses_the_dev_sign_in(
    production: httpx.AsyncClient,
) -> None:
    config = await production.get("/console/config.json")
    assert config.json() == {
        "sign_in": "oidc",
        "oidc": {"issuer": ISSUER, "client_id": "kombel-console", "scope": "openid profile"},
    }
    refused = await production.post("/console/dev/token", json={"role": "national_admin"})
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "dev_sign_in_unavailable"
    page = await production.get("/console/masuk")
    assert page.status_code == 200
    # The pages may talk to the issuer, and to nothing else outside the origin.
    assert "connect-src 'self' https://sso.example.id;" in page.headers["content-security-policy"]
