"""An ASGI app under uvicorn in a process of its own on 127.0.0.1, reached over TCP.

The in-process ASGI client runs the app on the client's own event loop, so a paced client and
the app it measures wait on each other and latencies mean little. A service and the floor it
is compared with are each served this way, and driven by the same client.
"""

import asyncio
import contextlib
import json
import sys
from collections.abc import AsyncIterator, Mapping
from enum import Enum
from pathlib import Path

import httpx
from kombel_runtime.embedded.processes import ServerProcess, free_port, port_open
from kombel_runtime.settings import ServiceSettings
from pydantic import SecretStr


def service_environment(settings: ServiceSettings, **changes: object) -> dict[str, str]:
    """The settings, with `changes`, as the `KOMBEL_…` variables a service process reads."""
    environment = {}
    for name in type(settings).model_fields:
        value = changes.get(name, getattr(settings, name))
        if value is None:
            continue
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        elif isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, Enum):
            value = value.value
        elif isinstance(value, list | tuple | dict | set):
            value = json.dumps(list(value) if isinstance(value, set | tuple) else value)
        environment[f"KOMBEL_{name.upper()}"] = str(value)
    return environment


@contextlib.asynccontextmanager
async def served(
    name: str, factory: str, environment: Mapping[str, str], folder: Path
) -> AsyncIterator[httpx.AsyncClient]:
    """`factory` (`module:function` giving the app) served until the block ends; a client of
    it. Uvicorn opens its port once the app's start-up has run, so an open port is ready."""
    port = free_port()
    server = ServerProcess(
        name,
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            factory,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        folder / f"{name}.log",
        env=dict(environment),
    )
    await asyncio.to_thread(server.start, lambda: port_open(port), 60)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            yield client
    finally:
        await asyncio.to_thread(server.stop)
