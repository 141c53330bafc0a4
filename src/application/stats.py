"""The store's figures at a glance (docs/api.md, Stats): revenue, success rates, counts, and
revenue per day. A read model of its own, behind the `StatsReader` port."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from application.ports import Clock
from domain.money import Money

DEFAULT_DAYS = 30


@dataclass(frozen=True, slots=True)
class Period:
    """`[start, end)`: the payments created (and the money received) in it."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class DailyRevenue:
    day: date
    revenue: Money
    count: int


@dataclass(frozen=True, slots=True)
class Outcomes:
    """Final outcomes of payments: the success rate is succeeded over all of them."""

    succeeded: int = 0
    failed: int = 0
    expired: int = 0

    @property
    def success_rate(self) -> float | None:
        """succeeded / (succeeded + failed + expired); None before any final outcome."""
        total = self.succeeded + self.failed + self.expired
        return self.succeeded / total if total else None


@dataclass(frozen=True, slots=True)
class Stats:
    period: Period
    revenue: list[Money] = field(default_factory=list)
    orders_by_status: dict[str, int] = field(default_factory=dict)
    payments_by_status: dict[str, int] = field(default_factory=dict)
    payments_by_provider: dict[str, int] = field(default_factory=dict)
    outcomes: Outcomes = field(default_factory=Outcomes)
    outcomes_by_provider: dict[str, Outcomes] = field(default_factory=dict)
    daily: list[DailyRevenue] = field(default_factory=list)

    @property
    def success_rate(self) -> float | None:
        return self.outcomes.success_rate


class StatsReader(Protocol):
    async def stats(self, store_id: str, period: Period) -> Stats:
        """The store's figures over `period`: orders and payments created in it, revenue
        (succeeded payments, per currency and per UTC day) received in it."""
        ...


class StoreStats:
    """Rules: scoped to one store; the period defaults to the last 30 days up to now; a
    period ending before it starts is read as empty."""

    def __init__(self, reader: StatsReader, clock: Clock) -> None:
        self._reader, self._clock = reader, clock

    async def __call__(
        self, store_id: str, start: datetime | None = None, end: datetime | None = None
    ) -> Stats:
        end = end or self._clock.now()
        start = start or end - timedelta(days=DEFAULT_DAYS)
        return await self._reader.stats(store_id, Period(start, max(start, end)))
