"""How long payments and orders may wait, and how often open payments are checked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

MINUTE = timedelta(minutes=1)

#: The providers' documented approval windows (reference/providers.md): MTN about 5 min,
#: Wave sessions 30 min; Orange's pay_token lifetime is undocumented (30 min assumed).
DEFAULT_PAYMENT_TTL: Mapping[str, timedelta] = {
    "mtn_momo": 5 * MINUTE,
    "moov_money": 5 * MINUTE,
    "orange_money": 30 * MINUTE,
    "wave": 30 * MINUTE,
    "sandbox": 5 * MINUTE,
}

#: Checks of an open payment: 15 s, 30 s, 1 min, 2 min, 5 min after it started, then every
#: 10 min until it is final or expired.
CHECK_DELAYS = (
    timedelta(seconds=15),
    timedelta(seconds=30),
    MINUTE,
    2 * MINUTE,
    5 * MINUTE,
)
CHECK_EVERY = 10 * MINUTE

#: An expired payment is still looked at this long, in case the customer paid late.
LATE_WINDOW = timedelta(hours=24)
LATE_CHECK_EVERY = 30 * MINUTE


@dataclass(frozen=True, slots=True)
class TimeToLive:
    payments: Mapping[str, timedelta] = field(default_factory=lambda: dict(DEFAULT_PAYMENT_TTL))
    default_payment: timedelta = 30 * MINUTE
    order: timedelta = timedelta(hours=24)

    def payment(self, provider: str) -> timedelta:
        return self.payments.get(provider, self.default_payment)


def next_check(attempts: int, now: datetime, expires_at: datetime | None = None) -> datetime:
    """When to check again an open payment already checked `attempts` times: on the backoff
    schedule, but never later than its expiry, so it expires on time."""
    delay = CHECK_DELAYS[attempts] if attempts < len(CHECK_DELAYS) else CHECK_EVERY
    at = now + delay
    return min(at, expires_at) if expires_at is not None and expires_at > now else at


def retry_delay(attempts: int, first: timedelta, cap: timedelta) -> timedelta:
    """Exponential backoff: `first`, twice that, four times... never above `cap`."""
    return min(first * (1 << min(attempts, 30)), cap)
