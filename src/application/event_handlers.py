"""What follows each change: the table the dispatch runs (`application/dispatch.py`).

In the transaction: the store is told of the changes in `NOTIFIED` (an outbox row each,
docs/api.md "Notifications to the store"); the ledger books a succeeded payment's sale and fee,
a refund's debit when it is created and its reversal when it fails, a payout's debit, its
sending and its reversal. After the commit: one log
line per change of a payment or a refund, the counters of final statuses and double payments,
and the provider health tallies. A new effect is one more line in `event_handlers`."""

from __future__ import annotations

from application.dispatch import EventHandlers
from application.health.ports import HealthRecorder
from application.health.settlements import RecordSettlement
from application.ledger.book import (
    PAYOUT_BOOKINGS,
    REFUND_BOOKINGS,
    book_payout,
    book_refund,
    book_sale,
)
from application.shared.ports import Change, Metrics, PaymentLog
from application.unit_of_work import UnitOfWork
from domain.payment import Payment
from domain.refund import Refund

#: The event types stores are told about.
NOTIFIED = frozenset(
    {
        "payment.pending",
        "payment.succeeded",
        "payment.failed",
        "payment.expired",
        "payment.needs_refund",
        "order.paid",
        "order.cancelled",
        "order.expired",
        "refund.created",
        "refund.succeeded",
        "refund.failed",
        "payout.created",
        "payout.succeeded",
        "payout.failed",
        "payout_destination.created",
    }
)

_FINAL = frozenset({"succeeded", "failed", "expired", "cancelled"})


async def notify_store(uow: UnitOfWork, change: Change) -> None:
    """One notification to the subject's store, written with the change."""
    await uow.notifications.add(change)


class LogChange:
    def __init__(self, log: PaymentLog) -> None:
        self._log = log

    def __call__(self, change: Change) -> None:
        if isinstance(change.subject, Payment | Refund):
            self._log.changed(change.subject, change.event)


class CountOutcome:
    """Final statuses by provider (failures by code), and double payments."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    def __call__(self, change: Change) -> None:
        subject, event = change.subject, change.event
        if event.from_status == event.to_status or event.to_status not in _FINAL:
            if event.type == "payment.needs_refund" and isinstance(subject, Payment):
                self._metrics.double_payment(subject.provider)
            return
        if isinstance(subject, Payment):
            self._metrics.payment_final(
                subject.provider, event.to_status, subject.failure_code, subject.country
            )
        elif isinstance(subject, Refund):
            self._metrics.refund_final(subject.provider, event.to_status)


def event_handlers(
    *,
    log: PaymentLog | None = None,
    metrics: Metrics | None = None,
    health: HealthRecorder | None = None,
) -> EventHandlers:
    """The table; the after-commit effects whose port is given (tests may leave some out)."""
    table = EventHandlers()
    for event_type in sorted(NOTIFIED):
        table.within(event_type, notify_store)
    table.within("payment.succeeded", book_sale)
    for event_type in sorted(REFUND_BOOKINGS):
        table.within(event_type, book_refund)
    for event_type in sorted(PAYOUT_BOOKINGS):
        table.within(event_type, book_payout)
    if log is not None:
        table.after("payment", LogChange(log)).after("refund", LogChange(log))
    if metrics is not None:
        table.after("payment", CountOutcome(metrics)).after("refund", CountOutcome(metrics))
    if health is not None:
        table.after("payment", RecordSettlement(health))
    return table
