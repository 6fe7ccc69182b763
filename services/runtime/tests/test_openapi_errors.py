"""Each service's OpenAPI document lists the error answers it really gives, with their body."""

from typing import Any

import pytest
from kombel_runtime.platform import service_definitions
from kombel_runtime.testing.edge_service import EdgeFactory
from kombel_runtime.testing.harness import RunningPlatform

pytestmark = pytest.mark.infra

METHODS = {"get", "put", "post", "delete", "patch"}
ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorBody"}
HEALTH = ("/healthz", "/readyz")


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def error_schema(operation: dict[str, Any], status: str) -> Any:
    return operation["responses"][status]["content"]["application/json"]["schema"]


@pytest.mark.parametrize("service", ["membership", "activities", "notifications", "reporting"])
async def test_every_operation_documents_401_and_422_with_the_error_body(
    platform: RunningPlatform, service: str
) -> None:
    document = (await platform.client.get(f"/{service}/openapi.json")).json()
    assert "HTTPValidationError" not in str(document)
    assert document["components"]["schemas"]["ErrorBody"]["required"] == ["error"]
    found = operations(document)
    assert found
    public = {
        f"/{service}{path}"
        for definition in service_definitions()
        if definition.name == service
        for path in definition.public_paths
    }
    for method, path, operation in found:
        where = f"{method.upper()} {path}"
        assert error_schema(operation, "422") == ERROR_SCHEMA, where
        if path.endswith(HEALTH) or path in public:
            assert "401" not in operation["responses"], where
            continue
        assert error_schema(operation, "401") == ERROR_SCHEMA, where
        assert error_schema(operation, "429") == ERROR_SCHEMA, where
        assert "Retry-After" in operation["responses"]["429"]["headers"], where
        if "{" in path:
            assert error_schema(operation, "404") == ERROR_SCHEMA, where
        if "requestBody" in operation:
            assert error_schema(operation, "413") == ERROR_SCHEMA, where
        for status, response in operation["responses"].items():
            if status.startswith("4"):
                assert response["content"]["application/json"]["schema"] == ERROR_SCHEMA


async def test_csv_and_event_stream_routes_name_their_content_type(
    platform: RunningPlatform,
) -> None:
    document = (await platform.client.get("/membership/openapi.json")).json()
    paths = document["paths"]
    for path in (
        "/membership/imports/{kind}/template.csv",
        "/membership/imports/{import_id}/errors.csv",
        "/membership/imports/{import_id}/matches.csv",
    ):
        assert list(paths[path]["get"]["responses"]["200"]["content"]) == ["text/csv"], path
    events = paths["/membership/imports/{import_id}/events"]["get"]["responses"]["200"]
    assert list(events["content"]) == ["text/event-stream"]


async def test_public_paths_uploads_and_posts_are_documented_as_the_edge_treats_them(
    edge_service: EdgeFactory,
) -> None:
    async with edge_service() as edge:
        document = (await edge.client.get("/edge/openapi.json")).json()
    paths = document["paths"]
    public = paths["/edge/open/{code}"]["get"]["responses"]
    assert "401" not in public
    assert {"404", "422", "429"} <= set(public)
    upload = paths["/edge/files"]["post"]
    assert {"400", "401", "409", "413", "429"} <= set(upload["responses"])
    assert [p["name"] for p in upload["parameters"]] == ["Idempotency-Key"]
    assert "413" not in paths["/edge/notes"]["get"]["responses"]
