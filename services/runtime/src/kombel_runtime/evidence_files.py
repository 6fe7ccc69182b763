"""Evidence files of activities: photos and PDFs, judged by what they contain, never by name.

    evidence = await accept_evidence_file(data, max_bytes=settings.evidence_max_bytes)
    await store.put(key, evidence.data, evidence.content_type)
    if evidence.thumbnail is not None:
        await store.put(f"{key}/thumbnail", evidence.thumbnail, THUMBNAIL_CONTENT_TYPE)

Accepted: JPEG, PNG and WebP photos, and PDF documents. The type comes from the first bytes
and is then proven by a real parse: a photo must decode whole (a truncated one is refused), a
PDF must start with `%PDF-` and end with `%%EOF`. Anything else (a program or a script renamed
`.jpg`, an archive, a web page) is refused.

Photos are stored as a fresh encoding of their pixels, in the format they came in: turned the
way the camera's EXIF orientation says, with no EXIF, XMP or comments left, so a location
(GPS) never leaves with a photo; the colour profile stays. A photo larger than
`MAX_STORED_SIDE` on its longest side is scaled down to it: evidence has to be legible, not
printed, and a smaller photo keeps a service within its memory. Each photo gets a JPEG
thumbnail of at most `THUMBNAIL_SIDE` pixels. PDFs are stored as they came.

Refusals are `EvidenceFileRefused`, with a stable code and a message for people:
`file_too_large` (answer 413), `file_type` (422: not an accepted type, or damaged) and
`image_resolution` (422: more pixels than `MAX_IMAGE_PIXELS`, judged from the header before
anything is decoded, so a decompression bomb allocates nothing).
"""

import asyncio
import hashlib
import io
import re
import threading
from dataclasses import dataclass
from enum import StrEnum

from PIL import Image, ImageOps

MAX_IMAGE_PIXELS = 50_000_000
MAX_STORED_SIDE = 4096
THUMBNAIL_SIDE = 320
THUMBNAIL_CONTENT_TYPE = "image/jpeg"

_PHOTO_QUALITY = 88
_THUMBNAIL_QUALITY = 80
# Where a PDF's `%%EOF` must be, counted from its end (PDF 32000-1, 7.5.5).
_PDF_TAIL_BYTES = 1024
_PDF_HEADER = re.compile(rb"%PDF-[12]\.\d")
_MEGABYTE = 1024 * 1024

# Decoding holds a photo's every pixel in memory: two at a time per process bound what
# uploads arriving together can take.
_DECODING = threading.BoundedSemaphore(2)


class EvidenceKind(StrEnum):
    JPEG = "image/jpeg"
    PNG = "image/png"
    WEBP = "image/webp"
    PDF = "application/pdf"

    @property
    def extension(self) -> str:
        return _EXTENSIONS[self]


_EXTENSIONS = {
    EvidenceKind.JPEG: "jpg",
    EvidenceKind.PNG: "png",
    EvidenceKind.WEBP: "webp",
    EvidenceKind.PDF: "pdf",
}
_PILLOW_FORMATS = {EvidenceKind.JPEG: "JPEG", EvidenceKind.PNG: "PNG", EvidenceKind.WEBP: "WEBP"}


class EvidenceFileRefused(Exception):
    """An upload that is not kept: `code` is stable for machines, `message` is for people."""

    code = "file_type"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FileTooLarge(EvidenceFileRefused):
    code = "file_too_large"


class UnacceptedFileType(EvidenceFileRefused):
    code = "file_type"


class ImageResolutionTooLarge(EvidenceFileRefused):
    code = "image_resolution"


_ACCEPTED = "foto JPEG, PNG, atau WebP, atau dokumen PDF"
NOT_ACCEPTED_MESSAGE = f"Jenis berkas tidak diterima. Unggah {_ACCEPTED}."
DAMAGED_MESSAGE = f"Berkas rusak atau tidak lengkap. Unggah ulang {_ACCEPTED} yang utuh."


@dataclass(frozen=True)
class EvidenceFile:
    """What to store: `data` is the cleaned file, `thumbnail` a JPEG (None for a PDF)."""

    kind: EvidenceKind
    data: bytes
    thumbnail: bytes | None
    size: int
    sha256: str
    # Of the stored photo, after turning and scaling; None for a PDF.
    width: int | None = None
    height: int | None = None

    @property
    def content_type(self) -> str:
        return self.kind.value


async def accept_evidence_file(data: bytes, *, max_bytes: int) -> EvidenceFile:
    """Check an upload by its content and clean it; `EvidenceFileRefused` when it is not kept.

    The decoding runs in a thread, so the event loop keeps serving meanwhile."""
    if len(data) > max_bytes:
        raise FileTooLarge(
            f"Berkas terlalu besar: paling besar {max_bytes / _MEGABYTE:g} MB. "
            "Perkecil foto atau pisahkan dokumennya, lalu unggah lagi."
        )
    kind = detect_kind(data)
    if kind is EvidenceKind.PDF:
        return _accepted_pdf(data)
    return await asyncio.to_thread(_accepted_photo, data, kind)


def detect_kind(data: bytes) -> EvidenceKind:
    """The accepted kind the first bytes announce; `UnacceptedFileType` for any other."""
    if data.startswith(b"\xff\xd8\xff"):
        return EvidenceKind.JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return EvidenceKind.PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return EvidenceKind.WEBP
    if _PDF_HEADER.match(data):
        return EvidenceKind.PDF
    if not data:
        raise UnacceptedFileType(DAMAGED_MESSAGE)
    raise UnacceptedFileType(NOT_ACCEPTED_MESSAGE)


def _accepted_pdf(data: bytes) -> EvidenceFile:
    if b"%%EOF" not in data[-_PDF_TAIL_BYTES:]:
        raise UnacceptedFileType(DAMAGED_MESSAGE)
    return EvidenceFile(
        kind=EvidenceKind.PDF,
        data=data,
        thumbnail=None,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _accepted_photo(data: bytes, kind: EvidenceKind) -> EvidenceFile:
    with _DECODING:
        photo = _decoded(data, kind)
        cleaned = _encoded(photo, kind)
        thumbnail = _thumbnail(photo)
    return EvidenceFile(
        kind=kind,
        data=cleaned,
        thumbnail=thumbnail,
        size=len(cleaned),
        sha256=hashlib.sha256(cleaned).hexdigest(),
        width=photo.width,
        height=photo.height,
    )


def _decoded(data: bytes, kind: EvidenceKind) -> Image.Image:
    """The photo's pixels, upright and at most `MAX_STORED_SIDE` on its longest side."""
    try:
        opened = Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[kind]])
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except Exception:
        raise UnacceptedFileType(DAMAGED_MESSAGE) from None
    if opened.width * opened.height > MAX_IMAGE_PIXELS:
        raise _too_many_pixels()
    try:
        # A JPEG much larger than what is kept is decoded at 1/2, 1/4 or 1/8 of its size.
        opened.draft(None, _fitted(opened.size, MAX_STORED_SIDE))
        opened.load()
        image = _normalised(opened)
        image.thumbnail((MAX_STORED_SIDE, MAX_STORED_SIDE), Image.Resampling.LANCZOS)
        ImageOps.exif_transpose(image, in_place=True)
    except Exception:
        # Decoders raise many kinds of errors on damaged input; all mean the same here.
        raise UnacceptedFileType(DAMAGED_MESSAGE) from None
    # Nothing but the pixels and the colour profile goes into the stored file.
    profile = image.info.get("icc_profile")
    image.info = {"icc_profile": profile} if profile else {}
    return image


def _normalised(image: Image.Image) -> Image.Image:
    """Pixels every output format takes: grey or RGB, with alpha where there is any."""
    if image.mode in ("L", "RGB"):
        return image
    if image.mode in ("LA", "RGBA", "PA") or "transparency" in image.info:
        return image.convert("RGBA")
    return image.convert("RGB")


def _fitted(size: tuple[int, int], side: int) -> tuple[int, int]:
    width, height = size
    scale = min(1.0, side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _encoded(image: Image.Image, kind: EvidenceKind) -> bytes:
    out = io.BytesIO()
    profile = image.info.get("icc_profile")
    extra = {"icc_profile": profile} if profile else {}
    if kind is EvidenceKind.JPEG:
        image.save(out, "JPEG", quality=_PHOTO_QUALITY, optimize=True, **extra)
    elif kind is EvidenceKind.PNG:
        image.save(out, "PNG", optimize=False, **extra)
    else:
        image.save(out, "WEBP", quality=_PHOTO_QUALITY, **extra)
    return out.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    small = image.copy()
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    if small.mode == "RGBA":
        # JPEG has no transparency: what was see-through shows white, as on a page.
        background = Image.new("RGB", small.size, "white")
        background.paste(small, mask=small.getchannel("A"))
        small = background
    out = io.BytesIO()
    small.save(out, "JPEG", quality=_THUMBNAIL_QUALITY, optimize=True)
    return out.getvalue()


def _too_many_pixels() -> ImageResolutionTooLarge:
    return ImageResolutionTooLarge(
        f"Resolusi foto terlalu besar: paling banyak {MAX_IMAGE_PIXELS // 1_000_000} megapiksel. "
        "Perkecil fotonya, lalu unggah lagi."
    )
