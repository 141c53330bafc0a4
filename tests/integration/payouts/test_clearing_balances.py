"""What the ledger says each provider account holds (its clearing account), read from
`ledger_entries` on the real database: minus the sum of the clearing entries, per provider,
country and currency; the operators' fees booked there beside it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from psycopg_pool import AsyncConnectionPool

from adapters.postgres.clearing import PostgresClearingBalances
from domain.money import Money

AT = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
TRANSACTION = "INSERT INTO ledger_transactions (id, key, created_at) VALUES (%s, %s, %s)"
ENTRIES = (
    "INSERT INTO ledger_entries (id, transaction_id, account, provider, country, type, amount,"
    " currency, created_at) VALUES "
)


async def book(pool: AsyncConnectionPool[Any], tx: str, *entries: tuple[Any, ...]) -> None:
    """One balanced movement: (id, account, provider, country, type, amount, currency), its
    entries in one statement (the ledger checks each statement's movements)."""
    rows = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(entries))
    params = [
        value
        for entry_id, account, provider, country, kind, amount, currency in entries
        for value in (entry_id, tx, account, provider, country, kind, amount, currency, AT)
    ]
    async with pool.connection() as conn, conn.transaction():
        await conn.execute(TRANSACTION, (tx, f"test:{tx}", AT))
        await conn.execute(ENTRIES + rows, params)


async def test_each_account_holds_minus_its_clearing_entries(
    pool: AsyncConnectionPool[Any], clean_db: None
) -> None:
    await book(pool, "ltx_1",
               ("le_1", "clearing", "wave", "CI", "payment", -10_000, "XOF"),
               ("le_2", "platform", None, None, "payment", 10_000, "XOF"))  # fmt: skip
    await book(pool, "ltx_2",
               ("le_3", "clearing", "wave", "CI", "payout_sent", 4_000, "XOF"),
               ("le_4", "platform", None, None, "payout_sent", -4_000, "XOF"))  # fmt: skip
    await book(pool, "ltx_3",
               ("le_5", "clearing", "wave", "CI", "provider_fee", 40, "XOF"),
               ("le_6", "platform", None, None, "provider_fee", -40, "XOF"))  # fmt: skip
    await book(pool, "ltx_4",
               ("le_7", "clearing", "mtn_momo", None, "payment", -1_250, "GHS"),
               ("le_8", "platform", None, None, "payment", 1_250, "GHS"))  # fmt: skip
    ledger = PostgresClearingBalances(pool)
    assert await ledger.clearing_balances() == {
        ("mtn_momo", None): [Money.of(1_250, "GHS")],
        ("wave", "CI"): [Money.of(5_960, "XOF")],
    }
    assert await ledger.provider_fees() == {("wave", "CI"): [Money.of(40, "XOF")]}
