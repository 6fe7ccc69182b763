"""The typed settings every service shares; each service subclasses them.

Values come from the environment (`KOMBEL_…`) or are passed in by the embedded stack. Unsafe
combinations fail at start-up rather than at the first request.
"""

from enum import StrEnum
from pathlib import Path
from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class TraceExporter(StrEnum):
    OTLP = "otlp"
    CONSOLE = "console"
    NONE = "none"


class ServiceRole(StrEnum):
    API = "api"
    WORKER = "worker"
    ALL = "all"


class ObjectStoreKind(StrEnum):
    FOLDER = "folder"
    S3 = "s3"


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KOMBEL_", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    role: ServiceRole = ServiceRole.ALL

    database_url: str = Field(
        description="SQLAlchemy URL of this service's own database (postgresql+asyncpg://…)"
    )
    kafka_bootstrap: str = "127.0.0.1:9092"
    redis_url: str = "redis://127.0.0.1:6379/0"

    # The Tansu dev broker rejects InitProducerId, so idempotence is opt-in; on for Apache Kafka.
    kafka_idempotence: bool = False
    kafka_request_timeout_ms: int = 30_000
    kafka_session_timeout_ms: int = 10_000
    # How long a fetch may wait for data. Tansu answers a waiting fetch only when this runs
    # out, so it bounds the consumer's latency there; Apache Kafka answers as data arrives.
    kafka_fetch_max_wait_ms: int = Field(default=50, ge=0, le=5000)
    create_topics: bool = True
    kafka_replication_factor: int = Field(default=1, ge=1)

    relay_batch_size: int = Field(default=1000, ge=1, le=10_000)
    relay_poll_interval_s: float = Field(default=1.0, gt=0)
    # Published outbox rows are deleted after this long.
    outbox_retention_hours: float = Field(default=24.0, ge=0)
    consumer_batch_size: int = Field(default=1000, ge=1, le=10_000)
    consumer_max_attempts: int = Field(default=4, ge=1, le=20)
    consumer_retry_base_s: float = Field(default=0.2, ge=0)

    trace_exporter: TraceExporter = TraceExporter.NONE
    otlp_endpoint: str = "http://127.0.0.1:4318"
    log_json: bool = True

    auth_issuer: str = "kombel-dev"
    auth_audience: str = "kombel"
    auth_jwks_url: str | None = None
    auth_jwks_path: Path | None = None
    dev_issuer_enabled: bool = False

    # The largest request body of a route that takes no files (JSON); upload routes declare
    # their own limit (`UploadRoute`).
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    # Requests per minute, each a bucket of one minute's worth: per caller (token subject),
    # per client address, uploads per caller, and invalid or expired tokens per address.
    rate_limit_enabled: bool = True
    rate_limit_per_minute: int = Field(default=600, ge=1)
    rate_limit_address_per_minute: int = Field(default=3000, ge=1)
    rate_limit_uploads_per_minute: int = Field(default=10, ge=1)
    rate_limit_failed_auth_per_minute: int = Field(default=30, ge=1)

    # Uploaded files (activity evidence): a folder of this machine for the embedded stack,
    # or any S3-compatible store (MinIO, AWS). Each service keeps its files under its own name:
    # `<path>/<service>/…` in the folder, `<service>/…` in the bucket.
    object_store: ObjectStoreKind = ObjectStoreKind.FOLDER
    object_store_path: Path = Path(".kombel/objects")
    # Production runs replicas on several machines, which one folder does not reach; a single
    # machine with a backed-up disk may still choose it.
    object_store_folder_in_production: bool = False
    # None is AWS itself; MinIO and other stores give their URL (http://minio:9000).
    s3_endpoint: str | None = None
    s3_region: str = "us-east-1"
    s3_bucket: str | None = None
    # Without keys the usual AWS sources answer (environment, instance or pod role).
    s3_access_key: str | None = None
    s3_secret_key: SecretStr | None = None
    # MinIO and most S3-compatible stores address buckets by path, not by host name.
    s3_path_style: bool = True
    evidence_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)

    @model_validator(mode="after")
    def _refuse_unsafe(self) -> Self:
        if self.environment is Environment.PRODUCTION:
            if self.dev_issuer_enabled:
                raise ValueError("the dev token issuer must not run with production settings")
            if self.auth_jwks_url is None:
                raise ValueError("production needs KOMBEL_AUTH_JWKS_URL of the OIDC issuer")
            if not self.auth_jwks_url.startswith("https://"):
                raise ValueError("KOMBEL_AUTH_JWKS_URL must use https in production")
            if (
                self.object_store is ObjectStoreKind.FOLDER
                and not self.object_store_folder_in_production
            ):
                raise ValueError(
                    "production keeps files in S3: set KOMBEL_OBJECT_STORE=s3 (or allow the "
                    "folder with KOMBEL_OBJECT_STORE_FOLDER_IN_PRODUCTION=true)"
                )
        if self.object_store is ObjectStoreKind.S3 and not self.s3_bucket:
            raise ValueError("KOMBEL_OBJECT_STORE=s3 needs KOMBEL_S3_BUCKET")
        if self.auth_jwks_url is None and self.auth_jwks_path is None:
            raise ValueError("set KOMBEL_AUTH_JWKS_URL or KOMBEL_AUTH_JWKS_PATH")
        return self
