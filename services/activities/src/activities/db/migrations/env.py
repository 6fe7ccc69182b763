"""Alembic environment of the activities service."""

from activities.db.tables import metadata
from kombel_runtime.migration_env import run_migrations

run_migrations(metadata)
