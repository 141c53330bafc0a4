"""The ports of refunds: their repository and the providers that give money back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from application.shared.ports import Page, PageRequest, RecordedEvent
from domain.payment import Payment
from domain.provider_report import ProviderReport
from domain.refund import Refund, RefundStatus, RefundSupport


@dataclass(frozen=True, slots=True)
class RefundFilter:
    payment_id: str | None = None
    status: RefundStatus | None = None


@dataclass(frozen=True, slots=True)
class RefundStarted:
    """The provider's answer to a refund request: its id for the refund (when it names
    one) and what it says of it (usually pending)."""

    reference: str | None
    report: ProviderReport


class RefundRepository(Protocol):
    async def add(self, refund: Refund) -> None:
        """Insert the refund and its recorded events (announced to the store)."""
        ...

    async def get(self, refund_id: str, *, for_update: bool = False) -> Refund | None:
        """Any store's refund (jobs, operators); `for_update` locks the row."""
        ...

    async def get_for_store(self, store_id: str, refund_id: str) -> Refund | None: ...

    async def save(self, refund: Refund) -> None:
        """Write the refund's changes and append its new events."""
        ...

    async def held(self, payment_id: str) -> int:
        """What the payment's pending, succeeded and requires_action refunds add up to."""
        ...

    async def search(
        self, store_id: str | None, filters: RefundFilter, page: PageRequest
    ) -> Page[Refund]:
        """A store's refunds (every store's when `store_id` is None), newest first."""
        ...

    async def history(self, refund_id: str) -> list[RecordedEvent]: ...

    async def plan(self, refund_id: str, at: datetime | None, attempts: int) -> None:
        """Next check of a pending refund with its provider (None: never again)."""
        ...

    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[tuple[str, int]]:
        """(refund id, attempts) of pending refunds whose check is due, leased meanwhile."""
        ...


class RefundProvider(Protocol):
    """Giving money back through one provider. `refunds` says what it can refund."""

    name: str
    refunds: RefundSupport

    def refund_reference_for(self, refund_id: str) -> str | None:
        """The provider-side id of a refund, stored before the provider is called (MTN's
        X-Reference-Id), or None when the provider names it."""
        ...

    async def refund(self, refund: Refund, payment: Payment) -> RefundStarted:
        """Ask the provider to refund. Returns what it said (pending, succeeded, failed).
        Raises `ProviderRejected` when it refuses, `ProviderUnavailable` when the outcome is
        unknown (timeout, network error, 5xx): the refund then stays pending."""
        ...

    async def fetch_refund(self, refund: Refund, payment: Payment) -> ProviderReport:
        """Ask the provider's own API about the refund. Raises `ProviderUnavailable`."""
        ...


class RefundProviders(Protocol):
    """The configured providers' refunds, by account: the providers themselves, never
    behind anything that guards new payments (a circuit breaker must not block refunds)."""

    def refunder(self, name: str, country: str | None = None) -> RefundProvider:
        """Raises `ProviderNotAvailable` when the account is not configured here."""
        ...
