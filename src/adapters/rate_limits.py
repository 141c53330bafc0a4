"""The service's rate limits (README, Limits on use): one set of token buckets per kind of
request, sized by the settings. Each process has its own (see `adapters.rate_limiter`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from adapters.rate_limiter import TokenBuckets

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


class RateLimits:
    """The buckets, shared by every request of this process."""

    def __init__(self, config: LimitSettings, now: Callable[[], float] = time.monotonic) -> None:
        self.api = TokenBuckets(config.api_per_second, 1.0, now)
        self.login = TokenBuckets(config.login_per_minute, MINUTE, now)
        self.bad_webhooks = TokenBuckets(config.bad_webhooks_per_minute, MINUTE, now)
        self.phone_prompts = TokenBuckets(config.prompts_per_phone_per_hour, HOUR, now)
        self.order_prompts = TokenBuckets(config.prompts_per_order_per_hour, HOUR, now)
        self.verify = TokenBuckets(config.verify_per_minute, MINUTE, now)
