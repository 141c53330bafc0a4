"""What is known of each configured provider's health: its status now (for the API, the
pages and `/metrics`) and its last 24 hours (for the vendor's dashboard).

Rules: the status is `down` while the breaker is open, `degraded` while it is half-open or
when the last 5 minutes (or, with too few calls in them, the last 60) show failures, slowness
or payments that do not settle within their time-to-live; else `operational`. A recovered
provider is judged only on what came after its breaker closed. `since` is when the current
status began: the open incident's start, else the end of the last incident (None when the
service has never seen it fail)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from application.health.ports import HealthLedger, Incident
from application.health.provider_gate import ProviderGate
from application.shared.ports import Clock
from domain.provider_health import (
    Assessment,
    Breaker,
    BreakerState,
    HealthThresholds,
    Tally,
    assess,
    minute_of,
    window,
)

SHORT_WINDOW = 5
LONG_WINDOW = 60


@dataclass(frozen=True, slots=True)
class ProviderHealth:
    provider: str
    status: str
    reason: str | None
    success_rate: float | None
    start_latency_p50_ms: float | None
    start_latency_p95_ms: float | None
    settle_seconds_p50: float | None
    callback_seconds_p50: float | None
    within_ttl_rate: float | None
    window_minutes: int
    calls: int
    since: datetime | None
    breaker: str


@dataclass(frozen=True, slots=True)
class HourOfHealth:
    """One hour of one provider for the dashboard."""

    hour: datetime
    calls: int
    success_rate: float | None
    start_latency_p50_ms: float | None


@dataclass(frozen=True, slots=True)
class ProviderDay:
    provider: str
    calls: int
    success_rate: float | None
    start_latency_p50_ms: float | None
    start_latency_p95_ms: float | None
    hours: list[HourOfHealth]
    incidents: list[Incident]


class ProviderHealthQuery:
    def __init__(
        self,
        ledger: HealthLedger,
        gate: ProviderGate,
        clock: Clock,
        limits: HealthThresholds | None = None,
    ) -> None:
        self._ledger, self._gate, self._clock = ledger, gate, clock
        self._limits = limits or HealthThresholds()

    async def current(self, providers: Sequence[str]) -> list[ProviderHealth]:
        now = self._clock.now()
        tallies = await self._ledger.tallies(minute_of(now) - timedelta(minutes=LONG_WINDOW))
        incidents = await self._ledger.incidents(now - timedelta(days=7))
        breakers = await self._gate.breakers()
        return [
            self._health(name, tallies, breakers.get(name) or Breaker(), incidents, now)
            for name in providers
        ]

    async def day(self, providers: Sequence[str]) -> list[ProviderDay]:
        """The last 24 hours per provider: totals, each hour, and the incidents."""
        now = self._clock.now()
        since = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=23)
        tallies = await self._ledger.tallies(since)
        incidents = await self._ledger.incidents(now - timedelta(hours=24))
        return [_day(name, tallies, incidents, since, now) for name in providers]

    def _health(
        self,
        provider: str,
        tallies: Sequence[Tally],
        breaker: Breaker,
        incidents: Sequence[Incident],
        now: datetime,
    ) -> ProviderHealth:
        closed_since = breaker.changed_at if breaker.state is BreakerState.CLOSED else None
        short = window(provider, tallies, now, SHORT_WINDOW, closed_since)
        long = window(provider, tallies, now, LONG_WINDOW, closed_since)
        seen = assess(breaker.state, short, long, self._limits)
        return _view(provider, seen, breaker, _since(provider, seen, breaker, incidents))


def _view(
    provider: str, seen: Assessment, breaker: Breaker, since: datetime | None
) -> ProviderHealth:
    stats = seen.window
    return ProviderHealth(
        provider=provider,
        status=seen.status.value,
        reason=seen.reason,
        success_rate=stats.success_rate,
        start_latency_p50_ms=stats.start_latency_ms(0.5),
        start_latency_p95_ms=stats.start_latency_ms(0.95),
        settle_seconds_p50=stats.settle_seconds_p50,
        callback_seconds_p50=stats.callback_seconds_p50,
        within_ttl_rate=stats.within_ttl_rate,
        window_minutes=stats.minutes,
        calls=stats.calls,
        since=since,
        breaker=breaker.state.value,
    )


def _since(
    provider: str, seen: Assessment, breaker: Breaker, incidents: Sequence[Incident]
) -> datetime | None:
    mine = [i for i in incidents if i.provider == provider]
    open_ = next((i for i in mine if i.ended_at is None), None)
    if seen.status.value != "operational":
        if open_ is not None:
            return open_.started_at
        return breaker.changed_at
    ended = [i.ended_at for i in mine if i.ended_at is not None]
    return max(ended) if ended else None


def _day(
    provider: str,
    tallies: Sequence[Tally],
    incidents: Sequence[Incident],
    since: datetime,
    now: datetime,
) -> ProviderDay:
    hours = []
    for n in range(24):
        start = since + timedelta(hours=n)
        stats = window(provider, tallies, start + timedelta(minutes=59), 60)
        hours.append(
            HourOfHealth(start, stats.calls, stats.success_rate, stats.start_latency_ms(0.5))
        )
    whole = window(provider, tallies, now, 24 * 60)
    return ProviderDay(
        provider=provider,
        calls=whole.calls,
        success_rate=whole.success_rate,
        start_latency_p50_ms=whole.start_latency_ms(0.5),
        start_latency_p95_ms=whole.start_latency_ms(0.95),
        hours=hours,
        incidents=[i for i in incidents if i.provider == provider],
    )
