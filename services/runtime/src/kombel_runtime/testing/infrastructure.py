"""PostgreSQL, Redis and Kafka for tests, from the first source that answers:

1. URLs in the environment: `KOMBEL_TEST_POSTGRES_URL` (an admin URL, `postgresql://…/postgres`),
   `KOMBEL_TEST_REDIS_URL` and `KOMBEL_TEST_KAFKA_BOOTSTRAP`;
2. testcontainers, where `KOMBEL_TEST_CONTAINERS=1` and a Docker engine answers;
3. otherwise the embedded servers of `kombel up`, on free ports, in a temporary folder.
"""

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kombel_runtime.embedded.processes import free_port
from kombel_runtime.embedded.stack import EmbeddedStack, StackEndpoints, StackPorts


class BrokerCannotPause(RuntimeError):
    """The broker is not ours to pause (it came from the environment)."""


@dataclass
class Infrastructure:
    endpoints: StackEndpoints
    source: str
    _stack: EmbeddedStack | None = None
    _kafka_container: Any = field(default=None)

    def pause_broker(self) -> None:
        """Freeze the broker (SIGSTOP or `docker pause`): it keeps its data but answers nothing."""
        if self._stack is not None:
            self._stack.processes["tansu"].pause()
        elif self._kafka_container is not None:
            self._kafka_container.get_wrapped_container().pause()
        else:
            raise BrokerCannotPause("the broker came from KOMBEL_TEST_KAFKA_BOOTSTRAP")

    def resume_broker(self) -> None:
        if self._stack is not None:
            self._stack.processes["tansu"].resume()
        elif self._kafka_container is not None:
            self._kafka_container.get_wrapped_container().unpause()


def _from_environment() -> Infrastructure | None:
    names = ("KOMBEL_TEST_POSTGRES_URL", "KOMBEL_TEST_REDIS_URL", "KOMBEL_TEST_KAFKA_BOOTSTRAP")
    values = [os.environ.get(name) for name in names]
    if not any(values):
        return None
    if not all(values):
        raise RuntimeError(f"set all of {', '.join(names)} or none of them")
    postgres, redis, kafka = (v for v in values if v)
    return Infrastructure(StackEndpoints(postgres, redis, kafka), source="environment")


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
    except Exception:
        return False
    return True


@contextlib.contextmanager
def _containers() -> Iterator[Infrastructure]:
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer
    from testcontainers.redis import RedisContainer

    with (
        PostgresContainer("postgres:17-alpine", driver=None) as postgres,
        RedisContainer("valkey/valkey:8-alpine") as redis,
        KafkaContainer("apache/kafka:3.9.1").with_kraft() as kafka,
    ):
        redis_url = f"redis://{redis.get_container_host_ip()}:{redis.get_exposed_port(6379)}/0"
        endpoints = StackEndpoints(
            postgres_admin_url=postgres.get_connection_url(),
            redis_url=redis_url,
            kafka_bootstrap=kafka.get_bootstrap_server(),
        )
        yield Infrastructure(endpoints, source="testcontainers", _kafka_container=kafka)


@contextlib.contextmanager
def test_infrastructure(folder: Path) -> Iterator[Infrastructure]:
    found = _from_environment()
    if found is not None:
        yield found
        return
    if os.environ.get("KOMBEL_TEST_CONTAINERS") == "1" and _docker_answers():
        with _containers() as infrastructure:
            yield infrastructure
        return
    ports = StackPorts(postgres=free_port(), redis=free_port(), kafka=free_port())
    with EmbeddedStack(folder, ports, durable=False) as stack:
        yield Infrastructure(stack.endpoints, source="embedded", _stack=stack)
