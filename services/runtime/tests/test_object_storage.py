"""One behaviour, two stores: the folder of the embedded stack and S3 on a real S3 server."""

import asyncio
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from kombel_runtime.object_storage import (
    FolderObjectStore,
    InvalidObjectKey,
    ObjectNotFound,
    ObjectStore,
    object_store,
)
from kombel_runtime.object_storage.s3 import S3ObjectStore
from kombel_runtime.settings import ServiceSettings
from kombel_runtime.testing.s3_server import S3Server

URL = "postgresql+asyncpg://localhost/x"


@pytest.fixture(params=["folder", "s3"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[ObjectStore]:
    if request.param == "folder":
        found: ObjectStore = FolderObjectStore(tmp_path / "objects")
    else:
        server: S3Server = request.getfixturevalue("s3_server")
        found = await server.store(server.new_bucket_name(), prefix="activities/")
    yield found
    await found.aclose()


def a_key() -> str:
    return f"{secrets.token_hex(4)}/{secrets.token_hex(4)}.jpg"


async def test_an_object_comes_back_as_it_was_put(store: ObjectStore) -> None:
    key = a_key()
    assert not await store.exists(key)
    await store.put(key, b"\xff\xd8\xffisi", "image/jpeg")
    assert await store.exists(key)
    assert await store.get(key) == b"\xff\xd8\xffisi"
    await store.put(key, b"baru", "image/jpeg")
    assert await store.get(key) == b"baru"


async def test_a_missing_object_is_not_found(store: ObjectStore) -> None:
    with pytest.raises(ObjectNotFound):
        await store.get(a_key())


async def test_delete_removes_one_object_and_forgives_a_missing_one(store: ObjectStore) -> None:
    key, other = a_key(), a_key()
    await store.put(key, b"a", "application/pdf")
    await store.put(other, b"b", "application/pdf")
    await store.delete(key)
    await store.delete(key)
    assert not await store.exists(key)
    assert await store.get(other) == b"b"


async def test_delete_prefix_removes_a_folder_and_nothing_beside_it(store: ObjectStore) -> None:
    activity = secrets.token_hex(4)
    keys = [f"{activity}/{n}.jpg" for n in range(3)] + [f"{activity}/{'1.jpg'}/thumbnail"]
    for key in keys:
        await store.put(key, b"x", "image/jpeg")
    # Same beginning, another folder; and an object named as the folder itself.
    await store.put(f"{activity}0/1.jpg", b"y", "image/jpeg")
    await store.put(activity, b"z", "application/pdf")

    assert await store.delete_prefix(activity) == 4
    assert not any([await store.exists(key) for key in keys])
    assert await store.get(f"{activity}0/1.jpg") == b"y"
    assert await store.get(activity) == b"z"
    assert await store.delete_prefix(activity) == 0


async def test_an_object_and_a_folder_may_share_a_name(store: ObjectStore) -> None:
    key = a_key()
    await store.put(key, b"file", "image/jpeg")
    await store.put(f"{key}/thumbnail", b"thumb", "image/jpeg")
    assert await store.get(key) == b"file"
    assert await store.get(f"{key}/thumbnail") == b"thumb"


async def test_concurrent_writes_and_deletes_leave_whole_objects(store: ObjectStore) -> None:
    activity = secrets.token_hex(4)
    payloads = [secrets.token_bytes(64 * 1024) for _ in range(8)]
    await asyncio.gather(
        *(store.put(f"{activity}/{n}", p, "image/png") for n, p in enumerate(payloads))
    )
    assert [await store.get(f"{activity}/{n}") for n in range(8)] == payloads
    await asyncio.gather(*(store.delete(f"{activity}/{n}") for n in range(8)))
    assert await store.delete_prefix(activity) == 0


UNSAFE_KEYS = [
    "",
    "../etc/passwd",
    "a/../../b",
    "/etc/passwd",
    "a//b",
    "a/./b",
    "a/",
    "..",
    "a\\..\\b",
    "a/b@",
    "C:/windows",
    "a/\x00b",
    "résumé.jpg",
    "a" * 513,
]


async def test_keys_that_leave_the_store_are_refused(store: ObjectStore) -> None:
    for key in UNSAFE_KEYS:
        with pytest.raises(InvalidObjectKey):
            await store.put(key, b"x", "image/jpeg")
        with pytest.raises(InvalidObjectKey):
            await store.get(key)
        with pytest.raises(InvalidObjectKey):
            await store.exists(key)
        with pytest.raises(InvalidObjectKey):
            await store.delete(key)
        with pytest.raises(InvalidObjectKey):
            await store.delete_prefix(key)


def tree(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


async def test_the_folder_store_writes_only_under_its_root(tmp_path: Path) -> None:
    store = FolderObjectStore(tmp_path / "objects" / "activities")
    await store.put("a/b.jpg", b"x", "image/jpeg")
    await store.put("a/b.jpg/thumbnail", b"t", "image/jpeg")
    assert tree(tmp_path) == [
        "objects",
        "objects/activities",
        "objects/activities/a",
        "objects/activities/a/b.jpg",
        "objects/activities/a/b.jpg/thumbnail@",
        "objects/activities/a/b.jpg@",
    ]
    await store.delete_prefix("a")
    await store.delete("a/b.jpg")
    # Deleted activities leave no empty folders behind.
    assert tree(tmp_path) == ["objects", "objects/activities"]


async def test_s3_keeps_each_service_under_its_name(s3_server: S3Server) -> None:
    bucket = s3_server.new_bucket_name()
    raw = await s3_server.store(bucket)
    settings = ServiceSettings(
        database_url=URL, auth_jwks_path=Path("/k"), **s3_server.settings(bucket)
    )
    store = object_store(settings, service="activities")
    try:
        assert isinstance(store, S3ObjectStore)
        await store.put("a/1.pdf", b"%PDF-", "application/pdf")
        assert await raw.get("activities/a/1.pdf") == b"%PDF-"
        assert not await raw.exists("a/1.pdf")
    finally:
        await store.aclose()
        await raw.aclose()


def test_the_folder_store_lives_under_the_path_and_the_service(tmp_path: Path) -> None:
    settings = ServiceSettings(
        database_url=URL, auth_jwks_path=Path("/k"), object_store_path=tmp_path
    )
    store = object_store(settings, service="activities")
    assert isinstance(store, FolderObjectStore)
    assert store.root == (tmp_path / "activities").resolve()
    with pytest.raises(InvalidObjectKey):
        object_store(settings, service="../membership")
