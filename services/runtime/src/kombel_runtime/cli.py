"""`kombel`: run the platform on the embedded stack, mint dev tokens, handle dead letters,
rebuild and check read models."""

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kombel_runtime.auth import Role
from kombel_runtime.dev_issuer import DevIssuer
from kombel_runtime.settings import Environment

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from kombel_runtime.projections import Projection
    from kombel_runtime.replicas import Replica
    from kombel_runtime.service import ServiceDefinition

T = TypeVar("T")

DEFAULT_DATA_DIR = Path(".kombel")


def _data_dir(arguments: argparse.Namespace) -> Path:
    return Path(
        arguments.data_dir or os.environ.get("KOMBEL_DATA_DIR") or DEFAULT_DATA_DIR
    ).resolve()


def _environment() -> Environment:
    return Environment(os.environ.get("KOMBEL_ENVIRONMENT", Environment.DEVELOPMENT.value))


def _issuer(arguments: argparse.Namespace) -> DevIssuer:
    return DevIssuer(_data_dir(arguments) / "dev-issuer", _environment())


def up(arguments: argparse.Namespace) -> int:
    import uvicorn

    from kombel_runtime.embedded.stack import EmbeddedStack, StackPorts
    from kombel_runtime.logs import configure_logging
    from kombel_runtime.platform import EmbeddedPlatform

    configure_logging(json_logs=os.environ.get("KOMBEL_LOG_JSON", "1") != "0")
    if _environment() is Environment.PRODUCTION:
        print(
            "kombel up is the development stack; it refuses production settings.", file=sys.stderr
        )
        return 2
    folder = _data_dir(arguments)
    port = int(os.environ.get("KOMBEL_PORT", "8000"))
    ports = StackPorts(
        postgres=int(os.environ.get("KOMBEL_PG_PORT", StackPorts.postgres)),
        redis=int(os.environ.get("KOMBEL_REDIS_PORT", StackPorts.redis)),
        kafka=int(os.environ.get("KOMBEL_KAFKA_PORT", StackPorts.kafka)),
    )
    stack = EmbeddedStack(folder, ports)
    print(f"Starting PostgreSQL, Valkey and Tansu (data in {folder}) …", flush=True)
    endpoints = stack.start()
    try:
        platform = EmbeddedPlatform(endpoints, folder)
        asyncio.run(platform.prepare())
        token = platform.issuer.mint(Role.NATIONAL_ADMIN, subject="dev-admin")
        base = f"http://127.0.0.1:{port}"
        print("\nKombel platform is up:\n")
        print(f"  {'console':<14} {base}/console/  (dev sign-in: pick a role and a place)")
        for name in platform.settings:
            print(f"  {name:<14} {base}/{name}/docs")
        print(f"\nPostgreSQL {endpoints.postgres_admin_url}\nRedis      {endpoints.redis_url}")
        print(f"Kafka      {endpoints.kafka_bootstrap}")
        print(f"\nDev token (national_admin, 12 h):\n\n  export TOKEN={token}\n")
        print("Other roles: .venv/bin/kombel token --role district_staff --kabkota 12.11\n")
        print("A province to look at: .venv/bin/kombel seed --demo (in a second terminal)\n")
        print("Ctrl-C stops everything.", flush=True)
        server = uvicorn.Server(
            uvicorn.Config(platform.gateway(), host="127.0.0.1", port=port, log_config=None)
        )
        server.run()
    finally:
        stack.stop()
    return 0


def token(arguments: argparse.Namespace) -> int:
    issuer = _issuer(arguments)
    print(
        issuer.mint(
            Role(arguments.role),
            subject=arguments.subject,
            province=arguments.province,
            kabkota=arguments.kabkota,
            npsn=arguments.npsn,
            communities=arguments.community or None,
            person=arguments.person,
        )
    )
    return 0


def _bootstrap(arguments: argparse.Namespace) -> str:
    from kombel_runtime.embedded.stack import running_endpoints

    if arguments.bootstrap:
        return str(arguments.bootstrap)
    if "KOMBEL_KAFKA_BOOTSTRAP" in os.environ:
        return os.environ["KOMBEL_KAFKA_BOOTSTRAP"]
    endpoints = running_endpoints(_data_dir(arguments))
    if endpoints is None:
        raise SystemExit("No broker: start `kombel up`, or pass --bootstrap HOST:PORT.")
    return endpoints.kafka_bootstrap


def deadletters(arguments: argparse.Namespace) -> int:
    from kombel_runtime import deadletters as dlt

    bootstrap = _bootstrap(arguments)
    if arguments.action == "topics":
        for name in asyncio.run(dlt.dead_letter_topics(bootstrap)):
            print(name)
        return 0
    if not arguments.topic:
        raise SystemExit("Name the dead-letter topic (see `kombel deadletters topics`).")
    if arguments.action == "list":
        letters = asyncio.run(dlt.list_dead_letters(bootstrap, arguments.topic))
        print(f"{'offset':>6}  {'replayed':<8}  {'event id':<36}  {'type':<45}  error")
        for letter in letters:
            print(
                f"{letter.offset:>6}  {'yes' if letter.replayed else 'no':<8}  "
                f"{letter.event_id:<36}  {letter.event_type:<45}  {letter.error}"
            )
        print(f"{len(letters)} dead letter(s)")
        return 0
    count = asyncio.run(dlt.replay_dead_letters(bootstrap, arguments.topic))
    print(f"{count} dead letter(s) sent back to their original topic")
    return 0


def migrate(arguments: argparse.Namespace) -> int:
    """Migrate one service's database, with settings from the environment (a deploy job)."""
    from kombel_runtime.database import upgrade_to_head

    definition = _definition(arguments.service)
    settings = definition.settings_class()
    upgrade_to_head(definition.migrations, settings.database_url)
    print(f"{definition.name}: database at the latest migration")
    return 0


def _service_settings(arguments: argparse.Namespace, definition: "ServiceDefinition") -> Any:
    """A service's settings from the environment (a deploy job), else those of the platform
    that `kombel up` runs from the data folder."""
    from kombel_runtime.embedded.stack import running_endpoints
    from kombel_runtime.platform import platform_settings

    if "KOMBEL_DATABASE_URL" in os.environ:
        return definition.settings_class()
    endpoints = running_endpoints(_data_dir(arguments))
    if endpoints is None:
        raise SystemExit("No platform: start `kombel up`, or set the service's KOMBEL_* settings.")
    return platform_settings(definition, endpoints, _issuer(arguments))


def _definition(name: str) -> "ServiceDefinition":
    from kombel_runtime.platform import service_definitions

    definitions = {d.name: d for d in service_definitions()}
    if name not in definitions:
        raise SystemExit(f"Unknown service {name}; known: {', '.join(definitions)}")
    return definitions[name]


def _rebuildable(definition: "ServiceDefinition", name: str) -> "Replica | Projection":
    """The service's replica or projection of that name."""
    found: dict[str, Replica | Projection] = {r.name: r for r in definition.replicas}
    found |= {p.name: p for p in definition.projections}
    if name not in found:
        known = ", ".join(found) or "none"
        raise SystemExit(f"{definition.name} has no replica or projection {name}; known: {known}")
    return found[name]


def _with_database(
    arguments: argparse.Namespace,
    definition: "ServiceDefinition",
    work: "Callable[[str, async_sessionmaker[AsyncSession]], Awaitable[T]]",
) -> "T":
    """Run `work` with the Kafka bootstrap and a small pool on the service's database."""
    from kombel_runtime.database import create_engine, session_factory

    settings = _service_settings(arguments, definition)

    async def run() -> T:
        engine = create_engine(settings.database_url, pool_size=2)
        try:
            return await work(settings.kafka_bootstrap, session_factory(engine))
        finally:
            await engine.dispose()

    return asyncio.run(run())


def replay(arguments: argparse.Namespace) -> int:
    """Rebuild a service's replica or projection from the beginning of its topics, while the
    old one serves."""
    from kombel_runtime import projection_rebuild, replicas
    from kombel_runtime.replicas import Replica

    definition = _definition(arguments.service)
    target = _rebuildable(definition, arguments.name)

    async def work(bootstrap: str, sessions: "async_sessionmaker[AsyncSession]") -> int:
        if isinstance(target, Replica):
            return await replicas.rebuild(bootstrap, sessions, target)
        return await projection_rebuild.rebuild(bootstrap, sessions, target)

    applied = _with_database(arguments, definition, work)
    print(f"{definition.name}.{target.name}: rebuilt from {applied} event(s) and switched")
    return 0


def check(arguments: argparse.Namespace) -> int:
    """Compare a projection with a recomputation from its topics; 1 when they differ."""
    from kombel_runtime.projection_rebuild import Difference, compare

    definition = _definition(arguments.service)
    projections = {p.name: p for p in definition.projections}
    projection = projections.get(arguments.projection)
    if projection is None:
        known = ", ".join(projections) or "none"
        raise SystemExit(
            f"{definition.name} has no projection {arguments.projection}; known: {known}"
        )

    async def work(
        bootstrap: str, sessions: "async_sessionmaker[AsyncSession]"
    ) -> list[Difference]:
        return await compare(bootstrap, sessions, projection)

    differences = _with_database(arguments, definition, work)
    for difference in differences:
        print(difference)
    name = f"{definition.name}.{projection.name}"
    if differences:
        print(f"{name}: {len(differences)} difference(s) from a recomputation of the events")
        return 1
    print(f"{name}: no differences from a recomputation of the events")
    return 0


def seed(arguments: argparse.Namespace) -> int:
    """Fill the running platform with a demo province, through its public APIs."""
    if not arguments.demo:
        raise SystemExit("Only the demo province exists so far: `kombel seed --demo`.")
    from reporting.demo import run_demo_seed

    port = os.environ.get("KOMBEL_PORT", "8000")
    return run_demo_seed(
        arguments.url or f"http://127.0.0.1:{port}",
        _issuer(arguments),
        province=arguments.province,
        scale=arguments.scale,
        kabkotas=arguments.kabkota,
    )


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="kombel", description=__doc__)
    root.add_argument("--data-dir", help="data folder of the embedded stack (default .kombel)")
    commands = root.add_subparsers(dest="command", required=True)

    commands.add_parser("up", help="run the whole platform on the embedded stack").set_defaults(
        run=up
    )

    minting = commands.add_parser("token", help="print a dev bearer token")
    minting.add_argument("--role", required=True, choices=[r.value for r in Role])
    minting.add_argument("--province", help="province code, e.g. 12")
    minting.add_argument("--kabkota", help="kabupaten/kota code, e.g. 12.11")
    minting.add_argument("--npsn", help="school NPSN (8 digits)")
    minting.add_argument("--community", action="append", help="community id (repeatable)")
    minting.add_argument("--person", help="the caller's own person id (members, leads)")
    minting.add_argument("--subject", help="the token's subject (default: a random dev id)")
    minting.set_defaults(run=token)

    migrating = commands.add_parser("migrate", help="migrate a service's database (KOMBEL_* env)")
    migrating.add_argument("service")
    migrating.set_defaults(run=migrate)

    replaying = commands.add_parser(
        "replay",
        help="rebuild a service's replica or projection from its topics (e.g. activities people)",
    )
    replaying.add_argument("service")
    replaying.add_argument("name", help="replica or projection")
    replaying.set_defaults(run=replay)

    checking = commands.add_parser(
        "check",
        help="compare a projection with a recomputation from its topics (e.g. reporting "
        "trainings); exit 1 when they differ",
    )
    checking.add_argument("service")
    checking.add_argument("projection")
    checking.set_defaults(run=check)

    letters = commands.add_parser("deadletters", help="list or replay dead letters")
    letters.add_argument("action", choices=["topics", "list", "replay"])
    letters.add_argument(
        "topic",
        nargs="?",
        help="dead-letter topic, e.g. kombel.membership.communities.dlt.reporting.communities",
    )
    letters.add_argument("--bootstrap", help="Kafka bootstrap (default: the running kombel up)")
    letters.set_defaults(run=deadletters)

    seeding = commands.add_parser("seed", help="fill the running platform with demo data")
    seeding.add_argument("--demo", action="store_true", help="a province with a year of work")
    seeding.add_argument("--url", help="the platform (default http://127.0.0.1:$KOMBEL_PORT)")
    seeding.add_argument("--province", default="12", help="province code (default 12)")
    seeding.add_argument("--scale", choices=["full", "small"], default="full")
    seeding.add_argument("--kabkota", action="append", help="only these kabupaten/kota")
    seeding.set_defaults(run=seed)
    return root


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING)
    arguments = parser().parse_args(argv)
    try:
        return int(arguments.run(arguments))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
