"""A provider's OAuth-style bearer token, shared by all its calls (MTN MoMo, Orange Money).

Rules: the token is kept until shortly before its lifetime ends; calls that need one at the
same time wait on one fetch (an `asyncio.Lock`); a token the provider refused is dropped
only if it is still the current one, so that many concurrent 401s fetch a new token once.
Tokens are never logged.
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from application.shared.ports import Clock

#: Refresh this long before the provider's `expires_in` ends (sparkplug's MoMo SDK: 60 s).
REFRESH_MARGIN = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class Token:
    value: str
    lifetime: timedelta

    def __repr__(self) -> str:  # never print the secret
        return f"Token(lifetime={self.lifetime})"


class TokenCache:
    def __init__(self, fetch: Callable[[], Awaitable[Token]], clock: Clock) -> None:
        self._fetch, self._clock = fetch, clock
        self._token: str | None = None
        self._renew_at: datetime | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> str:
        """The current token, fetched when there is none or it is about to expire."""
        if (token := self._valid()) is not None:
            return token
        async with self._lock:
            if (token := self._valid()) is not None:
                return token  # another call fetched it while this one waited
            fresh = await self._fetch()
            margin = min(REFRESH_MARGIN, fresh.lifetime / 10)
            self._token, self._renew_at = fresh.value, self._clock.now() + fresh.lifetime - margin
            return fresh.value

    def invalidate(self, token: str) -> None:
        """The provider said `token` has expired: forget it unless it was already replaced."""
        if self._token is not None and hmac.compare_digest(token.encode(), self._token.encode()):
            self._token = self._renew_at = None

    def _valid(self) -> str | None:
        if self._token is None or self._renew_at is None:
            return None
        return self._token if self._clock.now() < self._renew_at else None


def lifetime(raw: object, default: timedelta) -> timedelta:
    """`expires_in` in seconds, as a number or a string (Orange sends `"7776000"`)."""
    try:
        seconds = int(float(str(raw).strip()))
    except (ValueError, OverflowError):
        return default
    return timedelta(seconds=seconds) if seconds > 0 else default
