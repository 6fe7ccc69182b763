"""The demo province: `kombel seed --demo` fills a running platform through its public APIs so
that a newcomer's first `make run` shows a living dashboard (see `seed`)."""

import asyncio
import sys

import httpx
from kombel_events.regions import RegionKind, regions
from kombel_runtime.dev_issuer import DevIssuer

from reporting.demo.plan import SCALES, ProvincePlan, plan_province
from reporting.demo.platform_api import DemoError, PlatformApi
from reporting.demo.seed import DemoSeed, Say, Seeded, local_now

DEFAULT_PROVINCE = "12"  # Sumatera Utara: 33 kabupaten/kota

__all__ = ["SCALES", "DemoError", "Seeded", "demo_plan", "run_demo_seed", "seed_demo"]


def demo_plan(
    province_code: str, scale: str, kabkotas: list[str] | None = None, seed: int = 2024
) -> ProvincePlan:
    """The province the demo builds today, in the province's local time."""
    now = local_now(province_code)
    return plan_province(
        province_code, SCALES[scale], now.date(), seed=seed, kabkotas=kabkotas, now_local=now
    )


async def seed_demo(
    client: httpx.AsyncClient, issuer: DevIssuer, plan: ProvincePlan, say: Say
) -> Seeded:
    """Build `plan` through the platform that `client` reaches, with tokens of `issuer`."""
    return await DemoSeed(PlatformApi(client, issuer), plan, say).run()


def run_demo_seed(
    url: str,
    issuer: DevIssuer,
    *,
    province: str = DEFAULT_PROVINCE,
    scale: str = "full",
    kabkotas: list[str] | None = None,
) -> int:
    """`kombel seed --demo`: 0 when the province is there (made now or before)."""

    def say(line: str) -> None:
        print(line, flush=True)

    found = regions().get(province)
    if found is None or found.kind is not RegionKind.PROVINSI:
        print(
            f"Provinsi {province} tidak dikenal; tulis kodenya seperti 12 atau 73.", file=sys.stderr
        )
        return 2
    places = {r.code for r in regions().kabkota_of(province)}
    strangers = sorted(set(kabkotas or []) - places)
    if strangers:
        print(f"Bukan kabupaten/kota provinsi {province}: {', '.join(strangers)}", file=sys.stderr)
        return 2

    async def run() -> Seeded:
        async with httpx.AsyncClient(base_url=url, timeout=120) as client:
            return await seed_demo(client, issuer, demo_plan(province, scale, kabkotas), say)

    try:
        seeded = asyncio.run(run())
    except httpx.ConnectError:
        print(f"Tidak ada platform di {url}: jalankan `make run` dulu.", file=sys.stderr)
        return 2
    except DemoError as error:
        print(f"Demo berhenti: {error}", file=sys.stderr)
        return 1
    if not seeded.skipped:
        say(
            f"\nProvinsi demo siap: {seeded.schools} sekolah, {seeded.people} PTK, "
            f"{seeded.communities} komunitas, {seeded.memberships} keanggotaan, "
            f"{seeded.meetings} kegiatan, bimtek {seeded.training_id} dengan "
            f"{seeded.registered} peserta dan {seeded.checked_in} hadir."
        )
    say(f"Dasbor: {url}/console/  ·  API: {url}/reporting/regions/{province}/summary")
    return 0
