"""The payment service, through its typed client: one client per vendor store (its key)."""

from __future__ import annotations

from django.conf import settings

from payments_client import PaymentsClient
from shop.models import Store


def client_for(store: Store) -> PaymentsClient:
    return PaymentsClient(store.api_key, settings.PAYMENTS_URL, timeout=10)


def customer_reference(user_id: int) -> str:
    """The id the payment service knows a customer by (`customer_reference`)."""
    return f"customer-{user_id}"
