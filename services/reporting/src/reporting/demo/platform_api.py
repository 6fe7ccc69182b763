"""The platform's public API as the demo uses it: bearer tokens from the dev issuer, answers
checked, rate limits waited out, imports followed to their end.

The demo is one client at one address sending thousands of requests; the platform's rate
limits apply to it as to anyone, so a 429 is waited out for its `Retry-After` and sent again.
"""

import asyncio
import csv
import io
from collections.abc import Sequence
from typing import Any

import httpx
from kombel_runtime.auth import Role
from kombel_runtime.dev_issuer import DevIssuer

FINISHED = ("succeeded", "failed")


class DemoError(RuntimeError):
    """The platform refused what the demo sent; the message says what and why."""


def csv_file(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    return out.getvalue().encode()


class PlatformApi:
    def __init__(self, client: httpx.AsyncClient, issuer: DevIssuer) -> None:
        self.client = client
        self.issuer = issuer
        self._tokens: dict[tuple[object, ...], dict[str, str]] = {}

    def auth(self, role: Role, **scope: Any) -> dict[str, str]:
        """Headers with a token of the role and scope, one subject per role and scope (so a
        district's committee, or a community's lead, is one caller)."""
        key = (role, *sorted(scope.items()))
        if key not in self._tokens:
            subject = f"demo-{role.value}-" + "-".join(str(v) for _, v in sorted(scope.items()))
            token = self.issuer.mint(role, subject=subject[:120], **scope)
            self._tokens[key] = {"Authorization": f"Bearer {token}"}
        return self._tokens[key]

    async def send(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        *,
        expect: Sequence[int] = (200, 201, 202),
        **options: Any,
    ) -> httpx.Response:
        """The answer to one request, after waiting out rate limits."""
        for _ in range(200):
            response = await self.client.request(method, path, headers=headers, **options)
            if response.status_code != 429:
                break
            await asyncio.sleep(float(response.headers.get("Retry-After", "1")))
        if response.status_code not in expect:
            raise DemoError(f"{method} {path}: {response.status_code} {response.text[:500]}")
        return response

    async def json(self, method: str, path: str, headers: dict[str, str], **options: Any) -> Any:
        return (await self.send(method, path, headers, **options)).json()

    async def every(
        self, path: str, headers: dict[str, str], params: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Every item of a list, page after page."""
        items: list[dict[str, Any]] = []
        cursor = None
        while True:
            page = await self.json(
                "GET", path, headers, params=params | ({"cursor": cursor} if cursor else {})
            )
            items += page["items"]
            cursor = page.get("next")
            if not cursor:
                return items

    async def imported(
        self,
        path: str,
        content: bytes,
        headers: dict[str, str],
        params: dict[str, Any] | None = None,
        filename: str = "data.csv",
    ) -> dict[str, Any]:
        """Upload a file for real and wait for its import to end; its last status."""
        accepted = await self.json(
            "POST",
            path,
            headers,
            params={"dry_run": "false"} | (params or {}),
            files={"file": (filename, content, "text/csv")},
        )
        status_path = accepted["progress"]
        while True:
            status: dict[str, Any] = await self.json("GET", status_path, headers)
            if status["status"] in FINISHED:
                if status["status"] == "failed":
                    raise DemoError(f"{path}: import failed: {status.get('error')}")
                return status
            await asyncio.sleep(0.5)
