"""Random names and regions, so tests sharing one platform never collide."""

import uuid

from kombel_runtime.testing.regions import fresh_kabkota


def community_name() -> str:
    return f"KKG Gugus {uuid.uuid4().hex[:8]}"


def kabkota() -> str:
    """A real kabupaten/kota code no other test of this session uses."""
    return fresh_kabkota()


def community_body(kabkota_code: str, **changes: object) -> dict[str, object]:
    return {
        "name": community_name(),
        "kind": "antar_sekolah",
        "forum_type": "KKG",
        "jenjang": ["SD"],
        "kabkota_code": kabkota_code,
    } | changes
