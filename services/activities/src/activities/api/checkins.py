"""Tickets, check-in at a session (one scan or a batch collected offline), the public keys that
verify tickets, and certificates with their public verification."""

from fastapi import APIRouter

router = APIRouter(tags=["check-in"])
