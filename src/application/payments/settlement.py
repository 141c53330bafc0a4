"""A payment in the settlement template (`application/shared/settlement.py`): how it is
read, asked about, decided on and written."""

from __future__ import annotations

from datetime import datetime

from application.errors import NotFound
from application.ledger.book import Fees
from application.payments.ports import PaymentWithOrder, ProviderRegistry
from application.shared.ports import Clock
from application.shared.settlement import Anomalies, Applied, Settlement
from application.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.events import Source
from domain.ledger import fee_for
from domain.order import Order
from domain.payment import Outcome, Payment, PaymentStatus
from domain.provider_report import ProviderReport, ReportedStatus
from domain.settlement import settle


class PaymentSettles:
    """Rules:
    - the payment read before the provider was asked (with its order and its store's fee
      rate, `read`) is decided on as it was read, and written only if neither it nor its order
      changed since (their versions are checked by the write itself): no lock, no second
      read. When one did change, the write fails whole and the template decides again on the
      payment read under its row lock (with its order's when the report may pay it), so
      concurrent reports for one payment serialise and converge: exactly one transition and
      one event per change;
    - the decision is the aggregate's (`Payment.apply`): an illegal move is refused and
      changes nothing; a report that changes nothing writes nothing;
    - a payment that succeeds pays its order once, or is flagged `needs_refund` when the order
      was already settled (`settle`), and has its fee fixed at its store's rate (read with the
      lock), else the platform's (`fees`), which the ledger books with the sale (an
      in-transaction handler of `payment.succeeded`).
    """

    def __init__(
        self, providers: ProviderRegistry, fees: Fees | None = None, seen: Seen | None = None
    ) -> None:
        self._providers, self._fees = providers, fees or Fees()
        self._seen = seen or Seen()

    def open(self, subject: Payment) -> bool:
        return not subject.is_final

    async def read(self, uow: UnitOfWork, subject_id: str, store_id: str | None) -> Payment | None:
        if store_id is not None:
            return await uow.payments.get_for_store(store_id, subject_id)
        found = await uow.payments.with_order(subject_id)
        return None if found is None else self.keep(found)

    def keep(self, found: PaymentWithOrder) -> Payment:
        """A payment read with its order and fee rate, to be decided on as read. A final
        payment is not kept: nothing is decided on it (`open`)."""
        if self.open(found[0]):
            self._seen.keep(found)
        return found[0]

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
        *,
        locked: bool = False,
    ) -> Applied[Payment]:
        seen = self._seen.take(subject_id)
        payment, order, fee_bps = (
            seen if seen and not locked else await _locked(uow, subject_id, report)
        )
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


class PaymentSettlement(Settlement[Payment]):
    """The template bound to payments (what the use cases are given)."""

    def __init__(
        self, *, uow: UnitOfWorkFactory, settles: PaymentSettles, clock: Clock, log: Anomalies
    ) -> None:
        super().__init__(uow=uow, settles=settles, clock=clock, log=log)
        self._payments = settles

    def keep(self, found: PaymentWithOrder) -> Payment:
        """A payment read elsewhere with its order and fee rate (the inbox's
        `record_and_read`): the next `apply` for it decides on it as read, as after `read`."""
        return self._payments.keep(found)


Found = tuple[Payment, Order | None, int | None]


class Seen:
    """The payments read for a settlement still to decide, with their orders and fee rates,
    by id: taken (once) by the decision. A read whose provider could not answer leaves its
    entry behind: the oldest are dropped past `keep_at_most`."""

    def __init__(self, keep_at_most: int = 4096) -> None:
        self._found: dict[str, Found] = {}
        self._keep_at_most = keep_at_most

    def keep(self, found: Found) -> None:
        if len(self._found) >= self._keep_at_most:
            del self._found[next(iter(self._found))]
        self._found[found[0].id] = found

    def take(self, payment_id: str) -> Found | None:
        return self._found.pop(payment_id, None)

    def __contains__(self, payment_id: object) -> bool:
        return payment_id in self._found


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
