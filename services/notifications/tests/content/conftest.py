"""The content tests' own service tier (templates, inbox, preferences, messages) on a migrated
notifications database of their own; the API tests here use the shared `platform`."""

from kombel_runtime.testing.databases import service_tier_fixtures
from notifications.app import definition

service_sessions, session = service_tier_fixtures(definition)
