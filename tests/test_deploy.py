"""The deploy files stay in step with the services the code declares."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from kombel_runtime.platform import service_definitions
from kombel_runtime.testing.harness import RunningPlatform

ROOT = Path(__file__).parent.parent
SERVICES = [d.name for d in service_definitions()]


def documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def test_every_service_is_declared() -> None:
    assert SERVICES == ["membership", "activities", "notifications", "reporting"]


@pytest.mark.parametrize("service", SERVICES)
def test_kubernetes_runs_api_and_worker_apart_with_probes_and_a_migration(service: str) -> None:
    docs = {
        (d["kind"], d["metadata"]["name"]): d
        for d in documents(ROOT / f"deploy/k8s/base/{service}.yaml")
    }
    for role in ("api", "worker"):
        container = docs[("Deployment", f"{service}-{role}")]["spec"]["template"]["spec"][
            "containers"
        ][0]
        assert {"name": "KOMBEL_ROLE", "value": role} in container["env"]
        assert container["readinessProbe"]["httpGet"]["path"] == f"/{service}/readyz"
        assert container["livenessProbe"]["httpGet"]["path"] == f"/{service}/healthz"
    job = docs[("Job", f"{service}-migrate")]["spec"]["template"]["spec"]["containers"][0]
    assert job["command"] == ["kombel", "migrate", service]
    assert ("PodDisruptionBudget", f"{service}-api") in docs
    assert ("NetworkPolicy", service) in docs
    kustomization = yaml.safe_load((ROOT / "deploy/k8s/base/kustomization.yaml").read_text())
    assert f"{service}.yaml" in kustomization["resources"]


@pytest.mark.parametrize("service", SERVICES)
def test_compose_and_the_gateway_serve_every_service_under_its_prefix(service: str) -> None:
    compose = yaml.safe_load((ROOT / "deploy/compose/compose.yaml").read_text())
    definition = compose["services"][service]
    assert definition["build"]["dockerfile"] == f"services/{service}/Dockerfile"
    assert definition["environment"]["KOMBEL_DATABASE_URL"].endswith(f"/kombel_{service}")
    assert f"kombel migrate {service}" in " ".join(definition["command"])
    assert f"location /{service}/" in (ROOT / "deploy/compose/gateway.conf").read_text()
    assert (
        f"CREATE DATABASE kombel_{service};"
        in (ROOT / "deploy/compose/postgres-init.sql").read_text()
    )
    dockerfile = (ROOT / f"services/{service}/Dockerfile").read_text()
    assert f'"{service}.app:create_app"' in dockerfile


@pytest.mark.infra
@pytest.mark.parametrize("service", SERVICES)
async def test_docs_pages_need_no_cdn(platform: RunningPlatform, service: str) -> None:
    page = await platform.client.get(f"/{service}/docs")
    assert page.status_code == 200
    assert "cdn.jsdelivr" not in page.text
    assert f"/{service}/docs-assets/swagger-ui-bundle.js" in page.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert (await platform.client.get(f"/{service}/docs-assets/{asset}")).status_code == 200
    schema = (await platform.client.get(f"/{service}/openapi.json")).json()
    assert all(path.startswith(f"/{service}/") for path in schema["paths"])
    if service in ("membership", "reporting"):
        assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
