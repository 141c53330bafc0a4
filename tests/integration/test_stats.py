"""The store's figures (`StatsReader` in plain SQL) against a real database, and
`GET /api/v1/stats`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from psycopg_pool import AsyncConnectionPool
from tests.builders import make_order, make_payment, make_store
from tests.integration.conftest import StoreKeys

from adapters.postgres.stats import PostgresStatsReader
from adapters.postgres.uow import PostgresUnitOfWorkFactory
from application.payments.stats import Outcomes, Period, StoreStats
from domain.events import Source
from domain.money import Money
from domain.order import Order
from domain.payment import Payment
from domain.store import Store

DAY1 = datetime(2025, 3, 10, 23, 30, tzinfo=UTC)
DAY2 = datetime(2025, 3, 11, 8, 0, tzinfo=UTC)
PERIOD = Period(datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC))


def order_of(store: Store, amount: int = 5000, currency: str = "XOF", at: datetime = DAY1) -> Order:
    order = make_order(store, amount=amount, currency=currency)
    order.created_at = order.updated_at = at
    return order


def payment_of(order: Order, provider: str, outcome: str, at: datetime = DAY1) -> Payment:
    payment = make_payment(order, provider=provider)
    payment.created_at = at
    if outcome == "created":
        return payment
    payment.mark_pending(at, Source.API)
    if outcome == "succeeded":
        payment.mark_succeeded(at + timedelta(minutes=1), Source.WEBHOOK)
        order.mark_paid(at + timedelta(minutes=1), Source.WEBHOOK, payment.id)
    elif outcome == "failed":
        payment.mark_failed(at, Source.WEBHOOK, code="insufficient_funds")
    elif outcome == "expired":
        payment.expire(at)
    return payment


async def save(uow_factory: PostgresUnitOfWorkFactory, store: Store, *rows: Any) -> None:
    async with uow_factory() as uow:
        await uow.stores.add(store)
        for row in rows:
            if isinstance(row, Order):
                await uow.orders.add(row)
            else:
                await uow.payments.add(row)
        await uow.commit()


@pytest.fixture
def reader(pool: AsyncConnectionPool[Any]) -> PostgresStatsReader:
    return PostgresStatsReader(pool)


async def test_figures_of_one_store_over_a_period(
    uow_factory: PostgresUnitOfWorkFactory, reader: PostgresStatsReader
) -> None:
    store = make_store()
    paid_xof = order_of(store, 5000)
    paid_late = order_of(store, 2500, at=DAY2)
    paid_ghs = order_of(store, 1250, "GHS", at=DAY2)
    unpaid = order_of(store, 3000)
    rows = [
        paid_xof,
        paid_late,
        paid_ghs,
        unpaid,
        payment_of(unpaid, "wave", "failed"),
        payment_of(unpaid, "wave", "expired"),
        payment_of(unpaid, "mtn_momo", "failed"),
        payment_of(unpaid, "mtn_momo", "created"),
        payment_of(paid_xof, "wave", "succeeded"),
        payment_of(paid_late, "mtn_momo", "succeeded", at=DAY2),
        payment_of(paid_ghs, "mtn_momo", "succeeded", at=DAY2),
    ]
    await save(uow_factory, store, *rows)
    other = make_store(name="Chez Koffi")
    theirs = order_of(other, 9000)
    await save(uow_factory, other, theirs, payment_of(theirs, "wave", "succeeded"))

    stats = await reader.stats(store.id, PERIOD)

    assert stats.revenue == [Money.of(1250, "GHS"), Money.of(7500, "XOF")]
    assert stats.orders_by_status == {"paid": 3, "pending_payment": 1}
    assert stats.payments_by_status == {"created": 1, "expired": 1, "failed": 2, "succeeded": 3}
    assert stats.payments_by_provider == {"mtn_momo": 4, "wave": 3}
    assert stats.outcomes == Outcomes(succeeded=3, failed=2, expired=1)
    assert stats.success_rate == pytest.approx(3 / 6)
    assert stats.outcomes_by_provider["wave"].success_rate == pytest.approx(1 / 3)
    assert stats.outcomes_by_provider["mtn_momo"].success_rate == pytest.approx(2 / 3)
    daily = [(d.day, d.revenue, d.count) for d in stats.daily]
    assert daily == [
        (date(2025, 3, 10), Money.of(5000, "XOF"), 1),  # 23:31 UTC is still the 10th
        (date(2025, 3, 11), Money.of(1250, "GHS"), 1),
        (date(2025, 3, 11), Money.of(2500, "XOF"), 1),
    ]


async def test_the_period_bounds_what_is_counted(
    uow_factory: PostgresUnitOfWorkFactory, reader: PostgresStatsReader
) -> None:
    store = make_store()
    before = order_of(store, 4000, at=DAY1 - timedelta(days=30))
    inside = order_of(store, 6000, at=DAY2)
    await save(
        uow_factory,
        store,
        before,
        inside,
        payment_of(before, "wave", "succeeded", at=DAY1 - timedelta(days=30)),
        payment_of(inside, "wave", "succeeded", at=DAY2),
    )
    stats = await reader.stats(store.id, PERIOD)
    assert stats.revenue == [Money.of(6000, "XOF")]
    assert stats.orders_by_status == {"paid": 1}
    assert stats.payments_by_provider == {"wave": 1}
    assert [d.day for d in stats.daily] == [date(2025, 3, 11)]


async def test_a_store_without_payments_has_no_rate(
    uow_factory: PostgresUnitOfWorkFactory, reader: PostgresStatsReader
) -> None:
    store = make_store()
    await save(uow_factory, store, order_of(store))
    stats = await reader.stats(store.id, PERIOD)
    assert stats.revenue == [] and stats.daily == []
    assert stats.payments_by_status == {} and stats.success_rate is None
    assert stats.orders_by_status == {"pending_payment": 1}


async def test_the_use_case_reads_the_last_30_days_by_default(
    uow_factory: PostgresUnitOfWorkFactory, reader: PostgresStatsReader
) -> None:
    class Clock:
        def now(self) -> datetime:
            return datetime(2025, 3, 20, tzinfo=UTC)

    store = make_store()
    order = order_of(store, 5000, at=DAY2)
    await save(uow_factory, store, order, payment_of(order, "wave", "succeeded", at=DAY2))
    stats = await StoreStats(reader, Clock())(store.id)
    assert stats.period == Period(
        datetime(2025, 2, 18, tzinfo=UTC), datetime(2025, 3, 20, tzinfo=UTC)
    )
    assert stats.revenue == [Money.of(5000, "XOF")]


async def test_the_stats_endpoint(client: AsyncTestClient[Any], store: StoreKeys) -> None:
    order = (
        await client.post(
            "/api/v1/orders",
            json={"reference": "A-1", "amount": 5000, "currency": "XOF"},
            headers=store.headers,
        )
    ).json()
    started = await client.post(
        f"/api/v1/orders/{order['id']}/payments",
        json={"provider": "sandbox", "phone": "+2250700000003"},
        headers=store.headers,
    )
    assert started.status_code == 201
    response = await client.get("/api/v1/stats", headers=store.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["revenue"] == [] and body["daily"] == []
    assert body["orders"] == {"by_status": {"pending_payment": 1}}
    assert body["payments"] == {"by_status": {"pending": 1}, "by_provider": {"sandbox": 1}}
    assert body["success_rate"] is None
    assert {"from", "to", "success_rate_by_provider"} <= body.keys()
    past = await client.get(
        "/api/v1/stats",
        params={"from": "2020-01-01T00:00:00Z", "to": "2020-02-01T00:00:00Z"},
        headers=store.headers,
    )
    assert past.json()["payments"]["by_status"] == {}
    assert past.json()["from"] == "2020-01-01T00:00:00Z"
    assert (await client.get("/api/v1/stats")).status_code == 401
