"""Objects in an S3-compatible store: MinIO in compose, any S3 service in production.

Each service keeps its objects under its own name in the bucket (`activities/…`), so services
may share one bucket. The client opens on first use and keeps its connections until
`aclose`. Checksums are sent only where S3 requires them: several S3-compatible stores refuse
the checksums newer clients add to every request by default.
"""

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.exceptions import ClientError

from kombel_runtime.object_storage.store import ObjectNotFound, checked_key

if TYPE_CHECKING:
    from types_aiobotocore_s3 import S3Client

_MISSING = {"NoSuchKey", "NotFound", "404", "NoSuchBucket"}
# DeleteObjects takes at most this many keys.
_DELETE_BATCH = 1000


def _missing(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") in _MISSING


class S3ObjectStore:
    def __init__(
        self,
        *,
        bucket: str,
        prefix: str = "",
        endpoint: str | None = None,
        region: str = "us-east-1",
        access_key: str | None = None,
        secret_key: str | None = None,
        path_style: bool = True,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self._endpoint = endpoint
        self._region = region
        self._access_key = access_key
        self._secret_key = secret_key
        self._config = AioConfig(
            s3={"addressing_style": "path" if path_style else "virtual"},
            connect_timeout=5,
            read_timeout=30,
            retries={"max_attempts": 3, "mode": "standard"},
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        self._connections = contextlib.AsyncExitStack()
        self._opening = asyncio.Lock()
        self._s3: S3Client | None = None

    async def _client(self) -> "S3Client":
        if self._s3 is None:
            async with self._opening:
                if self._s3 is None:
                    self._s3 = await self._connections.enter_async_context(
                        get_session().create_client(
                            "s3",
                            endpoint_url=self._endpoint,
                            region_name=self._region,
                            aws_access_key_id=self._access_key,
                            aws_secret_access_key=self._secret_key,
                            config=self._config,
                        )
                    )
        return self._s3

    def _key(self, key: str) -> str:
        return self.prefix + checked_key(key)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        s3 = await self._client()
        await s3.put_object(
            Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=content_type
        )

    async def get(self, key: str) -> bytes:
        s3 = await self._client()
        try:
            answer = await s3.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if _missing(error):
                raise ObjectNotFound(key) from None
            raise
        async with answer["Body"] as body:
            return await body.read()

    async def exists(self, key: str) -> bool:
        s3 = await self._client()
        try:
            await s3.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if _missing(error):
                return False
            raise
        return True

    async def delete(self, key: str) -> None:
        s3 = await self._client()
        await s3.delete_object(Bucket=self.bucket, Key=self._key(key))

    async def delete_prefix(self, prefix: str) -> int:
        s3 = await self._client()
        pages = s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self._key(prefix) + "/"
        )
        deleted = 0
        async for page in pages:
            keys = [item["Key"] for item in page.get("Contents", [])]
            for start in range(0, len(keys), _DELETE_BATCH):
                batch = keys[start : start + _DELETE_BATCH]
                answer = await s3.delete_objects(
                    Bucket=self.bucket,
                    Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True},
                )
                if failed := answer.get("Errors"):
                    raise RuntimeError(f"S3 kept {len(failed)} object(s) under {prefix!r}")
                deleted += len(batch)
        return deleted

    async def ensure_bucket(self) -> None:
        """Create the bucket when it is missing: for tests and first runs; deployments
        provision theirs."""
        s3 = await self._client()
        try:
            await s3.head_bucket(Bucket=self.bucket)
            return
        except ClientError as error:
            if not _missing(error):
                raise
        try:
            if self._region == "us-east-1":
                await s3.create_bucket(Bucket=self.bucket)
            else:
                # The stubs list AWS regions only; S3-compatible stores name their own.
                location: Any = {"LocationConstraint": self._region}
                await s3.create_bucket(Bucket=self.bucket, CreateBucketConfiguration=location)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "BucketAlreadyOwnedByYou":
                raise

    async def aclose(self) -> None:
        await self._connections.aclose()
        self._s3 = None
