"""What the ledger use cases need from storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from application.shared.ports import Page, PageRequest
from domain.ledger import EntryType, Movement
from domain.money import Currency, Money


@dataclass(frozen=True, slots=True)
class EntryFilter:
    currency: Currency | None = None
    type: EntryType | None = None
    payment_id: str | None = None
    payout_id: str | None = None


@dataclass(frozen=True, slots=True)
class StoreEntry:
    """One entry of a store's account, with the account's balance right after it."""

    id: str
    type: EntryType
    amount: Money
    balance_after: int
    created_at: datetime
    payment_id: str | None = None
    refund_id: str | None = None
    payout_id: str | None = None
    adjustment_id: str | None = None


@dataclass(frozen=True, slots=True)
class Balance:
    """A store's money in one currency: `available` may be negative after refunds;
    `pending` is what its sales inside the hold add to it, not yet available."""

    currency: Currency
    available: int
    pending: int


class Ledger(Protocol):
    async def record(self, movement: Movement) -> bool:
        """Append the movement; False (and nothing written) when its key was booked before."""
        ...

    async def book(self, movement: Movement) -> None:
        """As `record`, without waiting for the answer: one statement sent with the
        transaction's next round trip (a settlement's bookings go out with its COMMIT)."""
        ...

    async def balances(self, store_id: str, pending_since: datetime | None) -> list[Balance]:
        """Per currency; sales booked after `pending_since` are `pending` (None: no hold)."""
        ...

    async def entries(
        self, store_id: str, filters: EntryFilter, page: PageRequest
    ) -> Page[StoreEntry]:
        """The store's entries, newest first, `starting_after` an entry id."""
        ...

    async def every_entry(self, store_id: str, filters: EntryFilter) -> list[StoreEntry]:
        """Every entry matching, newest first (for an export)."""
        ...

    async def lock_balance(self, store_id: str) -> None:
        """Hold the store's balance until the transaction ends: two writers that each check
        it before moving money out of it run one after the other."""
        ...
