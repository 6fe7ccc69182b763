"""Alembic environment of the membership service."""

from kombel_runtime.migration_env import run_migrations
from membership.db.tables import metadata

run_migrations(metadata)
