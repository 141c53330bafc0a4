"""Settling payments whose outcome the provider has not told us: verification on a backoff
schedule, and expiry past the time-to-live."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from application.changes import locked_payment, log_changes, save_payment
from application.concurrency import gather_all
from application.errors import ProviderNotAvailable, ProviderUnavailable
from application.ports import Clock, Metrics, PaymentLog, ProviderRegistry, UnitOfWorkFactory
from application.timeouts import LATE_CHECK_EVERY, LATE_WINDOW, next_check
from application.verify_payment import ApplyReport
from domain.events import Source
from domain.payment import OPEN_STATUSES, Payment, PaymentStatus

LEASE = timedelta(minutes=2)


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
        payment = await self._apply(payment.id, report, Source.RECONCILIATION)
        if payment.status in OPEN_STATUSES and payment.is_past_ttl(self._clock.now()):
            payment = await self._expire(payment.id)
        await self._plan(payment.id, self._next(payment, attempts), attempts + 1)
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

    async def _expire(self, payment_id: str) -> Payment:
        async with self._uow() as uow:
            payment = await locked_payment(uow, payment_id)
            if payment.status in OPEN_STATUSES:
                payment.expire(self._clock.now(), Source.RECONCILIATION)
            changes = await save_payment(uow, payment) if payment.events else []
            await uow.commit()
        log_changes(self._log, payment, changes)
        return payment

    async def _plan(self, payment_id: str, at: datetime | None, attempts: int) -> None:
        async with self._uow() as uow:
            await uow.schedule.plan(payment_id, at, attempts)
            await uow.commit()


class ReconcileDue:
    """One pass: every payment whose check is due, a few at a time."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        reconcile: ReconcilePayment,
        clock: Clock,
        batch: int = 50,
        *,
        lease: timedelta | None = None,
    ) -> None:
        self._uow, self._reconcile, self._clock, self._batch = uow, reconcile, clock, batch
        self._lease = lease or LEASE

    async def __call__(self) -> int:
        now = self._clock.now()
        async with self._uow() as uow:
            due = await uow.schedule.claim_due(now, now + self._lease, self._batch)
            await uow.commit()
        gate = asyncio.Semaphore(10)

        async def one(payment_id: str, attempts: int) -> None:
            async with gate:
                await self._reconcile(payment_id, attempts)

        await gather_all([one(payment_id, attempts) for payment_id, attempts in due])
        return len(due)
