"""VerifyPayment and ApplyReport: the provider's confirmed answer moves the payment, pays the
order once, and never loses money that arrived twice."""

from copy import deepcopy
from typing import Any

import pytest
from tests.unit.helpers import (
    OTHER_STORE,
    PENDING,
    STORE,
    World,
    a_payment,
    an_order,
    event_types,
    expire,
    failed,
    stored_order,
    stored_payment,
    succeed,
    succeeded,
)

from application.errors import NotFound, ProviderUnavailable
from domain.events import Source
from domain.order import Order, OrderStatus
from domain.payment import AMOUNT_MISMATCH, Payment, PaymentStatus


async def a_pending_payment(world: World) -> tuple[Order, Payment]:
    order = await an_order(world)
    return order, await a_payment(world, order)


async def verify(world: World, payment: Payment, store_id: str | None = None) -> Payment:
    return await world.verify()(payment.id, Source.VERIFICATION, store_id)


def snapshot(world: World) -> dict[str, Any]:
    return deepcopy(world.db.tables)


async def test_a_verified_success_pays_the_order() -> None:
    world = World()
    order, payment = await a_pending_payment(world)
    world.provider.queue(succeeded())
    result = await verify(world, payment, STORE)
    stored = stored_payment(world, payment.id)
    assert result == stored
    assert (stored.status, stored.succeeded_at) == (PaymentStatus.SUCCEEDED, world.clock.now())
    assert (stored.needs_refund, stored.late_success) == (False, False)
    paid = stored_order(world, order.id)
    assert (paid.status, paid.paid_by) == (OrderStatus.PAID, payment.id)
    [paid_event] = [e.event for e in world.db.events_of(order.id) if e.event.type == "order.paid"]
    assert paid_event.source is Source.VERIFICATION
    assert world.log.change_types == [
        "payment.created",
        "payment.pending",
        "payment.succeeded",
    ]


async def test_a_verified_failure_fails_the_payment_and_leaves_the_order_payable() -> None:
    world = World()
    order, payment = await a_pending_payment(world)
    world.provider.queue(failed("insufficient_funds"))
    await verify(world, payment)
    assert stored_payment(world, payment.id).failure_code == "insufficient_funds"
    assert stored_order(world, order.id).status is OrderStatus.PENDING_PAYMENT


async def test_a_still_pending_answer_writes_nothing() -> None:
    world = World()
    _, payment = await a_pending_payment(world)
    before = snapshot(world)
    world.provider.queue(PENDING)
    await verify(world, payment)
    assert world.db.tables["payments"] == before["payments"]
    assert world.db.tables["events"] == before["events"]


@pytest.mark.parametrize(("amount", "currency"), [(4999, "XOF"), (5000, "XAF")])
async def test_a_success_for_another_amount_is_flagged_and_the_order_stays_unpaid(
    amount: int, currency: str
) -> None:
    world = World()
    order, payment = await a_pending_payment(world)
    world.provider.queue(succeeded(amount, currency))
    await verify(world, payment)
    stored = stored_payment(world, payment.id)
    assert (stored.status, stored.flagged_reason) == (PaymentStatus.PENDING, AMOUNT_MISMATCH)
    assert event_types(world, payment.id)[-1] == "payment.amount_mismatch"
    assert stored_order(world, order.id).status is OrderStatus.PENDING_PAYMENT


async def test_a_mismatch_reported_again_is_recorded_once() -> None:
    world = World()
    _, payment = await a_pending_payment(world)
    world.provider.queue(succeeded(100))
    await verify(world, payment)
    await verify(world, payment)
    assert event_types(world, payment.id).count("payment.amount_mismatch") == 1


@pytest.mark.parametrize("status", ["succeeded", "failed"])
async def test_a_final_payment_is_returned_without_asking_the_provider(status: str) -> None:
    world = World()
    _, payment = await a_pending_payment(world)
    report = succeeded() if status == "succeeded" else failed()
    await world.apply(payment.id, report, Source.WEBHOOK)
    before = snapshot(world)
    world.provider.queue(failed() if status == "succeeded" else succeeded())
    result = await verify(world, payment)
    assert result.status == status
    assert world.provider.fetched == []
    assert snapshot(world) == before


async def test_provider_unavailable_propagates_and_changes_nothing() -> None:
    world = World()
    _, payment = await a_pending_payment(world)
    before = snapshot(world)
    world.provider.queue(ProviderUnavailable("503 from the provider"))
    with pytest.raises(ProviderUnavailable):
        await verify(world, payment)
    assert snapshot(world) == before


async def test_an_expired_payment_verified_as_paid_is_a_late_success() -> None:
    world = World()
    order, payment = await a_pending_payment(world)
    await expire(world, payment)
    world.provider.queue(succeeded())
    await verify(world, payment)
    stored = stored_payment(world, payment.id)
    assert (stored.status, stored.late_success) == (PaymentStatus.SUCCEEDED, True)
    assert stored_order(world, order.id).paid_by == payment.id


async def test_an_expired_order_is_still_paid_by_a_late_success() -> None:
    world = World()
    order, payment = await a_pending_payment(world)
    await expire(world, payment)
    async with world.uow() as uow:
        expired = await uow.orders.get(STORE, order.id, for_update=True)
        assert expired is not None
        expired.expire(world.clock.now())
        await uow.orders.save(expired)
        await uow.commit()
    world.provider.queue(succeeded())
    await verify(world, payment)
    assert stored_order(world, order.id).status is OrderStatus.PAID
    assert not stored_payment(world, payment.id).needs_refund


async def test_a_second_success_for_a_paid_order_needs_a_refund_and_pays_it_once() -> None:
    world = World()
    order, first = await a_pending_payment(world)
    await expire(world, first)
    second = await a_payment(world, order)
    await succeed(world, second)
    paid = stored_order(world, order.id)
    world.provider.queue(succeeded())
    await verify(world, first)
    late = stored_payment(world, first.id)
    assert (late.status, late.needs_refund) == (PaymentStatus.SUCCEEDED, True)
    assert event_types(world, first.id)[-2:] == ["payment.succeeded", "payment.needs_refund"]
    assert "payment.needs_refund" in world.log.change_types
    assert not stored_payment(world, second.id).needs_refund
    assert stored_order(world, order.id) == paid  # not rewritten: paid once, by the second
    assert event_types(world, order.id) == ["order.created", "order.paid"]


async def test_the_same_success_reported_twice_changes_things_once() -> None:
    world = World()
    order, payment = await a_pending_payment(world)
    await succeed(world, payment)
    before = snapshot(world)
    await succeed(world, payment)
    assert snapshot(world) == before
    assert stored_order(world, order.id).paid_by == payment.id


@pytest.mark.parametrize("report", [failed(), PENDING], ids=["failed", "pending"])
async def test_an_illegal_report_is_logged_as_an_anomaly_and_changes_nothing(report: Any) -> None:
    world = World()
    order, payment = await a_pending_payment(world)
    await succeed(world, payment)
    before = snapshot(world)
    result = await world.apply(payment.id, report, Source.WEBHOOK)
    assert result.status is PaymentStatus.SUCCEEDED
    assert [(a.payment_id, a.what) for a in world.log.anomalies] == [
        (payment.id, "illegal_transition")
    ]
    assert snapshot(world) == before
    assert stored_order(world, order.id).status is OrderStatus.PAID


async def test_another_stores_payment_is_not_found() -> None:
    world = World()
    _, payment = await a_pending_payment(world)
    world.provider.queue(succeeded())
    with pytest.raises(NotFound):
        await verify(world, payment, OTHER_STORE)
    assert stored_payment(world, payment.id).status is PaymentStatus.PENDING
    assert world.provider.fetched == []


async def test_an_unknown_payment_is_not_found() -> None:
    world = World()
    with pytest.raises(NotFound):
        await world.verify()("pay_9999", Source.VERIFICATION)
    with pytest.raises(NotFound):
        await world.apply("pay_9999", succeeded(), Source.WEBHOOK)
