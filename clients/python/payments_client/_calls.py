"""Every call the service offers (its HTTP contract), built once for both clients."""

from __future__ import annotations

from datetime import datetime

from payments_client import models as m
from payments_client import requests as r
from payments_client._transport import Call

V1 = "/api/v1"
#: A payment's statuses after which it does not change any more (but for a late success of
#: an `expired` one, which the service still honours).
SETTLED = frozenset({"succeeded", "failed", "expired", "cancelled"})


def page_size(size: int, limit: int | None) -> int:
    """The page to ask for: no bigger than the `limit` of objects wanted."""
    return min(size, limit) if limit else size


def create_order(body: r.CreateOrder, idempotency_key: str | None) -> Call[m.Order]:
    return Call("POST", f"{V1}/orders", m.Order, body=body, creates=True,
                idempotency_key=idempotency_key)  # fmt: skip


def get_order(order_id: str) -> Call[m.Order]:
    return Call("GET", f"{V1}/orders/{order_id}", m.Order)


def list_orders(
    status: str | None, reference: str | None, customer_reference: str | None, limit: int
) -> Call[m.Page[m.Order]]:
    params = {"status": status, "reference": reference, "customer_reference": customer_reference}
    return Call("GET", f"{V1}/orders", m.Page[m.Order], params={**params, "limit": limit})


def cancel_order(order_id: str) -> Call[m.Order]:
    return Call("POST", f"{V1}/orders/{order_id}/cancel", m.Order)


def create_payment(
    order_id: str, body: r.CreatePayment, idempotency_key: str | None
) -> Call[m.Payment]:
    return Call("POST", f"{V1}/orders/{order_id}/payments", m.Payment, body=body, creates=True,
                idempotency_key=idempotency_key)  # fmt: skip


def get_payment(payment_id: str) -> Call[m.Payment]:
    return Call("GET", f"{V1}/payments/{payment_id}", m.Payment)


def list_payments(
    order_id: str | None,
    status: str | None,
    provider: str | None,
    customer_reference: str | None,
    limit: int,
) -> Call[m.Page[m.Payment]]:
    params = {
        "order_id": order_id,
        "status": status,
        "provider": provider,
        "customer_reference": customer_reference,
        "limit": limit,
    }
    return Call("GET", f"{V1}/payments", m.Page[m.Payment], params=params)


def verify_payment(payment_id: str) -> Call[m.Payment]:
    return Call("POST", f"{V1}/payments/{payment_id}/verify", m.Payment)


def payment_events(payment_id: str) -> Call[m.EventList]:
    return Call("GET", f"{V1}/payments/{payment_id}/events", m.EventList)


def create_refund(
    payment_id: str, body: r.CreateRefund, idempotency_key: str | None
) -> Call[m.Refund]:
    return Call("POST", f"{V1}/payments/{payment_id}/refunds", m.Refund, body=body, creates=True,
                idempotency_key=idempotency_key)  # fmt: skip


def get_refund(refund_id: str) -> Call[m.Refund]:
    return Call("GET", f"{V1}/refunds/{refund_id}", m.Refund)


def list_refunds(payment_id: str | None, status: str | None, limit: int) -> Call[m.Page[m.Refund]]:
    params = {"payment_id": payment_id, "status": status, "limit": limit}
    return Call("GET", f"{V1}/refunds", m.Page[m.Refund], params=params)


def list_events(limit: int) -> Call[m.Page[m.Event]]:
    return Call("GET", f"{V1}/events", m.Page[m.Event], params={"limit": limit})


def redeliver_event(event_id: str) -> Call[m.Redelivery]:
    return Call("POST", f"{V1}/events/{event_id}/redeliver", m.Redelivery)


def stats(start: datetime | None, end: datetime | None) -> Call[m.Stats]:
    params = {"from": start.isoformat() if start else None, "to": end.isoformat() if end else None}
    return Call("GET", f"{V1}/stats", m.Stats, params=params)


def create_store(body: r.CreateStore) -> Call[m.NewStore]:
    """Not idempotent on the service (no Idempotency-Key): retried only when the request
    cannot have reached it."""
    return Call("POST", f"{V1}/admin/stores", m.NewStore, body=body)


def list_stores(limit: int) -> Call[m.Page[m.Store]]:
    return Call("GET", f"{V1}/admin/stores", m.Page[m.Store], params={"limit": limit})


def rotate_store_key(store_id: str) -> Call[m.RotatedKey]:
    return Call("POST", f"{V1}/admin/stores/{store_id}/rotate-key", m.RotatedKey)


def payment_refunds(payment_id: str) -> Call[m.RefundList]:
    return Call("GET", f"{V1}/payments/{payment_id}/refunds", m.RefundList)


def verify_refund(refund_id: str) -> Call[m.Refund]:
    return Call("POST", f"{V1}/refunds/{refund_id}/verify", m.Refund)


def refund_events(refund_id: str) -> Call[m.EventList]:
    return Call("GET", f"{V1}/refunds/{refund_id}/events", m.EventList)


def list_providers() -> Call[m.ProviderList]:
    return Call("GET", f"{V1}/providers", m.ProviderList)


def get_store(store_id: str) -> Call[m.Store]:
    return Call("GET", f"{V1}/admin/stores/{store_id}", m.Store)
