"""Marking a shop order paid, from a verified notification or from the service's API."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from payments_client import Event
from payments_client import Order as ServiceOrder
from shop.models import Notification, Order


def mark_paid(payment_order_id: str, at: datetime | None = None) -> bool:
    """Idempotent: True when this call moved the order to paid, False when it already was
    (or is unknown here)."""
    moved = Order.objects.filter(payment_order_id=payment_order_id, status=Order.PENDING).update(
        status=Order.PAID, paid_at=at or timezone.now()
    )
    return moved == 1


def handle(event: Event) -> bool:
    """Apply a verified notification once: a second delivery of the same event id, or an
    event about an order already paid, changes nothing. Returns True when it changed
    something."""
    try:
        with transaction.atomic():
            Notification.objects.create(event_id=event.id, type=event.type)
            subject = event.data.object
            if event.type == "order.paid" and isinstance(subject, ServiceOrder):
                return mark_paid(subject.id, subject.paid_at)
            return False
    except IntegrityError:  # already handled
        return False


def sync_from_service(order: Order, remote: ServiceOrder) -> None:
    """What the service's API says about the order (an authenticated read) is applied too, so
    the customer returning from the payment page sees it paid even before the notification."""
    if remote.status == "paid" and order.payment_order_id == remote.id:
        mark_paid(remote.id, remote.paid_at)
        order.refresh_from_db()
