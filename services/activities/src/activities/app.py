"""The activities service: community activities, attendance and trainings (bimtek)."""

from pathlib import Path
from typing import Any, Self

from fastapi import FastAPI
from kombel_events.topics import (
    ACTIVITIES_ACTIVITIES,
    ACTIVITIES_TRAININGS,
    IMPORTS,
    MEMBERSHIP_PERSON_REQUESTS,
)
from kombel_runtime.body_limits import UploadRoute
from kombel_runtime.imports.settings import ImportSettings, upload_bytes
from kombel_runtime.imports.worker import import_worker
from kombel_runtime.service import ConsumerSpec, ServiceDefinition, Worker, standalone_app
from kombel_runtime.settings import Environment, ServiceSettings
from pydantic import Field, SecretStr, field_validator, model_validator

from activities.api.activities import router as activities_router
from activities.api.checkins import router as checkins_router
from activities.api.imports import router as imports_router
from activities.api.trainings import router as trainings_router
from activities.consumers import membership_subscriptions
from activities.identity_key import use_identity_key
from activities.imports.importer import IMPORTER
from activities.replicas import REPLICAS
from activities.saga import person_reply_subscriptions
from activities.services.signing_keys import seed_of, use_signing_key

DEVELOPMENT_IDENTITY_DIGEST_KEY = "kombel-development-identity-digest-key"


class ActivitiesSettings(ImportSettings):
    """Activities' settings: its imports', and the keys of tickets and identity digests."""

    # Ed25519 private key (32-byte seed, base64url) that signs tickets. Unset, the service
    # makes one at first use and keeps it in its database (`signing_keys`), shared by replicas.
    checkin_signing_key: SecretStr | None = None
    # Keys the digests of NUPTK, email and phone by which roster rows find their person
    # (`activities.identities`). Production sets its own; changing it needs a replica rebuild.
    identity_digest_key: SecretStr = Field(default=SecretStr(DEVELOPMENT_IDENTITY_DIGEST_KEY))
    # The most scans one offline batch may carry.
    checkin_batch_max: int = Field(default=5000, ge=1, le=50_000)
    # JSON bodies: a full offline batch of 5,000 scans is about 1.2 MB.
    max_body_bytes: int = Field(default=2 * 1024 * 1024, ge=1024)

    @field_validator("checkin_signing_key")
    @classmethod
    def _a_seed(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            seed_of(value.get_secret_value())  # a key that is not a seed stops the start
        return value

    @model_validator(mode="after")
    def _own_identity_key_in_production(self) -> Self:
        # Anyone who read this repository could otherwise test a guessed NUPTK or phone
        # against the digests of production's replica.
        if (
            self.environment is Environment.PRODUCTION
            and self.identity_digest_key.get_secret_value() == DEVELOPMENT_IDENTITY_DIGEST_KEY
        ):
            raise ValueError(
                "production needs its own KOMBEL_IDENTITY_DIGEST_KEY (the default is public)"
            )
        return self

    def model_post_init(self, context: Any, /) -> None:
        # Every path that digests identities (consumers, imports, replays) makes these
        # settings first; the key is theirs.
        use_identity_key(self.identity_digest_key)
        use_signing_key(self.checkin_signing_key)


def _evidence_bytes(settings: ServiceSettings) -> int:
    return settings.evidence_max_bytes


definition = ServiceDefinition(
    name="activities",
    title="Kombel · Kegiatan (activities)",
    description="Kegiatan komunitas sepanjang siklus belajar, kehadiran, dan bimtek.",
    settings_class=ActivitiesSettings,
    migrations=Path(__file__).parent / "db" / "migrations",
    routers=[activities_router, trainings_router, checkins_router, imports_router],
    workers=[Worker("imports", import_worker(IMPORTER))],
    publishes=[
        ACTIVITIES_ACTIVITIES,
        ACTIVITIES_TRAININGS,
        MEMBERSHIP_PERSON_REQUESTS,
        IMPORTS,
    ],
    consumers=[
        ConsumerSpec("activities.membership", membership_subscriptions()),
        ConsumerSpec("activities.person-replies", person_reply_subscriptions()),
    ],
    # Anyone may verify a certificate, and scanners fetch the keys that verify tickets.
    public_paths=["/certificates/{code}", "/checkin/keys"],
    replicas=REPLICAS,
    uploads=[
        UploadRoute("POST", "/activities/{activity_id}/evidence", _evidence_bytes),
        UploadRoute("POST", "/imports/{kind}", upload_bytes),
    ],
)


def create_app() -> FastAPI:
    """The app for `uvicorn --factory activities.app:create_app`, set up from the environment."""
    return standalone_app(definition)
