"""Signing in through an OIDC issuer: the console sends the browser to the issuer with a PKCE
challenge, and exchanges the code it brings back, with the verifier, for the session.

The issuer here is a small one of the test, on its own origin, whose token endpoint accepts
a code only with the verifier of its challenge; reporting runs with settings that name it
and no dev sign-in."""

import base64
import hashlib
import secrets
from collections.abc import AsyncIterator
from typing import cast
from urllib.parse import urlencode

import pytest
import pytest_asyncio
from kombel_runtime.auth import Role
from kombel_runtime.dev_issuer import DEV_AUDIENCE, DEV_ISSUER
from kombel_runtime.service import create_service_app
from kombel_runtime.testing.harness import RunningPlatform
from kombel_runtime.testing.regions import fresh_kabkotas
from playwright.async_api import expect
from reporting.app import definition
from reporting.console.settings import ConsoleSettings
from reporting.console.testing import ConsoleBrowser, served
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

pytestmark = pytest.mark.infra


# Reporting's settings with the console's, whichever class reporting's settings are.
OidcSettings = cast(
    type[ConsoleSettings], type("OidcSettings", (definition.settings_class, ConsoleSettings), {})
)


CLIENT_ID = "kombel-console"


def an_issuer(platform: RunningPlatform, kabkota: str) -> tuple[Starlette, list[str]]:
    """An issuer that signs in anyone as district staff of `kabkota`; the list records the
    codes it exchanged."""
    challenges: dict[str, dict[str, str]] = {}
    exchanged: list[str] = []

    async def discovery(request: Request) -> Response:
        base = str(request.base_url).rstrip("/")
        return JSONResponse(
            {
                "issuer": base,
                "authorization_endpoint": f"{base}/auth",
                "token_endpoint": f"{base}/token",
            }
        )

    async def authorize(request: Request) -> Response:
        asked = request.query_params
        assert asked["response_type"] == "code"
        assert asked["client_id"] == CLIENT_ID
        assert asked["code_challenge_method"] == "S256"
        code = secrets.token_urlsafe(16)
        challenges[code] = {
            "challenge": asked["code_challenge"],
            "redirect_uri": asked["redirect_uri"],
        }
        back = urlencode({"code": code, "state": asked["state"]})
        return RedirectResponse(f"{asked['redirect_uri']}?{back}", status_code=302)

    async def token(request: Request) -> Response:
        form = await request.form()
        pending = challenges.pop(str(form["code"]), None)
        verifier = str(form["code_verifier"]).encode()
        expected = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if (
            pending is None
            or form["redirect_uri"] != pending["redirect_uri"]
            or expected.decode() != pending["challenge"]
        ):
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        exchanged.append(str(form["code"]))
        access = platform.embedded.issuer.mint(Role.DISTRICT_STAFF, kabkota=kabkota, ttl_s=300)
        return JSONResponse({"access_token": access, "token_type": "Bearer", "expires_in": 300})

    app = Starlette(
        routes=[
            Route("/.well-known/openid-configuration", discovery),
            Route("/auth", authorize),
            Route("/token", token, methods=["POST"]),
        ],
        middleware=[Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"])],
    )
    return app, exchanged


@pytest_asyncio.fixture
async def oidc_console(
    platform: RunningPlatform,
) -> AsyncIterator[tuple[str, str, list[str], str]]:
    """Reporting under OIDC settings and the test's issuer, each on its own origin."""
    (kabkota,) = fresh_kabkotas(1)
    issuer_app, exchanged = an_issuer(platform, kabkota)
    async with served(issuer_app) as issuer_url:
        shared = platform.embedded.settings["reporting"]
        settings = OidcSettings(
            database_url=shared.database_url,
            redis_url=shared.redis_url,
            kafka_bootstrap=shared.kafka_bootstrap,
            auth_issuer=DEV_ISSUER,
            auth_audience=DEV_AUDIENCE,
            auth_jwks_path=platform.embedded.issuer.jwks_path,
            console_oidc_issuer=issuer_url,
            rate_limit_enabled=False,
        )
        app = create_service_app(definition, settings)
        runtime = app.state.runtime
        try:
            async with served(app) as console_url:
                yield console_url, issuer_url, exchanged, kabkota
        finally:
            await runtime.redis.aclose()
            await runtime.engine.dispose()


async def test_the_console_signs_in_with_pkce_against_the_issuer(
    oidc_console: tuple[str, str, list[str], str], console: ConsoleBrowser
) -> None:
    console_url, issuer_url, exchanged, kabkota = oidc_console
    page = await console.new_page()
    await page.goto(f"{console_url}/console/impor")
    # Without a session the page sends the browser to sign in, which offers only the issuer.
    await expect(page.get_by_role("heading", name="Masuk ke Konsol Kombel")).to_be_visible()
    await expect(page.get_by_label("Peran")).to_have_count(0)
    refused = await page.request.post(
        f"{console_url}/console/dev/token", data={"role": "national_admin"}
    )
    assert refused.status == 404
    assert (await refused.json())["error"]["code"] == "dev_sign_in_unavailable"

    await page.get_by_role("button", name="Masuk dengan akun SSO").click()
    await page.wait_for_url(f"{console_url}/console/impor")
    assert len(exchanged) == 1
    stored = await page.evaluate("JSON.parse(localStorage.getItem('kombel.session'))")
    assert stored["principal"]["roles"] == ["district_staff"]
    assert stored["principal"]["kabkota"] == kabkota
    assert stored["expires_at"] > 0
    await expect(page.get_by_role("heading", name="Impor anggota")).to_be_visible()
    # The page's policy lets it talk to its own origin and the issuer only.
    answer = await page.request.get(f"{console_url}/console/")
    policy = answer.headers["content-security-policy"]
    assert f"connect-src 'self' {issuer_url};" in policy
