"""Compose and Kubernetes give every service an S3 object store its settings accept."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from kombel_runtime.platform import service_definitions
from kombel_runtime.settings import Environment, ObjectStoreKind, ServiceSettings

ROOT = Path(__file__).parents[3]
SERVICES = [d.name for d in service_definitions()]
SECRET_NAMES = {"KOMBEL_S3_ACCESS_KEY", "KOMBEL_S3_SECRET_KEY"}


def settings_from(environment: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> ServiceSettings:
    for name, value in environment.items():
        monkeypatch.setenv(name, str(value))
    return ServiceSettings()  # type: ignore[call-arg]


@pytest.mark.parametrize("service", SERVICES)
def test_compose_keeps_files_in_minio(service: str, monkeypatch: pytest.MonkeyPatch) -> None:
    compose = yaml.safe_load((ROOT / "deploy/compose/compose.yaml").read_text())
    definition = compose["services"][service]
    assert definition["depends_on"]["minio-bucket"]["condition"] == (
        "service_completed_successfully"
    )
    settings = settings_from(definition["environment"], monkeypatch)
    assert settings.object_store is ObjectStoreKind.S3
    assert settings.s3_endpoint == "http://minio:9000"
    bucket_made = " ".join(compose["services"]["minio-bucket"]["entrypoint"])
    assert f"mc mb --ignore-existing kombel/{settings.s3_bucket}" in bucket_made


def test_kubernetes_keeps_files_in_s3_with_keys_from_a_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = yaml.safe_load((ROOT / "deploy/k8s/base/config.yaml").read_text())["data"]
    assert not SECRET_NAMES & set(config)
    kustomization = yaml.safe_load((ROOT / "deploy/k8s/base/kustomization.yaml").read_text())
    assert any(
        "secretRef: { name: kombel-object-store }" in patch["patch"]
        and patch["target"]["kind"] == "Deployment"
        for patch in kustomization["patches"]
    )
    monkeypatch.setenv("KOMBEL_DATABASE_URL", "postgresql+asyncpg://db/x")
    # Production settings start with the ConfigMap and the Secret's two keys.
    settings = settings_from(
        {**config, "KOMBEL_S3_ACCESS_KEY": "id", "KOMBEL_S3_SECRET_KEY": "rahasia"}, monkeypatch
    )
    assert settings.environment is Environment.PRODUCTION
    assert settings.object_store is ObjectStoreKind.S3
    assert settings.s3_bucket
