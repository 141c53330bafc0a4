"""Where a store is paid: a mobile-money number at a provider that can pay out.

Rules: a new destination is `pending` until `active_from` (its creation plus the hold, so a
stolen API key cannot empty a balance to a thief's phone before anyone can look), or until an
operator approves it (active at once). A disabled destination stays disabled and stays
listed. Orange Money has no payout API for merchants: it cannot be a destination."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from domain.errors import PaymentError
from domain.events import DomainEvent, Source

#: Providers with a payout API (the sandbox outside production only).
PAYOUT_PROVIDERS = frozenset({"mtn_momo", "wave", "moov_money", "sandbox"})


class DestinationStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    DISABLED = "disabled"


class PayoutsNotSupported(PaymentError):
    """The provider has no payout API here (Orange Money WebPay, or not configured)."""


class DestinationNotActive(PaymentError):
    """The destination is still in its hold, or disabled."""


@dataclass(slots=True, kw_only=True)
class PayoutDestination:
    id: str
    store_id: str
    provider: str
    phone: str
    name: str | None
    country: str | None
    created_at: datetime
    active_from: datetime
    approved_at: datetime | None = None
    approved_by: str | None = None
    disabled_at: datetime | None = None
    events: list[DomainEvent] = field(default_factory=list)

    @classmethod
    def add(cls, *, at: datetime, hold: timedelta, **fields: Any) -> PayoutDestination:
        """A new destination, usable `hold` from `at`; records `payout_destination.created`
        (the store is told: it may not be the one who added it)."""
        destination = cls(created_at=at, active_from=at + hold, **fields)
        event = DomainEvent("payout_destination.created", destination.id, at, Source.API)
        destination.events.append(event)
        return destination

    def status_at(self, now: datetime) -> DestinationStatus:
        if self.disabled_at is not None:
            return DestinationStatus.DISABLED
        return DestinationStatus.ACTIVE if now >= self.active_from else DestinationStatus.PENDING

    def ensure_usable(self, now: datetime) -> None:
        """Raises `DestinationNotActive` unless money may be sent to it now."""
        status = self.status_at(now)
        if status is not DestinationStatus.ACTIVE:
            raise DestinationNotActive(f"payout destination {self.id} is {status}")

    def approve(self, at: datetime, operator: str) -> bool:
        """Active at once. False when it was approved before; a disabled one is refused."""
        if self.disabled_at is not None:
            raise DestinationNotActive(f"payout destination {self.id} is disabled")
        if self.approved_at is not None:
            return False
        self.approved_at, self.approved_by = at, operator
        self.active_from = min(self.active_from, at)
        return True

    def disable(self, at: datetime) -> bool:
        if self.disabled_at is not None:
            return False
        self.disabled_at = at
        return True
