"""The membership service: regions, schools, people, communities and their members; it
answers the registration saga's requests for a person."""

from pathlib import Path

from fastapi import FastAPI
from kombel_events.topics import (
    IMPORTS,
    MEMBERSHIP_COMMUNITIES,
    MEMBERSHIP_PEOPLE,
    MEMBERSHIP_PERSON_REPLIES,
    MEMBERSHIP_SCHOOLS,
)
from kombel_runtime.body_limits import UploadRoute
from kombel_runtime.imports.settings import upload_bytes
from kombel_runtime.imports.worker import import_worker
from kombel_runtime.service import ConsumerSpec, ServiceDefinition, Worker, standalone_app

from membership.api.communities import router as communities_router
from membership.api.imports import router as imports_router
from membership.api.invitations import router as invitations_router
from membership.api.members import router as members_router
from membership.api.people import router as people_router
from membership.api.regions import router as regions_router
from membership.api.schools import router as schools_router
from membership.consumers import person_request_subscriptions
from membership.imports.importer import IMPORTER
from membership.settings import MembershipSettings

definition = ServiceDefinition(
    name="membership",
    title="Kombel · Keanggotaan (membership)",
    description="Wilayah, sekolah, PTK, komunitas belajar dan anggotanya.",
    settings_class=MembershipSettings,
    migrations=Path(__file__).parent / "db" / "migrations",
    routers=[
        regions_router,
        schools_router,
        people_router,
        communities_router,
        members_router,
        invitations_router,
        imports_router,
    ],
    workers=[Worker("imports", import_worker(IMPORTER))],
    publishes=[
        MEMBERSHIP_COMMUNITIES,
        MEMBERSHIP_SCHOOLS,
        MEMBERSHIP_PEOPLE,
        MEMBERSHIP_PERSON_REPLIES,
        IMPORTS,
    ],
    consumers=[ConsumerSpec("membership.person-requests", person_request_subscriptions())],
    uploads=[UploadRoute("POST", "/imports/{kind}", upload_bytes)],
)


def create_app() -> FastAPI:
    """The app for `uvicorn --factory membership.app:create_app`, set up from the environment."""
    return standalone_app(definition)
