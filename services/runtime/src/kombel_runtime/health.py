"""`/healthz` (the process is alive), `/readyz` (its dependencies answer) and `/metrics`."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

if TYPE_CHECKING:
    from kombel_runtime.service import ServiceRuntime

CHECK_TIMEOUT_S = 3.0


def health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", summary="Proses hidup")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/readyz",
        summary="Basis data, broker dan Redis dapat dijangkau",
        responses={503: {"description": "Salah satu belum dapat dijangkau (lihat isinya)"}},
    )
    async def readyz(request: Request) -> JSONResponse:
        runtime: ServiceRuntime = request.app.state.runtime
        checks = {
            "database": lambda: _database(runtime),
            "broker": runtime.kafka_reachable,
            "redis": lambda: _redis(runtime),
        }
        results = await asyncio.gather(*(_check(c) for c in checks.values()))
        body: dict[str, Any] = {"checks": dict(zip(checks, results, strict=True))}
        ready = all(result == "ok" for result in results)
        body["status"] = "ready" if ready else "not_ready"
        return JSONResponse(body, status_code=200 if ready else 503)

    @router.get("/metrics", summary="Metrik dalam format Prometheus", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        runtime: ServiceRuntime = request.app.state.runtime
        await runtime.refresh_gauges()
        return Response(runtime.telemetry.metrics_text(), media_type=CONTENT_TYPE_LATEST)

    return router


async def _check(probe: Callable[[], Awaitable[Any]]) -> str:
    try:
        await asyncio.wait_for(probe(), timeout=CHECK_TIMEOUT_S)
    except TimeoutError:
        return "timeout"
    except Exception as error:
        return f"error: {type(error).__name__}"
    return "ok"


async def _database(runtime: "ServiceRuntime") -> None:
    async with runtime.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def _redis(runtime: "ServiceRuntime") -> None:
    await runtime.redis.ping()
