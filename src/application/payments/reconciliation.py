"""Settling payments whose outcome the provider has not told us: verification on a backoff
schedule, and expiry past the time-to-live."""

from __future__ import annotations

from datetime import datetime

from application.errors import ProviderNotAvailable, ProviderUnavailable
from application.payments.apply_report import ApplyReport
from application.payments.changes import log_changes, save_payment
from application.payments.ports import ProviderRegistry
from application.payments.reconcile_due import ReconcileDue
from application.shared.ports import Clock, Metrics, PaymentLog
from application.shared.timeouts import LATE_CHECK_EVERY, LATE_WINDOW, next_check
from application.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.events import DomainEvent, Source
from domain.payment import OPEN_STATUSES, Payment, PaymentStatus

__all__ = ["ReconcileDue", "ReconcilePayment"]


class ReconcilePayment:
    """Rules:
    - an open payment is verified with its provider; what the provider confirms is applied;
    - still open past its time-to-live, it becomes `expired` (our decision);
    - an expired payment is still verified, less often, for `LATE_WINDOW`: a success then is a
      late success, honoured and notified;
    - when the provider cannot answer, nothing changes and the check is retried later: a
      payment is never dropped; the failure is counted and logged.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        providers: ProviderRegistry,
        apply: ApplyReport,
        clock: Clock,
        log: PaymentLog,
        metrics: Metrics,
    ) -> None:
        self._uow, self._providers, self._apply = uow, providers, apply
        self._clock, self._log, self._metrics = clock, log, metrics

    async def __call__(self, payment_id: str, attempts: int) -> str:
        async with self._uow(read_only=True) as uow:
            payment = await uow.payments.get(payment_id)
        if payment is None:
            return "missing"
        if not self._worth_checking(payment):
            await self._plan(payment.id, None, attempts)
            return "closed"
        try:
            report = await self._providers.get(payment.provider).fetch_status(payment)
        except (ProviderUnavailable, ProviderNotAvailable) as error:
            self._metrics.reconciliation_error(payment.provider)
            self._log.anomaly(payment, "reconciliation_failed", {"error": str(error)})
            await self._plan(payment.id, next_check(attempts, self._clock.now()), attempts + 1)
            return "provider_unavailable"
        async with self._uow() as uow:
            applied = await self._apply.within(uow, payment.id, report, Source.RECONCILIATION)
            payment = applied.payment
            expiry = await self._expire_if_due(uow, payment)
            await uow.schedule.plan(payment.id, self._next(payment, attempts), attempts + 1)
            await uow.commit()
        self._apply.announce(applied)
        log_changes(self._log, payment, expiry)
        return payment.status.value

    def _worth_checking(self, payment: Payment) -> bool:
        if payment.status is PaymentStatus.EXPIRED:
            ttl_end = payment.expires_at or payment.updated_at
            return self._clock.now() < ttl_end + LATE_WINDOW
        return not payment.is_final

    def _next(self, payment: Payment, attempts: int) -> datetime | None:
        now = self._clock.now()
        if payment.status in OPEN_STATUSES:
            return next_check(attempts + 1, now, payment.expires_at)
        if payment.status is PaymentStatus.EXPIRED:
            return now + LATE_CHECK_EVERY
        return None

    async def _expire_if_due(self, uow: UnitOfWork, payment: Payment) -> list[DomainEvent]:
        """Still open past its time-to-live: `expired`, in the transaction of the check."""
        now = self._clock.now()
        if payment.status not in OPEN_STATUSES or not payment.is_past_ttl(now):
            return []
        payment.expire(now, Source.RECONCILIATION)
        return await save_payment(uow, payment)

    async def _plan(self, payment_id: str, at: datetime | None, attempts: int) -> None:
        async with self._uow() as uow:
            await uow.schedule.plan(payment_id, at, attempts)
            await uow.commit()
