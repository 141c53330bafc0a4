"""Bodies of the balance routes and of the operator's ledger routes, and their presenters."""

from __future__ import annotations

import csv
import io
from typing import Annotated

from msgspec import Meta

from adapters.snapshots import timestamp
from application.ledger.adjust import Adjustment
from application.ledger.ports import Balance, StoreEntry
from application.shared.ports import Page
from entrypoints.http.wire import CurrencyCode, LongText, Out, Request

#: A signed amount in minor units, never zero.
SignedAmount = Annotated[int, Meta(ge=-(10**15), le=10**15)]
FeeBps = Annotated[int, Meta(ge=0, le=10_000)]


class BalanceLine(Out, frozen=True, kw_only=True):
    currency: str
    available: int
    pending: int


class BalanceOut(Out, frozen=True, kw_only=True):
    object: str = "balance"
    balances: list[BalanceLine]


class EntryOut(Out, frozen=True, kw_only=True):
    id: str
    object: str = "ledger_entry"
    type: str
    amount: int
    currency: str
    balance_after: int
    payment_id: str | None = None
    refund_id: str | None = None
    payout_id: str | None = None
    adjustment_id: str | None = None
    created_at: str


class EntryList(Out, frozen=True, kw_only=True):
    data: list[EntryOut]
    has_more: bool
    next_cursor: str | None


class AdjustmentIn(Request, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """`amount`: signed minor units (+ credits the store, - debits it); `reason` required."""

    amount: SignedAmount
    currency: CurrencyCode
    reason: LongText


class AdjustmentOut(Out, frozen=True, kw_only=True):
    id: str
    object: str = "adjustment"
    store_id: str
    amount: int
    currency: str
    reason: str
    operator: str
    created_at: str


def balance_out(balances: list[Balance]) -> BalanceOut:
    lines = [BalanceLine(currency=b.currency.value, available=b.available, pending=b.pending)
             for b in balances]  # fmt: skip
    return BalanceOut(balances=lines)


def entry_out(entry: StoreEntry) -> EntryOut:
    return EntryOut(
        id=entry.id,
        type=entry.type.value,
        amount=entry.amount.amount,
        currency=entry.amount.currency.value,
        balance_after=entry.balance_after,
        payment_id=entry.payment_id,
        refund_id=entry.refund_id,
        payout_id=entry.payout_id,
        adjustment_id=entry.adjustment_id,
        created_at=timestamp(entry.created_at),
    )


def entry_list(page: Page[StoreEntry]) -> EntryList:
    data = [entry_out(e) for e in page.data]
    return EntryList(data=data, has_more=page.has_more, next_cursor=page.next_cursor)


CSV_COLUMNS = (
    "id", "created_at", "type", "amount", "currency", "balance_after", "payment_id",
    "refund_id", "payout_id", "adjustment_id",
)  # fmt: skip


def entries_csv(entries: list[StoreEntry]) -> str:
    """A header line, then one line per entry (amounts in minor units, signed)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        row = entry_out(entry)
        writer.writerow(["" if getattr(row, c) is None else getattr(row, c) for c in CSV_COLUMNS])
    return out.getvalue()


def adjustment_out(made: Adjustment) -> AdjustmentOut:
    return AdjustmentOut(
        id=made.id,
        store_id=made.store_id,
        amount=made.amount.amount,
        currency=made.amount.currency.value,
        reason=made.reason,
        operator=made.actor.name,
        created_at=timestamp(made.created_at),
    )
