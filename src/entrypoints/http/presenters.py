"""Domain objects to wire structs. The only place that knows both."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import msgspec

from adapters.snapshots import maybe_timestamp, order_object, payment_object, timestamp
from application.payments.queries import OrderWithPayments
from application.shared.ports import Page, RecordedEvent
from application.stores.stores import NewStore
from domain.order import Order
from domain.payment import Payment
from domain.store import Store
from entrypoints.http import wire


def payment_out(payment: Payment) -> wire.PaymentOut:
    return msgspec.convert(payment_object(payment), wire.PaymentOut)


def order_out(order: Order, payments: list[Payment], checkout_url: str) -> wire.OrderOut:
    return msgspec.convert(order_object(order, payments, checkout_url), wire.OrderOut)


def event_out(recorded: RecordedEvent) -> wire.EventOut:
    event = recorded.event
    return wire.EventOut(
        id=recorded.id,
        type=event.type,
        from_status=event.from_status,
        to_status=event.to_status,
        source=event.source.value,
        data=event.data,
        created_at=timestamp(event.at),
    )


def store_fields(store: Store) -> dict[str, object]:
    return {
        "id": store.id,
        "name": store.name,
        "notification_url": store.notification_url,
        "api_key_prefix": store.api_key_prefix,
        "created_at": timestamp(store.created_at),
        "status": str(store.status),
        "suspended_at": maybe_timestamp(store.suspended_at),
        "fee_bps": store.fee_bps,
    }


def store_out(store: Store) -> wire.StoreOut:
    return msgspec.convert(store_fields(store), wire.StoreOut)


def rotated_key_out(new: NewStore) -> wire.RotatedKeyOut:
    """The new API key, without the store's notification secret."""
    fields = msgspec.structs.asdict(new_store_out(new))
    del fields["webhook_secret"]
    return wire.RotatedKeyOut(**fields)


def new_store_out(new: NewStore) -> wire.NewStoreOut:
    secrets = {"webhook_secret": new.store.webhook_secret, "api_key": new.api_key}
    return msgspec.convert({**store_fields(new.store), **secrets}, wire.NewStoreOut)


def order_list(
    page: Page[OrderWithPayments], checkout_url: Callable[[str, datetime | None], str]
) -> wire.OrderList:
    """`checkout_url(order_id, expires_at)`: the order's payment page (its link ends with it)."""
    return wire.OrderList(
        data=[
            order_out(o.order, o.payments, checkout_url(o.id, o.order.expires_at))
            for o in page.data
        ],
        has_more=page.has_more,
        next_cursor=page.next_cursor,
    )


def payment_list(page: Page[Payment]) -> wire.PaymentList:
    return wire.PaymentList(
        data=[payment_out(p) for p in page.data],
        has_more=page.has_more,
        next_cursor=page.next_cursor,
    )


def store_list(page: Page[Store]) -> wire.StoreList:
    return wire.StoreList(
        data=[store_out(s) for s in page.data], has_more=page.has_more, next_cursor=page.next_cursor
    )
