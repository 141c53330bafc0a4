"""Token buckets in Redis, for every server that names the same `REDIS_URL`: a limit holds
for the whole service, however many servers and processes it runs on.

The rules are those of `adapters.rate_limiter`. Each bucket is one Redis hash (tokens,
updated) changed by one Lua script, so a take is atomic whoever asks at once; the time is
the Redis server's own (`TIME`), so servers with clocks apart share one clock; a bucket
expires once it would be full again, so Redis holds only the keys in use. While Redis cannot be
reached, requests go on unlimited (and each is logged): the limits never stop payments. The
connection and
the keys' namespace are those of Litestar's store interface
(`litestar.stores.redis.RedisStore`), which the entrypoints make (`entrypoints.limits_store`).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = structlog.get_logger(__name__)

#: KEYS[1]: the bucket; ARGV: capacity, rate (tokens a second), cost (1 take, 0 wait, -1 give
#: back), expiry (seconds). Returns 0 when it went on, else the whole seconds to wait.
SCRIPT = """
local capacity, rate = tonumber(ARGV[1]), tonumber(ARGV[2])
local cost, expiry = tonumber(ARGV[3]), tonumber(ARGV[4])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens, updated = tonumber(state[1]), tonumber(state[2])
if tokens == nil or updated == nil then tokens, updated = capacity, now end
tokens = math.min(capacity, tokens + math.max(0, now - updated) * rate)
local wait = 0
if cost < 0 then
  tokens = math.min(capacity, tokens - cost)
elseif tokens >= 1 then
  tokens = tokens - cost
else
  wait = math.max(1, math.ceil((1 - tokens) / rate))
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(now))
redis.call('EXPIRE', KEYS[1], expiry)
return wait
"""


class RedisTokenBuckets:
    """A `Limit` (`adapters.rate_limits`) over one limit's buckets in Redis."""

    def __init__(
        self,
        client: Redis,
        make_key: Callable[[str], str],
        name: str,
        capacity: int,
        period_seconds: float,
    ) -> None:
        if capacity < 1 or period_seconds <= 0:
            raise ValueError("a limit needs a capacity of at least 1 and a positive period")
        self._make_key, self._name, self.capacity = make_key, name, capacity
        self._rate = capacity / period_seconds
        self._expiry = math.ceil(period_seconds) + 1
        self._script = client.register_script(SCRIPT)

    async def take(self, key: str) -> int | None:
        return await self._run(key, 1)

    async def wait(self, key: str) -> int | None:
        return await self._run(key, 0)

    async def give_back(self, key: str) -> None:
        await self._run(key, -1)

    async def _run(self, key: str, cost: int) -> int | None:
        """Redis out of reach lets the request go on (logged): a limit must not stop the
        service's payments while its Redis is down."""
        bucket = self._make_key(f"{self._name}:{key}")
        args: list[int | str] = [self.capacity, repr(self._rate), cost, self._expiry]
        try:
            wait = int(await self._script(keys=[bucket], args=args))
        except (RedisError, OSError) as error:
            log.warning(
                "rate_limit.redis_unavailable", limit=self._name, error=type(error).__name__
            )
            return None
        return wait or None
