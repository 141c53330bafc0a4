"""The Postgres refund repository: rows and history round-trip, the amount a payment holds,
every store's refunds for operators, the lease on checks, and an append-only history."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import psycopg
import pytest
from psycopg_pool import AsyncConnectionPool
from tests.builders import NOW, make_order, make_payment, make_store

from adapters.postgres.uow import PostgresUnitOfWorkFactory
from application.refunds.ports import RefundFilter
from application.shared.ports import PageRequest
from domain.events import Source
from domain.money import Money
from domain.payment import Payment
from domain.refund import Refund, RefundStatus

pytestmark = pytest.mark.usefixtures("clean_db")


async def paid_payment(uow_factory: PostgresUnitOfWorkFactory, name: str = "Awa") -> Payment:
    store = make_store(name=name)
    order = make_order(store)
    payment = make_payment(order)
    payment.mark_pending(NOW, Source.API)
    payment.mark_succeeded(NOW, Source.WEBHOOK)
    async with uow_factory() as uow:
        await uow.stores.add(store)
        await uow.orders.add(order)
        await uow.payments.add(payment)
        await uow.commit()
    return payment


def new_refund(payment: Payment, number: int, amount: int, manual: bool = False) -> Refund:
    return Refund.create(
        id=f"rfd_{number:04d}",
        payment=payment,
        amount=Money.of(amount, "XOF"),
        at=NOW,
        reason="retour",
        manual=manual,
        reference=f"ref-{number}",
    )


async def add(uow_factory: PostgresUnitOfWorkFactory, *refunds: Refund) -> None:
    async with uow_factory() as uow:
        for refund in refunds:
            await uow.refunds.add(refund)
        await uow.commit()


async def test_a_refund_round_trips_with_its_history_and_the_payment_totals(
    uow_factory: PostgresUnitOfWorkFactory,
) -> None:
    payment = await paid_payment(uow_factory)
    refund = new_refund(payment, 1, 2000)
    await add(uow_factory, refund)
    async with uow_factory() as uow:
        stored = await uow.refunds.get(refund.id, for_update=True)
        assert stored is not None
        assert (stored.amount, stored.status, stored.provider_reference) == (
            Money.of(2000, "XOF"),
            RefundStatus.PENDING,
            "ref-1",
        )
        stored.mark_succeeded(NOW + timedelta(seconds=5), Source.RECONCILIATION)
        await uow.refunds.save(stored)
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        again = await uow.refunds.get_for_store(payment.store_id, refund.id)
        assert again is not None and again.version == 1
        assert again.succeeded_at == NOW + timedelta(seconds=5)
        assert await uow.refunds.get_for_store("sto_other", refund.id) is None
        history = await uow.refunds.history(refund.id)
        assert [e.event.type for e in history] == ["refund.created", "refund.succeeded"]
        seen = await uow.payments.get(payment.id)
        assert seen is not None and (seen.amount_refunded, seen.refunded) == (2000, False)


async def test_a_payment_holds_its_pending_succeeded_and_awaiting_refunds_not_failed_ones(
    uow_factory: PostgresUnitOfWorkFactory,
) -> None:
    payment = await paid_payment(uow_factory)
    failed = new_refund(payment, 1, 1000)
    failed.mark_failed(NOW, Source.API, code="refused")
    await add(
        uow_factory,
        new_refund(payment, 2, 1500),
        new_refund(payment, 3, 500, manual=True),
        failed,
    )
    async with uow_factory(read_only=True) as uow:
        assert await uow.refunds.held(payment.id) == 2000
        assert await uow.refunds.held("pay_none") == 0


async def test_operators_see_every_stores_refunds_awaiting_a_person(
    uow_factory: PostgresUnitOfWorkFactory,
) -> None:
    first, second = await paid_payment(uow_factory), await paid_payment(uow_factory, "Koffi")
    await add(
        uow_factory,
        new_refund(first, 1, 100, manual=True),
        new_refund(second, 2, 100, manual=True),
        new_refund(second, 3, 100),
    )
    awaiting = RefundFilter(status=RefundStatus.REQUIRES_ACTION)
    async with uow_factory(read_only=True) as uow:
        every = await uow.refunds.search(None, awaiting, PageRequest())
        assert [r.id for r in every.data] == ["rfd_0002", "rfd_0001"]
        one = await uow.refunds.search(second.store_id, RefundFilter(), PageRequest(limit=1))
        assert ([r.id for r in one.data], one.has_more) == (["rfd_0003"], True)


async def test_due_checks_are_leased_and_only_pending_refunds_are_claimed(
    uow_factory: PostgresUnitOfWorkFactory,
) -> None:
    payment = await paid_payment(uow_factory)
    await add(uow_factory, new_refund(payment, 1, 100), new_refund(payment, 2, 100, manual=True))
    async with uow_factory() as uow:
        await uow.refunds.plan("rfd_0001", NOW, 2)
        await uow.refunds.plan("rfd_0002", NOW, 0)  # not pending: never claimed
        await uow.commit()
    lease = NOW + timedelta(minutes=2)
    async with uow_factory() as uow:
        assert await uow.refunds.claim_due(NOW, lease, 10) == [("rfd_0001", 2)]
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.refunds.claim_due(NOW + timedelta(minutes=1), lease, 10) == []
        assert await uow.refunds.claim_due(lease, lease + timedelta(minutes=2), 10) == [
            ("rfd_0001", 2)
        ]


@pytest.mark.parametrize(
    "statement", ["UPDATE refund_events SET type = 'x'", "DELETE FROM refund_events"]
)
async def test_the_refund_history_is_append_only(
    uow_factory: PostgresUnitOfWorkFactory, pool: AsyncConnectionPool[Any], statement: str
) -> None:
    payment = await paid_payment(uow_factory)
    await add(uow_factory, new_refund(payment, 1, 100))
    with pytest.raises(psycopg.errors.RestrictViolation, match="append-only"):
        async with pool.connection() as conn:
            await conn.execute(statement)
