"""The registry of advisory locks: one id per name within each key space."""

from kombel_runtime import locks


def test_no_two_locks_share_an_id_within_a_key_space() -> None:
    namespaces = [space.namespace for space in locks.SPACES]
    assert len(set(namespaces)) == len(namespaces)
    ids = [lock.id for lock in locks.LOCKS]
    assert len(set(ids)) == len(ids)
    assert all(-(2**31) <= n < 2**31 for n in namespaces), "a namespace is an int4"


def test_the_ids_the_platform_has_always_used_stay() -> None:
    # Changing an id while an old and a new process run side by side would let both in.
    assert locks.RELAY_LANES.namespace == 0x6B6F6D
    assert locks.COMMUNITY_NAMES.namespace == 0x6B6F6D02
    assert locks.IMPORT_CLAIMS.id == 0x6B6F6D_0001


def test_a_lock_statement_names_its_id() -> None:
    compiled = locks.COMMUNITY_NAMES.xact_lock(7).compile()
    assert "pg_advisory_xact_lock(" in str(compiled)
    assert list(compiled.params.values()) == [0x6B6F6D02, 7]
