"""`make bench`: the platform's benchmarks on the embedded stack, printed as a table."""

import asyncio
import random
import sys
import tempfile
from pathlib import Path

from kombel_runtime.testing.harness import running_platform
from kombel_runtime.testing.infrastructure import test_infrastructure

from tests.benchmarks.pipeline import (
    Result,
    bare_aiokafka,
    community_events,
    events_wanted,
    pipeline,
)
from tests.benchmarks.report import markdown_table


def table(results: list[Result]) -> str:
    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f}"

    return markdown_table(
        ["run", "events", "seconds", "events/s", "p50 ms", "p99 ms"],
        [
            [r.name, r.events, f"{r.seconds:.2f}", f"{r.rate:.0f}", ms(r.p50_ms), ms(r.p99_ms)]
            for r in results
        ],
    )


async def run(folder: Path) -> int:
    count = events_wanted()
    with test_infrastructure(folder / "stack") as infrastructure:
        async with running_platform(
            infrastructure, folder / "platform", database_prefix="kbench"
        ) as platform:
            print(f"Benchmark: {count} events; servers: {infrastructure.source}.")
            bare = await bare_aiokafka(
                infrastructure.endpoints.kafka_bootstrap, community_events(count, "98.01")
            )
            flat = await pipeline(
                platform, community_events(count, f"98.{random.randint(10, 99)}"), per_second=None
            )
            paced = await pipeline(
                platform, community_events(5000, f"97.{random.randint(10, 99)}"), per_second=500
            )
    print()
    print(table([bare, flat, paced]))
    ratio = flat.rate / bare.rate
    print(f"\npipeline / bare aiokafka: {ratio:.2f} (aim: at least 0.25)")
    print(f"p99 at 500 events/s: {paced.p99_ms:.0f} ms (aim: under 250 ms)")
    return 0


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="kombel-bench-") as folder:
        return asyncio.run(run(Path(folder)))


if __name__ == "__main__":
    sys.exit(main())
