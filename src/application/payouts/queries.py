"""Reading payouts: the store's own, and every store's for operators."""

from __future__ import annotations

from application.errors import NotFound
from application.shared.ports import Page, PageRequest, RecordedEvent
from application.unit_of_work import UnitOfWorkFactory
from domain.payout import Payout, PayoutStatus


class PayoutQueries:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def one(self, store_id: str | None, payout_id: str) -> Payout:
        async with self._uow(read_only=True) as uow:
            payout = await uow.payouts.get(payout_id)
        if payout is None or store_id not in (None, payout.store_id):
            raise NotFound(f"payout {payout_id} not found")
        return payout

    async def search(
        self, store_id: str | None, status: PayoutStatus | None, page: PageRequest
    ) -> Page[Payout]:
        async with self._uow(read_only=True) as uow:
            return await uow.payouts.search(store_id, status, page)

    async def history(self, store_id: str, payout_id: str) -> list[RecordedEvent]:
        await self.one(store_id, payout_id)
        async with self._uow(read_only=True) as uow:
            return await uow.payouts.history(payout_id)
