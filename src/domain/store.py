"""A store: one vendor plugged into the service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from domain.ledger import check_bps


class StoreStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


@dataclass(slots=True, kw_only=True)
class Store:
    """A vendor. Its API key is only ever kept as a hash; `webhook_secret` signs the
    notifications sent to `notification_url`.

    Rules: a suspended store keeps its data and its payments keep settling (the money is
    real), but its API key and its checkout pages are refused until an operator reactivates
    it. Suspending a suspended store, or reactivating an active one, changes nothing."""

    id: str
    name: str
    api_key_hash: str
    api_key_prefix: str
    webhook_secret: str
    created_at: datetime
    notification_url: str | None = None
    suspended_at: datetime | None = None
    #: The platform's fee on this store's sales, in basis points; None: the platform's rate.
    fee_bps: int | None = None

    @property
    def status(self) -> StoreStatus:
        return StoreStatus.SUSPENDED if self.suspended_at else StoreStatus.ACTIVE

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    def suspend(self, at: datetime) -> bool:
        """Returns False when the store was already suspended."""
        if self.is_suspended:
            return False
        self.suspended_at = at
        return True

    def reactivate(self) -> bool:
        """Returns False when the store was active."""
        if not self.is_suspended:
            return False
        self.suspended_at = None
        return True

    def set_fee(self, bps: int | None) -> bool:
        """A new rate for the sales that succeed from now on (0 to 10,000 basis points, or
        None for the platform's). Returns False when it is the rate already set."""
        if bps is not None:
            check_bps(bps)  # raises InvalidFee
        if bps == self.fee_bps:
            return False
        self.fee_bps = bps
        return True

    def audit_view(self) -> dict[str, Any]:
        """What an audit entry keeps of the store: never a secret, only the key's prefix."""
        return {
            "name": self.name,
            "status": str(self.status),
            "notification_url": self.notification_url,
            "api_key_prefix": self.api_key_prefix,
            "fee_bps": self.fee_bps,
        }
