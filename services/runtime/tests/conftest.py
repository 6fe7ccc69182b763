"""Fixtures of the runtime's own tests."""

from pathlib import Path

import pytest
from kombel_runtime.testing.edge_service import EdgeFactory, edge_services
from kombel_runtime.testing.infrastructure import Infrastructure


@pytest.fixture
def edge_service(infrastructure: Infrastructure, tmp_path: Path) -> EdgeFactory:
    """The test service behind the edge, built per test with settings overridden."""
    return edge_services(infrastructure.endpoints.redis_url, tmp_path)
