"""Compose's gateway and the Kubernetes ingress send the console's pages to reporting, as the
embedded platform's gateway does."""

from pathlib import Path

import yaml
from reporting.app import definition

ROOT = Path(__file__).parents[4]


def test_the_console_reaches_reporting_everywhere() -> None:
    (pages,) = definition.pages
    assert pages.prefix == "/console"
    gateway = (ROOT / "deploy/compose/gateway.conf").read_text()
    assert "location /console/       { proxy_pass http://reporting:8000; }" in gateway
    ingress = yaml.safe_load((ROOT / "deploy/k8s/base/ingress.yaml").read_text())
    paths = {
        p["path"]: p["backend"]["service"]["name"]
        for rule in ingress["spec"]["rules"]
        for p in rule["http"]["paths"]
    }
    assert paths["/console"] == "reporting"
    realm = (ROOT / "deploy/compose/keycloak-realm.json").read_text()
    assert '"http://localhost:8000/console/*"' in realm
