"""Alembic environment of the reporting service."""

from kombel_runtime.migration_env import run_migrations
from reporting.db.tables import metadata

run_migrations(metadata)
