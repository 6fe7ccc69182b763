"""A small service behind the real edge, for tests of the edge itself (body limits, admission,
rate limits, control characters, the OpenAPI document) without the platform's services.

Each app calls from its own client address and tests mint their own subjects, so buckets and
idempotency keys of one test never meet another's in the shared Redis.
"""

import contextlib
import ipaddress
import random
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, FastAPI, Query, Request, UploadFile, status
from pydantic import BaseModel

from kombel_runtime.auth import CurrentPrincipal, Role
from kombel_runtime.body_limits import UploadRoute
from kombel_runtime.dev_issuer import DEV_AUDIENCE, DEV_ISSUER, DevIssuer
from kombel_runtime.service import ServiceDefinition, create_service_app
from kombel_runtime.settings import ServiceRole, ServiceSettings
from kombel_runtime.testing.plugin import TEST_SETTINGS

FILE_LIMIT = 64 * 1024


class Note(BaseModel):
    title: str
    text: str | None = None
    tags: list[str] = []
    extra: dict[str, Any] = {}


def _router() -> APIRouter:
    router = APIRouter()

    @router.get("/notes")
    async def notes(principal: CurrentPrincipal, q: str | None = None) -> dict[str, Any]:
        return {"by": principal.subject, "q": q}

    @router.post("/notes", status_code=status.HTTP_201_CREATED)
    async def add_note(note: Note, principal: CurrentPrincipal, request: Request) -> dict[str, Any]:
        effects: list[str] = request.app.state.effects
        effects.append(note.title)
        return {"id": len(effects), "by": principal.subject, "title": note.title}

    @router.get("/notes/{code}")
    async def note(code: str, _: CurrentPrincipal) -> dict[str, str]:
        return {"code": code}

    @router.post("/files")
    async def upload(file: UploadFile, _: CurrentPrincipal) -> dict[str, int]:
        return {"size": len(await file.read())}

    @router.get("/open/{code}")
    async def open_page(code: str, limit: Annotated[int, Query(ge=1)] = 1) -> dict[str, Any]:
        return {"code": code, "limit": limit}

    @router.get("/open-whoami")
    async def open_whoami(principal: CurrentPrincipal) -> dict[str, str]:
        return {"by": principal.subject}

    return router


DEFINITION = ServiceDefinition(
    name="edge",
    title="Edge",
    description="A service to test the edge with.",
    settings_class=ServiceSettings,
    migrations=Path(__file__).parent,
    routers=[_router()],
    public_paths=["/open/{code}", "/open-whoami"],
    uploads=[UploadRoute("POST", "/files", lambda _: FILE_LIMIT)],
)


@dataclass
class EdgeService:
    app: FastAPI
    client: httpx.AsyncClient
    issuer: DevIssuer
    address: str

    def auth(self, subject: str | None = None, **claims: Any) -> dict[str, str]:
        token = self.issuer.mint(Role.MEMBER, subject=subject or _subject(), **claims)
        return {"Authorization": f"Bearer {token}"}

    def client_from(self, address: str) -> httpx.AsyncClient:
        """Another client of the same app, calling from another address."""
        return _client(self.app, address)


def _client(app: FastAPI, address: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=(address, 40000)),
        base_url="http://kombel.test",
    )


EdgeFactory = Callable[..., AbstractAsyncContextManager[EdgeService]]


def random_address() -> str:
    return str(ipaddress.IPv4Address(random.randint(0x0A000001, 0x0AFFFFFE)))


def _subject() -> str:
    return f"edge-{random.getrandbits(48):012x}"


def edge_services(redis_url: str, folder: Path) -> EdgeFactory:
    """Builds the test service with settings overridden, e.g. `(rate_limit_per_minute=2)`."""
    issuer = DevIssuer(folder / "issuer")

    @contextlib.asynccontextmanager
    async def build(**overrides: Any) -> AsyncIterator[EdgeService]:
        values: dict[str, Any] = {
            "role": ServiceRole.API,
            # The test service has no database: an address where nothing answers.
            "database_url": "postgresql+asyncpg://edge@127.0.0.1:9/edge",
            "redis_url": redis_url,
            "auth_jwks_path": issuer.jwks_path,
            "auth_issuer": DEV_ISSUER,
            "auth_audience": DEV_AUDIENCE,
            "log_json": False,
        }
        values |= {k: v for k, v in TEST_SETTINGS.items() if k.startswith("rate_limit")}
        values |= overrides
        app = create_service_app(DEFINITION, ServiceSettings(**values))
        app.state.effects = []
        address = random_address()
        async with app.router.lifespan_context(app), _client(app, address) as client:
            yield EdgeService(app, client, issuer, address)

    return build


class CountingBody:
    """A request body that streams `head`, then `chunks` pieces, counting what was pulled."""

    def __init__(self, chunks: int, size: int = 1024 * 1024, head: bytes = b"") -> None:
        self.chunks = chunks
        self.size = size
        self.head = head
        self.pulled = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self.head:
            yield self.head
        for _ in range(self.chunks):
            self.pulled += 1
            yield b" " * self.size
