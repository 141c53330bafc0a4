"""`GET /api/v1/stats?from=&to=` (store key): the store's figures over a period (API.md, Stats)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from application.payments.stats import Outcomes, Stats, StoreStats
from domain.store import Store

From = Annotated[
    datetime | None,
    QueryParameter(name="from", description="RFC 3339 start (default: 30 days before `to`)"),
]
To = Annotated[
    datetime | None, QueryParameter(name="to", description="RFC 3339 end (default: now)")
]


class AmountOut(msgspec.Struct, frozen=True, kw_only=True):
    currency: str
    amount: int


class OrdersOut(msgspec.Struct, frozen=True, kw_only=True):
    by_status: dict[str, int]


class PaymentsOut(msgspec.Struct, frozen=True, kw_only=True):
    by_status: dict[str, int]
    by_provider: dict[str, int]


class DailyOut(msgspec.Struct, frozen=True, kw_only=True):
    date: str
    currency: str
    amount: int
    count: int


class CountryOut(msgspec.Struct, frozen=True, kw_only=True):
    payments: int
    success_rate: float | None
    revenue: list[AmountOut]


class StatsOut(msgspec.Struct, frozen=True, kw_only=True):
    from_: str = msgspec.field(name="from")
    to: str
    revenue: list[AmountOut]
    orders: OrdersOut
    payments: PaymentsOut
    success_rate: float | None
    success_rate_by_provider: dict[str, float | None]
    daily: list[DailyOut]
    refunded: list[AmountOut] = []
    by_country: dict[str, CountryOut] = {}


class StatsController(Controller):
    path = "/api/v1/stats"
    tags = ["Stats"]

    @get("/", summary="The store's revenue, counts and success rates over a period")
    async def read(
        self,
        store: NamedDependency[Store],
        store_stats: NamedDependency[StoreStats],
        start: From = None,
        end: To = None,
    ) -> StatsOut:
        return stats_out(await store_stats(store.id, _utc(start), _utc(end)))


def _utc(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _rate(outcomes: Outcomes) -> float | None:
    rate = outcomes.success_rate
    return round(rate, 4) if rate is not None else None


def stats_out(stats: Stats) -> StatsOut:
    return StatsOut(
        from_=stats.period.start.isoformat().replace("+00:00", "Z"),
        to=stats.period.end.isoformat().replace("+00:00", "Z"),
        revenue=[AmountOut(currency=m.currency.value, amount=m.amount) for m in stats.revenue],
        orders=OrdersOut(by_status=stats.orders_by_status),
        payments=PaymentsOut(
            by_status=stats.payments_by_status, by_provider=stats.payments_by_provider
        ),
        success_rate=_rate(stats.outcomes),
        success_rate_by_provider={p: _rate(o) for p, o in stats.outcomes_by_provider.items()},
        daily=[
            DailyOut(
                date=d.day.isoformat(),
                currency=d.revenue.currency.value,
                amount=d.revenue.amount,
                count=d.count,
            )
            for d in stats.daily
        ],
        refunded=[AmountOut(currency=m.currency.value, amount=m.amount) for m in stats.refunded],
        by_country={
            country: CountryOut(
                payments=figures.payments,
                success_rate=_rate(figures.outcomes),
                revenue=[
                    AmountOut(currency=m.currency.value, amount=m.amount) for m in figures.revenue
                ],
            )
            for country, figures in stats.by_country.items()
        },
    )
