"""Rate limits high enough that the test suite's own traffic never trips them (one address,
a few stores, the same magic phone numbers over and over). Tests of the limits set their own."""

from __future__ import annotations

from adapters.rate_limits import LimitSettings

HIGH = 1_000_000
HIGH_LIMITS = LimitSettings(
    api_per_second=HIGH,
    login_per_minute=HIGH,
    bad_webhooks_per_minute=HIGH,
    prompts_per_phone_per_hour=HIGH,
    prompts_per_order_per_hour=HIGH,
    verify_per_minute=HIGH,
)
#: The same, as the environment of a server process.
HIGH_LIMITS_ENV = {
    "RATE_LIMIT_API_PER_SECOND": str(HIGH),
    "RATE_LIMIT_LOGIN_PER_MINUTE": str(HIGH),
    "RATE_LIMIT_BAD_WEBHOOKS_PER_MINUTE": str(HIGH),
    "RATE_LIMIT_PROMPTS_PER_PHONE_PER_HOUR": str(HIGH),
    "RATE_LIMIT_PROMPTS_PER_ORDER_PER_HOUR": str(HIGH),
    "RATE_LIMIT_VERIFY_PER_MINUTE": str(HIGH),
}
