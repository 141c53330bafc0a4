"""Provider health: the circuit breaker of one provider and the sliding windows of what the
service saw of it. Pure: time comes in as arguments, so every rule is tested with a fake clock.

Breaker rules (one breaker per provider, shared by every process through the database):
- `closed`: payments go through; each start that fails (timeout, network error, 5xx,
  credentials refused) adds one to `failures`, an answer (accepted or refused for a business
  reason) sets it back to 0; `policy.failures` consecutive failures open it.
- `open`: new payments are refused at once for `policy.open_for`, then it is `half_open`.
- `half_open`: at most `policy.probes` payments are let through (a probe that never reports
  back is forgotten after `open_for`); the first one answered closes it, a failure opens it
  again for another `open_for`.
Status queries and refunds never pass through the breaker.

Windows: observations are tallied per provider and per minute (`Tally`); a window sums the
tallies of its last N minutes and reads rates and percentiles from them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta
from enum import StrEnum
from operator import add


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass(frozen=True, slots=True)
class BreakerPolicy:
    failures: int = 5
    open_for: timedelta = timedelta(seconds=30)
    probes: int = 3

    def __post_init__(self) -> None:
        if self.failures < 1 or self.probes < 1 or self.open_for <= timedelta(0):
            raise ValueError("a breaker needs failures >= 1, probes >= 1 and open_for > 0")


@dataclass(frozen=True, slots=True)
class Breaker:
    """`changed_at`: when it last changed state; `probe_at`: the last probe let through."""

    state: BreakerState = BreakerState.CLOSED
    failures: int = 0
    changed_at: datetime | None = None
    probes: int = 0
    probe_at: datetime | None = None

    def current(self, now: datetime, policy: BreakerPolicy) -> Breaker:
        """The breaker as it stands at `now`: open past `open_for` is half-open."""
        if self.state is BreakerState.OPEN and self._elapsed(now) >= policy.open_for:
            return replace(self, state=BreakerState.HALF_OPEN, probes=0, probe_at=None)
        return self

    def retry_after(self, now: datetime, policy: BreakerPolicy) -> int:
        """Whole seconds (at least 1) before a refused payment is worth trying again."""
        if self.state is not BreakerState.OPEN:
            return 1
        left = (policy.open_for - self._elapsed(now)).total_seconds()
        return max(1, math.ceil(left))

    @property
    def healthy(self) -> bool:
        """Nothing to write when a start succeeds: closed with no failure counted."""
        return self.state is BreakerState.CLOSED and self.failures == 0

    def admit(self, now: datetime, policy: BreakerPolicy) -> tuple[Breaker, bool]:
        """Whether a new payment may start now, and the breaker after letting it through."""
        breaker = self.current(now, policy)
        if breaker.state is BreakerState.CLOSED:
            return breaker, True
        if breaker.state is BreakerState.OPEN:
            return breaker, False
        stale = breaker.probe_at is not None and now - breaker.probe_at >= policy.open_for
        probes = 0 if stale else breaker.probes
        if probes >= policy.probes:
            return breaker, False
        return replace(breaker, probes=probes + 1, probe_at=now), True

    def succeeded(self, now: datetime) -> Breaker:
        """A start answered by the provider: closed, failures forgotten."""
        if self.state is BreakerState.CLOSED:
            return replace(self, failures=0)
        return Breaker(BreakerState.CLOSED, 0, now)

    def failed(self, now: datetime, policy: BreakerPolicy) -> Breaker:
        """A start that failed or timed out."""
        breaker = self.current(now, policy)
        failures = breaker.failures + 1
        if breaker.state is BreakerState.HALF_OPEN or (
            breaker.state is BreakerState.CLOSED and failures >= policy.failures
        ):
            return Breaker(BreakerState.OPEN, failures, now)
        return replace(breaker, failures=failures)

    def _elapsed(self, now: datetime) -> timedelta:
        return now - self.changed_at if self.changed_at else timedelta.max


# -- observations and windows ---------------------------------------------------------------

#: Upper bounds of the start latency histogram, in milliseconds (one more bucket above).
LATENCY_BOUNDS_MS: tuple[int, ...] = (100, 250, 500, 1000, 2500, 5000, 10000, 15000, 30000)
#: Upper bounds of the settle and callback delay histograms, in seconds.
SETTLE_BOUNDS_S: tuple[int, ...] = (5, 10, 30, 60, 120, 300, 600, 1800, 3600)


def bucket_of(value: float, bounds: Sequence[int]) -> int:
    """The histogram bucket of `value`: the first bound it does not exceed, else the last."""
    for index, bound in enumerate(bounds):
        if value <= bound:
            return index
    return len(bounds)


def _empty(bounds: Sequence[int]) -> tuple[int, ...]:
    return (0,) * (len(bounds) + 1)


@dataclass(frozen=True, slots=True)
class Tally:
    """What was seen of one provider in one minute (`minute` is its first second).

    Starts: `starts_ok` (accepted), `starts_rejected` (refused for a business reason: the
    provider answered), `starts_timeout`, `starts_error` (5xx, network error, credentials
    refused). Status queries: `status_ok`, `status_error`. Payments that reached a final
    status: `settled_in_ttl` within their time-to-live, `expired` past it. Histograms:
    start latency (ms), time from start to final status and to the callback (s)."""

    provider: str
    minute: datetime
    starts_ok: int = 0
    starts_rejected: int = 0
    starts_timeout: int = 0
    starts_error: int = 0
    status_ok: int = 0
    status_error: int = 0
    settled_in_ttl: int = 0
    expired: int = 0
    start_latency: tuple[int, ...] = field(default_factory=lambda: _empty(LATENCY_BOUNDS_MS))
    settle_seconds: tuple[int, ...] = field(default_factory=lambda: _empty(SETTLE_BOUNDS_S))
    callback_seconds: tuple[int, ...] = field(default_factory=lambda: _empty(SETTLE_BOUNDS_S))

    def __add__(self, other: Tally) -> Tally:
        """The two tallies summed, count by count and bucket by bucket (`self`'s provider and
        minute). After every settled payment: the counted fields are listed once."""
        values: list[object] = [self.provider, self.minute]
        for name in _COUNTED:
            mine, theirs = getattr(self, name), getattr(other, name)
            if isinstance(mine, tuple):
                if len(mine) != len(theirs):
                    raise ValueError(f"{name}: histograms of different bounds")
                values.append(tuple(map(add, mine, theirs)))
            else:
                values.append(mine + theirs)
        return Tally(*values)  # type: ignore[arg-type]

    @property
    def starts(self) -> int:
        return self.starts_ok + self.starts_rejected + self.starts_timeout + self.starts_error

    @property
    def calls(self) -> int:
        return self.starts + self.status_ok + self.status_error

    @property
    def failures(self) -> int:
        return self.starts_timeout + self.starts_error + self.status_error


#: The fields `__add__` sums, in their order (all but `provider` and `minute`).
_COUNTED = tuple(f.name for f in fields(Tally) if f.name not in ("provider", "minute"))


def minute_of(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


def quantile(histogram: Sequence[int], bounds: Sequence[int], q: float) -> float | None:
    """The `q` quantile read from a histogram, interpolated inside its bucket (the top bucket
    answers its lower bound); None when it is empty."""
    total = sum(histogram)
    if total == 0:
        return None
    rank, seen = q * total, 0
    for index, count in enumerate(histogram):
        if count and seen + count >= rank:
            if index >= len(bounds):
                return float(bounds[-1])
            low = bounds[index - 1] if index else 0
            return low + (bounds[index] - low) * (rank - seen) / count
        seen += count
    return float(bounds[-1])


@dataclass(frozen=True, slots=True)
class WindowStats:
    """The tallies of one provider summed over a window of `minutes`."""

    minutes: int
    total: Tally

    @property
    def calls(self) -> int:
        return self.total.calls

    @property
    def success_rate(self) -> float | None:
        """Share of provider calls (starts and status queries) that got an answer."""
        calls = self.total.calls
        return None if calls == 0 else (calls - self.total.failures) / calls

    def start_latency_ms(self, q: float) -> float | None:
        return quantile(self.total.start_latency, LATENCY_BOUNDS_MS, q)

    @property
    def settle_seconds_p50(self) -> float | None:
        return quantile(self.total.settle_seconds, SETTLE_BOUNDS_S, 0.5)

    @property
    def callback_seconds_p50(self) -> float | None:
        return quantile(self.total.callback_seconds, SETTLE_BOUNDS_S, 0.5)

    @property
    def within_ttl_rate(self) -> float | None:
        """Share of started payments that reached a final status within their time-to-live."""
        done = self.total.settled_in_ttl + self.total.expired
        return None if done == 0 else self.total.settled_in_ttl / done


def window(
    provider: str,
    tallies: Iterable[Tally],
    now: datetime,
    minutes: int,
    since: datetime | None = None,
) -> WindowStats:
    """The provider's tallies of the last `minutes` (the current minute included), and only
    those of the minutes after `since` (the breaker's last closing: a recovered provider is
    not judged on the failures that opened it)."""
    start = minute_of(now) - timedelta(minutes=minutes - 1)
    if since is not None:
        start = max(start, minute_of(since) + timedelta(minutes=1))
    total = Tally(provider, start)
    for tally in tallies:
        if tally.provider == provider and start <= tally.minute <= now:
            total += tally
    return WindowStats(minutes, total)


# -- the status a provider is shown with ---------------------------------------------------


class HealthStatus(StrEnum):
    OPERATIONAL = "operational"
    DEGRADED = "degraded"
    DOWN = "down"


@dataclass(frozen=True, slots=True)
class HealthThresholds:
    """A window says something once it holds `min_calls` calls (or `min_settled` final
    payments for the time-to-live rule); below, the provider is taken as operational."""

    min_calls: int = 5
    min_success_rate: float = 0.8
    slow_p50_ms: float = 5000
    slow_p95_ms: float = 10000
    min_settled: int = 5
    min_within_ttl_rate: float = 0.3


@dataclass(frozen=True, slots=True)
class Assessment:
    status: HealthStatus
    window: WindowStats
    reason: str | None


def assess(
    breaker: BreakerState,
    short: WindowStats,
    long: WindowStats,
    limits: HealthThresholds | None = None,
) -> Assessment:
    """Rules: an open breaker is `down`; a half-open one is `degraded`; otherwise the short
    window is read when it holds enough calls, else the long one, and a provider is
    `degraded` when too few calls get an answer, when it is slow, or when too few of its
    payments settle within their time-to-live."""
    limits = limits or HealthThresholds()
    chosen = short if short.calls >= limits.min_calls else long
    if breaker is BreakerState.OPEN:
        return Assessment(HealthStatus.DOWN, chosen, "breaker_open")
    if breaker is BreakerState.HALF_OPEN:
        return Assessment(HealthStatus.DEGRADED, chosen, "breaker_half_open")
    reason = _degraded_reason(chosen, limits)
    status = HealthStatus.DEGRADED if reason else HealthStatus.OPERATIONAL
    return Assessment(status, chosen, reason)


def _degraded_reason(stats: WindowStats, limits: HealthThresholds) -> str | None:
    if stats.calls >= limits.min_calls:
        rate = stats.success_rate
        if rate is not None and rate < limits.min_success_rate:
            return "failing"
        p50, p95 = stats.start_latency_ms(0.5), stats.start_latency_ms(0.95)
        if (p50 or 0) > limits.slow_p50_ms or (p95 or 0) > limits.slow_p95_ms:
            return "slow"
    done = stats.total.settled_in_ttl + stats.total.expired
    within = stats.within_ttl_rate
    if done >= limits.min_settled and within is not None and within < limits.min_within_ttl_rate:
        return "not_settling"
    return None
