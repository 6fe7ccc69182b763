"""The HTTP edge every service shares: what a request passes before a route sees it.

Outermost first:
1. `BodyLimitMiddleware`: 413 from `Content-Length` or while the body streams in, before any
   of it is kept;
2. `AdmissionMiddleware`: rate limits (429) and the bearer token (401), before the body is
   read, so an anonymous caller cannot make a service read anything;
3. `ControlCharacterMiddleware`: 422 for control characters in path, query and JSON;
4. `IdempotencyMiddleware`: replays keyed by the verified caller;
then the app itself (routing, validation, routes). The OpenAPI document lists the answers
these give.
"""

from collections.abc import Sequence

import redis.asyncio as redis
from fastapi import FastAPI

from kombel_runtime.admission import AdmissionMiddleware, RateLimits
from kombel_runtime.auth import TokenVerifier
from kombel_runtime.body_limits import BodyLimitMiddleware, UploadRoute, UploadRoutes
from kombel_runtime.control_characters import ControlCharacterMiddleware
from kombel_runtime.idempotency import IdempotencyMiddleware
from kombel_runtime.openapi import document_error_answers
from kombel_runtime.path_templates import PathTemplates
from kombel_runtime.ratelimit import RateLimiter
from kombel_runtime.settings import ServiceSettings

# Under each service's prefix. Probes and scrapers call the health paths often and from one
# address, so they are not rate limited.
HEALTH_PATHS = ("/healthz", "/readyz", "/metrics")
DOCS_PATH = "/docs"
DOCS_OAUTH2_REDIRECT_PATH = "/docs/oauth2-redirect"
DOCS_ASSETS_PATH = "/docs-assets"
OPENAPI_PATH = "/openapi.json"


def install_edge(
    app: FastAPI,
    *,
    service: str,
    settings: ServiceSettings,
    client: "redis.Redis",
    verifier: TokenVerifier,
    public_paths: Sequence[str] = (),
    uploads: Sequence[UploadRoute] = (),
    page_prefixes: Sequence[str] = (),
) -> None:
    """Put the edge in front of a service's app; `public_paths` and `uploads` are templates
    under the service's prefix (`/certificates/{code}`); `page_prefixes` are top-level
    prefixes of web pages (`/console`), public with everything under them."""
    prefix = f"/{service}"
    unmetered = PathTemplates(prefix + path for path in HEALTH_PATHS)
    documentation = (
        DOCS_PATH,
        DOCS_OAUTH2_REDIRECT_PATH,
        OPENAPI_PATH,
        DOCS_ASSETS_PATH + "/{asset:path}",
    )
    public = unmetered | PathTemplates(prefix + p for p in (*documentation, *public_paths))
    public |= PathTemplates(t for p in page_prefixes for t in (p, p + "/{page:path}"))
    upload_routes = UploadRoutes(prefix, uploads, settings)
    limiter = RateLimiter(client, namespace=service) if settings.rate_limit_enabled else None
    # Starlette runs the middleware added last outermost, so they are added innermost first.
    app.add_middleware(IdempotencyMiddleware, client=client, namespace=service)
    app.add_middleware(ControlCharacterMiddleware)
    app.add_middleware(
        AdmissionMiddleware,
        verifier=verifier,
        limiter=limiter,
        limits=RateLimits.of(settings),
        public=public,
        unmetered=unmetered,
        uploads=upload_routes,
    )
    app.add_middleware(
        BodyLimitMiddleware, json_bytes=settings.max_body_bytes, uploads=upload_routes
    )
    document_error_answers(app, public=public, unmetered=unmetered)
