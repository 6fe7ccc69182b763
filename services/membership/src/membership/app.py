"""The membership service: regions, schools, people, communities and their members."""

from pathlib import Path

from fastapi import FastAPI
from kombel_events.topics import MEMBERSHIP_COMMUNITIES
from kombel_runtime.service import ServiceDefinition, standalone_app

from membership.api.communities import router as communities_router
from membership.settings import MembershipSettings

definition = ServiceDefinition(
    name="membership",
    title="Kombel · Keanggotaan (membership)",
    description="Wilayah, sekolah, PTK, komunitas belajar dan anggotanya.",
    settings_class=MembershipSettings,
    migrations=Path(__file__).parent / "db" / "migrations",
    routers=[communities_router],
    publishes=[MEMBERSHIP_COMMUNITIES],
)


def create_app() -> FastAPI:
    """The app for `uvicorn --factory membership.app:create_app`, set up from the environment."""
    return standalone_app(definition)
