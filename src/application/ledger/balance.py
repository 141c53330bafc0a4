"""A store's balance and its entries, as the store sees them."""

from __future__ import annotations

from datetime import timedelta

from application.ledger.ports import Balance, EntryFilter, StoreEntry
from application.shared.ports import Clock, Page, PageRequest
from application.unit_of_work import UnitOfWorkFactory


class BalanceQueries:
    """Rules: the balance is the sum of the store's entries, per currency, always (nothing
    else is stored); `pending` is what its sales of the last `hold` add (BALANCE_HOLD_HOURS,
    0 by default: everything is available at once); `available` may go below zero after
    refunds."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, hold: timedelta = timedelta(0)):
        self._uow, self._clock, self._hold = uow, clock, hold

    async def balances(self, store_id: str) -> list[Balance]:
        since = self._clock.now() - self._hold if self._hold else None
        async with self._uow(read_only=True) as uow:
            return await uow.ledger.balances(store_id, since)

    async def entries(
        self, store_id: str, filters: EntryFilter, page: PageRequest
    ) -> Page[StoreEntry]:
        async with self._uow(read_only=True) as uow:
            return await uow.ledger.entries(store_id, filters, page)

    async def export(self, store_id: str, filters: EntryFilter) -> list[StoreEntry]:
        async with self._uow(read_only=True) as uow:
            return await uow.ledger.every_entry(store_id, filters)
