"""A customer who gives up waiting on a pending payment ("Payer autrement")."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from application.errors import NotFound, ProviderUnavailable
from application.payments.ports import ProviderRegistry
from application.payments.verify_payment import VerifyPayment
from application.unit_of_work import UnitOfWorkFactory
from domain.events import Source
from domain.payment import Payment


@runtime_checkable
class CancellablePayments(Protocol):
    """A provider that can end a payment nobody has paid yet (Wave expires its checkout
    session; a push already on the customer's phone cannot be recalled)."""

    async def cancel(self, payment: Payment) -> None:
        """Ask the provider to end the payment. Raises `ProviderUnavailable` when the outcome
        is unknown; a payment the provider already settled is not an error."""
        ...


class AbandonPayment:
    """Rules:
    - only an open payment can be abandoned; a final one is returned as it is;
    - the provider ends it first (when it can); the payment's status then changes only from
      what the provider's own status answer says (a verification), never from our wish: a
      payment paid meanwhile is `succeeded`, not cancelled;
    - a provider that cannot end a payment, or does not answer, leaves it as it is: the
      answer is the payment, still open, and the page says what the customer can do.
    """

    def __init__(
        self, uow: UnitOfWorkFactory, providers: ProviderRegistry, verify: VerifyPayment
    ) -> None:
        self._uow, self._providers, self._verify = uow, providers, verify

    async def __call__(self, payment_id: str) -> Payment:
        async with self._uow(read_only=True) as uow:
            payment = await uow.payments.get(payment_id)
        if payment is None:
            raise NotFound(f"payment {payment_id} not found")
        provider = self._providers.get(payment.provider)
        if payment.is_final or not isinstance(provider, CancellablePayments):
            return payment
        try:
            await provider.cancel(payment)
            return await self._verify(payment.id, Source.VERIFICATION)
        except ProviderUnavailable:
            return payment
