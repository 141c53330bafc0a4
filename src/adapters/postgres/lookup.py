"""`PaymentLookup`: one payment by id, outside any transaction (a provider's callback check
compares what the payment holds, such as Orange's `notif_token`)."""

from __future__ import annotations

from application.unit_of_work import UnitOfWorkFactory
from domain.payment import Payment


class PostgresPaymentLookup:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, payment_id: str) -> Payment | None:
        async with self._uow(read_only=True) as uow:
            return await uow.payments.get(payment_id)
