"""The settlement core: every status change a provider reports (a callback, a verification,
reconciliation, the vendor's "verify now") goes through `apply_report`, inside a transaction
its caller opened. The caller asks the provider first, outside any transaction, then opens its
unit of work, calls the core, adds its own extras (the webhook marks its inbox row) and
commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from application.errors import NotFound
from application.payments.changes import log_changes, save_payment
from application.shared.ports import Clock, PaymentLog
from application.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.events import DomainEvent, Source
from domain.order import Order
from domain.payment import Outcome, Payment, PaymentStatus
from domain.provider_report import ProviderReport, ReportedStatus
from domain.settlement import settle


@dataclass(frozen=True, slots=True)
class Applied:
    """What applying a report did: the payment as it now stands, the domain's verdict, and
    the events written (to be logged once the transaction has committed)."""

    payment: Payment
    outcome: Outcome
    report: ProviderReport
    changes: list[DomainEvent] = field(default_factory=list)


async def apply_report(
    uow: UnitOfWork, payment_id: str, report: ProviderReport, source: Source, at: datetime
) -> Applied:
    """Apply a confirmed provider report in the caller's transaction.

    Rules:
    - the payment is read again under its row lock (with its order's when the report may pay
      it), so concurrent reports for one payment serialise and converge: exactly one
      transition and one event per change;
    - the decision is the aggregate's (`Payment.apply`): an illegal move is refused and
      changes nothing; a report that changes nothing writes nothing;
    - a payment that succeeds pays its order once, or is flagged `needs_refund` when the order
      was already settled (`settle`);
    - events and the store's notifications are written with the change.
    """
    payment, order = await _locked(uow, payment_id, report)
    outcome = payment.apply(report, at, source)
    if outcome is Outcome.CHANGED and payment.status is PaymentStatus.SUCCEEDED and order:
        settle(order, payment, at, source)
        if order.events:  # an order already settled is not rewritten
            await uow.orders.save(order)
    changes = await save_payment(uow, payment) if payment.events else []
    return Applied(payment, outcome, report, changes)


async def _locked(
    uow: UnitOfWork, payment_id: str, report: ProviderReport
) -> tuple[Payment, Order | None]:
    if report.status is ReportedStatus.SUCCEEDED:
        found = await uow.payments.lock_with_order(payment_id)
        if found is not None:
            return found
        raise NotFound(f"payment {payment_id} not found")
    payment = await uow.payments.get(payment_id, for_update=True)
    if payment is None:
        raise NotFound(f"payment {payment_id} not found")
    return payment, None


class ApplyReport:
    """The core bound to its clock and log. `within` applies a report in the caller's
    transaction; `announce` logs what changed once it has committed; calling it does both
    around a transaction of its own."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, log: PaymentLog) -> None:
        self._uow, self._clock, self._log = uow, clock, log

    @property
    def clock(self) -> Clock:
        return self._clock

    async def __call__(self, payment_id: str, report: ProviderReport, source: Source) -> Payment:
        async with self._uow() as uow:
            applied = await self.within(uow, payment_id, report, source)
            await uow.commit()
        return self.announce(applied)

    async def within(
        self, uow: UnitOfWork, payment_id: str, report: ProviderReport, source: Source
    ) -> Applied:
        return await apply_report(uow, payment_id, report, source, self._clock.now())

    def announce(self, applied: Applied) -> Payment:
        """One log line per change; a refused move is logged as an anomaly."""
        log_changes(self._log, applied.payment, applied.changes)
        if applied.outcome is Outcome.REFUSED:
            detail = {"reported": applied.report.status}
            self._log.anomaly(applied.payment, "illegal_transition", detail)
        return applied.payment
