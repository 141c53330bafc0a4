"""Ports every context uses: time, ids, pages of lists, idempotency, the payment log and
metrics, and the changes a unit of work collects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from domain.events import DomainEvent
from domain.order import Order
from domain.payment import Payment
from domain.payout import Payout
from domain.payout_destination import PayoutDestination
from domain.refund import Refund

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list, newest first; `next_cursor` is the last id when there is more."""

    data: list[T]
    has_more: bool

    @property
    def next_cursor(self) -> str | None:
        last = self.data[-1] if self.data else None
        return getattr(last, "id", None) if self.has_more else None


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int = 20
    starting_after: str | None = None


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """A domain event as stored, with its id (`evt_...`)."""

    id: str
    event: DomainEvent


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status: int
    body: bytes


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    request_hash: str
    response: StoredResponse | None  # None while the first request is still in flight
    created_at: datetime


class Clock(Protocol):
    def now(self) -> datetime: ...


class IdGenerator(Protocol):
    def new(self, prefix: str) -> str:
        """A new opaque, sortable id such as `pay_01J...`."""
        ...


class Throttle(Protocol):
    async def take(self, key: str) -> int | None:
        """None when a request for `key` may go on now (it is counted); else the whole
        seconds to wait before the next one may."""
        ...


class PaymentLog(Protocol):
    """The log of payments and refunds (orders change with their payments)."""

    def changed(self, subject: Payment | Refund, event: DomainEvent) -> None:
        """Write one line per change (phones masked, no secrets)."""
        ...

    def anomaly(self, subject: Payment | Refund, what: str, detail: Mapping[str, Any]) -> None:
        """Report something that changed nothing but must be looked at (illegal transition)."""
        ...


class IdempotencyRepository(Protocol):
    async def claim(
        self, store_id: str, key: str, request_hash: str, at: datetime
    ) -> IdempotencyRecord | None:
        """Claim the key for a new request. Returns None when claimed, else the existing
        record (same key seen before, within its 24 h)."""
        ...

    async def complete(self, store_id: str, key: str, response: StoredResponse) -> None: ...

    async def release(self, store_id: str, key: str) -> None:
        """Forget a claim whose request failed unexpectedly, so it can be retried."""
        ...


class Metrics(Protocol):
    """Counters the use cases feed (Prometheus behind the adapter)."""

    def double_payment(self, provider: str) -> None: ...
    def reconciliation_error(self, provider: str) -> None: ...
    def notification_delivery(self, outcome: str) -> None: ...
    def payment_final(
        self, provider: str, status: str, failure_code: str | None, country: str | None = None
    ) -> None:
        """`country`: the country of the account the payment went through (None: default)."""
        ...

    def refund_final(self, provider: str, status: str) -> None: ...


#: The aggregates whose changes are recorded as events.
Subject = Order | Payment | Refund | Payout | PayoutDestination


@dataclass(frozen=True, slots=True)
class Change:
    """One event as its repository stored it: its id (`evt_...`), the event, and the
    aggregate it belongs to (the same object the use case holds, so handlers see it as the
    transaction leaves it)."""

    id: str
    event: DomainEvent
    subject: Subject

    @property
    def kind(self) -> str:
        """The aggregate's kind: `payment`, `refund`, `order`."""
        return self.event.type.partition(".")[0]
