"""What the customer's hosted pages show: an order with its store and payments, a payment's
status. The entrypoint checks the signed token first: these reads are by id alone."""

from __future__ import annotations

from dataclasses import dataclass

from application.errors import NotFound
from application.payments.ports import OrderLocator
from application.unit_of_work import UnitOfWorkFactory
from domain.order import Order
from domain.payment import OPEN_STATUSES, Payment
from domain.store import Store


@dataclass(frozen=True, slots=True)
class CheckoutView:
    store: Store
    order: Order
    payments: list[Payment]

    @property
    def open_payment(self) -> Payment | None:
        """The attempt still in flight, if any (one at a time)."""
        return next((p for p in reversed(self.payments) if p.status in OPEN_STATUSES), None)


class CheckoutQueries:
    def __init__(self, uow: UnitOfWorkFactory, locator: OrderLocator) -> None:
        self._uow, self._locator = uow, locator

    async def order(self, order_id: str) -> CheckoutView:
        store_id = await self._locator.store_of(order_id)
        async with self._uow(read_only=True) as uow:
            order = await uow.orders.get(store_id, order_id) if store_id else None
            store = await uow.stores.get(order.store_id) if order else None
            if order is None or store is None:
                raise NotFound(f"order {order_id} not found")
            return CheckoutView(store, order, await uow.payments.for_order(order.id))

    async def payment(self, payment_id: str) -> tuple[CheckoutView, Payment]:
        """The payment with its order and store."""
        async with self._uow(read_only=True) as uow:
            payment = await uow.payments.get(payment_id)
        if payment is None:
            raise NotFound(f"payment {payment_id} not found")
        view = await self.order(payment.order_id)
        return view, next((p for p in view.payments if p.id == payment_id), payment)

    async def store(self, store_id: str) -> Store:
        """A store by id (a vendor's session names it)."""
        async with self._uow(read_only=True) as uow:
            store = await uow.stores.get(store_id)
        if store is None:
            raise NotFound(f"store {store_id} not found")
        return store
