"""Evidence of an activity: photos and PDFs checked by content, without their location, kept
where only the activity's readers reach them, and gone with the activity."""

import io
from typing import Any

import pytest
from activities.db.tables import evidence
from activities.services.evidence import attach, file_key
from kombel_runtime.auth import Principal, Role
from kombel_runtime.testing.harness import RunningPlatform
from kombel_runtime.testing.regions import fresh_kabkota, neighbour_of
from PIL import ExifTags, Image
from sqlalchemy import select

from .test_activities_api import a_community, meeting

pytestmark = pytest.mark.infra


def photo_with_location() -> bytes:
    image = Image.new("RGB", (640, 480), (30, 120, 200))
    exif = Image.Exif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (3.0, 19.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (114.0, 35.0, 24.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


ELF_RENAMED = b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + b"\x02\x00\x3e\x00" + b"\x00" * 200


async def an_activity(platform: RunningPlatform) -> tuple[dict[str, Any], dict[str, Any]]:
    kabkota = fresh_kabkota()
    world = await a_community(platform, kabkota)
    base = f"/activities/communities/{world['community']['id']}/activities"
    activity = (await platform.client.post(base, json=meeting(), headers=world["as_lead"])).json()
    return world, activity


async def test_a_photo_is_kept_without_its_location_for_the_activitys_readers_only(
    platform: RunningPlatform,
) -> None:
    world, activity = await an_activity(platform)
    path = f"/activities/activities/{activity['id']}/evidence"
    original = photo_with_location()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    attached = await platform.client.post(
        path, files={"file": ("rapat.jpg", original, "image/jpeg")}, headers=world["as_lead"]
    )
    assert attached.status_code == 201, attached.text
    body = attached.json()
    assert (body["content_type"], body["filename"]) == ("image/jpeg", "rapat.jpg")

    downloaded = await platform.client.get(body["url"], headers=world["as_member"])
    assert downloaded.status_code == 200
    assert downloaded.headers["content-type"] == "image/jpeg"
    assert downloaded.headers["x-content-type-options"] == "nosniff"
    kept = Image.open(io.BytesIO(downloaded.content))
    assert kept.size == (640, 480)
    assert not kept.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    thumbnail = await platform.client.get(body["thumbnail_url"], headers=world["as_member"])
    assert max(Image.open(io.BytesIO(thumbnail.content)).size) <= 320

    listed = await platform.client.get(path, headers=world["as_member"])
    assert [e["id"] for e in listed.json()] == [body["id"]]
    for stranger in (
        world["as_outsider"],
        platform.auth(Role.DISTRICT_STAFF, kabkota=neighbour_of(world["kabkota"])),
    ):
        assert (await platform.client.get(body["url"], headers=stranger)).status_code == 404
    assert (await platform.client.get(body["url"])).status_code == 401
    member_upload = await platform.client.post(
        path, files={"file": ("x.jpg", original, "image/jpeg")}, headers=world["as_member"]
    )
    assert member_upload.status_code == 403

    # The activity goes, and its files with it.
    files = platform.runtime("activities").files
    key = f"activities/{activity['id']}/{body['id']}"
    assert await files.exists(key)
    deleted = await platform.client.delete(
        f"/activities/activities/{activity['id']}", headers=world["as_lead"]
    )
    assert deleted.status_code == 204
    assert not await files.exists(key)
    assert not await files.exists(f"{key}/thumbnail")


async def test_an_executable_renamed_jpg_and_oversized_files_are_refused(
    platform: RunningPlatform,
) -> None:
    world, activity = await an_activity(platform)
    path = f"/activities/activities/{activity['id']}/evidence"
    refused = await platform.client.post(
        path, files={"file": ("foto.jpg", ELF_RENAMED, "image/jpeg")}, headers=world["as_lead"]
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "file_type"
    assert "JPEG" in refused.json()["error"]["message"]
    too_big = b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024) + b"\n%%EOF\n"
    large = await platform.client.post(
        path, files={"file": ("notulen.pdf", too_big, "application/pdf")}, headers=world["as_lead"]
    )
    assert large.status_code == 413
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    kept = await platform.client.post(
        path, files={"file": ("notulen.pdf", pdf, "application/pdf")}, headers=world["as_lead"]
    )
    assert kept.status_code == 201, kept.text
    assert kept.json()["thumbnail_url"] is None


async def test_evidence_goes_to_an_s3_store_as_to_a_folder(
    platform: RunningPlatform, s3_server: Any
) -> None:
    """The same use case against a real S3-protocol server (the service tier: no HTTP)."""
    world, activity = await an_activity(platform)
    store = await s3_server.store(s3_server.new_bucket_name(), prefix="activities/")
    runtime = platform.runtime("activities")
    lead = Principal(subject="lead", roles=frozenset({Role.MEMBER}), person=world["lead"]["id"])
    try:
        async with runtime.sessions() as session, session.begin():
            row = await attach(
                session,
                runtime.source,
                store,
                lead,
                activity["id"],
                photo_with_location(),
                "rapat.jpg",
                runtime.settings.evidence_max_bytes,
            )
        kept = Image.open(io.BytesIO(await store.get(file_key(row))))
        assert not kept.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert await store.exists(f"{file_key(row)}/thumbnail")
        async with runtime.sessions() as session:
            stored = await session.scalar(
                select(evidence.c.sha256).where(evidence.c.id == row["id"])
            )
        assert stored == row["sha256"]
    finally:
        await store.aclose()
