"""The service tier of planning: notifications' live consumers, the sweeps and the planner
against the service's own real, migrated database, with no HTTP and no Kafka between."""

from kombel_runtime.testing.databases import service_tier_fixtures
from notifications.app import definition

service_sessions, session = service_tier_fixtures(definition)
