"""When a pending refund is next checked with its provider, and when nobody waits anymore."""

from __future__ import annotations

from datetime import datetime, timedelta

#: Checks of a pending refund: 5 s, 15 s, 1 min, 5 min after it was asked, then every 30 min.
CHECK_DELAYS = (
    timedelta(seconds=5),
    timedelta(seconds=15),
    timedelta(minutes=1),
    timedelta(minutes=5),
)
CHECK_EVERY = timedelta(minutes=30)

#: A refund still pending this long after it was asked is handed to a person
#: (`requires_action`): it is never marked failed without the provider saying so.
FOLLOW_UP = timedelta(hours=24)


def next_refund_check(attempts: int, now: datetime) -> datetime:
    delay = CHECK_DELAYS[attempts] if attempts < len(CHECK_DELAYS) else CHECK_EVERY
    return now + delay
