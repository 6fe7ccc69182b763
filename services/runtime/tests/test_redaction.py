import logging

from kombel_runtime.logs import JsonFormatter
from kombel_runtime.redaction import describe_error, redact, redact_url
from pydantic import BaseModel, ValidationError


def test_contacts_and_personal_ids_are_masked() -> None:
    text = (
        "guru budi.santoso@sekolah.sch.id, WA 0812-3456-7890, +62 812 3456 7890, "
        "NUPTK 1234567890123456, NIP 198703122010011002, NPSN 10203040 kelas 7"
    )
    masked = redact(text)
    for secret in ("budi.santoso", "3456", "1234567890123456", "198703122010011002"):
        assert secret not in masked
    assert "NPSN 10203040" in masked, "8-digit school numbers are not personal data"
    assert "kelas 7" in masked


class Person(BaseModel):
    email: str
    age: int


def test_validation_errors_are_described_without_the_input() -> None:
    try:
        Person.model_validate({"email": ["budi@example.com"], "age": "tua"})
    except ValidationError as error:
        described = describe_error(error)
    assert "email: string_type" in described
    assert "age: int_parsing" in described
    assert "budi@example.com" not in described


def test_json_logs_mask_personal_data_in_messages_and_fields() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "kirim ke %s", ("ani@example.com",), None
    )
    record.phone = "081234567890"
    line = JsonFormatter().format(record)
    assert "ani@example.com" not in line
    assert "081234567890" not in line
    assert '"level": "info"' in line


def test_json_logs_carry_the_trace_id_of_the_current_span() -> None:
    from opentelemetry.sdk.trace import TracerProvider

    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("request") as span:
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "halo", None, None)
        line = JsonFormatter().format(record)
    assert f'"trace_id": "{span.get_span_context().trace_id:032x}"' in line


def test_urls_lose_search_text_and_contacts_but_keep_their_filters() -> None:
    url = (
        "/membership/people?q=Rina+Sitorus&kabkota=12.11"
        "&email=rina.sitorus%40contoh.sch.id&phone=%2B6281234567890&limit=50"
    )
    masked = redact_url(url)
    assert masked == (
        "/membership/people?q=[disamarkan]&kabkota=12.11"
        "&email=[disamarkan]&phone=[disamarkan]&limit=50"
    )
    assert redact_url("/membership/people/0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a70") == (
        "/membership/people/0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a70"
    )
    assert "rina" not in redact("GET /x?email=rina%40contoh.sch.id")


def test_access_logs_keep_the_path_but_not_what_was_searched() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        (
            "127.0.0.1:5000",
            "GET",
            "/membership/people?q=1234567890123456&kabkota=12.11",
            "1.1",
            200,
        ),
        None,
    )
    line = JsonFormatter().format(record)
    assert "1234567890123456" not in line
    assert "GET /membership/people?q=[disamarkan]&kabkota=12.11 HTTP/1.1" in line
