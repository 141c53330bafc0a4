"""`ClearingBalances`: what the ledger says each provider account holds for the marketplace.

The clearing account of a provider account (`ledger_entries.account = 'clearing'`, with its
provider and country) is the other side of the money it collected and sent: its entries
are signed as the ledger books them (a payment collected is negative there), so what the
operator holds for us is minus their sum. The operators' fees the ledger booked
(`type = 'provider_fee'`) are read the same way: what they took from the account."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from application.payouts.gateway import ClearingKey
from domain.money import Money

HELD = """
SELECT provider, country, currency, -sum(amount)::bigint AS amount
FROM ledger_entries
WHERE account = 'clearing'
GROUP BY provider, country, currency
ORDER BY provider, country NULLS FIRST, currency
"""
FEES = """
SELECT provider, country, currency, sum(amount)::bigint AS amount
FROM ledger_entries
WHERE account = 'clearing' AND type = 'provider_fee'
GROUP BY provider, country, currency
ORDER BY provider, country NULLS FIRST, currency
"""


class PostgresClearingBalances:
    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        self._pool = pool

    async def clearing_balances(self) -> Mapping[ClearingKey, list[Money]]:
        return await self._totals(HELD)

    async def provider_fees(self) -> Mapping[ClearingKey, list[Money]]:
        return await self._totals(FEES)

    async def _totals(self, sql: str) -> dict[ClearingKey, list[Money]]:
        async with self._pool.connection() as conn:
            cursor = await conn.cursor(row_factory=dict_row).execute(sql)
            rows = await cursor.fetchall()
        totals: dict[ClearingKey, list[Money]] = {}
        for row in rows:
            key = (row["provider"], row["country"])
            totals.setdefault(key, []).append(Money.of(int(row["amount"]), row["currency"]))
        return totals
