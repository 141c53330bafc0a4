"""In-memory fake of the ledger port, used by `tests/fakes.py`'s unit of work: the same
rules as the Postgres ledger (a cause is booked once, a store's running balance per
currency, sales inside the hold are pending)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from application.ledger.ports import Balance, EntryFilter, StoreEntry
from application.shared.ports import Page, PageRequest
from domain.ledger import Account, Entry, EntryType, Movement
from domain.money import Currency

if TYPE_CHECKING:
    from tests.fakes import InMemoryUnitOfWork

LEDGER_TABLES = ("ledger_movements", "ledger_entries")


@dataclass(frozen=True, slots=True)
class BookedEntry:
    seq: int
    id: str
    key: str
    entry: Entry
    at: datetime


class InMemoryLedger:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    async def record(self, movement: Movement) -> bool:
        tx = self._uow.tx
        if tx.latest("ledger_movements", movement.key) is not None:
            return False
        tx.put("ledger_movements", movement.key, movement)
        for entry in movement.entries:
            entry_id = tx.database.next_id("le")
            seq = int(entry_id.split("_")[1])
            booked = BookedEntry(seq, entry_id, movement.key, entry, movement.at)
            tx.put("ledger_entries", seq, booked)
        return True

    async def book(self, movement: Movement) -> None:
        await self.record(movement)

    def booked(self) -> list[BookedEntry]:
        return sorted(self._uow.tx.all("ledger_entries"), key=lambda b: b.seq)

    async def balances(self, store_id: str, pending_since: datetime | None) -> list[Balance]:
        totals: dict[Currency, list[int]] = defaultdict(lambda: [0, 0])
        for booked in self._of_store(store_id):
            amount = booked.entry.amount
            totals[amount.currency][0] += amount.amount
            sale = booked.entry.type in (EntryType.PAYMENT, EntryType.FEE)
            if pending_since is not None and sale and booked.at > pending_since:
                totals[amount.currency][1] += amount.amount
        return [
            Balance(c, total - pending, pending) for c, (total, pending) in sorted(totals.items())
        ]

    async def entries(
        self, store_id: str, filters: EntryFilter, page: PageRequest
    ) -> Page[StoreEntry]:
        found = await self.every_entry(store_id, filters)
        if page.starting_after is not None:
            ids = [e.id for e in found]
            found = (
                found[ids.index(page.starting_after) + 1 :] if page.starting_after in ids else []
            )
        return Page(data=found[: page.limit], has_more=len(found) > page.limit)

    async def every_entry(self, store_id: str, filters: EntryFilter) -> list[StoreEntry]:
        running: dict[Currency, int] = defaultdict(int)
        account = []
        for booked in self._of_store(store_id):
            e = booked.entry
            running[e.amount.currency] += e.amount.amount
            account.append(_store_entry(booked, running[e.amount.currency]))
        return [e for e in reversed(account) if _matches(e, filters)]

    async def lock_balance(self, store_id: str) -> None:
        return None  # the fake runs one transaction at a time

    def _of_store(self, store_id: str) -> list[BookedEntry]:
        return [
            b
            for b in self.booked()
            if b.entry.account is Account.STORE and b.entry.store_id == store_id
        ]


def _store_entry(booked: BookedEntry, balance_after: int) -> StoreEntry:
    e = booked.entry
    return StoreEntry(
        id=booked.id,
        type=e.type,
        amount=e.amount,
        balance_after=balance_after,
        created_at=booked.at,
        payment_id=e.payment_id,
        refund_id=e.refund_id,
        payout_id=e.payout_id,
        adjustment_id=e.adjustment_id,
    )


def _matches(entry: StoreEntry, filters: EntryFilter) -> bool:
    return (
        filters.currency in (None, entry.amount.currency)
        and filters.type in (None, entry.type)
        and filters.payment_id in (None, entry.payment_id)
        and filters.payout_id in (None, entry.payout_id)
    )
