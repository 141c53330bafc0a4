"""The order aggregate: what the customer owes the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.errors import InvalidAmount, InvalidTransition, ItemsTotalMismatch, OrderNotPayable
from domain.events import DomainEvent, Source
from domain.money import Money


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class Customer:
    name: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class OrderItem:
    """One line of the order; `unit_amount` is in the order currency's minor unit."""

    name: str
    quantity: int
    unit_amount: int

    def __post_init__(self) -> None:
        if type(self.quantity) is not int or self.quantity < 1:
            raise InvalidAmount("an item's quantity must be a positive integer")
        if type(self.unit_amount) is not int or self.unit_amount < 0:
            raise InvalidAmount("an item's unit_amount must be a non-negative integer")

    @property
    def total(self) -> int:
        return self.quantity * self.unit_amount


@dataclass(slots=True, kw_only=True)
class Order:
    """An order of one store.

    Rules: the amount is positive; when items are given they add up to the amount;
    `pending_payment -> paid | cancelled | expired`, and an expired order still becomes paid
    when a late payment is verified (the customer paid). Every change records an event.
    `customer_reference` is the store's own id for its customer (the store lists one
    customer's orders and payments by it); `return_url` is the store's page the customer goes
    back to once the payment is settled.
    """

    id: str
    store_id: str
    reference: str
    amount: Money
    status: OrderStatus
    created_at: datetime
    updated_at: datetime
    description: str | None = None
    customer: Customer | None = None
    items: tuple[OrderItem, ...] = ()
    metadata: dict[str, str] = field(default_factory=dict)
    country: str | None = None
    customer_reference: str | None = None
    return_url: str | None = None
    paid_at: datetime | None = None
    paid_by: str | None = None
    expires_at: datetime | None = None
    version: int = 0
    events: list[DomainEvent] = field(default_factory=list)

    @classmethod
    def create(
        cls,
        *,
        id: str,
        store_id: str,
        reference: str,
        amount: Money,
        at: datetime,
        description: str | None = None,
        customer: Customer | None = None,
        items: tuple[OrderItem, ...] = (),
        metadata: dict[str, str] | None = None,
        country: str | None = None,
        expires_at: datetime | None = None,
        customer_reference: str | None = None,
        return_url: str | None = None,
    ) -> Order:
        if not amount.is_positive:
            raise InvalidAmount("amount must be greater than zero")
        if items and sum(item.total for item in items) != amount.amount:
            raise ItemsTotalMismatch("the items do not add up to the order amount")
        order = cls(
            id=id,
            store_id=store_id,
            reference=reference,
            amount=amount,
            status=OrderStatus.PENDING_PAYMENT,
            created_at=at,
            updated_at=at,
            description=description,
            customer=customer,
            items=items,
            metadata=dict(metadata or {}),
            country=country,
            expires_at=expires_at,
            customer_reference=customer_reference,
            return_url=return_url,
        )
        order._record("order.created", at, Source.API, None)
        return order

    def ensure_payable(self) -> None:
        """Only an order waiting for payment may start a new payment."""
        if self.status is not OrderStatus.PENDING_PAYMENT:
            raise OrderNotPayable(f"order {self.id} is {self.status}")

    def mark_paid(self, at: datetime, source: Source, payment_id: str) -> bool:
        """Record the first successful payment. Returns False when the order was already
        settled (paid or cancelled): the caller must then treat the money as a double payment."""
        if self.status in (OrderStatus.PAID, OrderStatus.CANCELLED):
            return False
        self._move(OrderStatus.PAID, at, source, {"payment_id": payment_id})
        self.paid_at, self.paid_by = at, payment_id
        return True

    def cancel(self, at: datetime, source: Source = Source.API) -> None:
        self._require(OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED)
        self._move(OrderStatus.CANCELLED, at, source, {})

    def expire(self, at: datetime, source: Source = Source.SYSTEM) -> None:
        self._require(OrderStatus.PENDING_PAYMENT, OrderStatus.EXPIRED)
        self._move(OrderStatus.EXPIRED, at, source, {})

    def _require(self, expected: OrderStatus, target: OrderStatus) -> None:
        if self.status is not expected:
            raise InvalidTransition("order", self.status, target)

    def _move(
        self, target: OrderStatus, at: datetime, source: Source, data: dict[str, str]
    ) -> None:
        previous = self.status
        self.status = target
        self.updated_at = at
        self._record(f"order.{target}", at, source, previous, dict(data))

    def _record(
        self,
        kind: str,
        at: datetime,
        source: Source,
        previous: OrderStatus | None,
        data: dict[str, str] | None = None,
    ) -> None:
        self.events.append(
            DomainEvent(
                type=kind,
                subject_id=self.id,
                at=at,
                source=source,
                from_status=previous,
                to_status=self.status,
                data=dict(data or {}),
            )
        )
