from pathlib import Path

import pytest
from kombel_runtime.settings import Environment, ServiceSettings
from pydantic import ValidationError

URL = "postgresql+asyncpg://localhost/x"


def test_production_refuses_the_dev_issuer() -> None:
    with pytest.raises(ValidationError, match="dev token issuer"):
        ServiceSettings(
            database_url=URL,
            environment=Environment.PRODUCTION,
            dev_issuer_enabled=True,
            auth_jwks_url="https://sso.example.id/jwks",
        )


def test_production_needs_an_https_jwks_url() -> None:
    with pytest.raises(ValidationError, match="KOMBEL_AUTH_JWKS_URL"):
        ServiceSettings(
            database_url=URL, environment=Environment.PRODUCTION, auth_jwks_path=Path("/k")
        )
    with pytest.raises(ValidationError, match="https"):
        ServiceSettings(
            database_url=URL, environment=Environment.PRODUCTION, auth_jwks_url="http://sso/jwks"
        )


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOMBEL_DATABASE_URL", "postgresql+asyncpg://db/membership")
    monkeypatch.setenv("KOMBEL_AUTH_JWKS_PATH", "/tmp/jwks.json")
    monkeypatch.setenv("KOMBEL_KAFKA_IDEMPOTENCE", "true")
    settings = ServiceSettings()  # type: ignore[call-arg]
    assert settings.database_url.endswith("/membership")
    assert settings.kafka_idempotence is True
