"""The floor under a check-in at the door: FastAPI and asyncpg, one endpoint doing one indexed
UPDATE, nothing else (no token, no ticket, no event). Served as the activities service is, so
the gap between the two is what the service does beyond it.

`uvicorn --factory tests.benchmarks.door_floor:create_app`, with the database in
`KOMBEL_BENCH_FLOOR_DSN` and `TABLE` holding the rows to check in.
"""

import contextlib
import os
from collections.abc import AsyncIterator
from uuid import UUID

import asyncpg
from fastapi import FastAPI, Request
from pydantic import BaseModel

TABLE = "bench_door_floor"
DSN_VARIABLE = "KOMBEL_BENCH_FLOOR_DSN"
# As many connections as the service's engine may hold (`kombel_runtime.database.create_engine`).
POOL_SIZE = 10
POOL_MAX = 20


class Scan(BaseModel):
    id: UUID


def create_app() -> FastAPI:
    dsn = os.environ[DSN_VARIABLE]

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with asyncpg.create_pool(dsn, min_size=POOL_SIZE, max_size=POOL_MAX) as pool:
            app.state.pool = pool
            yield

    app = FastAPI(lifespan=lifespan)

    @app.post("/checkins")
    async def check_in(scan: Scan, request: Request) -> dict[str, str]:
        pool: asyncpg.Pool = request.app.state.pool
        await pool.execute(f"UPDATE {TABLE} SET checked_in_at = now() WHERE id = $1", scan.id)  # noqa: S608
        return {"result": "ok"}

    return app
