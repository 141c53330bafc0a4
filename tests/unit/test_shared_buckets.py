"""Token buckets in a shared-memory file (adapters/shared_buckets.py): the rules of the
in-process buckets, and one limit for several processes taking at the same moment."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from adapters.shared_buckets import SharedTable, SharedTokenBuckets


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def buckets(
    capacity: int, period: float, clock: FakeMonotonic, sets: int = 64
) -> SharedTokenBuckets:
    return SharedTokenBuckets(SharedTable(None, sets=sets), "login", capacity, period, clock)


def test_a_burst_of_capacity_passes_then_the_next_waits() -> None:
    clock = FakeMonotonic()
    login = buckets(10, 60.0, clock)
    assert [login.take("1.2.3.4") for _ in range(10)] == [None] * 10
    assert login.take("1.2.3.4") == 6  # one token every 6 s
    assert login.take("5.6.7.8") is None  # another key has its own bucket
    clock.now += 6
    assert login.take("1.2.3.4") is None
    clock.now += 3600
    assert [login.take("1.2.3.4") for _ in range(11)][-1] == 6  # never above capacity


def test_wait_counts_nothing_and_a_token_given_back_is_there_again() -> None:
    clock = FakeMonotonic()
    login = buckets(1, 3600.0, clock)
    assert login.wait("k") is None and login.wait("k") is None
    assert login.take("k") is None
    assert login.wait("k") == 3600
    login.give_back("k")
    assert login.take("k") is None
    login.give_back("k")
    login.give_back("k")  # never above capacity
    assert [login.take("k"), login.take("k")] == [None, 3600]


def test_limits_of_one_table_keep_their_own_buckets() -> None:
    clock, table = FakeMonotonic(), SharedTable(None, sets=64)
    login = SharedTokenBuckets(table, "login", 1, 60.0, clock)
    verify = SharedTokenBuckets(table, "verify", 1, 60.0, clock)
    assert login.take("k") is None and verify.take("k") is None
    assert login.take("k") == 60


def test_memory_is_fixed_whatever_the_keys_the_least_recently_used_go_first() -> None:
    clock = FakeMonotonic()
    login = buckets(2, 60.0, clock, sets=4)  # 32 slots
    assert login.take("kept") is None and login.take("kept") is None
    for n in range(1000):  # an attacker's made-up keys: the oldest buckets go first
        clock.now += 0.001
        login.take(f"guess-{n}")
    clock.now += 0.001
    assert login.take("kept") is None  # forgotten (full again) after 1000 other keys


def test_a_file_is_shared_by_every_table_that_maps_it(tmp_path: Path) -> None:
    clock, path = FakeMonotonic(), tmp_path / "limits.bin"
    first = SharedTokenBuckets(SharedTable(path), "login", 2, 60.0, clock)
    second = SharedTokenBuckets(SharedTable(path), "login", 2, 60.0, clock)
    assert first.take("k") is None and second.take("k") is None
    assert first.take("k") == 30 and second.take("k") == 30
    assert path.stat().st_mode & 0o777 == 0o600


def _take_many(path: str, tries: int, start: float, granted: multiprocessing.Queue[int]) -> None:
    login = SharedTokenBuckets(SharedTable(Path(path)), "login", 150, 3600.0, lambda: 1000.0)
    while time.monotonic() < start:  # every process starts at the same moment
        pass
    granted.put(sum(login.take("1.2.3.4") is None for _ in range(tries)))


def test_processes_taking_at_once_share_one_limit(tmp_path: Path) -> None:
    path = tmp_path / "limits.bin"
    SharedTable(path)
    context = multiprocessing.get_context("fork")
    granted: multiprocessing.Queue[int] = context.Queue()
    start = time.monotonic() + 0.5
    processes = [
        context.Process(target=_take_many, args=(str(path), 100, start, granted)) for _ in range(4)
    ]
    for process in processes:
        process.start()
    counts = [granted.get(timeout=60) for _ in processes]
    for process in processes:
        process.join()
    assert sum(counts) == 150  # 400 tries, 4 processes, one room of 150


def test_a_limit_needs_room() -> None:
    with pytest.raises(ValueError):
        SharedTokenBuckets(SharedTable(None, sets=4), "login", 0, 60.0)
