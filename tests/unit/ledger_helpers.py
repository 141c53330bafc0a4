"""Reading the in-memory ledger in unit tests."""

from __future__ import annotations

from collections import defaultdict

from tests.ledger_fakes import BookedEntry
from tests.unit.helpers import World

from application.apply_report import ApplyReport
from application.ledger.book import Fees
from domain.ledger import Account
from domain.money import Currency


def booked(world: World) -> list[BookedEntry]:
    return [
        world.db.tables["ledger_entries"][seq] for seq in sorted(world.db.tables["ledger_entries"])
    ]


def account_total(world: World, account: Account, store_id: str | None = None) -> int:
    return sum(
        b.entry.amount.amount
        for b in booked(world)
        if b.entry.account is account and store_id in (None, b.entry.store_id)
    )


def sums_per_movement(world: World) -> dict[tuple[str, Currency], int]:
    sums: dict[tuple[str, Currency], int] = defaultdict(int)
    for b in booked(world):
        sums[(b.key, b.entry.amount.currency)] += b.entry.amount.amount
    return sums


def applying(world: World, platform_bps: int) -> ApplyReport:
    return ApplyReport(world.uow, world.clock, world.log, Fees(platform_bps))
