import pytest
from kombel_runtime.contacts import (
    normalise_email,
    normalise_nip,
    normalise_npsn,
    normalise_nuptk,
    normalise_phone,
)
from pydantic_core import PydanticCustomError


@pytest.mark.parametrize(
    "written", ["081234567890", "6281234567890", "+62 812-3456-7890", "0812 3456 7890"]
)
def test_phone_numbers_become_e164(written: str) -> None:
    assert normalise_phone(written) == "+6281234567890"


@pytest.mark.parametrize("written", ["12345", "0812", "abc", "+1 202"])
def test_impossible_phone_numbers_are_refused_without_echoing(written: str) -> None:
    with pytest.raises(PydanticCustomError) as raised:
        normalise_phone(written)
    assert raised.value.type == "phone_format"
    assert written not in raised.value.message()


def test_identity_numbers_are_checked_and_stripped() -> None:
    assert normalise_nuptk("1234 5678 9012 3456") == "1234567890123456"
    assert normalise_nip("19870312 201001 1 002") == "198703122010011002"
    assert normalise_npsn(" 10203040 ") == "10203040"
    for bad, check in [("123", normalise_nuptk), ("123", normalise_nip), ("1020", normalise_npsn)]:
        with pytest.raises(PydanticCustomError):
            check(bad)


def test_emails_are_lowercased_and_checked() -> None:
    assert normalise_email(" Budi.Santoso@Sekolah.SCH.ID ") == "budi.santoso@sekolah.sch.id"
    with pytest.raises(PydanticCustomError):
        normalise_email("budi@")


@pytest.mark.parametrize(
    "written",
    [
        "081234567890",
        "0812-3456-789",
        "+62 (812) 3456 7890",
        "6285712345678",
        "0821 1234 5678 9",
        "81234567890",  # an Excel number cell drops the 0
        "8123456789",
    ],
)
def test_the_mobile_fast_path_agrees_with_the_full_parser(written: str) -> None:
    import phonenumbers

    expected = phonenumbers.format_number(
        phonenumbers.parse(written, "ID"), phonenumbers.PhoneNumberFormat.E164
    )
    assert normalise_phone(written) == expected


@pytest.mark.parametrize(
    "written",
    ["a.b@example.co.id", "guru+kkg@sekolah.sch.id", "x@y.id", "Nama.Panjang@Dinas.Go.Id"],
)
def test_the_email_fast_path_agrees_with_the_full_validator(written: str) -> None:
    from email_validator import validate_email

    expected = validate_email(written, check_deliverability=False).normalized.lower()
    assert normalise_email(written) == expected


@pytest.mark.parametrize(
    "written", [".a@b.id", "a..b@c.id", "a@b", "a@-b.id", "a b@c.id", "a@b..id"]
)
def test_malformed_emails_are_refused_by_either_path(written: str) -> None:
    with pytest.raises(PydanticCustomError):
        normalise_email(written)
