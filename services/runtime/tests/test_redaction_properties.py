"""Properties of `redact` over contacts and personal ids written every way people and browsers
write them: grouped with any separator, bracketed, full-width, with invisible characters, and
percent-encoded once or twice, inside random text."""

import string
from datetime import datetime, timedelta, timezone

from hypothesis import example, given
from hypothesis import strategies as st
from kombel_runtime.redaction import MASK, redact

DIGITS = string.digits
SEPARATORS = [" ", "-", ".", " - ", ". ", "\u2013", "\t", "  "]
# Around a contact: anything but digits, `@` and `%`, so every digit or `@` left after masking
# came from the contact. Boundaries keep the contact a token of its own, as it is in a sentence.
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(categories=["Lu", "Ll"]),
        st.sampled_from(" ,;:!?/=&_-.()[]'\"\n"),
    ),
    max_size=30,
)
BOUNDARIES = st.sampled_from([" ", ", ", ": ", "=", "/", "(", "\n", "\t", "; "])


@st.composite
def grouped(draw: st.DrawFn, digits: str) -> str:
    """Digits in groups of three to five, or in one piece, joined by one kind of separator."""
    if draw(st.booleans()):
        return digits
    groups = []
    rest = digits
    while rest:
        size = draw(st.integers(3, 5))
        if len(rest) - size < 3:
            size = len(rest)
        groups.append(rest[:size])
        rest = rest[size:]
    separator = draw(st.sampled_from(SEPARATORS))
    if draw(st.booleans()) and len(groups) > 1:
        return f"({groups[0]}) " + separator.join(groups[1:])
    return separator.join(groups)


@st.composite
def phones(draw: st.DrawFn) -> str:
    subscriber = draw(st.text(alphabet=DIGITS, min_size=8, max_size=11))
    national = "8" + subscriber
    style = draw(st.sampled_from(["0", "62", "+62", "+62 "]))
    if style == "0":
        return draw(grouped("0" + national))
    if style == "+62 ":
        return "+62 " + draw(grouped(national))
    return style + draw(grouped(national))


@st.composite
def personal_ids(draw: st.DrawFn) -> str:
    length = draw(st.sampled_from([16, 18]))  # NUPTK and NIK; NIP
    return draw(grouped(draw(st.text(alphabet=DIGITS, min_size=length, max_size=length))))


@st.composite
def emails(draw: st.DrawFn) -> str:
    name = draw(st.text(alphabet=string.ascii_lowercase + "._", min_size=1, max_size=12))
    number = draw(st.text(alphabet=DIGITS, min_size=1, max_size=4))
    domain = draw(st.sampled_from(["contoh.sch.id", "gmail.com", "guru.belajar.id"]))
    return f"{name}{number}@{domain}"


def percent_encoded(text: str, chosen: list[bool]) -> str:
    return "".join(
        "".join(f"%{byte:02X}" for byte in ch.encode()) if encode else ch
        for ch, encode in zip(text, chosen + [False] * len(text), strict=False)
    )


FULL_WIDTH = {ord(ch): chr(ord(ch) + 0xFEE0) for ch in DIGITS + "@-.()"}


@st.composite
def disguised(draw: st.DrawFn, contact: str) -> str:
    """The contact as it may reach a log: full-width, with zero-width characters, or
    percent-encoded in part or whole, once or twice."""
    how = draw(st.sampled_from(["plain", "full width", "zero width", "encoded"]))
    if how == "full width":
        return contact.translate(FULL_WIDTH)
    if how == "zero width":
        return "\u200b".join(contact)
    if how == "encoded":
        chosen = draw(st.lists(st.booleans(), max_size=len(contact)))
        once = percent_encoded(contact, chosen)
        return percent_encoded(once, [ch == "%" for ch in once]) if draw(st.booleans()) else once
    return contact


@given(
    before=TEXT,
    after=TEXT,
    opening=BOUNDARIES,
    closing=BOUNDARIES,
    contact=st.one_of(phones(), personal_ids(), emails()).flatmap(disguised),
)
@example(before="WA", after="", opening=" ", closing=" ", contact="0812.3456.7890")
@example(before="", after="", opening="/", closing=" ", contact="rina%2540contoh.sch.id")
def test_no_digit_or_at_of_a_contact_survives(
    before: str, after: str, opening: str, closing: str, contact: str
) -> None:
    masked = redact(f"{before}{opening}{contact}{closing}{after}")
    assert MASK in masked
    assert not any(ch.isdigit() for ch in masked), masked
    assert "@" not in masked, masked
    assert redact(masked) == masked


OFFSETS = st.integers(-12 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))


@given(
    moment=st.datetimes(
        min_value=datetime(1900, 1, 1), max_value=datetime(2099, 12, 31), timezones=OFFSETS
    ),
    written=st.sampled_from(
        ["{:%Y-%m-%dT%H:%M:%S.%f%z}", "{}", "{:%Y-%m-%d %H:%M:%S,%f}", "{:%d/%m/%Y %H:%M}"]
    ),
    count=st.integers(0, 99_999_999),
    # Up to ten hours: a whole part of 628 and more digits reads as a phone number.
    duration=st.floats(0, 36_000),
    uuid=st.uuids(),
)
def test_timestamps_uuids_durations_and_counts_are_left_alone(
    moment: datetime, written: str, count: int, duration: float, uuid: object
) -> None:
    text = (
        f"{written.format(moment)} {count} {moment.isoformat()} {uuid} {str(uuid).upper()} "
        f"{duration} s, {count} {moment.time()}"
    )
    assert redact(text) == text


# Characters that make up the shapes redact tells apart, so random text often holds them.
SHAPES = st.text(alphabet="0123456789 .-:/()[]+%@abcdefTZx,_\n\u200b２＠", max_size=60)


@given(st.one_of(st.text(), SHAPES))
@example("2026-12-01 06:17:14 0812-3456-7890")
@example("%25252525252540")
def test_redact_is_idempotent(text: str) -> None:
    once = redact(text)
    assert redact(once) == once
