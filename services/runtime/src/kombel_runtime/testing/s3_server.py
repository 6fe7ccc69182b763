"""An S3-protocol server for tests, from the first source that answers:

1. the environment: `KOMBEL_TEST_S3_ENDPOINT` with `KOMBEL_TEST_S3_ACCESS_KEY` and
   `KOMBEL_TEST_S3_SECRET_KEY` (and `KOMBEL_TEST_S3_REGION`, default us-east-1), e.g. a MinIO;
2. otherwise moto's S3 server, in a thread of the test process on a free port of 127.0.0.1.

Tests reach it through the session fixture `s3_server` (see `plugin.py`), started only when a
test asks for it. Each test takes a bucket of its own (`S3Server.store`, `S3Server.settings`),
so tests never see each other's objects.
"""

import contextlib
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kombel_runtime.object_storage.s3 import S3ObjectStore


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    access_key: str
    secret_key: str
    region: str
    source: str

    @staticmethod
    def new_bucket_name() -> str:
        return f"kombel-test-{secrets.token_hex(6)}"

    def settings(self, bucket: str) -> dict[str, Any]:
        """Settings overrides that put a service's files in `bucket` on this server."""
        return {
            "object_store": "s3",
            "s3_endpoint": self.endpoint,
            "s3_region": self.region,
            "s3_bucket": bucket,
            "s3_access_key": self.access_key,
            "s3_secret_key": self.secret_key,
        }

    async def store(self, bucket: str, prefix: str = "") -> "S3ObjectStore":
        """A store on `bucket`, which is created when missing."""
        # Imported here: every test session loads this plugin, few tests need the S3 client.
        from kombel_runtime.object_storage.s3 import S3ObjectStore

        store = S3ObjectStore(
            bucket=bucket,
            prefix=prefix,
            endpoint=self.endpoint,
            region=self.region,
            access_key=self.access_key,
            secret_key=self.secret_key,
        )
        await store.ensure_bucket()
        return store


def _from_environment() -> S3Server | None:
    endpoint = os.environ.get("KOMBEL_TEST_S3_ENDPOINT")
    if not endpoint:
        return None
    access_key = os.environ.get("KOMBEL_TEST_S3_ACCESS_KEY")
    secret_key = os.environ.get("KOMBEL_TEST_S3_SECRET_KEY")
    if not access_key or not secret_key:
        raise RuntimeError(
            "KOMBEL_TEST_S3_ENDPOINT needs KOMBEL_TEST_S3_ACCESS_KEY and KOMBEL_TEST_S3_SECRET_KEY"
        )
    region = os.environ.get("KOMBEL_TEST_S3_REGION", "us-east-1")
    return S3Server(endpoint, access_key, secret_key, region, source="environment")


@contextlib.contextmanager
def test_s3_server() -> Iterator[S3Server]:
    found = _from_environment()
    if found is not None:
        yield found
        return
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        # moto accepts any keys; these only have to be present and signed with.
        yield S3Server(
            f"http://{host}:{port}", "kombel-test", "kombel-test-secret", "us-east-1", "moto"
        )
    finally:
        server.stop()
