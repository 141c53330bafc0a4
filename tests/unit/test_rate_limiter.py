"""Token buckets on a fake clock: a burst of `capacity`, then the refill's pace."""

from __future__ import annotations

import pytest

from adapters.rate_limiter import TokenBuckets


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_of_capacity_passes_then_the_next_waits() -> None:
    clock = FakeMonotonic()
    buckets = TokenBuckets(10, 60.0, clock)
    assert [buckets.take("1.2.3.4") for _ in range(10)] == [None] * 10
    assert buckets.take("1.2.3.4") == 6  # one token every 6 s
    assert buckets.take("5.6.7.8") is None  # another key has its own bucket


def test_tokens_come_back_at_the_refill_pace() -> None:
    clock = FakeMonotonic()
    buckets = TokenBuckets(2, 1.0, clock)
    assert buckets.take("k") is None and buckets.take("k") is None
    assert buckets.take("k") == 1
    clock.now += 0.5
    assert buckets.take("k") is None
    assert buckets.take("k") == 1
    clock.now += 3600
    assert [buckets.take("k") for _ in range(3)] == [None, None, 1]  # never above capacity


def test_wait_counts_nothing() -> None:
    clock = FakeMonotonic()
    buckets = TokenBuckets(1, 3600.0, clock)
    assert buckets.wait("k") is None and buckets.wait("k") is None
    assert buckets.take("k") is None
    assert buckets.wait("k") == 3600
    clock.now += 1800
    assert buckets.wait("k") == 1800


def test_memory_stays_bounded_whatever_the_keys() -> None:
    clock = FakeMonotonic()
    buckets = TokenBuckets(5, 60.0, clock, max_keys=100)
    for n in range(1000):
        buckets.take(f"guess-{n}")
    assert len(buckets) <= 100
    clock.now += 120  # full again: forgotten as new keys come
    for n in range(20):
        buckets.take(f"late-{n}")
    assert len(buckets) < 100


def test_a_limit_needs_room() -> None:
    with pytest.raises(ValueError):
        TokenBuckets(0, 60.0)
