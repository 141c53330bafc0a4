"""Asking the provider what happened to a payment now, and applying its answer (the API's and
the vendor's "verify now")."""

from __future__ import annotations

from application.errors import NotFound
from application.payments.apply_report import ApplyReport
from application.payments.ports import ProviderRegistry
from application.unit_of_work import UnitOfWorkFactory
from domain.events import Source
from domain.payment import Payment

__all__ = ["ApplyReport", "VerifyPayment"]


class VerifyPayment:
    """Rules:
    - final payments are returned as they are, without a provider call;
    - the provider is asked outside any transaction; its answer goes through the settlement
      core (`apply_report`) in a transaction of this use case;
    - `ProviderUnavailable` propagates: nothing changes.
    """

    def __init__(
        self, uow: UnitOfWorkFactory, providers: ProviderRegistry, apply: ApplyReport
    ) -> None:
        self._uow, self._providers, self._apply = uow, providers, apply

    async def __call__(
        self, payment_id: str, source: Source, store_id: str | None = None
    ) -> Payment:
        """`store_id`: the payment must be this store's (NotFound otherwise)."""
        async with self._uow(read_only=True) as uow:
            if store_id is None:
                payment = await uow.payments.get(payment_id)
            else:
                payment = await uow.payments.get_for_store(store_id, payment_id)
        if payment is None:
            raise NotFound(f"payment {payment_id} not found")
        if payment.is_final:
            return payment
        report = await self._providers.get(payment.provider).fetch_status(payment)
        async with self._uow() as uow:
            applied = await self._apply.within(uow, payment.id, report, source)
            await uow.commit()
        return self._apply.announce(applied)
