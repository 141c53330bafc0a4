"""What a payment's page shows about its refunds."""

from __future__ import annotations

from typing import Any

from application.refunds.ports import RefundProviders
from domain.errors import PaymentError
from domain.money import Money
from domain.payment import Payment
from domain.refund import RefundSupport


def refund_context(
    payment: Payment, refunds: list[Any], registry: RefundProviders
) -> dict[str, Any]:
    """What the payment page shows about refunds: the list, what is left, and what the
    provider can do (`full` only, `manual`)."""
    try:
        refunder = registry.refunder(payment.provider, payment.country)
        support: RefundSupport | None = refunder.refunds
    except PaymentError:
        support = None
    currency = payment.amount.currency
    left = payment.amount.amount - payment.amount_refunded
    return {
        "refunds": refunds,
        "refund_left": left,
        "left_money": Money(left, currency) if left > 0 else None,
        "refunded_money": Money(payment.amount_refunded, currency)
        if payment.amount_refunded
        else None,
        "refund_support": support.value if support else "",
    }
