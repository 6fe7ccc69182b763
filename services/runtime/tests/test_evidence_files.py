"""Evidence files are judged by content: photos come out clean of location, with a thumbnail;
programs, damaged files and decompression bombs are refused."""

import hashlib
import io
import struct
import time
import zlib

import pytest
from kombel_runtime.evidence_files import (
    DAMAGED_MESSAGE,
    MAX_IMAGE_PIXELS,
    MAX_STORED_SIDE,
    NOT_ACCEPTED_MESSAGE,
    THUMBNAIL_SIDE,
    EvidenceFile,
    EvidenceKind,
    FileTooLarge,
    ImageResolutionTooLarge,
    UnacceptedFileType,
    accept_evidence_file,
)
from PIL import ExifTags, Image

LIMIT = 10 * 1024 * 1024
XMP_WITH_LOCATION = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="6,12.5S" '
    b'exif:GPSLongitude="106,49.0E"/></rdf:RDF></x:xmpmeta>'
)


def photo(width: int, height: int, mode: str = "RGB") -> Image.Image:
    """A photo with detail in it (a gradient), so a thumbnail has something to shrink."""
    gradient = Image.linear_gradient("L").resize((width, height))
    if mode == "L":
        return gradient
    channels = [gradient, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT), gradient]
    image = Image.merge("RGB", channels)
    if mode == "RGBA":
        image.putalpha(gradient)
    return image


def jpeg_from_a_phone(width: int = 400, height: int = 200, orientation: int = 6) -> bytes:
    """A JPEG as a phone takes it: location in EXIF and XMP, turned by EXIF orientation."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Kamera"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (6.0, 12.0, 30.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (106.0, 49.0, 0.0)
    out = io.BytesIO()
    photo(width, height).save(
        out, "JPEG", exif=exif, xmp=XMP_WITH_LOCATION, comment=b"Jl. Merdeka 1", quality=90
    )
    return out.getvalue()


def encoded(image: Image.Image, format: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format, **options)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares its size and holds next to no pixels: a decompression bomb's
    header, which a decoder that trusts it would allocate width × height × 3 bytes for."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


def minimal_pdf() -> bytes:
    return (
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


async def test_a_phone_photo_loses_its_location_and_keeps_its_orientation() -> None:
    original = jpeg_from_a_phone(400, 200, orientation=6)
    traces = (b"Exif\x00\x00", b"GPS", b"Merdeka", b"Kamera", b"xmpmeta")
    # The photo under test really carries a location, in EXIF, XMP and its comment.
    assert opened(original).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert all(trace in original for trace in traces)

    evidence = await accept_evidence_file(original, max_bytes=LIMIT)

    assert evidence.kind is EvidenceKind.JPEG
    assert evidence.content_type == "image/jpeg"
    cleaned = opened(evidence.data)
    assert cleaned.format == "JPEG"
    assert not cleaned.getexif()
    assert not {"exif", "xmp", "comment"} & set(cleaned.info)
    assert not any(trace in evidence.data for trace in traces)
    # Orientation 6: the camera held sideways; stored upright, so no viewer turns it again.
    assert cleaned.size == (200, 400) == (evidence.width, evidence.height)
    assert evidence.size == len(evidence.data)
    assert evidence.sha256 == hashlib.sha256(evidence.data).hexdigest()


async def test_a_photo_gets_a_jpeg_thumbnail() -> None:
    evidence = await accept_evidence_file(jpeg_from_a_phone(1600, 1200, 1), max_bytes=LIMIT)
    assert evidence.thumbnail is not None
    thumbnail = opened(evidence.thumbnail)
    assert thumbnail.format == "JPEG"
    assert thumbnail.size == (THUMBNAIL_SIDE, 240)
    assert b"GPS" not in evidence.thumbnail


async def test_a_photo_larger_than_kept_is_scaled_down() -> None:
    evidence = await accept_evidence_file(
        encoded(photo(MAX_STORED_SIDE * 2 + 100, 3000), "JPEG"), max_bytes=LIMIT
    )
    assert max(opened(evidence.data).size) == MAX_STORED_SIDE


async def test_a_png_with_transparency_is_kept_as_png() -> None:
    evidence = await accept_evidence_file(encoded(photo(300, 100, "RGBA"), "PNG"), max_bytes=LIMIT)
    assert evidence.kind is EvidenceKind.PNG
    assert opened(evidence.data).mode == "RGBA"
    assert evidence.thumbnail is not None
    assert opened(evidence.thumbnail).mode == "RGB"


async def test_a_palette_png_and_a_grey_webp_are_accepted() -> None:
    palette = photo(64, 64).convert("P", palette=Image.Palette.ADAPTIVE)
    assert (await accept_evidence_file(encoded(palette, "PNG"), max_bytes=LIMIT)).thumbnail
    webp = await accept_evidence_file(encoded(photo(64, 32, "L"), "WEBP"), max_bytes=LIMIT)
    assert webp.kind is EvidenceKind.WEBP
    assert opened(webp.data).format == "WEBP"


async def test_a_pdf_is_kept_as_it_came() -> None:
    data = minimal_pdf()
    evidence = await accept_evidence_file(data, max_bytes=LIMIT)
    assert evidence == EvidenceFile(
        kind=EvidenceKind.PDF,
        data=data,
        thumbnail=None,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


async def test_what_follows_a_photo_does_not_travel_with_it() -> None:
    # A polyglot: a photo with a program appended, which some tools would still run.
    tail = b"PK\x03\x04" + b"\x7fELF payload" * 100
    evidence = await accept_evidence_file(jpeg_from_a_phone() + tail, max_bytes=LIMIT)
    assert b"payload" not in evidence.data


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 2000, id="elf-renamed-jpg"),
        pytest.param(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 2000, id="windows-exe"),
        pytest.param(b"#!/bin/sh\nrm -rf /\n", id="script"),
        pytest.param(b"PK\x03\x04\x14\x00\x00\x00", id="zip"),
        pytest.param(b"<!doctype html><script>alert(1)</script>", id="html"),
        pytest.param(b'<svg xmlns="http://www.w3.org/2000/svg"/>', id="svg"),
        pytest.param(b"GIF89a\x01\x00\x01\x00", id="gif"),
        pytest.param(b"plain text\n%PDF-1.4\n%%EOF", id="pdf-header-not-first"),
    ],
)
async def test_what_is_not_a_photo_or_pdf_is_refused(content: bytes) -> None:
    with pytest.raises(UnacceptedFileType) as refused:
        await accept_evidence_file(content, max_bytes=LIMIT)
    assert refused.value.code == "file_type"
    assert refused.value.message == NOT_ACCEPTED_MESSAGE
    assert "JPEG, PNG, atau WebP" in refused.value.message


def noise_jpeg() -> bytes:
    return encoded(Image.effect_noise((256, 256), 64).convert("RGB"), "JPEG", quality=95)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(noise_jpeg()[: len(noise_jpeg()) // 2], id="truncated-jpeg"),
        pytest.param(b"\xff\xd8\xff\xe0" + b"\x7fELF" + b"\x00" * 500, id="jpeg-magic-then-elf"),
        pytest.param(encoded(photo(64, 64), "PNG")[:-40], id="truncated-png"),
        pytest.param(b"RIFF\x00\x00\x00\x00WEBPVP8 junk", id="broken-webp"),
        pytest.param(minimal_pdf()[:-20], id="pdf-without-eof"),
        pytest.param(b"", id="empty"),
    ],
)
async def test_a_damaged_file_is_refused(content: bytes) -> None:
    with pytest.raises(UnacceptedFileType) as refused:
        await accept_evidence_file(content, max_bytes=LIMIT)
    assert refused.value.code == "file_type"
    assert refused.value.message == DAMAGED_MESSAGE


@pytest.mark.parametrize(
    ("width", "height"),
    [
        pytest.param(50_000, 50_000, id="past-pillows-own-guard"),
        pytest.param(10_000, 6_000, id="past-ours-only"),
    ],
)
async def test_a_decompression_bomb_is_refused_from_its_header(width: int, height: int) -> None:
    assert width * height > MAX_IMAGE_PIXELS
    started = time.monotonic()
    with pytest.raises(ImageResolutionTooLarge) as refused:
        await accept_evidence_file(png_header_only(width, height), max_bytes=LIMIT)
    # Decoding 7.5 GB of pixels would take far longer, or fail for memory.
    assert time.monotonic() - started < 1
    assert refused.value.code == "image_resolution"
    assert "megapiksel" in refused.value.message


async def test_a_file_over_the_limit_is_refused_before_it_is_read() -> None:
    with pytest.raises(FileTooLarge) as refused:
        await accept_evidence_file(minimal_pdf() + b" " * LIMIT, max_bytes=LIMIT)
    assert refused.value.code == "file_too_large"
    assert "10 MB" in refused.value.message
    data = minimal_pdf()
    assert (await accept_evidence_file(data, max_bytes=len(data))).size == len(data)
