"""`/activities/trainings` and `/activities/registrations`: trainings (bimtek), their sessions
and their participants."""

from fastapi import APIRouter

router = APIRouter(tags=["trainings"])
