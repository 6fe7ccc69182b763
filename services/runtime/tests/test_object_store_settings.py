from pathlib import Path

import pytest
from kombel_runtime.embedded.stack import StackEndpoints
from kombel_runtime.object_storage import FolderObjectStore, object_store
from kombel_runtime.platform import EmbeddedPlatform
from kombel_runtime.settings import Environment, ObjectStoreKind, ServiceSettings
from pydantic import ValidationError

URL = "postgresql+asyncpg://localhost/x"
JWKS = "https://sso.example.id/jwks"


def test_the_embedded_default_is_a_folder() -> None:
    settings = ServiceSettings(database_url=URL, auth_jwks_path=Path("/k"))
    assert settings.object_store is ObjectStoreKind.FOLDER
    assert settings.object_store_path == Path(".kombel/objects")
    assert settings.evidence_max_bytes == 10 * 1024 * 1024


def test_production_refuses_the_folder_unless_allowed() -> None:
    with pytest.raises(ValidationError, match="KOMBEL_OBJECT_STORE=s3"):
        ServiceSettings(database_url=URL, environment=Environment.PRODUCTION, auth_jwks_url=JWKS)
    allowed = ServiceSettings(
        database_url=URL,
        environment=Environment.PRODUCTION,
        auth_jwks_url=JWKS,
        object_store_folder_in_production=True,
    )
    assert allowed.object_store is ObjectStoreKind.FOLDER


def test_s3_needs_a_bucket() -> None:
    with pytest.raises(ValidationError, match="KOMBEL_S3_BUCKET"):
        ServiceSettings(database_url=URL, auth_jwks_path=Path("/k"), object_store="s3")


def test_s3_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "KOMBEL_DATABASE_URL": URL,
        "KOMBEL_ENVIRONMENT": "production",
        "KOMBEL_AUTH_JWKS_URL": JWKS,
        "KOMBEL_OBJECT_STORE": "s3",
        "KOMBEL_S3_ENDPOINT": "http://minio:9000",
        "KOMBEL_S3_REGION": "id-jakarta-1",
        "KOMBEL_S3_BUCKET": "kombel",
        "KOMBEL_S3_ACCESS_KEY": "kombel",
        "KOMBEL_S3_SECRET_KEY": "rahasia-sekali",
        "KOMBEL_EVIDENCE_MAX_BYTES": "5242880",
    }.items():
        monkeypatch.setenv(name, value)
    settings = ServiceSettings()  # type: ignore[call-arg]
    assert settings.object_store is ObjectStoreKind.S3
    assert settings.s3_endpoint == "http://minio:9000"
    assert settings.s3_bucket == "kombel"
    assert settings.s3_secret_key is not None
    assert settings.s3_secret_key.get_secret_value() == "rahasia-sekali"
    # The secret stays out of logs and reprs.
    assert "rahasia" not in repr(settings)
    assert settings.evidence_max_bytes == 5 * 1024 * 1024


def test_the_embedded_platform_keeps_files_in_its_data_folder(tmp_path: Path) -> None:
    endpoints = StackEndpoints("postgresql://127.0.0.1:1/postgres", "redis://127.0.0.1:2/0", "k:3")
    platform = EmbeddedPlatform(endpoints, tmp_path)
    for name, settings in platform.settings.items():
        assert settings.object_store is ObjectStoreKind.FOLDER
        store = object_store(settings, service=name)
        assert isinstance(store, FolderObjectStore)
        assert store.root == (tmp_path / "objects" / name).resolve()
