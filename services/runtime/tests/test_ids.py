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
