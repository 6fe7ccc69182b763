"""The embedded stack: PostgreSQL, Valkey and Tansu started together, stopped in reverse.

Used by `kombel up` and, with `durable=False` and free ports, by the test harness. Data lives
under one folder and survives restarts; the broker is memory-only, so topics are created again
by the services at start-up.
"""

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import asyncpg

from kombel_runtime.embedded import servers
from kombel_runtime.embedded.processes import ServerProcess, port_open


@dataclass(frozen=True)
class StackPorts:
    postgres: int = 54329
    redis: int = 63799
    kafka: int = 19092


@dataclass(frozen=True)
class StackEndpoints:
    postgres_admin_url: str
    redis_url: str
    kafka_bootstrap: str

    def database_url(self, database: str) -> str:
        """The SQLAlchemy (asyncpg) URL of one database on this server."""
        base = self.postgres_admin_url.rsplit("/", 1)[0]
        return f"{base.replace('postgresql://', 'postgresql+asyncpg://')}/{database}"


class EmbeddedStack:
    def __init__(self, folder: Path, ports: StackPorts, *, durable: bool = True) -> None:
        self.folder = folder
        self.ports = ports
        self.durable = durable
        self.processes: dict[str, ServerProcess] = {}

    @property
    def endpoints(self) -> StackEndpoints:
        return StackEndpoints(
            postgres_admin_url=f"postgresql://postgres@127.0.0.1:{self.ports.postgres}/postgres",
            redis_url=f"redis://127.0.0.1:{self.ports.redis}/0",
            kafka_bootstrap=f"127.0.0.1:{self.ports.kafka}",
        )

    def start(self) -> StackEndpoints:
        busy = [f"{name} ({port})" for name, port in asdict(self.ports).items() if port_open(port)]
        if busy:
            raise RuntimeError(
                "ports already in use: " + ", ".join(busy) + ". Is another `kombel up` running? "
                "Stop it, or choose other ports with KOMBEL_PG_PORT, KOMBEL_REDIS_PORT and "
                "KOMBEL_KAFKA_PORT."
            )
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            self._start(
                servers.postgres(
                    self.folder / "postgres", self.ports.postgres, durable=self.durable
                ),
                lambda: servers.postgres_ready(self.ports.postgres),
                timeout_s=60,
            )
            self._start(
                servers.valkey(self.folder / "valkey", self.ports.redis),
                lambda: servers.valkey_ready(self.ports.redis),
            )
            self._start(
                servers.tansu(self.folder / "tansu", self.ports.kafka),
                lambda: servers.tansu_ready(self.ports.kafka),
            )
        except BaseException:
            self.stop()
            raise
        (self.folder / "stack.json").write_text(json.dumps(asdict(self.endpoints), indent=2))
        return self.endpoints

    def _start(self, process: ServerProcess, ready: "servers.Ready", timeout_s: float = 30) -> None:
        self.processes[process.name] = process
        process.start(ready, timeout_s)

    def stop(self) -> None:
        for process in reversed(list(self.processes.values())):
            process.stop()
        self.processes.clear()
        (self.folder / "stack.json").unlink(missing_ok=True)

    def __enter__(self) -> "EmbeddedStack":
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def running_endpoints(folder: Path) -> StackEndpoints | None:
    """The endpoints of a stack that `kombel up` is running from `folder`, if any."""
    try:
        return StackEndpoints(**json.loads((folder / "stack.json").read_text()))
    except (OSError, ValueError, TypeError):
        return None


async def ensure_database(admin_url: str, name: str) -> None:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unsafe database name {name!r}")
    connection = await asyncpg.connect(admin_url)
    try:
        exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
