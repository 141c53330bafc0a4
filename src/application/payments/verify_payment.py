"""Asking the provider what happened to a payment now, and applying its answer (the API's and
the vendor's "verify now")."""

from __future__ import annotations

from application.errors import NotFound
from application.payments.settlement import PaymentSettlement
from domain.events import Source
from domain.payment import Payment


class VerifyPayment:
    """Rules:
    - final payments are returned as they are, without a provider call;
    - the provider is asked outside any transaction; its answer goes through the settlement
      template in a transaction of this use case;
    - `ProviderUnavailable` propagates: nothing changes.
    """

    def __init__(self, *, settle: PaymentSettlement) -> None:
        self._settle = settle

    async def __call__(
        self, payment_id: str, source: Source, store_id: str | None = None
    ) -> Payment:
        """`store_id`: the payment must be this store's (NotFound otherwise)."""
        settled = await self._settle(payment_id, source, store_id=store_id)
        if settled.subject is None:
            raise NotFound(f"payment {payment_id} not found")
        return settled.subject
