"""The service tier: membership's use cases against its real, migrated database, called as a
router or a consumer would call them, with no HTTP and no Kafka between."""

from kombel_runtime.testing.databases import service_tier_fixtures
from membership.app import definition

service_sessions, session = service_tier_fixtures(definition)
