"""CreateOrder: a positive amount in a supported currency, matching its items; nothing is
stored when it is refused."""

import pytest
from tests.unit.helpers import STORE, World, an_order, event_types, stored_order

from domain.errors import InvalidAmount, ItemsTotalMismatch, PaymentError, UnsupportedCurrency
from domain.money import Currency, Money
from domain.order import Customer, OrderItem, OrderStatus


def nothing_stored(world: World) -> bool:
    return world.db.rows("orders") == [] and world.db.rows("events") == []


async def test_a_valid_order_is_stored_waiting_for_payment_with_its_event() -> None:
    world = World()
    customer = Customer(name="Awa", phone="+221771234567")
    order = await an_order(world, amount=7500, customer=customer)
    stored = stored_order(world, order.id)
    assert stored.status is OrderStatus.PENDING_PAYMENT
    assert stored.amount == Money(7500, Currency.XOF)
    assert (stored.store_id, stored.customer, stored.created_at) == (
        STORE,
        customer,
        world.clock.now(),
    )
    assert event_types(world, order.id) == ["order.created"]


async def test_items_that_add_up_to_the_amount_are_kept() -> None:
    world = World()
    items = (OrderItem("Tissu wax", 2, 2500), OrderItem("Sandales", 1, 2500))
    order = await an_order(world, amount=7500, items=items)
    assert stored_order(world, order.id).items == items


async def test_an_amount_in_minor_units_of_a_two_decimal_currency_is_kept_as_is() -> None:
    world = World()
    order = await an_order(world, amount=1250, currency="GHS")
    assert stored_order(world, order.id).amount == Money(1250, Currency.GHS)


@pytest.mark.parametrize(
    ("amount", "currency", "items", "error"),
    [
        (0, "XOF", (), InvalidAmount),
        (-500, "XOF", (), InvalidAmount),
        (5000, "USD", (), UnsupportedCurrency),
        (5000, "xof", (), UnsupportedCurrency),
        (5000, "XOF", (OrderItem("Tissu", 1, 4000),), ItemsTotalMismatch),
        (5000, "XOF", (OrderItem("Tissu", 2, 2500), OrderItem("Sac", 1, 1)), ItemsTotalMismatch),
    ],
)
async def test_a_refused_order_stores_nothing(
    amount: int, currency: str, items: tuple[OrderItem, ...], error: type[PaymentError]
) -> None:
    world = World()
    with pytest.raises(error):
        await an_order(world, amount=amount, currency=currency, items=items)
    assert nothing_stored(world)


@pytest.mark.parametrize(
    ("phone", "country"),
    [("+33612345678", "CI"), ("12", "CI"), ("07 00 00 00 01", None), ("+2250700000001\x00", "CI")],
)
async def test_a_customer_phone_that_is_not_a_number_of_the_orders_country_is_refused(
    phone: str, country: str | None
) -> None:
    from adapters.phones import PhonenumbersNormalizer
    from application.payments.orders import CreateOrder, CreateOrderCommand
    from domain.errors import InvalidPhone

    world = World()
    create = CreateOrder(world.uow, world.ids, world.clock, phones=PhonenumbersNormalizer())
    command = CreateOrderCommand(
        STORE, "CMD-1", 5000, "XOF", customer=Customer(phone=phone), country=country
    )
    with pytest.raises(InvalidPhone):
        await create(command)
    assert nothing_stored(world)
