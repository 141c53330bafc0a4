"""The service's rate limits (README, Limits on use): one set of token buckets per kind of
request, sized by the settings, behind one async interface (`Limit`).

Where the buckets live decides what a limit covers: this process's memory
(`adapters.rate_limiter`, tests and one-off tools), a shared-memory file that every process
of one server maps (`adapters.shared_buckets`, what `payments serve` uses), or Redis for
every server that names the same `REDIS_URL` (`adapters.redis_buckets`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from redis.asyncio import Redis

from adapters.rate_limiter import TokenBuckets
from adapters.redis_buckets import RedisTokenBuckets
from adapters.shared_buckets import SharedTable, SharedTokenBuckets

MINUTE, HOUR = 60.0, 3600.0


@dataclass(frozen=True, slots=True)
class LimitSettings:
    """How many requests each key may make (`RATE_LIMIT_*` settings)."""

    #: per API key (per store), each second
    api_per_second: int = 100
    #: vendor sign-in attempts per client address, each minute
    login_per_minute: int = 10
    #: provider callbacks that fail authentication, per client address, each minute
    bad_webhooks_per_minute: int = 60
    #: payments started with one phone number, each hour (each may prompt that phone)
    prompts_per_phone_per_hour: int = 6
    #: payments started for one order, each hour
    prompts_per_order_per_hour: int = 10
    #: `verify` of one payment, each minute
    verify_per_minute: int = 6


class Limit(Protocol):
    """Token buckets of one kind, one per key (`adapters.rate_limiter` states the rules)."""

    async def take(self, key: str) -> int | None:
        """None when a request for `key` may go on (it is counted); else whole seconds to
        wait."""
        ...

    async def wait(self, key: str) -> int | None:
        """Like `take`, counting nothing."""
        ...

    async def give_back(self, key: str) -> None:
        """Return the token a `take` for `key` took."""
        ...


class SyncBuckets(Protocol):
    def take(self, key: str) -> int | None: ...
    def wait(self, key: str) -> int | None: ...
    def give_back(self, key: str) -> None: ...


class LocalLimit:
    """A `Limit` over buckets answered at once (process memory, or shared memory)."""

    def __init__(self, buckets: SyncBuckets) -> None:
        self.buckets = buckets

    async def take(self, key: str) -> int | None:
        return self.buckets.take(key)

    async def wait(self, key: str) -> int | None:
        return self.buckets.wait(key)

    async def give_back(self, key: str) -> None:
        self.buckets.give_back(key)


#: Builds the buckets of one kind: (its name, capacity, period in seconds) -> a `Limit`.
LimitFactory = Callable[[str, int, float], Limit]


def in_process(now: Callable[[], float] = time.monotonic) -> LimitFactory:
    """Buckets in this process's memory: N processes allow N times the limit."""
    return lambda _name, capacity, period: LocalLimit(TokenBuckets(capacity, period, now))


def shared_file(path: Path, now: Callable[[], float] = time.monotonic) -> LimitFactory:
    """Buckets in a memory-mapped file that every process of this server maps."""
    table = SharedTable(path)
    return lambda name, capacity, period: LocalLimit(
        SharedTokenBuckets(table, name, capacity, period, now)
    )


def in_redis(client: Redis, make_key: Callable[[str], str]) -> LimitFactory:
    """Buckets in Redis (keys named by `make_key`), shared by every server using it."""
    return lambda name, capacity, period: RedisTokenBuckets(
        client, make_key, name, capacity, period
    )


class RateLimits:
    """The limits of every kind, shared by every request of this process, and by the other
    processes when `make` says so."""

    def __init__(
        self,
        config: LimitSettings,
        now: Callable[[], float] = time.monotonic,
        make: LimitFactory | None = None,
    ) -> None:
        make = make or in_process(now)
        self.api = make("api", config.api_per_second, 1.0)
        self.login = make("login", config.login_per_minute, MINUTE)
        self.bad_webhooks = make("bad_webhooks", config.bad_webhooks_per_minute, MINUTE)
        self.phone_prompts = make("phone_prompts", config.prompts_per_phone_per_hour, HOUR)
        self.order_prompts = make("order_prompts", config.prompts_per_order_per_hour, HOUR)
        self.verify = make("verify", config.verify_per_minute, MINUTE)
