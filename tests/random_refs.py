"""Random names and regions, so tests sharing one platform never collide."""

import random
import uuid


def community_name() -> str:
    return f"KKG Gugus {uuid.uuid4().hex[:8]}"


def kabkota() -> str:
    """A kabupaten/kota code no other test uses (province 9x is not a real province)."""
    return f"{random.randint(90, 99)}.{random.randint(10, 99)}"


def community_body(kabkota_code: str, **changes: object) -> dict[str, object]:
    return {
        "name": community_name(),
        "kind": "antar_sekolah",
        "forum_type": "KKG",
        "jenjang": ["SD"],
        "kabkota_code": kabkota_code,
    } | changes
