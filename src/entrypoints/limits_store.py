"""Where the rate limits' buckets live (adapters/rate_limits.py): Redis through Litestar's
store interface when `REDIS_URL` is set (every server naming it shares one limit), else the
shared-memory file `payments serve` gives its processes (`RATE_LIMIT_FILE`), else this
process's memory (tests, one-off commands)."""

from __future__ import annotations

from litestar.stores.redis import RedisStore

from adapters.rate_limits import LimitFactory, RateLimits, in_process, in_redis, shared_file
from entrypoints.settings import Settings

NAMESPACE = "payments-rate-limits"


def rate_limits(settings: Settings) -> RateLimits:
    return RateLimits(settings.limits, make=buckets_for(settings))


def buckets_for(settings: Settings) -> LimitFactory:
    if settings.redis_url:
        store = RedisStore.with_client(url=settings.redis_url, namespace=NAMESPACE)
        # the store's own client and key names: its get/set cannot take a token atomically
        return in_redis(store._redis, store._make_key)
    if settings.rate_limit_file:
        return shared_file(settings.rate_limit_file)
    return in_process()
