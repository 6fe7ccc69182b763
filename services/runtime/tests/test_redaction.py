import logging

from kombel_runtime.logs import JsonFormatter
from kombel_runtime.redaction import describe_error, redact
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
