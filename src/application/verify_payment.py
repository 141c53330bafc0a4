"""Asking the provider what happened to a payment, and applying its answer."""

from __future__ import annotations

from application.changes import log_changes, save_payment
from application.errors import NotFound
from application.ports import Clock, PaymentLog, ProviderRegistry, UnitOfWorkFactory
from domain.events import Source
from domain.payment import Outcome, Payment, PaymentStatus
from domain.provider_report import ProviderReport
from domain.settlement import settle


class ApplyReport:
    """Apply a confirmed provider report under a row lock, so that concurrent reports for one
    payment serialise and converge: exactly one transition and one event per change.

    A payment that succeeds pays its order, or is flagged `needs_refund` when the order was
    already settled. An illegal move is refused, logged as an anomaly, and changes nothing.
    A report that changes nothing (a duplicate) writes nothing.
    """

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, log: PaymentLog) -> None:
        self._uow, self._clock, self._log = uow, clock, log

    @property
    def clock(self) -> Clock:
        return self._clock

    async def __call__(
        self,
        payment_id: str,
        report: ProviderReport,
        source: Source,
        *,
        inbox: str | None = None,
    ) -> Payment:
        """`inbox`: the stored callback that caused this; it is marked processed in the same
        transaction as the change, so a crash cannot leave one without the other."""
        async with self._uow() as uow:
            payment = await uow.payments.get(payment_id, for_update=True)
            if payment is None:
                raise NotFound(f"payment {payment_id} not found")
            at = self._clock.now()
            outcome = payment.apply(report, at, source)
            if outcome is Outcome.CHANGED and payment.status is PaymentStatus.SUCCEEDED:
                order = await uow.orders.get(payment.store_id, payment.order_id, for_update=True)
                if order is not None:
                    settle(order, payment, at, source)
                    if order.events:  # an order already settled is not rewritten
                        await uow.orders.save(order)
            changes = await save_payment(uow, payment) if payment.events else []
            if inbox is not None:
                await uow.webhooks.mark_processed(inbox, at, f"applied:{payment.status}")
            await uow.commit()
        log_changes(self._log, payment, changes)
        if outcome is Outcome.REFUSED:
            self._log.anomaly(payment, "illegal_transition", {"reported": report.status})
        return payment


class VerifyPayment:
    """Ask the provider's own API now and apply its answer.

    Final payments are returned as they are, without a provider call. The provider is never
    called inside a transaction. `ProviderUnavailable` propagates: nothing changes.
    """

    def __init__(
        self, uow: UnitOfWorkFactory, providers: ProviderRegistry, apply: ApplyReport
    ) -> None:
        self._uow, self._providers, self._apply = uow, providers, apply
        self._clock = apply.clock

    async def __call__(
        self,
        payment_id: str,
        source: Source,
        store_id: str | None = None,
        *,
        inbox: str | None = None,
    ) -> Payment:
        """`inbox`: the stored callback asking for this verification, marked processed
        with the outcome."""
        async with self._uow(read_only=True) as uow:
            if store_id is None:
                payment = await uow.payments.get(payment_id)
            else:
                payment = await uow.payments.get_for_store(store_id, payment_id)
        if payment is None:
            raise NotFound(f"payment {payment_id} not found")
        if payment.is_final:
            if inbox is not None:
                await self._mark(inbox, f"applied:{payment.status}")
            return payment
        report = await self._providers.get(payment.provider).fetch_status(payment)
        return await self._apply(payment.id, report, source, inbox=inbox)

    async def _mark(self, inbox: str, outcome: str) -> None:
        async with self._uow() as uow:
            await uow.webhooks.mark_processed(inbox, self._clock.now(), outcome)
            await uow.commit()
