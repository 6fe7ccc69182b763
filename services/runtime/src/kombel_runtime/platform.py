"""The whole platform in one process on the embedded stack: what `kombel up` and the
cross-service tests run. Services are found through the `kombel.services` entry points."""

from collections.abc import Mapping
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlalchemy import make_url

from kombel_runtime.database import upgrade_to_head_async
from kombel_runtime.dev_issuer import DEV_AUDIENCE, DEV_ISSUER, DevIssuer
from kombel_runtime.embedded.stack import StackEndpoints, ensure_database
from kombel_runtime.gateway import Gateway
from kombel_runtime.service import ServiceDefinition, create_service_app
from kombel_runtime.settings import ServiceSettings

SERVICE_ORDER = ("membership", "activities", "notifications", "reporting")


def service_definitions() -> list[ServiceDefinition]:
    found = {ep.name: ep.load() for ep in entry_points(group="kombel.services")}
    ordered = [name for name in SERVICE_ORDER if name in found] + sorted(
        set(found) - set(SERVICE_ORDER)
    )
    return [found[name] for name in ordered]


def platform_settings(
    definition: ServiceDefinition,
    endpoints: StackEndpoints,
    issuer: DevIssuer,
    overrides: Mapping[str, Any] | None = None,
    database_prefix: str = "kombel",
    data_folder: Path | None = None,
) -> ServiceSettings:
    values: dict[str, Any] = {
        "database_url": endpoints.database_url(f"{database_prefix}_{definition.name}"),
        "kafka_bootstrap": endpoints.kafka_bootstrap,
        "redis_url": endpoints.redis_url,
        "auth_jwks_path": issuer.jwks_path,
        "auth_issuer": DEV_ISSUER,
        "auth_audience": DEV_AUDIENCE,
        "dev_issuer_enabled": True,
    }
    if data_folder is not None:
        values["object_store_path"] = data_folder / "objects"
    values.update(overrides or {})
    return definition.settings_class(**values)


class EmbeddedPlatform:
    """Every service's settings, database and app, on one stack and one dev issuer."""

    def __init__(
        self,
        endpoints: StackEndpoints,
        folder: Path,
        overrides: Mapping[str, Any] | None = None,
        database_prefix: str = "kombel",
    ) -> None:
        self.endpoints = endpoints
        self.issuer = DevIssuer(folder / "dev-issuer")
        self.definitions = service_definitions()
        self.settings = {
            d.name: platform_settings(
                d, endpoints, self.issuer, overrides, database_prefix, data_folder=folder
            )
            for d in self.definitions
        }

    async def prepare(self) -> None:
        """Create each service's database if missing and migrate it to the latest version."""
        for definition in self.definitions:
            url = self.settings[definition.name].database_url
            await ensure_database(self.endpoints.postgres_admin_url, make_url(url).database or "")
            await upgrade_to_head_async(definition.migrations, url)

    def apps(self) -> dict[str, FastAPI]:
        return {d.name: create_service_app(d, self.settings[d.name]) for d in self.definitions}

    def gateway(self) -> Gateway:
        return Gateway(self.apps())

    @staticmethod
    def gateway_of(apps: Mapping[str, FastAPI]) -> Gateway:
        return Gateway(apps)
