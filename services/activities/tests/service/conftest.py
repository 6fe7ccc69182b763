"""The service tier: activities' use cases against its real, migrated database, called as a
router or a consumer would call them, with no HTTP and no Kafka between."""

from activities.app import definition
from kombel_runtime.testing.databases import service_tier_fixtures

service_sessions, session = service_tier_fixtures(definition)
