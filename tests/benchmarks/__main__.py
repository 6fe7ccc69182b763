"""`make bench`: the platform's benchmarks on the embedded stack, printed as tables.

`KOMBEL_BENCH_ONLY` runs some sections only: events, activities, imports, bimtek, dashboard."""

import asyncio
import os
import sys
import tempfile
from pathlib import Path

from kombel_runtime.testing.harness import RunningPlatform, running_platform
from kombel_runtime.testing.infrastructure import test_infrastructure
from kombel_runtime.testing.regions import fresh_kabkota

from tests.benchmarks.activities import (
    activities_wanted,
    bare_inserts,
    log_activities,
)
from tests.benchmarks.attendance import import_attendance
from tests.benchmarks.bimtek import BimtekDay, bimtek_day
from tests.benchmarks.dashboard import dashboard_section
from tests.benchmarks.imports import (
    ImportResult,
    copy_floor,
    import_file,
    import_rows,
    name_search_ms,
    one_request_per_row,
)
from tests.benchmarks.messages import RATE_PER_MINUTE
from tests.benchmarks.pipeline import (
    bare_aiokafka,
    community_events,
    events_wanted,
    pipeline,
)
from tests.benchmarks.report import Result, markdown_table

SECTIONS = ("events", "activities", "imports", "bimtek", "dashboard")


def sections_wanted() -> list[str]:
    """`KOMBEL_BENCH_ONLY=bimtek` (or several, comma-separated) runs just those sections."""
    named = [s.strip() for s in os.environ.get("KOMBEL_BENCH_ONLY", "").split(",") if s.strip()]
    unknown = sorted(set(named) - set(SECTIONS))
    if unknown:
        raise SystemExit(
            f"KOMBEL_BENCH_ONLY names no section {', '.join(unknown)}; "
            f"the sections are {', '.join(SECTIONS)}"
        )
    return [s for s in SECTIONS if s in named] or list(SECTIONS)


def table(results: list[Result]) -> str:
    return markdown_table(
        ["run", "events", "seconds", "events/s", "p50 ms", "p99 ms"],
        [
            [r.name, r.count, f"{r.seconds:.2f}", f"{r.rate:.0f}", _ms(r.p50_ms), _ms(r.p99_ms)]
            for r in results
        ],
    )


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


async def events_section(platform: RunningPlatform, count: int) -> str:
    bare = await bare_aiokafka(platform.kafka_bootstrap, community_events(count, fresh_kabkota()))
    flat = await pipeline(platform, community_events(count, fresh_kabkota()), per_second=None)
    paced = await pipeline(platform, community_events(5000, fresh_kabkota()), per_second=500)
    return "\n".join(
        [
            table([bare, flat, paced]),
            f"\npipeline / bare aiokafka: {flat.rate / bare.rate:.2f} (aim: at least 0.25)",
            f"p99 at 500 events/s: {paced.p99_ms:.0f} ms (aim: under 250 ms)",
        ]
    )


async def activities_section(platform: RunningPlatform) -> str:
    logged = await log_activities(platform, activities_wanted(), per_second=50)
    floor_inserts = await bare_inserts(platform, activities_wanted())
    return "\n".join(
        [
            latency_table([logged, floor_inserts]),
            f"\np99 of an activity with its attendance at 50/s: {logged.p99_ms:.0f} ms "
            "(aim: under 100 ms)",
        ]
    )


async def imports_section(platform: RunningPlatform) -> str:
    small = await import_file(platform, 4324)
    large = await import_file(platform, import_rows())
    search_ms = await name_search_ms(platform, large)
    excel = await import_file(platform, import_rows(), excel=True)
    floor = await copy_floor(platform, import_rows())
    naive = await one_request_per_row(platform, 1000)
    attendance = await import_attendance(platform)
    return "\n".join(
        [
            import_table([small, large, excel, floor, naive]),
            f"\n4,324 rows committed in {small.seconds:.2f} s (aim: under 2 s)",
            f"{large.rows} rows: {large.rate:.0f} rows/s, peak RSS {large.peak_rss_mb:.0f} MB "
            "(aim: at least 10,000 rows/s, under 300 MB)",
            f"import / one request per row: {large.rate / naive.rate:.0f}x (aim: at least 20x)",
            f"import / COPY floor: {large.rate / floor.rate:.2f}",
            f"search by part of a name among those {large.rows} people: {search_ms:.0f} ms "
            "(median)",
            f"attendance list of {attendance.rows} names imported in {attendance.seconds:.2f} s "
            "(aim: under 1 s)",
        ]
    )


async def bimtek_section(platform: RunningPlatform, folder: Path) -> str:
    load_before = os.getloadavg()[0]
    day = await bimtek_day(platform, folder)
    return "\n".join(
        [
            "Bimtek day",
            "",
            bimtek_table(day),
            "",
            f"roster upload / COPY floor: {day.roster.seconds / day.roster_floor.seconds:.1f}x "
            "the time",
            f"offline scans / UPDATE floor: {day.scans.seconds / day.scans_floor.seconds:.1f}x "
            "the time",
            "single check-ins / floor, p99 at the pace: "
            f"{_ratio(day.door.p99_ms, day.door_floor.p99_ms)}; "
            f"one at a time: {_ratio(day.door_alone.p99_ms, day.door_alone_floor.p99_ms)}",
            "Activities' API runs under uvicorn in a process of its own, the bare app likewise; "
            "one paced httpx client in a third process drives both over TCP. The platform's "
            "workers (relay, consumers, import jobs) run in the benchmark's process. An offline "
            "batch holds one session's scans, so 4,324 scans are 33 batches, not 9.",
            f"Machine: {os.cpu_count()} cores; load average {load_before:.1f} before, "
            f"{os.getloadavg()[0]:.1f} after (work of others on the machine slows every row).",
        ]
    )


def _ratio(value: float | None, floor: float | None) -> str:
    return "-" if value is None or not floor else f"{value / floor:.1f}"


def bimtek_table(day: BimtekDay) -> str:
    return markdown_table(
        ["run", "count", "seconds", "rate/s", "p50 ms", "p99 ms", "aim"],
        [
            [
                r.name,
                r.count,
                f"{r.seconds:.2f}",
                f"{r.rate:.0f}",
                _ms(r.p50_ms),
                _ms(r.p99_ms),
                aim,
            ]
            for r, aim in day.rows()
        ],
    )


async def run(folder: Path) -> int:
    wanted = sections_wanted()
    count = events_wanted()
    reports = []
    with test_infrastructure(folder / "stack") as infrastructure:
        # The baseline of one request per row would meet the per-caller rate limit, which is
        # not what it measures.
        async with running_platform(
            infrastructure,
            folder / "platform",
            database_prefix="kbench",
            overrides={
                "rate_limit_enabled": False,
                "email_rate_per_minute": RATE_PER_MINUTE,
                "whatsapp_rate_per_minute": RATE_PER_MINUTE,
            },
        ) as platform:
            print(f"Benchmark: {', '.join(wanted)}; servers: {infrastructure.source}.", flush=True)
            if "events" in wanted:
                print(f"Events: {count} …", flush=True)
                reports.append(await events_section(platform, count))
            if "activities" in wanted:
                # Before the imports, whose events activities copies for a while afterwards.
                print("Activities …", flush=True)
                reports.append(await activities_section(platform))
            if "imports" in wanted:
                print("Imports …", flush=True)
                reports.append(await imports_section(platform))
            if "bimtek" in wanted:
                print("Bimtek day …", flush=True)
                reports.append(await bimtek_section(platform, folder / "bimtek"))
            if "dashboard" in wanted:
                print("Dashboards …", flush=True)
                reports.append(await dashboard_section(platform, folder / "dashboard"))
    for report in reports:
        print()
        print(report)
    return 0


def latency_table(results: list[Result]) -> str:
    return markdown_table(
        ["run", "requests", "seconds", "p50 ms", "p99 ms"],
        [[r.name, r.count, f"{r.seconds:.2f}", _ms(r.p50_ms), _ms(r.p99_ms)] for r in results],
    )


def import_table(results: list[ImportResult]) -> str:
    return markdown_table(
        ["run", "rows", "seconds", "rows/s", "peak RSS MB"],
        [
            [
                r.name,
                r.rows,
                f"{r.seconds:.2f}",
                f"{r.rate:.0f}",
                "-" if r.peak_rss_mb is None else f"{r.peak_rss_mb:.0f}",
            ]
            for r in results
        ],
    )


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="kombel-bench-") as folder:
        return asyncio.run(run(Path(folder)))


if __name__ == "__main__":
    sys.exit(main())
