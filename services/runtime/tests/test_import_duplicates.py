"""The duplicate rule every import kind shares: a row naming a record an earlier row of the
same file named is a duplicate that points at that row, not an error."""

from uuid import uuid4

from kombel_runtime.auth import Principal
from kombel_runtime.imports.job import Chunk, Job, Row


def test_a_repeated_identity_is_a_duplicate_of_the_earlier_row() -> None:
    job = Job(uuid4(), "people", True, Principal(subject="staf", roles=frozenset()), 10)
    first, again, other = Row(2, []), Row(5, []), Row(6, [])
    chunk = Chunk([first, again, other])

    assert job.claim(chunk, first, [("nuptk", "1"), ("email", "a@x.id")])
    assert not job.claim(chunk, again, [("nuptk", "2"), ("email", "a@x.id")])
    assert job.claim(chunk, other, [("nuptk", "3")])

    assert (again.outcome, again.note, again.error) == (
        "duplicate",
        "sama dengan baris 2 di berkas ini",
        None,
    )
    assert chunk.counters.duplicates == 1
    assert (first.outcome, other.outcome) == (None, None)
