"""What the service answers, as msgspec structs. Amounts are integers in the currency's minor
unit (never floats); timestamps are aware datetimes in UTC.

Unknown fields are ignored, so a newer service never breaks an older client; fields added to
the API after its first version have defaults."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, TypeVar

import msgspec

T = TypeVar("T")


class Model(msgspec.Struct, frozen=True, kw_only=True):
    """Base of every answer."""


class NextAction(Model, frozen=True, kw_only=True):
    """What the customer must do: `redirect` to `url`, or `approve_on_phone`."""

    type: str
    url: str | None = None
    message: str | None = None


class Payment(Model, frozen=True, kw_only=True, tag_field="object", tag="payment"):
    id: str
    order_id: str
    store_id: str
    provider: str
    status: str
    amount: int
    currency: str
    phone: str | None = None
    provider_reference: str | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    needs_refund: bool = False
    late_success: bool = False
    flagged_reason: str | None = None
    next_action: NextAction | None = None
    created_at: datetime
    updated_at: datetime
    succeeded_at: datetime | None = None
    expires_at: datetime | None = None
    #: the country of the provider account used (None: the provider's default account)
    country: str | None = None


class Customer(Model, frozen=True, kw_only=True):
    name: str | None = None
    phone: str | None = None
    email: str | None = None


class Item(Model, frozen=True, kw_only=True):
    name: str
    quantity: int
    unit_amount: int


class Order(Model, frozen=True, kw_only=True, tag_field="object", tag="order"):
    id: str
    store_id: str
    reference: str
    status: str
    amount: int
    currency: str
    description: str | None = None
    customer: Customer | None = None
    items: list[Item] = []
    metadata: dict[str, str] = {}
    country: str | None = None
    customer_reference: str | None = None
    return_url: str | None = None
    checkout_url: str | None = None
    payments: list[Payment] = []
    paid_at: datetime | None = None
    expires_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class Refund(Model, frozen=True, kw_only=True, tag_field="object", tag="refund"):
    id: str
    payment_id: str
    order_id: str
    store_id: str
    amount: int
    currency: str
    status: str
    reason: str | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    provider_reference: str | None = None
    created_at: datetime
    updated_at: datetime
    succeeded_at: datetime | None = None


class PaymentEvent(Model, frozen=True, kw_only=True):
    """One change in a payment's history."""

    id: str
    type: str
    from_status: str | None = None
    to_status: str | None = None
    source: str
    data: dict[str, Any] = {}
    created_at: datetime


class Delivery(Model, frozen=True, kw_only=True):
    state: str
    attempts: int
    next_attempt_at: datetime | None = None
    delivered_at: datetime | None = None
    last_status_code: int | None = None
    last_error: str | None = None


class EventData(Model, frozen=True, kw_only=True):
    object: Order | Payment | Refund


class Event(Model, frozen=True, kw_only=True):
    """A notification to the store: what `verify_notification` returns, and an item of
    `events.list()` (which adds its `delivery`)."""

    id: str
    type: str
    created_at: datetime
    data: EventData
    delivery: Delivery | None = None


class Store(Model, frozen=True, kw_only=True, tag_field="object", tag="store"):
    id: str
    name: str
    notification_url: str | None = None
    api_key_prefix: str
    created_at: datetime


class RotatedKey(Store, frozen=True, kw_only=True, tag="store"):
    """A store's new API key, shown this once (the notification secret is not shown again)."""

    api_key: str


class NewStore(RotatedKey, frozen=True, kw_only=True, tag="store"):
    """A store as created: its API key and notification secret are shown this once."""

    webhook_secret: str


class Total(Model, frozen=True, kw_only=True):
    currency: str
    amount: int


class OrderCounts(Model, frozen=True, kw_only=True):
    by_status: dict[str, int]


class PaymentCounts(Model, frozen=True, kw_only=True):
    by_status: dict[str, int]
    by_provider: dict[str, int]


class Day(Model, frozen=True, kw_only=True):
    date: date
    currency: str
    amount: int
    count: int


class Stats(Model, frozen=True, kw_only=True):
    """A store's figures over a period; `success_rate` is a ratio (0 to 1), not money."""

    start: datetime = msgspec.field(name="from")
    end: datetime = msgspec.field(name="to")
    revenue: list[Total]
    orders: OrderCounts
    payments: PaymentCounts
    success_rate: float | None = None
    success_rate_by_provider: dict[str, float | None] = {}
    daily: list[Day] = []


class FieldError(Model, frozen=True, kw_only=True):
    field: str
    message: str


class Problem(Model, frozen=True, kw_only=True):
    """An RFC 9457 problem answer."""

    type: str = "about:blank"
    title: str = ""
    status: int
    detail: str = ""
    code: str = ""
    errors: list[FieldError] = []


class Page(Model, Generic[T], frozen=True, kw_only=True):
    data: list[T]
    has_more: bool = False
    next_cursor: str | None = None


class EventList(Model, frozen=True, kw_only=True):
    data: list[PaymentEvent]


class Redelivery(Model, frozen=True, kw_only=True):
    id: str
    state: str


class RefundList(Model, frozen=True, kw_only=True):
    data: list[Refund]


class ProviderLatency(Model, frozen=True, kw_only=True):
    p50: int | None = None
    p95: int | None = None


class ProviderAccount(Model, frozen=True, kw_only=True):
    """One account of a provider: its country (None: the default account), the currency it
    takes (None: any) and its own health."""

    country: str | None = None
    currency: str | None = None
    status: str


class ProviderHealth(Model, frozen=True, kw_only=True):
    """A configured provider's health: `operational`, `degraded` or `down` (new payments
    with it are then refused with `provider_unavailable`)."""

    provider: str
    status: str
    success_rate: float | None = None
    start_latency_ms: ProviderLatency = ProviderLatency()
    breaker: str = "closed"
    calls: int = 0
    since: str | None = None
    reason: str | None = None
    accounts: list[ProviderAccount] = []


class ProviderList(Model, frozen=True, kw_only=True):
    data: list[ProviderHealth]
