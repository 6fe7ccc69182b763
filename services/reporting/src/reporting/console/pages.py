"""`/console/…`: the console's pages, its modules and styles, and the vendor packages.

Every path without a file extension is a page of the console: `/console/wilayah/12` gets the
shell (`index.html`), whose router draws the page; a page with its own document (`checkin`)
has `web/<name>.html`. Vendor files come from `web/node_modules`, only for the packages listed
in `VENDOR`, under a path that names the installed version so browsers may keep them for good.
HTML documents get the import map of those packages and a Content Security Policy.
"""

import base64
import functools
import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from kombel_runtime.errors import ApiError
from kombel_runtime.service import Runtime
from kombel_runtime.settings import ServiceSettings
from starlette.exceptions import HTTPException
from starlette.staticfiles import StaticFiles

from reporting.console.dev_sign_in import router as dev_sign_in_router
from reporting.console.settings import dev_sign_in_offered, oidc_client

WEB = Path(__file__).parent / "web"
# npm package → its module the pages import by bare name, and the folder the browser may read.
VENDOR: dict[str, tuple[str, str]] = {
    "uplot": ("dist/uPlot.esm.js", "dist"),
    "jsqr": ("dist/jsQR.js", "dist"),
}
IMMUTABLE = "public, max-age=31536000, immutable"
# Modules and styles change with each release and are small: the browser asks again each time
# and gets 304 while they are unchanged.
REVALIDATE = "no-cache"
NOT_SERVED = ("node_modules", "package.json", "package-lock.json", "README.md")

router = APIRouter(prefix="/console", tags=["console"])
router.include_router(dev_sign_in_router)

_files = StaticFiles(directory=WEB, check_dir=False)


def _not_found() -> ApiError:
    return ApiError(404, "not_found", "Halaman konsol tidak ditemukan.")


@functools.cache
def _vendor_versions() -> dict[str, str]:
    versions: dict[str, str] = {}
    for package in VENDOR:
        manifest = WEB / "node_modules" / package / "package.json"
        if manifest.exists():
            versions[package] = json.loads(manifest.read_text())["version"]
    return versions


def import_map() -> dict[str, Any]:
    versions = _vendor_versions()
    return {
        "imports": {
            package: f"/console/vendor/{package}@{versions[package]}/{module}"
            for package, (module, _) in VENDOR.items()
            if package in versions
        }
    }


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _html(document: Path, settings: ServiceSettings) -> HTMLResponse:
    script = '<script type="importmap">' + json.dumps(import_map()) + "</script>"
    inline = script.removeprefix('<script type="importmap">').removesuffix("</script>")
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    text = document.read_text().replace("<!-- importmap -->", script)
    issuer = "" if dev_sign_in_offered(settings) else _origin(oidc_client(settings).issuer)
    policy = "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'sha256-{digest}'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "media-src 'self' blob: mediastream:",
            f"connect-src 'self' {issuer}".strip(),
            f"form-action 'self' {issuer}".strip(),
            "worker-src 'self'",
            "manifest-src 'self'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
        ]
    )
    return HTMLResponse(
        text,
        headers={
            "Cache-Control": REVALIDATE,
            "Content-Security-Policy": policy,
            "X-Content-Type-Options": "nosniff",
            # The sign-in callback carries a code in its query: keep it out of Referer headers.
            "Referrer-Policy": "same-origin",
        },
    )


@router.get("", include_in_schema=False)
async def console_root() -> RedirectResponse:
    return RedirectResponse("/console/", status_code=308)


@router.get("/config.json")
async def console_config(runtime: Runtime) -> JSONResponse:
    """How the pages sign in: the dev sign-in of the embedded stack, or OIDC with PKCE."""
    dev = dev_sign_in_offered(runtime.settings)
    body: dict[str, Any] = {"sign_in": "dev" if dev else "oidc", "oidc": None}
    if not dev:
        client = oidc_client(runtime.settings)
        body["oidc"] = {
            "issuer": client.issuer,
            "client_id": client.client_id,
            "scope": "openid profile",
        }
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


@router.get("/vendor/{package_version}/{path:path}")
async def vendor_file(package_version: str, path: str, request: Request) -> Response:
    package, _, version = package_version.rpartition("@")
    if package not in VENDOR or _vendor_versions().get(package) != version:
        raise _not_found()
    folder = VENDOR[package][1]
    if not path.startswith(folder + "/"):
        raise _not_found()
    response = await _serve(f"node_modules/{package}/{path}", request)
    response.headers["Cache-Control"] = IMMUTABLE
    return response


@router.get("/{path:path}")
async def console_page(path: str, request: Request, runtime: Runtime) -> Response:
    if path.split("/", 1)[0] in NOT_SERVED or any(p.startswith(".") for p in path.split("/")):
        raise _not_found()
    last = path.rsplit("/", 1)[-1]
    if "." not in last:
        own = WEB / f"{path.strip('/')}.html"
        document = own if path and own.is_file() and own.parent == WEB else WEB / "index.html"
        return _html(document, runtime.settings)
    if last.endswith(".html"):
        document = WEB / path
        if document.parent == WEB and document.is_file():
            return _html(document, runtime.settings)
        raise _not_found()
    response = await _serve(path, request)
    response.headers.setdefault("Cache-Control", REVALIDATE)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


async def _serve(path: str, request: Request) -> Response:
    try:
        return await _files.get_response(path, request.scope)
    except HTTPException as missing:
        raise _not_found() from missing
