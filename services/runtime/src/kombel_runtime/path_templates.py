"""Route templates (`/imports/{kind}`, `/docs-assets/{asset:path}`) matched before routing.

The edge middlewares decide about a request before FastAPI has picked its route, so routes
declared to them (public paths, upload routes) are matched here, with Starlette's own
template syntax. OpenAPI path templates match too, as their parameters are single segments.
"""

from collections.abc import Iterable

from starlette.routing import compile_path


class PathTemplates:
    def __init__(self, templates: Iterable[str]) -> None:
        self.templates = tuple(templates)
        self._patterns = [compile_path(template)[0] for template in self.templates]

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and any(p.match(path) for p in self._patterns)

    def __or__(self, other: "PathTemplates") -> "PathTemplates":
        return PathTemplates(self.templates + other.templates)
