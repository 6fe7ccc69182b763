from kombel_events import ALL_TOPICS, Topic


def test_topic_config_says_retention_or_compaction() -> None:
    assert Topic("a", retention_ms=1000).config() == {"retention.ms": "1000"}
    assert Topic("b", retention_ms=None, compacted=True).config() == {"cleanup.policy": "compact"}


def test_dead_letter_topics_are_per_consumer_and_long_kept() -> None:
    topic = Topic("kombel.membership.communities").dead_letter("reporting.communities")
    assert topic.name == "kombel.membership.communities.dlt.reporting.communities"
    assert topic.partitions == 1
    assert topic.retention_ms is not None
    assert topic.retention_ms >= 30 * 24 * 3600 * 1000


def test_topic_names_are_declared_once() -> None:
    names = [t.name for t in ALL_TOPICS]
    assert len(names) == len(set(names))
