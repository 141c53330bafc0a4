"""Orders nobody paid in time."""

from __future__ import annotations

from application.shared.ports import Clock
from application.unit_of_work import UnitOfWorkFactory
from domain.events import Source
from domain.order import OrderStatus
from domain.payment import OPEN_STATUSES


class ExpireOrders:
    """An order still waiting for payment past its time-to-live expires, unless one of its
    payments is still open (that payment's own expiry comes first; the order follows on a
    later pass). A payment verified afterwards still pays it (late success)."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, batch: int = 100) -> None:
        self._uow, self._clock, self._batch = uow, clock, batch

    async def __call__(self) -> int:
        async with self._uow(read_only=True) as uow:
            due = await uow.orders.expired_ids(self._clock.now(), self._batch)
        expired = 0
        for store_id, order_id in due:
            expired += await self._expire(store_id, order_id)
        return expired

    async def _expire(self, store_id: str, order_id: str) -> int:
        async with self._uow() as uow:
            found = await uow.payments.lock_order_with_payments(store_id, order_id)
            if found is None:
                return 0
            order, payments = found
            if order.status is not OrderStatus.PENDING_PAYMENT:
                return 0
            if any(p.status in OPEN_STATUSES for p in payments):
                return 0
            order.expire(self._clock.now(), Source.SYSTEM)
            await uow.orders.save(order)
            await uow.commit()
        return 1
