"""Booking into the ledger: what each change of a payment or a refund writes, in the unit of
work of the change itself (in-transaction handlers of the dispatch, registered in
`application/event_handlers.py`: never after its commit, never by a job that might not run).

Rules:
- a payment that succeeds books its sale and its fee, the fee fixed now at the store's rate
  (its own `fee_bps`, else the platform's) and never recomputed;
- a refund books the store's debit when it is created, and gives it back when it fails; the
  platform keeps its fee on a refunded payment;
- a payout moves its amount from the store to in flight when it is created; its success
  sends it from the provider account (with the operator's fee, the platform's expense); its
  failure gives it back to the store;
- each cause is booked once (the ledger refuses a second movement with the same key), so a
  change seen twice moves no money twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from application.shared.ports import Change
from application.unit_of_work import UnitOfWork
from domain.ledger import (
    Movement,
    check_bps,
    payout_booked,
    payout_reversed,
    payout_sent,
    refund_booked,
    refund_reversed,
    sale,
)
from domain.money import Money
from domain.payment import Payment
from domain.payout import Payout
from domain.refund import Refund


@dataclass(frozen=True, slots=True)
class Fees:
    """`platform_bps`: the fee of every store without a rate of its own (PLATFORM_FEE_BPS)."""

    platform_bps: int = 0

    def __post_init__(self) -> None:
        check_bps(self.platform_bps)

    def rate(self, store_bps: int | None) -> int:
        return self.platform_bps if store_bps is None else store_bps


async def book_sale(uow: UnitOfWork, change: Change) -> None:
    """In-transaction handler of `payment.succeeded`: the sale and its fee."""
    payment = change.subject
    if not isinstance(payment, Payment):
        return
    fee = Money(payment.fee or 0, payment.amount.currency)
    await uow.ledger.book(sale(payment, fee, change.event.at))


RefundBooking = Callable[[Refund, datetime, str | None], Movement]

#: What a refund's change books.
REFUND_BOOKINGS: dict[str, RefundBooking] = {
    "refund.created": refund_booked,
    "refund.failed": refund_reversed,
}


async def book_refund(uow: UnitOfWork, change: Change) -> None:
    """In-transaction handler of `refund.created` and `refund.failed`: what the change books,
    on the clearing account of the provider account the payment came through."""
    refund, booking = change.subject, REFUND_BOOKINGS.get(change.event.type)
    if not isinstance(refund, Refund) or booking is None:
        return
    payment = await uow.payments.get(refund.payment_id)
    country = payment.country if payment else None
    await uow.ledger.book(booking(refund, change.event.at, country))


PayoutBooking = Callable[[Payout, datetime], Movement]

#: What a payout's change books.
PAYOUT_BOOKINGS: dict[str, PayoutBooking] = {
    "payout.created": payout_booked,
    "payout.succeeded": payout_sent,
    "payout.failed": payout_reversed,
}


async def book_payout(uow: UnitOfWork, change: Change) -> None:
    """In-transaction handler of `payout.created`, `payout.succeeded` and `payout.failed`."""
    payout, booking = change.subject, PAYOUT_BOOKINGS.get(change.event.type)
    if isinstance(payout, Payout) and booking is not None:
        await uow.ledger.book(booking(payout, change.event.at))
