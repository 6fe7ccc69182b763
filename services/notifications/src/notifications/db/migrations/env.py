"""Alembic environment of the notifications service."""

from kombel_runtime.migration_env import run_migrations
from notifications.db.tables import metadata

run_migrations(metadata)
