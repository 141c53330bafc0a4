"""Request and response bodies of the JSON API (docs/api.md), as msgspec structs.

Requests are decoded strictly: wrong types, unknown fields and out-of-range values are
refused, never coerced. A body that is not UTF-8 JSON holding an object is 400
`invalid_json`; text the service does not accept (`accepted_input`) is 422."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

import msgspec
from msgspec import Meta, Struct

from entrypoints.http.accepted_input import check_fields

T = TypeVar("T")

Text = Annotated[str, Meta(min_length=1, max_length=255)]
LongText = Annotated[str, Meta(max_length=2000)]
Amount = Annotated[int, Meta(gt=0, le=10**15)]
CurrencyCode = Annotated[str, Meta(pattern="^[A-Z]{3}$", description="ISO 4217, e.g. XOF")]
CountryCode = Annotated[str, Meta(pattern="^[A-Z]{2}$", description="ISO 3166-1, e.g. CI")]
#: Any text: whatever makes it not a valid number of the order's country is `invalid_phone`.
Phone = Annotated[str, Meta(description="E.164 (+2250700000001) or national for the country")]
Url = Annotated[str, Meta(pattern="^https?://", max_length=2000)]


class Request(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Base of every request body."""


class CustomerIn(Request, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Text | None = None
    phone: Phone | None = None
    email: Annotated[str, Meta(max_length=320)] | None = None


class ItemIn(Request, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Text
    quantity: Annotated[int, Meta(ge=1, le=100_000)]
    unit_amount: Annotated[int, Meta(ge=0, le=10**15)]


class CreateOrderIn(Request, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reference: Text
    amount: Amount
    currency: CurrencyCode
    description: LongText | None = None
    customer: CustomerIn | None = None
    items: Annotated[list[ItemIn], Meta(max_length=200)] | None = None
    metadata: (
        Annotated[dict[str, Annotated[str, Meta(max_length=500)]], Meta(max_length=50)] | None
    ) = None
    country: CountryCode | None = None
    customer_reference: Text | None = None
    return_url: Url | None = None


class CreatePaymentIn(Request, frozen=True, kw_only=True, forbid_unknown_fields=True):
    provider: Annotated[str, Meta(max_length=32)]
    phone: Phone | None = None


class CreateStoreIn(Request, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Text
    notification_url: Url | None = None


class FieldError(Struct, frozen=True):
    field: str
    message: str


class InvalidJson(msgspec.DecodeError):
    """The body is not UTF-8 JSON holding an object: 400 `invalid_json`."""


def decode(body: bytes, kind: type[T]) -> T:
    """Strict JSON decoding of an object, then the text rules on every string; raises
    `InvalidJson`, msgspec.ValidationError or `accepted_input.RefusedInput`."""
    if not body.lstrip(b" \t\r\n").startswith(b"{"):
        raise InvalidJson("The body must be a JSON object")
    try:
        value = msgspec.json.decode(body, type=kind, strict=True)
    except UnicodeDecodeError:
        raise InvalidJson("The body is not valid UTF-8") from None
    except msgspec.ValidationError:
        raise
    except msgspec.DecodeError:
        raise InvalidJson("The body is not valid JSON") from None
    check_fields(value)
    return value


# -- responses -----------------------------------------------------------------------------


class Out(Struct, frozen=True, kw_only=True):
    """Base of every response body."""


class CustomerOut(Out, frozen=True, kw_only=True):
    name: str | None
    phone: str | None
    email: str | None


class ItemOut(Out, frozen=True, kw_only=True):
    name: str
    quantity: int
    unit_amount: int


class NextActionOut(Out, frozen=True, kw_only=True):
    type: str
    url: str | None = None
    message: str | None = None


class PaymentOut(Out, frozen=True, kw_only=True):
    id: str
    object: str = "payment"
    order_id: str
    store_id: str
    provider: str
    status: str
    amount: int
    currency: str
    phone: str | None
    provider_reference: str | None
    failure_code: str | None
    failure_message: str | None
    needs_refund: bool
    late_success: bool
    flagged_reason: str | None
    next_action: NextActionOut | None
    created_at: str
    updated_at: str
    succeeded_at: str | None
    expires_at: str | None = None
    amount_refunded: int = 0
    refunded: bool = False
    #: The country of the provider account used (None: the provider's default account).
    country: str | None = None
    #: the platform's fee and what the store keeps: null until the payment succeeds
    fee: int | None = None
    net: int | None = None


class OrderOut(Out, frozen=True, kw_only=True):
    id: str
    object: str = "order"
    store_id: str
    reference: str
    status: str
    amount: int
    currency: str
    description: str | None
    customer: CustomerOut | None
    items: list[ItemOut]
    metadata: dict[str, str]
    country: str | None
    customer_reference: str | None = None
    return_url: str | None = None
    checkout_url: str | None
    payments: list[PaymentOut]
    paid_at: str | None
    expires_at: str | None = None
    created_at: str
    updated_at: str


class EventOut(Out, frozen=True, kw_only=True):
    id: str
    type: str
    from_status: str | None
    to_status: str | None
    source: str
    data: dict[str, Any]
    created_at: str


class StoreOut(Out, frozen=True, kw_only=True):
    id: str
    object: str = "store"
    name: str
    notification_url: str | None
    api_key_prefix: str
    created_at: str
    status: str = "active"
    suspended_at: str | None = None
    #: the platform's fee on its sales, basis points; null: the platform's rate
    fee_bps: int | None = None


class RotatedKeyOut(StoreOut, frozen=True, kw_only=True):
    """A store's new API key, shown once. The notification secret is not shown again."""

    api_key: str


class NewStoreOut(RotatedKeyOut, frozen=True, kw_only=True):
    webhook_secret: str


class OrderList(Out, frozen=True, kw_only=True):
    data: list[OrderOut]
    has_more: bool
    next_cursor: str | None


class PaymentList(Out, frozen=True, kw_only=True):
    data: list[PaymentOut]
    has_more: bool
    next_cursor: str | None


class EventList(Out, frozen=True, kw_only=True):
    data: list[EventOut]


class StoreList(Out, frozen=True, kw_only=True):
    data: list[StoreOut]
    has_more: bool
    next_cursor: str | None


class Received(Out, frozen=True, kw_only=True):
    received: bool = True
