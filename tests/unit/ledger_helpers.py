"""Reading the in-memory ledger in unit tests."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable

from tests.ledger_fakes import BookedEntry
from tests.unit.helpers import World

from application.ledger.book import Fees
from application.payments.settlement import PaymentSettlement, PaymentSettles
from domain.events import Source
from domain.ledger import Account
from domain.money import Currency
from domain.payment import Payment
from domain.provider_report import ProviderReport
from domain.refund import Refund


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


Apply = Callable[[str, ProviderReport, Source], Awaitable[Payment]]
ApplyToRefund = Callable[[str, ProviderReport, Source], Awaitable[Refund]]


def applying(world: World, platform_bps: int) -> Apply:
    """A confirmed report applied through the settlement template, at a platform fee."""
    settles = PaymentSettles(world.registry, Fees(platform_bps))
    settle = PaymentSettlement(uow=world.uow, settles=settles, clock=world.clock, log=world.log)

    async def apply(payment_id: str, report: ProviderReport, source: Source) -> Payment:
        return (await settle.apply(payment_id, report, source)).subject

    return apply


def applying_to_refund(world: World) -> ApplyToRefund:
    """A confirmed report about a refund applied through the settlement template."""
    settle = world.settle_refund()

    async def apply(refund_id: str, report: ProviderReport, source: Source) -> Refund:
        return (await settle.apply(refund_id, report, source)).subject

    return apply
