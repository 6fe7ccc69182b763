import json
import logging

import pytest
from kombel_runtime.logs import JsonFormatter, PlainFormatter
from kombel_runtime.redaction import MASK, describe_error, redact, redact_url
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
    # Credentials in links: a provider's webhook secret, an unsubscribe token.
    assert redact_url("/notifications/webhooks/fonnte?secret=s3cr3t-kunci&x=1") == (
        "/notifications/webhooks/fonnte?secret=[disamarkan]&x=1"
    )
    assert redact_url("/notifications/unsubscribe?token=AbCdEf123") == (
        "/notifications/unsubscribe?token=[disamarkan]"
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


@pytest.mark.parametrize(
    "written",
    [
        "0812.3456.7890",
        "(0812) 3456 7890",
        "(0812)3456-7890",
        "+62 (812) 3456-7890",
        "62.812.3456.7890",
        "0812 - 3456 - 7890",
        "0812–3456–7890",
        "+62 812 3456 7890",
        "0274 123456",
        "1234.5678.9012.3456",
        "1234 5678 9012 3456",
        "19870312 201001 1 002",
        "[1234] 5678 9012 3456",
    ],
)
def test_phones_and_personal_ids_are_masked_however_they_are_written(written: str) -> None:
    assert redact(f"hubungi {written}, terima kasih") == f"hubungi {MASK}, terima kasih"


@pytest.mark.parametrize(
    "written",
    [
        "rina%2540contoh.sch.id",
        "rina%252540contoh.sch.id",
        "rina%EF%BC%A0contoh.sch.id",
        "ｒｉｎａ＠ｃｏｎｔｏｈ.sch.id",
        "rina\u200b@contoh.sch.id",
        "%30%38%31%32%33%34%35%36%37%38%39%30",
        "%2530%2538%2531%2532%2533%2534%2535%2536%2537%2538%2539%2530",
        "０８１２３４５６７８９０",
        "０８１２－３４５６－７８９０",
        "0812\u200b3456\u200b7890",
        "0812\u00ad3456\u00ad7890",
        "%2B62%20812%203456%207890",
    ],
)
def test_encoded_and_disguised_contacts_are_masked(written: str) -> None:
    assert redact(f"kirim ke {written} besok") == f"kirim ke {MASK} besok"


@pytest.mark.parametrize(
    "written",
    ["NUPTK1234567890123456", "wa081234567890", "nip_198703122010011002"],
)
def test_numbers_glued_to_words_are_masked(written: str) -> None:
    assert MASK in redact(written)
    assert not any(ch.isdigit() for ch in redact(written))


def test_a_value_still_encoded_after_three_decodings_is_masked() -> None:
    assert redact("x rina%25252540contoh.sch.id y") == f"x {MASK} y"


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-01T06:17:14.123456+00:00",
        "2026-12-01T06:17:14Z",
        "2026-12-01 06:17:14",
        "2026-12-01 06:17:14,123 INFO selesai",
        "dimulai 01/12/2026, selesai 02.12.2026 atau 03-12-2026",
        "pukul 06:17:14.123456789",
        "0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a70",
        "12345678-1234-1234-1234-123456789012",
        "trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7",
        "took 0.004563212394714355 s",
        "at 1733033834.123456",
        "imported 1234567 rows in 12.5 s",
        "rows 12 2026-12-01T06:17:14Z",
        "count 12345678 06:17:14",
        "NPSN 10203040 kabkota 12.11",
        "client 192.168.100.200:51234",
        "-6.2087634,106.845599",
        'File "/app/service.py", line 1234, in handle',
        "[1234567, 8901234]",
        "100% selesai",
    ],
)
def test_timestamps_ids_durations_and_counts_are_left_alone(text: str) -> None:
    assert redact(text) == text


def test_text_with_nothing_to_mask_keeps_its_encoding() -> None:
    assert redact("/people?nama=Budi%20Santoso&id=%2F") == "/people?nama=Budi%20Santoso&id=%2F"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("gagal\nDETAIL:  Key (name)=(Rina Sitorus) already exists.", "Rina Sitorus"),
        ("[SQL: INSERT INTO people VALUES ($1)]\n[parameters: ('Rina Sitorus',)]", "Rina"),
        ("invalid input for query argument $1: 'Rina Sitorus' (an integer)", "Rina"),
        ('invalid input syntax for type uuid: "Rina Sitorus"', "Rina"),
        ("  Input should be [type=int_parsing, input_value='Rina', input_type=str]", "Rina"),
    ],
)
def test_values_quoted_by_errors_are_dropped(text: str, value: str) -> None:
    assert value not in redact(text)
    assert redact(redact(text)) == redact(text)


def test_urls_with_phones_in_dots_brackets_and_double_encoding_are_masked() -> None:
    url = "/membership/people/0812.3456.7890?phone=(0812)%203456%207890&email=rina%252540x.id&n=5"
    assert redact_url(url) == (f"/membership/people/{MASK}?phone={MASK}&email={MASK}&n=5")


def test_json_logs_mask_extra_fields_of_any_type() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "impor", None, None)
    record.person = {"phone": 6281234567890, "emails": ["ani@example.com"], "rows": 12}
    record.contacts = ("0812.3456.7890",)
    record.seconds = 0.004563212394714355
    entry = json.loads(JsonFormatter().format(record))
    assert entry["person"] == {"phone": MASK, "emails": [MASK], "rows": 12}
    assert entry["contacts"] == [MASK]
    assert entry["seconds"] == 0.004563212394714355


def test_access_logs_mask_paths_written_with_dots_and_double_encoding() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("10.1.2.3:5000", "GET", "/people/0812.3456.7890?email=rina%252540x.id&n=5", "1.1", 200),
        None,
    )
    message = json.loads(JsonFormatter().format(record))["message"]
    assert message == f'10.1.2.3:5000 - "GET /people/{MASK}?email={MASK}&n=5 HTTP/1.1" 200'


def test_plain_logs_are_masked_like_json_logs() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/people?q=Rina+Sitorus&phone=(0812)3456-7890", "1.1", 200),
        None,
    )
    line = PlainFormatter("%(asctime)s %(levelname)s %(name)s %(message)s").format(record)
    assert "Rina" not in line
    assert "3456" not in line
    assert line.split(" INFO ")[0] == PlainFormatter().formatTime(record), "the time is kept"
