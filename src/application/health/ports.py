"""The ports of provider health: the shared breakers, the per-minute tallies and the
incidents, all kept in the database so that every server and worker sees the same picture."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from domain.provider_health import Breaker, Tally


@dataclass(frozen=True, slots=True)
class Incident:
    """A stretch of time a provider was not operational; `status` is the worst it reached
    (`degraded` or `down`); `ended_at` is None while it lasts."""

    id: str
    provider: str
    status: str
    started_at: datetime
    ended_at: datetime | None


class BreakerStore(Protocol):
    async def all(self) -> Mapping[str, Breaker]:
        """Every provider's breaker as stored (a provider never seen is closed)."""
        ...

    async def change(self, provider: str, change: Callable[[Breaker], Breaker]) -> Breaker:
        """Lock the provider's breaker, apply `change`, store and return the result: every
        process changes it in turn."""
        ...


class HealthRecorder(Protocol):
    def record(self, tally: Tally) -> None:
        """Add what was seen to this process's buffer (never blocks, never raises)."""
        ...

    async def flush(self) -> None:
        """Write the buffer to the shared tallies when it is due (about once a second)."""
        ...


class HealthLedger(Protocol):
    async def tallies(self, since: datetime) -> Sequence[Tally]:
        """Every provider's tallies from `since` on."""
        ...

    async def incidents(self, since: datetime) -> Sequence[Incident]:
        """Incidents still open or ended after `since`, oldest first."""
        ...

    async def begin_incident(
        self, provider: str, status: str, at: datetime, announce: Mapping[str, Any]
    ) -> bool:
        """Open an incident unless one is open; when this call opened it, announce
        `provider.degraded` (body `announce`) to the stores that use the provider, in the
        same transaction. Another open incident that is less severe takes `status`."""
        ...

    async def end_incident(self, provider: str, at: datetime, announce: Mapping[str, Any]) -> bool:
        """Close the open incident, if any, and announce `provider.recovered` (same stores)."""
        ...


class DatabaseProbe(Protocol):
    async def __call__(self) -> bool:
        """True when the database answers now."""
        ...
