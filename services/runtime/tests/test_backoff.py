from kombel_runtime.backoff import backoff_delay


def test_backoff_grows_and_is_capped() -> None:
    for attempt in range(1, 20):
        delay = backoff_delay(attempt, base_s=0.2, cap_s=5.0)
        assert 0 <= delay <= min(5.0, 0.2 * 2 ** (attempt - 1))
