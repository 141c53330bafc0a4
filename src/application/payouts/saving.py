"""Writing a payout: its row, its events (and the store's notifications of them) and what they
book in the ledger, together in the caller's unit of work."""

from __future__ import annotations

from application.ledger.book import book_payout
from application.ports import UnitOfWork
from domain.payout import Payout


async def add_payout(uow: UnitOfWork, payout: Payout) -> None:
    changes = list(payout.events)
    await uow.payouts.add(payout)
    await book_payout(uow, payout, changes)


async def save_payout(uow: UnitOfWork, payout: Payout) -> None:
    changes = list(payout.events)
    await uow.payouts.save(payout)
    await book_payout(uow, payout, changes)
