"""A paced client in a process of its own: `python -m tests.benchmarks.pacer`, a plan as JSON on
standard input, the times as JSON on standard output.

The benchmark's own process runs the platform's workers, which a check-in keeps busy (its
event is published and consumed there); a client on that event loop would count their turns as
the service's latency, and only on the service's side of the comparison.

The plan: `base_url`, `path`, `headers`, `bodies` (one POST each), `per_second` (none: one at a
time, each sent when the one before has answered), and `warm_up` (how many of the bodies go
first, one at a time, untimed). Every answer must be a 2xx whose `result` is `ok`. The answer:
`times` (milliseconds of each timed request) and `seconds`.
"""

import asyncio
import json
import sys
import time
from typing import Any

import httpx

from tests.benchmarks.activities import open_loop


async def drive(plan: dict[str, Any]) -> dict[str, Any]:
    bodies: list[dict[str, Any]] = plan["bodies"]
    warm_up: int = plan["warm_up"]
    async with httpx.AsyncClient(base_url=plan["base_url"], timeout=60) as client:

        async def send(body: dict[str, Any]) -> None:
            response = await client.post(plan["path"], json=body, headers=plan["headers"])
            response.raise_for_status()
            if response.json().get("result") != "ok":
                raise RuntimeError(f"not checked in: {response.text}")

        for body in bodies[:warm_up]:
            await send(body)
        timed = bodies[warm_up:]
        if plan["per_second"] is not None:
            times, seconds = await open_loop(
                len(timed), plan["per_second"], lambda n: send(timed[n])
            )
            return {"times": times, "seconds": seconds}
        times = []
        began = time.perf_counter()
        for body in timed:
            started = time.perf_counter()
            await send(body)
            times.append((time.perf_counter() - started) * 1000)
    return {"times": times, "seconds": time.perf_counter() - began}


def main() -> int:
    json.dump(asyncio.run(drive(json.load(sys.stdin))), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
