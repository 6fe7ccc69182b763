import os
import time
import uuid

from kombel_runtime.ids import uuid7


def test_uuid7_has_its_version_variant_and_time() -> None:
    before = time.time_ns() // 1_000_000
    value = uuid7()
    assert value.version == 7
    assert value.variant == uuid.RFC_4122
    assert before <= value.int >> 80 <= time.time_ns() // 1_000_000


def test_uuid7_are_unique_and_sort_by_millisecond() -> None:
    values = [uuid7() for _ in range(10_000)]
    assert len(set(values)) == len(values)
    stamps = [v.int >> 80 for v in values]
    assert stamps == sorted(stamps)


def test_a_forked_child_does_not_repeat_its_parents_ids() -> None:
    uuid7()  # the pool now holds numbers the child must not reuse
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        os.close(reader)
        os.write(writer, b"".join(uuid7().bytes for _ in range(100)))
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        received = pipe.read()
    os.waitpid(child, 0)
    in_child = {uuid.UUID(bytes=received[i : i + 16]) for i in range(0, len(received), 16)}
    in_parent = {uuid7() for _ in range(100)}
    assert len(in_child) == 100
    assert not in_child & in_parent
    random_bits = {(v.int >> 64 & 0xFFF, v.int & (1 << 62) - 1) for v in in_child | in_parent}
    assert len(random_bits) == 200
