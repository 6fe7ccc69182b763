import httpx
import pytest
from fastapi import FastAPI
from kombel_runtime.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Gone,
    Invalid,
    NotFound,
    install_error_handlers,
    status_of,
)
from kombel_runtime.pagination import invalid_cursor
from sqlalchemy.exc import IntegrityError


class DriverError(Exception):
    """Shaped like asyncpg's errors as SQLAlchemy wraps them: a SQLSTATE and a constraint."""

    def __init__(self, sqlstate: str, constraint_name: str) -> None:
        super().__init__("Key (nuptk)=(1234567890123456) already exists.")
        self.sqlstate = sqlstate
        self.constraint_name = constraint_name


def app_raising(error: Exception) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/people")
    async def register() -> None:
        raise error

    return app


async def post(app: FastAPI) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.post("/people")


async def test_a_unique_violation_from_a_race_answers_409_without_the_value() -> None:
    unique = IntegrityError("INSERT INTO people …", {}, DriverError("23505", "ux_people_nuptk"))
    response = await post(app_raising(unique))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert "1234567890123456" not in response.text


async def test_other_integrity_errors_stay_internal_errors() -> None:
    foreign_key = IntegrityError("INSERT …", {}, DriverError("23503", "fk_people_school"))
    response = await post(app_raising(foreign_key))
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"


@pytest.mark.parametrize(
    ("kind", "status"),
    [(NotFound, 404), (Forbidden, 403), (Conflict, 409), (Invalid, 422), (Gone, 410)],
)
async def test_each_kind_of_domain_error_answers_its_status_with_code_and_details(
    kind: type[DomainError], status: int
) -> None:
    error = kind("community_exists", "Sudah ada.", details=[{"existing_id": "x"}])
    assert status_of(error) == status
    response = await post(app_raising(error))
    assert response.status_code == status
    assert response.json() == {
        "error": {
            "code": "community_exists",
            "message": "Sudah ada.",
            "details": [{"existing_id": "x"}],
        }
    }


async def test_a_bad_cursor_is_a_malformed_request() -> None:
    response = await post(app_raising(invalid_cursor()))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"
