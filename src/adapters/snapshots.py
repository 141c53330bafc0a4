"""Orders and payments as the API shows them (docs/api.md): one rendering shared by the HTTP
answers and the notifications sent to stores, so both always agree."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from adapters.phones import mask_phone
from adapters.urls import ServiceUrls
from domain.order import Order
from domain.payment import Payment
from domain.payout import Payout
from domain.payout_destination import PayoutDestination
from domain.refund import Refund


def timestamp(value: datetime) -> str:
    """RFC 3339 in UTC with a `Z`."""
    return value.isoformat().replace("+00:00", "Z")


def maybe_timestamp(value: datetime | None) -> str | None:
    return timestamp(value) if value else None


def payment_object(payment: Payment) -> dict[str, Any]:
    action = payment.next_action
    return {
        "id": payment.id,
        "object": "payment",
        "order_id": payment.order_id,
        "store_id": payment.store_id,
        "provider": payment.provider,
        "country": payment.country,
        "status": payment.status.value,
        "amount": payment.amount.amount,
        "currency": payment.amount.currency.value,
        "phone": mask_phone(payment.phone),
        "provider_reference": payment.provider_reference,
        "failure_code": payment.failure_code,
        "failure_message": payment.failure_message,
        "needs_refund": payment.needs_refund,
        "late_success": payment.late_success,
        "flagged_reason": payment.flagged_reason,
        "next_action": asdict(action) if action else None,
        "created_at": timestamp(payment.created_at),
        "updated_at": timestamp(payment.updated_at),
        "succeeded_at": maybe_timestamp(payment.succeeded_at),
        "expires_at": maybe_timestamp(payment.expires_at),
        "amount_refunded": payment.amount_refunded,
        "refunded": payment.refunded,
        "fee": payment.fee,
        "net": payment.net,
    }


def refund_object(refund: Refund) -> dict[str, Any]:
    return {
        "id": refund.id,
        "object": "refund",
        "payment_id": refund.payment_id,
        "order_id": refund.order_id,
        "store_id": refund.store_id,
        "provider": refund.provider,
        "amount": refund.amount.amount,
        "currency": refund.amount.currency.value,
        "status": refund.status.value,
        "reason": refund.reason,
        "failure_code": refund.failure_code,
        "failure_message": refund.failure_message,
        "provider_reference": refund.provider_reference,
        "created_at": timestamp(refund.created_at),
        "updated_at": timestamp(refund.updated_at),
        "succeeded_at": maybe_timestamp(refund.succeeded_at),
    }


def payout_object(payout: Payout) -> dict[str, Any]:
    return {
        "id": payout.id,
        "object": "payout",
        "store_id": payout.store_id,
        "amount": payout.amount.amount,
        "currency": payout.amount.currency.value,
        "destination_id": payout.destination_id,
        "provider": payout.provider,
        "status": payout.status.value,
        "description": payout.description,
        "failure_code": payout.failure_code,
        "failure_message": payout.failure_message,
        "provider_reference": payout.provider_reference,
        "provider_fee": payout.provider_fee,
        "created_at": timestamp(payout.created_at),
        "updated_at": timestamp(payout.updated_at),
        "succeeded_at": maybe_timestamp(payout.succeeded_at),
    }


def destination_object(destination: PayoutDestination, now: datetime) -> dict[str, Any]:
    """`status` as of `now` (a destination becomes active when its hold is over)."""
    return {
        "id": destination.id,
        "object": "payout_destination",
        "store_id": destination.store_id,
        "provider": destination.provider,
        "phone": mask_phone(destination.phone),
        "name": destination.name,
        "country": destination.country,
        "status": destination.status_at(now).value,
        "active_from": timestamp(destination.active_from),
        "approved_at": maybe_timestamp(destination.approved_at),
        "disabled_at": maybe_timestamp(destination.disabled_at),
        "created_at": timestamp(destination.created_at),
    }


def order_object(order: Order, payments: list[Payment], checkout_url: str | None) -> dict[str, Any]:
    customer = order.customer
    return {
        "id": order.id,
        "object": "order",
        "store_id": order.store_id,
        "reference": order.reference,
        "status": order.status.value,
        "amount": order.amount.amount,
        "currency": order.amount.currency.value,
        "description": order.description,
        "customer": asdict(customer) if customer else None,
        "items": [asdict(item) for item in order.items],
        "metadata": dict(order.metadata),
        "country": order.country,
        "customer_reference": order.customer_reference,
        "return_url": order.return_url,
        "checkout_url": checkout_url,
        "payments": [payment_object(p) for p in payments],
        "paid_at": maybe_timestamp(order.paid_at),
        "expires_at": maybe_timestamp(order.expires_at),
        "created_at": timestamp(order.created_at),
        "updated_at": timestamp(order.updated_at),
    }


class Snapshots:
    """Renders with the service's URLs (an order's `checkout_url`)."""

    def __init__(self, urls: ServiceUrls | None = None) -> None:
        self._urls = urls

    def payment(self, payment: Payment) -> dict[str, Any]:
        return payment_object(payment)

    def refund(self, refund: Refund) -> dict[str, Any]:
        return refund_object(refund)

    def payout(self, payout: Payout) -> dict[str, Any]:
        return payout_object(payout)

    def destination(self, destination: PayoutDestination) -> dict[str, Any]:
        return destination_object(destination, destination.created_at)

    def order(self, order: Order, payments: list[Payment] | None = None) -> dict[str, Any]:
        url = self._urls.checkout(order.id, order.expires_at) if self._urls else None
        return order_object(order, payments or [], url)
