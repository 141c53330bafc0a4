"""The store's figures at a glance (docs/api.md, Stats): revenue, success rates, counts, and
revenue per day. A read model of its own, behind the `StatsReader` port."""

from __future__ import annotations

from datetime import datetime, timedelta

from application.payments.figures import DailyRevenue, Outcomes, Period, Stats
from application.payments.ports import StatsReader
from application.shared.ports import Clock

__all__ = ["DailyRevenue", "Outcomes", "Period", "Stats", "StoreStats"]

DEFAULT_DAYS = 30


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
