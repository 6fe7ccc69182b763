"""Who may come in, and how often: rate limits and the bearer token, before any body is read.

In order, for each request:
1. the client address's bucket (every path but health and metrics, which probes call);
2. public paths (docs, the OpenAPI document, health, paths a service declares) pass;
3. an address with too many failed sign-ins (invalid or expired tokens) is refused before its
   token is even verified, so guessing costs a wait rather than an answer;
4. the token is verified, once; a failure is answered 401 and spends the failed-sign-in bucket;
5. the caller's bucket (by token subject), and for uploads the stricter upload bucket.
The principal is then left in the request's state for `authenticate` and the idempotency
middleware. Refusals are 429 `rate_limited` with `Retry-After` in seconds.

The client address is the ASGI `client`: behind a gateway it is the gateway's own unless the
server is told to trust its `X-Forwarded-For` (uvicorn `--forwarded-allow-ips`).
"""

import hashlib
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from kombel_runtime.asgi import header, send_error
from kombel_runtime.auth import PRINCIPAL_STATE, TokenVerifier, bearer_token
from kombel_runtime.body_limits import UploadRoutes
from kombel_runtime.errors import ApiError
from kombel_runtime.path_templates import PathTemplates
from kombel_runtime.ratelimit import Decision, RateLimiter
from kombel_runtime.settings import ServiceSettings


@dataclass(frozen=True)
class RateLimits:
    """Requests per minute; a bucket holds one minute's worth, so bursts up to that pass."""

    per_user: int
    per_address: int
    uploads_per_user: int
    failed_auth_per_address: int

    @classmethod
    def of(cls, settings: ServiceSettings) -> "RateLimits":
        return cls(
            per_user=settings.rate_limit_per_minute,
            per_address=settings.rate_limit_address_per_minute,
            uploads_per_user=settings.rate_limit_uploads_per_minute,
            failed_auth_per_address=settings.rate_limit_failed_auth_per_minute,
        )


@dataclass(frozen=True)
class _Bucket:
    name: str
    per_minute: int
    message: str


class AdmissionMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        verifier: TokenVerifier,
        limiter: RateLimiter | None,
        limits: RateLimits,
        public: PathTemplates,
        unmetered: PathTemplates,
        uploads: UploadRoutes,
    ) -> None:
        self.app = app
        self.verifier = verifier
        self.limiter = limiter
        self.public = public
        self.unmetered = unmetered
        self.uploads = uploads
        self._address = _Bucket(
            "address",
            limits.per_address,
            "Terlalu banyak permintaan dari alamat jaringan ini.",
        )
        self._failed_auth = _Bucket(
            "failed-auth",
            limits.failed_auth_per_address,
            "Terlalu banyak percobaan dengan token yang tidak sah dari alamat jaringan ini.",
        )
        self._user = _Bucket("user", limits.per_user, "Terlalu banyak permintaan dari akun Anda.")
        self._uploads = _Bucket(
            "upload", limits.uploads_per_user, "Terlalu banyak unggahan dari akun Anda."
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        client = scope.get("client")
        address = client[0] if client else "unknown"
        if path not in self.unmetered and await self._refused(send, self._address, address):
            return
        if path in self.public:
            await self.app(scope, receive, send)
            return
        try:
            token = bearer_token((header(scope, b"authorization") or b"").decode("latin-1"))
        except ApiError as missing:
            await send_error(send, missing)
            return
        if await self._refused(send, self._failed_auth, address, take=False):
            return
        try:
            principal = await self.verifier.verify(token)
        except ApiError as invalid:
            await self._spend(self._failed_auth, address)
            await send_error(send, invalid)
            return
        caller = hashlib.sha256(principal.subject.encode()).hexdigest()[:32]
        if await self._refused(send, self._user, caller):
            return
        if self.uploads.is_upload(scope) and await self._refused(send, self._uploads, caller):
            return
        scope.setdefault("state", {})[PRINCIPAL_STATE] = principal
        await self.app(scope, receive, send)

    async def _spend(self, bucket: _Bucket, key: str, *, take: bool = True) -> Decision:
        if self.limiter is None:
            return Decision(True, 0.0)
        return await self.limiter.allow(
            f"{bucket.name}:{key}", bucket.per_minute / 60, bucket.per_minute, take=take
        )

    async def _refused(self, send: Send, bucket: _Bucket, key: str, *, take: bool = True) -> bool:
        decision = await self._spend(bucket, key, take=take)
        if decision.allowed:
            return False
        wait = decision.retry_after_header
        await send_error(
            send,
            ApiError(
                429,
                "rate_limited",
                f"{bucket.message} Coba lagi dalam {wait} detik.",
                headers={"Retry-After": wait},
            ),
        )
        return True
