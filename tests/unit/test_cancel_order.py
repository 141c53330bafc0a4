"""CancelOrder: only an unpaid order is cancelled; a payment that succeeds afterwards is kept
and flagged for refund."""

import pytest
from tests.unit.helpers import (
    OTHER_STORE,
    STORE,
    World,
    a_payment,
    an_order,
    event_types,
    stored_order,
    stored_payment,
    succeed,
)

from application.errors import NotFound
from application.payments.orders import CancelOrder
from domain.errors import InvalidTransition
from domain.order import OrderStatus
from domain.payment import PaymentStatus


def cancel(world: World) -> CancelOrder:
    return CancelOrder(world.uow, world.clock)


async def test_an_unpaid_order_is_cancelled_with_its_event() -> None:
    world = World()
    order = await an_order(world)
    world.clock.advance(minutes=3)
    cancelled = await cancel(world)(STORE, order.id)
    stored = stored_order(world, order.id)
    assert cancelled.status is stored.status is OrderStatus.CANCELLED
    assert stored.updated_at == world.clock.now()
    assert event_types(world, order.id) == ["order.created", "order.cancelled"]


async def test_a_paid_order_cannot_be_cancelled() -> None:
    world = World()
    order = await an_order(world)
    await succeed(world, await a_payment(world, order))
    with pytest.raises(InvalidTransition):
        await cancel(world)(STORE, order.id)
    assert stored_order(world, order.id).status is OrderStatus.PAID
    assert event_types(world, order.id) == ["order.created", "order.paid"]


async def test_cancelling_twice_is_refused_and_records_one_event() -> None:
    world = World()
    order = await an_order(world)
    await cancel(world)(STORE, order.id)
    with pytest.raises(InvalidTransition):
        await cancel(world)(STORE, order.id)
    assert event_types(world, order.id) == ["order.created", "order.cancelled"]


@pytest.mark.parametrize(("store_id", "order_id"), [(OTHER_STORE, "ord_0001"), (STORE, "ord_9")])
async def test_another_stores_or_an_unknown_order_is_not_found(
    store_id: str, order_id: str
) -> None:
    world = World()
    await an_order(world)
    with pytest.raises(NotFound):
        await cancel(world)(store_id, order_id)
    assert stored_order(world, "ord_0001").status is OrderStatus.PENDING_PAYMENT


async def test_a_payment_succeeding_after_cancellation_is_kept_and_flagged_for_refund() -> None:
    world = World()
    order = await an_order(world)
    payment = await a_payment(world, order)
    await cancel(world)(STORE, order.id)
    await succeed(world, payment)
    stored = stored_payment(world, payment.id)
    assert stored.status is PaymentStatus.SUCCEEDED
    assert stored.needs_refund
    assert "payment.needs_refund" in event_types(world, payment.id)
    assert stored_order(world, order.id).status is OrderStatus.CANCELLED
