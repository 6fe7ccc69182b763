"""Membership's records made through its API, for tests of this and later services."""

import csv
import io
import random
from typing import Any

from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform, eventually


def digits(n: int) -> str:
    return "".join(random.choices("0123456789", k=n))


def nuptk() -> str:
    return "1" + digits(15)


def csv_bytes(*rows: list[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


async def created(
    platform: RunningPlatform, path: str, body: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    response = await platform.client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def school(platform: RunningPlatform, kabkota: str, name: str = "SD Negeri 1") -> str:
    """A new school of the kabupaten/kota, registered by a national admin; its NPSN."""
    npsn = str(random.randint(10**7, 10**8 - 1))
    await created(
        platform,
        "/membership/schools",
        {"npsn": npsn, "name": name, "jenjang": "SD", "status": "negeri", "kabkota_code": kabkota},
        platform.auth(Role.NATIONAL_ADMIN),
    )
    return npsn


async def person(platform: RunningPlatform, npsn: str, **fields: Any) -> dict[str, Any]:
    """A new teacher of the school, with a NUPTK unless one is given."""
    body = {"full_name": "Guru Contoh", "school_npsn": npsn, "nuptk": nuptk()} | fields
    return await created(platform, "/membership/people", body, platform.auth(Role.NATIONAL_ADMIN))


async def community(platform: RunningPlatform, kabkota: str, **fields: Any) -> dict[str, Any]:
    body = {
        "name": f"KKG Gugus {digits(8)}",
        "kind": "antar_sekolah",
        "forum_type": "KKG",
        "jenjang": ["SD"],
        "kabkota_code": kabkota,
    } | fields
    return await created(
        platform, "/membership/communities", body, platform.auth(Role.NATIONAL_ADMIN)
    )


async def finished_import(
    platform: RunningPlatform,
    kind: str,
    content: bytes,
    headers: dict[str, str],
    *,
    dry_run: bool = False,
    name: str = "data.csv",
) -> dict[str, Any]:
    """Upload a file and wait until its import has succeeded or failed; its status."""
    response = await platform.client.post(
        f"/membership/imports/{kind}",
        params={"dry_run": str(dry_run).lower()},
        files={"file": (name, content)},
        headers=headers,
    )
    assert response.status_code == 202, response.text
    import_id = response.json()["id"]

    async def status() -> dict[str, Any]:
        body: dict[str, Any] = (
            await platform.client.get(f"/membership/imports/{import_id}", headers=headers)
        ).json()
        return body

    return await eventually(status, lambda s: s["status"] in ("succeeded", "failed"), timeout_s=60)
