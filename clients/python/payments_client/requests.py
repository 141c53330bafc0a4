"""What the client sends, as msgspec structs (fields left at None are not sent)."""

from __future__ import annotations

from typing import Required, TypedDict

import msgspec


class Body(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Base of every request body."""


class CustomerIn(Body, frozen=True, kw_only=True, omit_defaults=True):
    name: str | None = None
    phone: str | None = None
    email: str | None = None


class ItemIn(Body, frozen=True, kw_only=True, omit_defaults=True):
    name: str
    quantity: int
    unit_amount: int


class CreateOrder(Body, frozen=True, kw_only=True, omit_defaults=True):
    reference: str
    amount: int
    currency: str
    description: str | None = None
    customer: CustomerIn | None = None
    items: list[ItemIn] | None = None
    metadata: dict[str, str] | None = None
    country: str | None = None
    customer_reference: str | None = None
    return_url: str | None = None


class CreatePayment(Body, frozen=True, kw_only=True, omit_defaults=True):
    provider: str
    phone: str | None = None


class CreateRefund(Body, frozen=True, kw_only=True, omit_defaults=True):
    amount: int | None = None
    reason: str | None = None


class CreateStore(Body, frozen=True, kw_only=True, omit_defaults=True):
    name: str
    notification_url: str | None = None


class OrderFields(TypedDict, total=False):
    """The keyword arguments of `orders.create` (the fields of `CreateOrder`)."""

    reference: Required[str]
    amount: Required[int]
    currency: Required[str]
    description: str
    customer: CustomerIn
    items: list[ItemIn]
    metadata: dict[str, str]
    country: str
    customer_reference: str
    return_url: str
