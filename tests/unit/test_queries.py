"""StoreQueries: every read is scoped to one store, and a payment's history is oldest first."""

import pytest
from tests.unit.helpers import (
    OTHER_STORE,
    STORE,
    World,
    a_payment,
    an_order,
    failed,
    succeed,
)

from application.errors import NotFound
from application.payments.ports import OrderFilter, PaymentFilter
from application.payments.queries import StoreQueries
from application.shared.ports import PageRequest
from domain.events import Source
from domain.order import OrderStatus
from domain.payment import PaymentStatus

ALL = PageRequest(limit=50)


def queries(world: World) -> StoreQueries:
    return StoreQueries(world.uow)


async def test_an_order_comes_with_its_payments() -> None:
    world = World()
    order = await an_order(world)
    first = await a_payment(world, order)
    await world.apply(first.id, failed(), Source.WEBHOOK)
    second = await a_payment(world, order)
    found = await queries(world).order(STORE, order.id)
    assert found.order.id == order.id
    assert [(p.id, p.status) for p in found.payments] == [
        (first.id, PaymentStatus.FAILED),
        (second.id, PaymentStatus.PENDING),
    ]


async def test_another_stores_order_and_payment_are_not_found() -> None:
    world = World()
    order = await an_order(world)
    payment = await a_payment(world, order)
    with pytest.raises(NotFound):
        await queries(world).order(OTHER_STORE, order.id)
    with pytest.raises(NotFound):
        await queries(world).payment(OTHER_STORE, payment.id)
    with pytest.raises(NotFound):
        await queries(world).history(OTHER_STORE, payment.id)


async def test_a_payment_is_found_by_its_store() -> None:
    world = World()
    payment = await a_payment(world, await an_order(world))
    assert await queries(world).payment(STORE, payment.id) == payment


async def test_lists_hold_only_the_stores_own_orders_and_payments_newest_first() -> None:
    world = World()
    mine = [await an_order(world), await an_order(world)]
    theirs = await an_order(world, store_id=OTHER_STORE)
    my_payment = await a_payment(world, mine[0])
    await a_payment(world, theirs)
    orders = await queries(world).orders(STORE, OrderFilter(), ALL)
    payments = await queries(world).payments(STORE, PaymentFilter(), ALL)
    assert [o.id for o in orders.data] == [mine[1].id, mine[0].id]
    assert [p.id for p in payments.data] == [my_payment.id]


async def test_lists_are_filtered_by_status() -> None:
    world = World()
    paid, unpaid = await an_order(world), await an_order(world)
    await succeed(world, await a_payment(world, paid))
    await a_payment(world, unpaid)
    orders = await queries(world).orders(STORE, OrderFilter(status=OrderStatus.PAID), ALL)
    pending = PaymentFilter(status=PaymentStatus.PENDING)
    payments = await queries(world).payments(STORE, pending, ALL)
    assert [o.id for o in orders.data] == [paid.id]
    assert [p.order_id for p in payments.data] == [unpaid.id]


async def test_the_history_of_a_payment_is_its_own_events_oldest_first() -> None:
    world = World()
    order = await an_order(world)
    payment = await a_payment(world, order)
    world.clock.advance(minutes=2)
    await succeed(world, payment)
    history = await queries(world).history(STORE, payment.id)
    assert [r.event.type for r in history] == [
        "payment.created",
        "payment.pending",
        "payment.succeeded",
    ]
    assert {r.event.subject_id for r in history} == {payment.id}
    assert [r.event.at for r in history] == sorted(r.event.at for r in history)
    assert history[-1].event.at == world.clock.now()


async def test_an_unknown_payment_has_no_history() -> None:
    world = World()
    with pytest.raises(NotFound):
        await queries(world).history(STORE, "pay_9999")
