"""Object storage of uploaded files, behind one interface (`ObjectStore`).

    store = object_store(settings, service="activities")
    await store.put(f"{activity_id}/{file_id}", cleaned, "image/jpeg")
    data = await store.get(f"{activity_id}/{file_id}")
    await store.delete_prefix(str(activity_id))  # the activity's files go together
    await store.aclose()  # at shutdown

`KOMBEL_OBJECT_STORE=folder` (the embedded default) keeps files under
`KOMBEL_OBJECT_STORE_PATH/<service>/`; `s3` keeps them in `KOMBEL_S3_BUCKET` under
`<service>/`. Keys are checked before any store sees them (`InvalidObjectKey`); a missing
object is `ObjectNotFound`.
"""

from kombel_runtime.object_storage.folder import FolderObjectStore
from kombel_runtime.object_storage.store import (
    InvalidObjectKey,
    ObjectNotFound,
    ObjectStore,
    checked_key,
)
from kombel_runtime.settings import ObjectStoreKind, ServiceSettings

__all__ = [
    "FolderObjectStore",
    "InvalidObjectKey",
    "ObjectNotFound",
    "ObjectStore",
    "checked_key",
    "object_store",
]


def object_store(settings: ServiceSettings, service: str) -> ObjectStore:
    """The store the settings name, holding `service`'s objects apart from other services'."""
    checked_key(service)
    if settings.object_store is ObjectStoreKind.S3:
        # Imported here: the S3 client is heavy to import and the embedded stack needs none.
        from kombel_runtime.object_storage.s3 import S3ObjectStore

        if settings.s3_bucket is None:
            raise ValueError("KOMBEL_OBJECT_STORE=s3 needs KOMBEL_S3_BUCKET")
        secret = settings.s3_secret_key
        return S3ObjectStore(
            bucket=settings.s3_bucket,
            prefix=f"{service}/",
            endpoint=settings.s3_endpoint,
            region=settings.s3_region,
            access_key=settings.s3_access_key,
            secret_key=secret.get_secret_value() if secret is not None else None,
            path_style=settings.s3_path_style,
        )
    return FolderObjectStore(settings.object_store_path / service)
