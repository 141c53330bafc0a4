"""ExpireOrders: an order nobody paid in time expires, but never while one of its payments is
still open; a late success still pays it."""

from __future__ import annotations

from datetime import timedelta

from tests.unit.helpers import (
    World,
    a_payment,
    an_order,
    event_types,
    expire,
    failed,
    stored_order,
    succeed,
    succeeded,
)

from application.payments.expire_orders import ExpireOrders
from application.payments.orders import CancelOrder
from application.shared.timeouts import TimeToLive
from domain.events import Source
from domain.order import Order, OrderStatus
from domain.payment import PaymentStatus

ORDER_TTL = TimeToLive().order


def expire_orders(world: World, batch: int = 100) -> ExpireOrders:
    return ExpireOrders(world.uow, world.clock, batch)


async def test_an_unpaid_order_without_payments_expires_past_its_ttl() -> None:
    world = World()
    order = await an_order(world)
    assert order.expires_at == world.clock.now() + ORDER_TTL
    world.clock.advance(ORDER_TTL)
    assert await expire_orders(world)() == 1
    stored = stored_order(world, order.id)
    assert stored.status is OrderStatus.EXPIRED
    [expired] = [e.event for e in world.db.events_of(order.id) if e.event.type == "order.expired"]
    assert (expired.source, expired.from_status) == (Source.SYSTEM, "pending_payment")


async def test_an_order_before_its_ttl_is_left_alone() -> None:
    world = World()
    order = await an_order(world)
    world.clock.advance(ORDER_TTL - timedelta(seconds=1))
    assert await expire_orders(world)() == 0
    assert stored_order(world, order.id).status is OrderStatus.PENDING_PAYMENT


async def test_an_order_with_an_open_payment_waits_for_that_payment() -> None:
    world = World()
    order = await an_order(world)
    payment = await a_payment(world, order)
    world.clock.advance(ORDER_TTL + timedelta(hours=1))
    assert await expire_orders(world)() == 0
    assert stored_order(world, order.id).status is OrderStatus.PENDING_PAYMENT
    await expire(world, payment)  # the payment's own expiry comes first
    assert await expire_orders(world)() == 1
    assert stored_order(world, order.id).status is OrderStatus.EXPIRED


async def test_an_order_whose_payments_all_failed_expires() -> None:
    world = World()
    order = await an_order(world)
    payment = await a_payment(world, order)
    await world.apply(payment.id, failed(), Source.WEBHOOK)
    world.clock.advance(ORDER_TTL)
    assert await expire_orders(world)() == 1
    assert stored_order(world, order.id).status is OrderStatus.EXPIRED


async def test_paid_and_cancelled_orders_never_expire() -> None:
    world = World()
    paid = await an_order(world)
    await succeed(world, await a_payment(world, paid))
    cancelled = await an_order(world)
    await CancelOrder(world.uow, world.clock)(cancelled.store_id, cancelled.id)
    world.clock.advance(ORDER_TTL * 2)
    assert await expire_orders(world)() == 0
    assert stored_order(world, paid.id).status is OrderStatus.PAID
    assert stored_order(world, cancelled.id).status is OrderStatus.CANCELLED


async def test_each_order_expires_once_and_in_batches() -> None:
    world = World()
    orders: list[Order] = [await an_order(world) for _ in range(3)]
    world.clock.advance(ORDER_TTL)
    assert await expire_orders(world, batch=2)() == 2
    assert await expire_orders(world, batch=2)() == 1
    assert await expire_orders(world, batch=2)() == 0
    for order in orders:
        assert event_types(world, order.id).count("order.expired") == 1


async def test_a_late_success_still_pays_an_expired_order() -> None:
    world = World()
    order = await an_order(world)
    payment = await a_payment(world, order)
    await expire(world, payment)
    world.clock.advance(ORDER_TTL)
    await expire_orders(world)()
    assert stored_order(world, order.id).status is OrderStatus.EXPIRED
    settled = await world.apply(payment.id, succeeded(), Source.RECONCILIATION)
    assert (settled.status, settled.late_success) == (PaymentStatus.SUCCEEDED, True)
    assert settled.needs_refund is False
    paid = stored_order(world, order.id)
    assert (paid.status, paid.paid_by) == (OrderStatus.PAID, payment.id)
    assert event_types(world, order.id)[-2:] == ["order.expired", "order.paid"]
