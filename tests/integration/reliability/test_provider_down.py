"""The provider's API is down while open payments are verified: on real Postgres, the payment
stays pending, its check is rescheduled (never dropped), the failure is counted and logged,
and the payment settles once the provider answers again."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from prometheus_client import REGISTRY
from psycopg_pool import AsyncConnectionPool
from tests.builders import SequentialIds
from tests.fakes import FakeClock, FakeCredentials, FakePhoneNormalizer, FakeProvider, FakeRegistry
from tests.unit.helpers import succeeded

from adapters.metrics import PrometheusMetrics
from adapters.payment_log import FILE_NAME, StructlogPaymentLog
from adapters.postgres.uow import PostgresUnitOfWorkFactory
from application.errors import ProviderUnavailable
from application.payments.initiate_payment import InitiatePayment, InitiatePaymentCommand
from application.payments.orders import CreateOrder, CreateOrderCommand
from application.payments.reconciliation import ReconcileDue, ReconcilePayment
from application.payments.settlement import PaymentSettlement, PaymentSettles
from application.stores.stores import CreateStore, CreateStoreCommand


def reconciliation_errors() -> float:
    value = REGISTRY.get_sample_value("payments_reconciliation_errors_total", {"provider": "fake"})
    return value or 0.0


async def test_a_provider_down_leaves_the_payment_pending_retried_until_it_answers(
    uow_factory: PostgresUnitOfWorkFactory, pool: AsyncConnectionPool[Any], tmp_path: Path
) -> None:
    clock, ids, provider = FakeClock(), SequentialIds(), FakeProvider("fake")
    registry = FakeRegistry(provider)
    log = StructlogPaymentLog(tmp_path, clock=clock)
    store = await CreateStore(uow_factory, ids, clock, FakeCredentials())(
        CreateStoreCommand("Boutique Awa", None)
    )
    order = await CreateOrder(uow_factory, ids, clock)(
        CreateOrderCommand(store_id=store.store.id, reference="CMD-1", amount=5000, currency="XOF")
    )
    settle = PaymentSettlement(
        uow=uow_factory, settles=PaymentSettles(registry), clock=clock, log=log
    )
    initiate = InitiatePayment(
        uow=uow_factory,
        providers=registry,
        phones=FakePhoneNormalizer(),
        ids=ids,
        clock=clock,
        settle=settle,
    )
    payment = await initiate(
        InitiatePaymentCommand(store.store.id, order.id, "fake", "+221771234567")
    )
    reconcile = ReconcilePayment(
        uow=uow_factory, settle=settle, clock=clock, log=log, metrics=PrometheusMetrics()
    )
    due = ReconcileDue(uow_factory, reconcile, clock)

    down = ProviderUnavailable("connect timeout")
    provider.queue(down, down, down, succeeded())
    errors_before = reconciliation_errors()
    for attempt in range(1, 4):
        at, _ = await schedule(pool, payment.id)
        assert at is not None
        clock.set(at)
        assert await due() == 1
        async with uow_factory() as uow:
            stored = await uow.payments.get(payment.id)
        assert stored is not None and stored.status.value == "pending"
        next_at, attempts = await schedule(pool, payment.id)
        assert attempts == attempt
        assert next_at > clock.now()  # rescheduled, not dropped
    assert reconciliation_errors() == errors_before + 3
    lines = (tmp_path / FILE_NAME).read_text()
    assert lines.count("reconciliation_failed") == 3 and payment.id in lines

    clock.advance(timedelta(minutes=1))  # the provider is back
    assert await due() == 1
    async with uow_factory() as uow:
        settled = await uow.payments.get(payment.id)
        history = [r.event.type for r in await uow.payments.history(payment.id)]
    assert settled is not None and settled.status.value == "succeeded"
    assert history == ["payment.created", "payment.pending", "payment.succeeded"]
    assert (await schedule(pool, payment.id))[0] is None
    assert provider.fetch_calls == 4


async def schedule(pool: AsyncConnectionPool[Any], payment_id: str) -> tuple[Any, int]:
    """(next_check_at, check_attempts) of the payment."""
    async with pool.connection() as conn:
        cursor = await conn.execute(
            "SELECT next_check_at, check_attempts FROM payments WHERE id = %s", (payment_id,)
        )
        row = await cursor.fetchone()
    assert row is not None
    return row[0], row[1]
