"""Read-only use cases behind the GET endpoints. Every query is scoped to one store:
another store's ids are not found."""

from __future__ import annotations

from dataclasses import dataclass

from application.errors import NotFound
from application.payments.ports import OrderFilter, PaymentFilter
from application.shared.ports import Page, PageRequest, RecordedEvent
from application.unit_of_work import UnitOfWorkFactory
from domain.order import Order
from domain.payment import Payment


@dataclass(frozen=True, slots=True)
class OrderWithPayments:
    order: Order
    payments: list[Payment]

    @property
    def id(self) -> str:
        """The order's id (a page's cursor)."""
        return self.order.id


class StoreQueries:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def order(self, store_id: str, order_id: str) -> OrderWithPayments:
        async with self._uow(read_only=True) as uow:
            order = await uow.orders.get(store_id, order_id)
            if order is None:
                raise NotFound(f"order {order_id} not found")
            return OrderWithPayments(order, await uow.payments.for_order(order.id))

    async def orders(self, store_id: str, filters: OrderFilter, page: PageRequest) -> Page[Order]:
        async with self._uow(read_only=True) as uow:
            return await uow.orders.search(store_id, filters, page)

    async def orders_with_payments(
        self, store_id: str, filters: OrderFilter, page: PageRequest
    ) -> Page[OrderWithPayments]:
        """A page of orders, each with its payments (one query for all of them)."""
        async with self._uow(read_only=True) as uow:
            orders = await uow.orders.search(store_id, filters, page)
            payments = await uow.payments.for_orders([order.id for order in orders.data])
        by_order: dict[str, list[Payment]] = {}
        for payment in payments:
            by_order.setdefault(payment.order_id, []).append(payment)
        data = [OrderWithPayments(order, by_order.get(order.id, [])) for order in orders.data]
        return Page(data, orders.has_more)

    async def payment(self, store_id: str, payment_id: str) -> Payment:
        async with self._uow(read_only=True) as uow:
            payment = await uow.payments.get_for_store(store_id, payment_id)
        if payment is None:
            raise NotFound(f"payment {payment_id} not found")
        return payment

    async def payments(
        self, store_id: str, filters: PaymentFilter, page: PageRequest
    ) -> Page[Payment]:
        async with self._uow(read_only=True) as uow:
            return await uow.payments.search(store_id, filters, page)

    async def history(self, store_id: str, payment_id: str) -> list[RecordedEvent]:
        async with self._uow(read_only=True) as uow:
            if await uow.payments.get_for_store(store_id, payment_id) is None:
                raise NotFound(f"payment {payment_id} not found")
            return await uow.payments.history(payment_id)
