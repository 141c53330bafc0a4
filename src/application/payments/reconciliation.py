"""Settling payments whose outcome the provider has not told us: verification on a backoff
schedule, and expiry past the time-to-live."""

from __future__ import annotations

from datetime import datetime

from application.errors import ProviderNotAvailable, ProviderUnavailable
from application.payments.reconcile_due import ReconcileDue
from application.payments.settlement import PaymentSettlement
from application.shared.ports import Clock, Metrics, PaymentLog
from application.shared.timeouts import LATE_CHECK_EVERY, LATE_WINDOW, next_check
from application.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.events import Source
from domain.payment import OPEN_STATUSES, Payment, PaymentStatus

__all__ = ["ReconcileDue", "ReconcilePayment"]


class ReconcilePayment:
    """Rules:
    - an open payment is verified with its provider; what the provider confirms is applied;
    - still open past its time-to-live, it becomes `expired` (our decision);
    - an expired payment is still verified, less often, for `LATE_WINDOW`: a success then is a
      late success, honoured and notified;
    - when the provider cannot answer, nothing changes and the check is retried later: a
      payment is never dropped; the failure is counted and logged;
    - an open payment whose provider account was removed from the configuration is flagged
      `account_missing` (once) for the operator's queue, and still checked on its schedule.
    """

    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        settle: PaymentSettlement,
        clock: Clock,
        log: PaymentLog,
        metrics: Metrics,
    ) -> None:
        self._uow, self._settle = uow, settle
        self._clock, self._log, self._metrics = clock, log, metrics

    async def __call__(self, payment_id: str, attempts: int) -> str:
        found = await self._settle.read(payment_id)
        if found is None:
            return "missing"
        payment = self._settle.subject(found)
        if not self._worth_checking(payment):
            await self._plan(payment.id, None, attempts)
            return "closed"

        async def expire_and_plan(uow: UnitOfWork, checked: Payment) -> bool:
            self._expire_if_due(checked)
            await uow.schedule.plan(checked.id, self._next(checked, attempts), attempts + 1)
            return False

        try:
            applied = await self._settle.ask_and_apply(
                found, Source.RECONCILIATION, expire_and_plan
            )
        except (ProviderUnavailable, ProviderNotAvailable) as error:
            self._metrics.reconciliation_error(payment.provider)
            self._log.anomaly(payment, "reconciliation_failed", {"error": str(error)})
            if isinstance(error, ProviderNotAvailable):
                await self._account_missing(payment.id, str(error))
            await self._plan(payment.id, next_check(attempts, self._clock.now()), attempts + 1)
            return "provider_unavailable"
        return applied.subject.status.value

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

    def _expire_if_due(self, payment: Payment) -> None:
        """Still open past its time-to-live: `expired`, in the transaction of the check."""
        now = self._clock.now()
        if payment.status in OPEN_STATUSES and payment.is_past_ttl(now):
            payment.expire(now, Source.RECONCILIATION)

    async def _account_missing(self, payment_id: str, detail: str) -> None:
        """Its account is no longer configured: flagged once for the operator's queue, and
        still checked on its schedule (the account may come back)."""
        async with self._uow() as uow:
            payment = await uow.payments.get(payment_id, for_update=True)
            if payment is None or not payment.flag_account_missing(
                self._clock.now(), Source.RECONCILIATION, detail
            ):
                return
            await uow.payments.save(payment)
            await uow.commit()

    async def _plan(self, payment_id: str, at: datetime | None, attempts: int) -> None:
        async with self._uow() as uow:
            await uow.schedule.plan(payment_id, at, attempts)
            await uow.commit()
