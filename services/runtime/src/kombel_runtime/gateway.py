"""One web origin for several services: requests go to the service named by the first path
segment (`/membership/…`), unchanged, as the compose gateway and the Kubernetes ingress do."""

import contextlib
import json
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from starlette.types import Receive, Scope, Send


class Gateway:
    def __init__(self, apps: Mapping[str, FastAPI]) -> None:
        self.apps = dict(apps)
        # Web pages a service serves at the root (`/console/…`) go to that service as well.
        self.routes = {
            segment: app
            for app in self.apps.values()
            for segment in getattr(app.state, "page_segments", ())
        } | self.apps

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        segment = scope.get("path", "/").strip("/").split("/", 1)[0]
        app = self.routes.get(segment)
        if app is not None:
            await app(scope, receive, send)
        elif scope["type"] == "http":
            await self._index(scope, send)

    async def _index(self, scope: Scope, send: Send) -> None:
        body: dict[str, Any]
        if scope.get("path", "/") == "/":
            status = 200
            body = {
                "services": {
                    name: {"docs": f"/{name}/docs", "ready": f"/{name}/readyz"}
                    for name in self.apps
                }
            }
        else:
            status = 404
            services = ", ".join(f"/{name}" for name in self.apps)
            body = {
                "error": {
                    "code": "not_found",
                    "message": f"Alamat tidak dikenal. Layanan yang ada: {services}",
                }
            }
        payload = json.dumps(body).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        message = await receive()
        assert message["type"] == "lifespan.startup"
        async with contextlib.AsyncExitStack() as stack:
            try:
                for app in self.apps.values():
                    await stack.enter_async_context(app.router.lifespan_context(app))
            except Exception as error:
                await send({"type": "lifespan.startup.failed", "message": repr(error)})
                return
            await send({"type": "lifespan.startup.complete"})
            message = await receive()
            assert message["type"] == "lifespan.shutdown"
        await send({"type": "lifespan.shutdown.complete"})
