"""Order use cases: create and cancel."""

from __future__ import annotations

from dataclasses import dataclass, field

from application.errors import NotFound
from application.payments.ports import PhoneNormalizer
from application.shared.ports import Clock, IdGenerator
from application.shared.timeouts import TimeToLive
from application.unit_of_work import UnitOfWorkFactory
from domain.money import Money
from domain.order import Customer, Order, OrderItem


@dataclass(frozen=True, slots=True)
class CreateOrderCommand:
    store_id: str
    reference: str
    amount: int
    currency: str
    description: str | None = None
    customer: Customer | None = None
    items: tuple[OrderItem, ...] = ()
    metadata: dict[str, str] = field(default_factory=dict)
    country: str | None = None
    customer_reference: str | None = None
    return_url: str | None = None


class CreateOrder:
    """An order starts `pending_payment`; its amount is positive, in a supported currency,
    and equal to its items' total when items are given. With a phone normalizer, the
    customer's phone, when given, must be a valid number for the order's country
    (`InvalidPhone` otherwise), as a payment's phone must."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        ids: IdGenerator,
        clock: Clock,
        ttl: TimeToLive | None = None,
        phones: PhoneNormalizer | None = None,
    ) -> None:
        self._uow, self._ids, self._clock = uow, ids, clock
        self._ttl = ttl or TimeToLive()
        self._phones = phones

    async def __call__(self, command: CreateOrderCommand) -> Order:
        phone = command.customer.phone if command.customer else None
        if phone is not None and self._phones is not None:
            self._phones.normalize(phone, command.country)
        now = self._clock.now()
        order = Order.create(
            id=self._ids.new("ord"),
            store_id=command.store_id,
            reference=command.reference,
            amount=Money.of(command.amount, command.currency),
            at=now,
            expires_at=now + self._ttl.order,
            description=command.description,
            customer=command.customer,
            items=command.items,
            metadata=command.metadata,
            country=command.country,
            customer_reference=command.customer_reference,
            return_url=command.return_url,
        )
        async with self._uow() as uow:
            await uow.orders.add(order)
            await uow.commit()
        return order


class CancelOrder:
    """Only an unpaid order can be cancelled (`InvalidTransition` otherwise). A payment of it
    that still succeeds later is kept and flagged for refund."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, store_id: str, order_id: str) -> Order:
        async with self._uow() as uow:
            order = await uow.orders.get(store_id, order_id, for_update=True)
            if order is None:
                raise NotFound(f"order {order_id} not found")
            order.cancel(self._clock.now())
            await uow.orders.save(order)
            await uow.commit()
        return order
