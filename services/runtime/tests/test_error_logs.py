"""Database errors, logged: the values the database quotes never reach the line.

The value in most cases is a name, which no pattern can tell from other words, so only dropping
what the driver and the database quote keeps it out. The errors come from a real PostgreSQL, or
are built as SQLAlchemy builds them for an engine that shows its parameters.
"""

import json
import logging
import sys
import traceback
from collections.abc import AsyncIterator

import asyncpg
import pytest
import pytest_asyncio
from kombel_runtime.database import create_engine
from kombel_runtime.logs import JsonFormatter
from kombel_runtime.redaction import describe_error
from kombel_runtime.testing.infrastructure import Infrastructure
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

NAME = "Rina Sitorus"


@pytest_asyncio.fixture
async def connection(infrastructure: Infrastructure) -> AsyncIterator[AsyncConnection]:
    engine = create_engine(infrastructure.endpoints.database_url("postgres"), pool_size=1)
    try:
        async with engine.connect() as connection:
            await connection.execute(
                text(
                    "CREATE TEMPORARY TABLE people "
                    "(name text UNIQUE, email text NOT NULL, age integer)"
                )
            )
            yield connection
    finally:
        await engine.dispose()


def logged(error: BaseException) -> str:
    exc_info = (type(error), error, error.__traceback__)
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "unhandled error", None, exc_info)
    return JsonFormatter().format(record)


def shown(error: BaseException) -> str:
    return "".join(traceback.format_exception(error))


@pytest.mark.infra
async def test_a_unique_violation_is_logged_without_the_duplicate_value(
    connection: AsyncConnection,
) -> None:
    insert = text("INSERT INTO people (name, email) VALUES (:name, 'x')")
    await connection.execute(insert, {"name": NAME})
    with pytest.raises(IntegrityError) as caught:
        await connection.execute(insert, {"name": NAME})
    assert f"Key (name)=({NAME}) already exists" in shown(caught.value), "the shape under test"
    assert "[SQL parameters hidden due to hide_parameters=True]" in shown(caught.value)

    line = logged(caught.value)
    assert NAME not in line
    assert "people_name_key" in json.loads(line)["error"], "the constraint is still named"
    assert NAME not in describe_error(caught.value)


@pytest.mark.infra
async def test_a_failing_row_is_logged_without_its_values(connection: AsyncConnection) -> None:
    with pytest.raises(IntegrityError) as caught:
        await connection.execute(text("INSERT INTO people (name) VALUES (:name)"), {"name": NAME})
    assert f"Failing row contains ({NAME}" in shown(caught.value), "the shape under test"
    assert NAME not in logged(caught.value)
    assert NAME not in describe_error(caught.value)


@pytest.mark.infra
async def test_a_refused_argument_is_logged_without_its_value(
    connection: AsyncConnection,
) -> None:
    with pytest.raises(DBAPIError) as caught:
        await connection.execute(
            text("INSERT INTO people (name, email, age) VALUES ('a', 'b', :age)"), {"age": NAME}
        )
    assert NAME in shown(caught.value), "the shape under test"
    assert NAME not in logged(caught.value)
    assert NAME not in describe_error(caught.value)


def test_the_logged_error_keeps_where_it_happened() -> None:
    try:
        raise ValueError("tanpa data pribadi")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "gagal", None, sys.exc_info())
    error = json.loads(JsonFormatter().format(record))["error"]
    assert "test_the_logged_error_keeps_where_it_happened" in error
    assert "ValueError: tanpa data pribadi" in error


def unique_violation(email: str, name: str) -> IntegrityError:
    cause = asyncpg.exceptions.UniqueViolationError(
        'duplicate key value violates unique constraint "people_email_key"'
    )
    cause.detail = f"Key (email)=({email}) already exists."
    return IntegrityError("INSERT INTO people (email, name) VALUES ($1, $2)", (email, name), cause)


def test_a_logged_unique_violation_shows_neither_its_detail_nor_its_parameters() -> None:
    error = unique_violation("rina@contoh.sch.id", NAME)
    with pytest.raises(IntegrityError) as caught:
        raise error
    assert f"[parameters: ('rina@contoh.sch.id', '{NAME}')]" in shown(caught.value)

    line = logged(caught.value)
    described = describe_error(caught.value)
    for value in ("rina", NAME):
        assert value not in line
        assert value not in described
    assert "people_email_key" in json.loads(line)["error"]
    assert "people_email_key" in described


def test_engines_hide_statement_parameters() -> None:
    engine = create_engine("postgresql+asyncpg://kombel@127.0.0.1/kombel")
    assert engine.sync_engine.hide_parameters
