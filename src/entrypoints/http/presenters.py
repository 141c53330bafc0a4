"""Domain objects to wire structs. The only place that knows both."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from adapters.phones import mask_phone
from application.ports import Page, RecordedEvent
from application.stores import NewStore
from domain.order import Order
from domain.payment import Payment
from domain.store import Store
from entrypoints.http import wire


def timestamp(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _ts(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def payment_out(payment: Payment) -> wire.PaymentOut:
    action = payment.next_action
    return wire.PaymentOut(
        id=payment.id,
        order_id=payment.order_id,
        store_id=payment.store_id,
        provider=payment.provider,
        status=payment.status.value,
        amount=payment.amount.amount,
        currency=payment.amount.currency.value,
        phone=mask_phone(payment.phone),
        provider_reference=payment.provider_reference,
        failure_code=payment.failure_code,
        failure_message=payment.failure_message,
        needs_refund=payment.needs_refund,
        late_success=payment.late_success,
        flagged_reason=payment.flagged_reason,
        next_action=wire.NextActionOut(type=action.type, url=action.url, message=action.message)
        if action
        else None,
        created_at=_ts(payment.created_at),
        updated_at=_ts(payment.updated_at),
        succeeded_at=timestamp(payment.succeeded_at),
    )


def order_out(order: Order, payments: list[Payment], checkout_url: str) -> wire.OrderOut:
    customer = order.customer
    return wire.OrderOut(
        id=order.id,
        store_id=order.store_id,
        reference=order.reference,
        status=order.status.value,
        amount=order.amount.amount,
        currency=order.amount.currency.value,
        description=order.description,
        customer=wire.CustomerOut(name=customer.name, phone=customer.phone, email=customer.email)
        if customer
        else None,
        items=[
            wire.ItemOut(name=i.name, quantity=i.quantity, unit_amount=i.unit_amount)
            for i in order.items
        ],
        metadata=dict(order.metadata),
        country=order.country,
        checkout_url=checkout_url,
        payments=[payment_out(p) for p in payments],
        paid_at=timestamp(order.paid_at),
        created_at=_ts(order.created_at),
        updated_at=_ts(order.updated_at),
    )


def event_out(recorded: RecordedEvent) -> wire.EventOut:
    event = recorded.event
    return wire.EventOut(
        id=recorded.id,
        type=event.type,
        from_status=event.from_status,
        to_status=event.to_status,
        source=event.source.value,
        data=event.data,
        created_at=_ts(event.at),
    )


def store_out(store: Store) -> wire.StoreOut:
    return wire.StoreOut(
        id=store.id,
        name=store.name,
        notification_url=store.notification_url,
        api_key_prefix=store.api_key_prefix,
        created_at=_ts(store.created_at),
    )


def new_store_out(new: NewStore) -> wire.NewStoreOut:
    store = new.store
    return wire.NewStoreOut(
        id=store.id,
        name=store.name,
        notification_url=store.notification_url,
        api_key_prefix=store.api_key_prefix,
        created_at=_ts(store.created_at),
        api_key=new.api_key,
        webhook_secret=store.webhook_secret,
    )


def order_list(page: Page[Order], checkout_url: Callable[[str], str]) -> wire.OrderList:
    return wire.OrderList(
        data=[order_out(o, [], checkout_url(o.id)) for o in page.data],
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
