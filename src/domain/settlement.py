"""Settling an order when one of its payments succeeds."""

from __future__ import annotations

from datetime import datetime

from domain.events import Source
from domain.order import Order
from domain.payment import Payment, PaymentStatus


def settle(order: Order, payment: Payment, at: datetime, source: Source) -> None:
    """A succeeded payment pays its order once. When the order was already paid by another
    payment, or cancelled, the money is still real: the payment is flagged `needs_refund`.
    Settling the same payment twice changes nothing."""
    if payment.status is not PaymentStatus.SUCCEEDED or order.paid_by == payment.id:
        return
    if not order.mark_paid(at, source, payment.id):
        payment.flag_double_payment(at, source)
