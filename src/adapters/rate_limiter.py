"""Token buckets, one per key, in this process's memory. Knows nothing of payments.

Rules:
- A bucket holds at most `capacity` tokens and starts full; it refills continuously at
  `capacity / period` tokens per second. A request takes one token; with none left it is
  refused and told how long until one is back (`Retry-After`).
- So `capacity` requests may come at once, and at most about `capacity` more per `period`.
- Buckets live in this process only: N server processes allow N times the limit. Buckets
  that would be full again are forgotten, and at most `max_keys` are kept (the least recently
  used go first), so memory stays bounded whatever keys an attacker makes up.
- Time comes from `now` (monotonic seconds), so tests drive it with a fake clock.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """`take(key)` is None when the request may go on, else the seconds to wait (>= 1)."""

    def __init__(
        self,
        capacity: int,
        period_seconds: float,
        now: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        if capacity < 1 or period_seconds <= 0:
            raise ValueError("a limit needs a capacity of at least 1 and a positive period")
        self.capacity = capacity
        self._rate = capacity / period_seconds
        self._now = now
        self._max_keys = max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def take(self, key: str) -> int | None:
        """Take one token for `key`; None when it was there, else the whole seconds to wait."""
        bucket = self._refilled(key)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return None
        return self._wait(bucket)

    def wait(self, key: str) -> int | None:
        """Like `take` but takes nothing: None when a request for `key` would go on now."""
        bucket = self._refilled(key)
        return None if bucket.tokens >= 1 else self._wait(bucket)

    def give_back(self, key: str) -> None:
        """Return a token `take` took for `key` (never above capacity)."""
        bucket = self._refilled(key)
        bucket.tokens = min(float(self.capacity), bucket.tokens + 1)

    def _wait(self, bucket: _Bucket) -> int:
        return max(1, math.ceil((1 - bucket.tokens) / self._rate))

    def _refilled(self, key: str) -> _Bucket:
        now = self._now()
        bucket = self._buckets.pop(key, None)
        if bucket is None:
            bucket = _Bucket(float(self.capacity), now)
        else:
            elapsed = max(0.0, now - bucket.updated)
            bucket.tokens = min(float(self.capacity), bucket.tokens + elapsed * self._rate)
            bucket.updated = now
        self._forget(now)
        self._buckets[key] = bucket
        return bucket

    def _forget(self, now: float) -> None:
        """Drop the oldest buckets beyond `max_keys`, and the oldest ones that are full again."""
        while len(self._buckets) >= self._max_keys:
            self._buckets.popitem(last=False)
        for key in list(self._buckets)[:8]:
            oldest = self._buckets[key]
            if oldest.tokens + (now - oldest.updated) * self._rate < self.capacity:
                break
            del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)
