"""Token buckets shared by every process of one server, in a memory-mapped file: what a
limit allows, it allows to the server as a whole, whatever the number of its processes.

The rules are those of `adapters.rate_limiter` (a burst of `capacity`, refilled at
`capacity / period` a second, `Retry-After` in whole seconds, never above capacity). Here:
- the file holds a fixed table: `SETS` sets of `WAYS` slots (fingerprint, tokens, updated);
  a key's set and fingerprint come from a keyed BLAKE2b of (limit, key) with a random key
  written in the file when it is made, so no one can aim keys at another key's set;
- a key not in its set takes an empty slot, else the one used least recently: memory is
  fixed (about 3 MB) whatever keys an attacker makes up, as the in-process buckets are
  bounded by `max_keys`;
- each operation holds an exclusive `flock` on the file (and a thread lock), a few
  microseconds (docs/security.md gives the measured cost);
- `updated` is the monotonic clock, which all processes of one machine share.
"""

from __future__ import annotations

import fcntl
import hashlib
import math
import mmap
import os
import secrets
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

MAGIC = b"PAYLIM01"
HEADER = struct.Struct("<8s16sI")
SLOT = struct.Struct("<Qdd")  # fingerprint (0: empty), tokens, updated (monotonic seconds)
WAYS, SETS = 8, 16384
SET = struct.Struct("<" + "Qdd" * WAYS)
LOCATED = 4096


class SharedTable:
    """The file's table; `path` None keeps it in this process's memory only (tests)."""

    def __init__(self, path: Path | None, sets: int = SETS) -> None:
        self.sets = sets
        self._size = HEADER.size + sets * WAYS * SLOT.size
        self._thread_lock = threading.Lock()
        self._fd: int | None = None
        if path is None:
            self._map = mmap.mmap(-1, self._size)
            self._initialise()
        else:
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            with self._flocked():
                if os.fstat(self._fd).st_size != self._size:
                    os.ftruncate(self._fd, 0)
                    os.ftruncate(self._fd, self._size)
                self._map = mmap.mmap(self._fd, self._size)
                if self._map[: len(MAGIC)] != MAGIC or self._sets_in_file() != sets:
                    self._initialise()
        self._hash_key = HEADER.unpack_from(self._map, 0)[1]
        self._located: dict[tuple[str, str], tuple[int, int]] = {}

    def _sets_in_file(self) -> int:
        sets: int = HEADER.unpack_from(self._map, 0)[2]
        return sets

    def _initialise(self) -> None:
        self._map[:] = bytes(self._size)
        HEADER.pack_into(self._map, 0, MAGIC, secrets.token_bytes(16), self.sets)

    @contextmanager
    def _flocked(self) -> Iterator[None]:
        if self._fd is None:
            yield
            return
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def lock(self) -> None:
        """Hold the table (this thread, then this process); `unlock` afterwards."""
        self._thread_lock.acquire()
        if self._fd is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            except BaseException:
                self._thread_lock.release()
                raise

    def unlock(self) -> None:
        try:
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()

    def locate(self, name: str, key: str) -> tuple[int, int]:
        """(first slot's offset of the key's set, the key's fingerprint, never 0); the last
        `LOCATED` answers are remembered (hashing costs more than the rest)."""
        found = self._located.get((name, key))
        if found is None:
            digest = hashlib.blake2b(
                f"{name}\0{key}".encode(), key=self._hash_key, digest_size=16
            ).digest()
            fingerprint = int.from_bytes(digest[:8], "little") or 1
            index = int.from_bytes(digest[8:], "little") % self.sets
            found = (HEADER.size + index * WAYS * SLOT.size, fingerprint)
            if len(self._located) >= LOCATED:
                self._located.clear()
            self._located[(name, key)] = found
        return found

    def read_set(self, offset: int) -> tuple[Any, ...]:
        """The set's slots at once: (fingerprint, tokens, updated) * WAYS, flat."""
        return SET.unpack_from(self._map, offset)

    def write(self, offset: int, fingerprint: int, tokens: float, updated: float) -> None:
        SLOT.pack_into(self._map, offset, fingerprint, tokens, updated)

    def close(self) -> None:
        self._map.close()
        if self._fd is not None:
            os.close(self._fd)


class SharedTokenBuckets:
    """`take`, `wait`, `give_back` as `TokenBuckets`, on one limit's keys of the table."""

    def __init__(
        self,
        table: SharedTable,
        name: str,
        capacity: int,
        period_seconds: float,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        if capacity < 1 or period_seconds <= 0:
            raise ValueError("a limit needs a capacity of at least 1 and a positive period")
        self._table, self._name, self.capacity = table, name, capacity
        self._rate, self._now = capacity / period_seconds, now

    def take(self, key: str) -> int | None:
        return self._change(key, 1.0)

    def wait(self, key: str) -> int | None:
        return self._change(key, 0.0)

    def give_back(self, key: str) -> None:
        self._change(key, -1.0)

    def _change(self, key: str, cost: float) -> int | None:
        """Refill the key's bucket, then take `cost` tokens when one is there (a negative
        cost gives back); None when it went on, else the whole seconds to wait."""
        start, fingerprint = self._table.locate(self._name, key)
        now = self._now()
        self._table.lock()
        try:
            way, tokens, updated = self._slot(self._table.read_set(start), fingerprint, now)
            tokens = min(float(self.capacity), tokens + max(0.0, now - updated) * self._rate)
            wait = None
            if cost < 0:
                tokens = min(float(self.capacity), tokens - cost)
            elif tokens >= 1:
                tokens -= cost
            else:
                wait = max(1, math.ceil((1 - tokens) / self._rate))
            self._table.write(start + way * SLOT.size, fingerprint, tokens, now)
        finally:
            self._table.unlock()
        return wait

    def _slot(
        self, slots: tuple[Any, ...], fingerprint: int, now: float
    ) -> tuple[int, float, float]:
        """The key's way in its set: its own, else an empty one, else the least recently
        used (a new bucket, full)."""
        oldest, oldest_at = 0, math.inf
        for way in range(WAYS):
            found, tokens, updated = slots[3 * way : 3 * way + 3]
            if found == fingerprint:
                return way, tokens, updated
            if found == 0:
                return way, float(self.capacity), now
            if updated < oldest_at:
                oldest, oldest_at = way, updated
        return oldest, float(self.capacity), now
