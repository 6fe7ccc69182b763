"""Keeping personal data (phone, email, NUPTK, NIP) out of logs, traces and error texts.

Text is masked as a person or a browser may have written it, so it is normalised first:
percent-decoded until it stops changing (a few rounds; `rina%2540contoh.sch.id` is an email),
folded by Unicode NFKC (full-width digits and `＠`) and stripped of invisible characters. A
number is judged by how many digits it holds, whatever stands between them (spaces, dashes, dots,
brackets): ten or more is a phone number, NUPTK, NIP or NIK. Shapes that carry many digits but
no person are set aside first, and a number does not run on into them: timestamps, dates, times,
UUIDs, hex ids and IPv4 addresses; and decimals a program printed (`0.004563212394714355`)
are kept.

Database and validation errors quote the values they refused (`DETAIL:  Key (email)=(…)`,
`[parameters: …]`); those values are dropped whatever they look like, since a name is personal
data too and no pattern finds it.

A text with nothing to mask comes back as it was, not normalised. Every line of the logs passes
through `redact`, so ASCII without a digit, `@` or `%` returns at once, and every quantifier that
may be retried is bounded or possessive.
"""

import re
import unicodedata
from urllib.parse import parse_qsl, unquote

from pydantic import ValidationError

MASK = "[disamarkan]"
# Query parameters masked whole: free text (a search may be for a name, an email or a NUPTK)
# and credentials in links (a webhook's secret, an unsubscribe token).
FREE_TEXT_PARAMETERS = frozenset({"q", "secret", "token"})
# Digits from which a number is taken for a phone number or a personal id: the shortest
# Indonesian phone numbers (0274 123456) and NISN have ten; NPSN (a school) has eight.
PERSONAL_DIGITS = 10
_DECODE_ROUNDS = 3

_INVISIBLE = dict.fromkeys(
    [
        *(0x00AD, 0x034F, 0x061C, 0x180E, 0xFEFF),
        *range(0x200B, 0x2010),
        *range(0x202A, 0x202F),
        *range(0x2060, 0x2070),
    ],
    None,
)
_MAYBE_PERSONAL = re.compile(r"[\d@%]")
_STILL_ENCODED = re.compile(r"(?<!\S)\S*%\S*")

_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")

# Between the digits of a phone number or an id as people write them.
_SEPARATOR = r"[ \t.+\-\u2010-\u2015\u2212()\[\]]"
_HEX = "[0-9a-fA-F]"
_YEAR = r"(?:19|20)\d\d"
_MONTH = r"(?:0?[1-9]|1[0-2])"
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_CLOCK = r"\d{1,2}:\d\d(?::\d\d(?:[.,]\d{1,9})?)?"
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
# Shapes with digits but no person. A date glued to more digits by its own separator is part
# of a longer number (1234-5678-2026-12-01), not a date.
_NOT_PERSONAL = "|".join(
    [
        rf"(?<!\d[-/.]){_YEAR}-{_MONTH}-{_DAY}(?:[T ]{_CLOCK}(?:Z|[+-]\d\d:?\d\d)?)?"
        r"(?![\d]|[-/.]\d)",
        *(
            rf"(?<!\d[-/.]){_DAY}{sep}{_MONTH}{sep}{_YEAR}(?![\d]|[-/.]\d)"
            for sep in ("/", r"\.", "-")
        ),
        rf"(?<![\d:]){_CLOCK}(?![\d:])",
        rf"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}(?!{_HEX})",
        # Trace, span and commit ids: hex of their lengths with at least one letter, since 16
        # bare digits are a NUPTK.
        rf"(?<!{_HEX})(?=\d{{0,63}}[a-fA-F])(?:{_HEX}{{64}}|{_HEX}{{40}}|{_HEX}{{32}}|{_HEX}{{16}})"
        rf"(?!{_HEX})",
        rf"(?<![\d.]){_OCTET}(?:\.{_OCTET}){{3}}(?![\d]|\.\d)",
    ]
)
# A number with one dot and nothing else between its digits is a decimal a program printed (a
# duration, seconds since 1970): no program prints a leading zero, and a whole part of 628 and
# more digits is a phone number's country code and mobile prefix.
_DECIMAL = re.compile(r"(?:0|(?!628\d\d)[1-9]\d*)\.\d+")
_NUMBER = rf"(?>[+(\[]?\d++(?:{_SEPARATOR}{{1,3}}(?!{_NOT_PERSONAL})\d++)*+)"
_NUMBERS = re.compile(rf"(?P<kept>{_NOT_PERSONAL})|{_NUMBER}")
# Enough digits close together for a personal number: a cheap test that spares most lines the
# scan above.
_DIGITS_CLOSE_TOGETHER = re.compile(rf"\d(?:{_SEPARATOR}{{0,3}}\d){{{PERSONAL_DIGITS - 1}}}")

# Values that database drivers and validators quote in their error messages, each found only
# where its mark is in the text.
_QUOTED_VALUES = (
    ("DETAIL:", re.compile(r"(?m)^([ \t]*DETAIL:).*$"), rf"\1 {MASK}"),
    ("[parameters:", re.compile(r"(?m)^\[parameters:.*$"), f"[parameters: {MASK}]"),
    (
        "query argument",
        re.compile(r"(?m)(invalid input for query argument \$\d+[^:\n]{0,60}:).*$"),
        rf"\1 {MASK}",
    ),
    (
        "invalid input",
        re.compile(r'(invalid input (?:syntax|value) for [\w ]{1,60}:) ".*"'),
        rf'\1 "{MASK}"',
    ),
    (
        "input_value=",
        re.compile(r"input_value=(?:.{0,300}?(?=, input_type=)|.*)"),
        f"input_value={MASK}",
    ),
)


def redact(text: str) -> str:
    """The text with anything shaped like an email, phone number or personal id masked, and
    the values quoted by database and validation errors dropped."""
    for mark, quoted, replacement in _QUOTED_VALUES:
        if mark in text:
            text = quoted.sub(replacement, text)
    if text.isascii() and not _MAYBE_PERSONAL.search(text):
        return text
    normalised = _normalised(text)
    masked = _mask_numbers(_EMAIL.sub(MASK, normalised) if "@" in normalised else normalised)
    return masked if masked.count(MASK) > text.count(MASK) else text


def redact_url(url: str) -> str:
    """A URL or path fit for logs and traces: free-text parameters masked whole, the other
    values decoded and masked like any text."""
    path, separator, query = url.partition("?")
    if not separator:
        return redact(path)
    return f"{redact(path)}?{redact_query(query)}"


def redact_query(query: str) -> str:
    """A query string (without `?`) masked as `redact_url` masks it."""
    return "&".join(
        f"{redact(name)}={MASK if name in FREE_TEXT_PARAMETERS else redact(value)}"
        for name, value in parse_qsl(query, keep_blank_values=True)
    )


def describe_error(error: BaseException, limit: int = 500) -> str:
    """A description of an error that is safe to store or show: no input values, no contacts."""
    if isinstance(error, ValidationError):
        parts = [
            f"{'.'.join(str(p) for p in detail['loc']) or '(root)'}: {detail['type']}"
            for detail in error.errors(include_input=False, include_url=False)
        ]
        text = f"{error.title}: " + "; ".join(parts)
    else:
        text = f"{type(error).__name__}: {error}"
    return redact(text)[:limit]


def _normalised_once(text: str) -> str:
    decoded = unquote(text)
    if decoded.isascii():
        return decoded
    return unicodedata.normalize("NFKC", decoded.translate(_INVISIBLE))


def _normalised(text: str) -> str:
    for _ in range(_DECODE_ROUNDS):
        once = _normalised_once(text)
        if once == text:
            return text
        text = once
    # Still encoded after that many rounds: no browser does that, someone hiding a value does.
    return _STILL_ENCODED.sub(
        lambda token: MASK if _normalised_once(token[0]) != token[0] else token[0], text
    )


def _mask_numbers(text: str) -> str:
    if not _DIGITS_CLOSE_TOGETHER.search(text):
        return text
    return _NUMBERS.sub(_masked_number, text)


def _masked_number(match: re.Match[str]) -> str:
    number = match[0]
    if match["kept"] is not None or _DECIMAL.fullmatch(number):
        return number
    return MASK if sum(ch.isdigit() for ch in number) >= PERSONAL_DIGITS else number
