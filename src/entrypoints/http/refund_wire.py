"""Request and response bodies of the refund routes (API.md, Refunds)."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from entrypoints.http.wire import Amount, Out, Request


class CreateRefundIn(Request, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """`amount` in minor units, default: what is left to refund."""

    amount: Amount | None = None
    reason: Annotated[str, Meta(max_length=500)] | None = None


class RefundOut(Out, frozen=True, kw_only=True):
    id: str
    object: str = "refund"
    payment_id: str
    order_id: str
    store_id: str
    provider: str
    amount: int
    currency: str
    status: str
    reason: str | None
    failure_code: str | None
    failure_message: str | None
    provider_reference: str | None
    created_at: str
    updated_at: str
    succeeded_at: str | None


class RefundList(Out, frozen=True, kw_only=True):
    data: list[RefundOut]
    has_more: bool = False
    next_cursor: str | None = None
