"""A payment in the settlement template (`application/shared/settlement.py`): how it is
read, asked about, decided on and written."""

from __future__ import annotations

from datetime import datetime

from application.errors import NotFound
from application.ledger.book import Fees
from application.payments.ports import PaymentWithOrder, ProviderRegistry
from application.shared.settlement import Applied, Settlement
from application.unit_of_work import UnitOfWork
from domain.events import Source
from domain.ledger import fee_for
from domain.order import Order
from domain.payment import Outcome, Payment, PaymentStatus
from domain.provider_report import ProviderReport, ReportedStatus
from domain.settlement import settle


class PaymentSettles:
    """Rules:
    - a payment read before the provider was asked, with its order and its store's fee rate
      (`read`, or the inbox's `record_and_read`), is decided on as it was read, and written
      only if neither it nor its order changed since (their versions are checked by the
      write itself): no lock, no second read. When one did change, the write fails whole and
      the template decides again on the payment read under its row lock (with its order's
      when the report may pay it), so concurrent reports for one payment serialise and
      converge: exactly one transition and one event per change. Without a read (a refused
      start), the decision is made locked at once;
    - the decision is the aggregate's (`Payment.apply`): an illegal move is refused and
      changes nothing; a report that changes nothing writes nothing;
    - a payment that succeeds pays its order once, or is flagged `needs_refund` when the order
      was already settled (`settle`), and has its fee fixed at its store's rate (as read),
      else the platform's (`fees`), which the ledger books with the sale (an in-transaction
      handler of `payment.succeeded`).
    """

    def __init__(self, providers: ProviderRegistry, fees: Fees | None = None) -> None:
        self._providers, self._fees = providers, fees or Fees()

    def subject(self, read: PaymentWithOrder) -> Payment:
        return read[0]

    def open(self, subject: Payment) -> bool:
        return not subject.is_final

    async def read(
        self, uow: UnitOfWork, subject_id: str, store_id: str | None
    ) -> PaymentWithOrder | None:
        found = await uow.payments.with_order(subject_id)
        if found is None or store_id not in (None, found[0].store_id):
            return None
        return found

    async def ask(self, subject: Payment) -> ProviderReport:
        provider = self._providers.get(subject.provider, subject.country)
        return await provider.fetch_status(subject)

    async def decide(
        self,
        uow: UnitOfWork,
        subject_id: str,
        report: ProviderReport,
        source: Source,
        at: datetime,
        read: PaymentWithOrder | None,
    ) -> Applied[Payment]:
        found = read if read is not None else await _locked(uow, subject_id, report)
        payment, order, fee_bps = found
        outcome = payment.apply(report, at, source)
        if outcome is Outcome.CHANGED and payment.status is PaymentStatus.SUCCEEDED:
            payment.fee = fee_for(payment.amount, self._fees.rate(fee_bps)).amount
            if order:
                settle(order, payment, at, source)
                if order.events:  # an order already settled is not rewritten
                    await uow.orders.save(order)
        return Applied(payment, report, refused=outcome is Outcome.REFUSED)

    async def save(self, uow: UnitOfWork, subject: Payment, touched: bool) -> None:
        if subject.events or touched:
            await uow.payments.save(subject)


#: The template bound to payments (what the use cases are given).
PaymentSettlement = Settlement[Payment, PaymentWithOrder]

#: A payment with what deciding on it needs: its order (None when locked for a report that
#: cannot pay it) and its store's fee rate.
Found = tuple[Payment, Order | None, int | None]


async def _locked(uow: UnitOfWork, payment_id: str, report: ProviderReport) -> Found:
    """The payment under its lock; with its order and its store's fee rate (one read) when
    the report may make it succeed."""
    if report.status is ReportedStatus.SUCCEEDED:
        found = await uow.payments.lock_with_order(payment_id)
        if found is not None:
            return found
        raise NotFound(f"payment {payment_id} not found")
    payment = await uow.payments.get(payment_id, for_update=True)
    if payment is None:
        raise NotFound(f"payment {payment_id} not found")
    return payment, None, None
