"""Where a store is paid: a mobile-money number at a provider that can pay out.

Rules: a new destination is `pending` until `active_from` (its creation plus the hold, so a
stolen API key cannot empty a balance to a thief's phone before anyone can look), or until an
operator approves it (active at once). A disabled destination stays disabled and stays
listed. Orange Money has no payout API for merchants: it cannot be a destination."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.errors import PaymentError

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
