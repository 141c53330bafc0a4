"""The ledger in Postgres: movements (`ledger_transactions`) and their entries
(`ledger_entries`), both append-only; the database also checks that each movement sums to
zero per currency when its transaction commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from adapters.postgres.batch import write
from adapters.postgres.paging import check_cursor
from adapters.postgres.rows import fetch_all, write_all
from application.ledger.ports import Balance, EntryFilter, StoreEntry
from application.shared.ports import IdGenerator, Page, PageRequest
from domain.ledger import Entry, EntryType, Movement
from domain.money import Currency, Money

INSERT_MOVEMENT = """
INSERT INTO ledger_transactions (id, key, created_at)
VALUES (%(id)s, %(key)s, %(created_at)s)
ON CONFLICT (key) DO NOTHING
RETURNING id
"""

INSERT_ENTRY = """
INSERT INTO ledger_entries (id, transaction_id, account, store_id, provider, country, type,
                            amount, currency, payment_id, refund_id, payout_id, adjustment_id,
                            created_at)
VALUES (%(id)s, %(transaction_id)s, %(account)s, %(store_id)s, %(provider)s, %(country)s,
        %(type)s, %(amount)s, %(currency)s, %(payment_id)s, %(refund_id)s, %(payout_id)s,
        %(adjustment_id)s, %(created_at)s)
"""

#: A movement in one statement: its transaction unless its key was booked before, and then
#: its entries (none when the key was taken), given as one JSON array (one value to send,
#: not twelve arrays), inserted in their order. The caller does not wait for it.
BOOK = """
WITH tx AS (
    INSERT INTO ledger_transactions (id, key, created_at)
    VALUES (%(id)s, %(key)s, %(created_at)s)
    ON CONFLICT (key) DO NOTHING
    RETURNING id
)
INSERT INTO ledger_entries (id, transaction_id, account, store_id, provider, country, type,
                            amount, currency, payment_id, refund_id, payout_id, adjustment_id,
                            created_at)
SELECT e.id, tx.id, e.account, e.store_id, e.provider, e.country, e.type, e.amount, e.currency,
       e.payment_id, e.refund_id, e.payout_id, e.adjustment_id, %(created_at)s
FROM tx, ROWS FROM (jsonb_to_recordset(%(entries)s::jsonb)
                    AS (id text, account text, store_id text, provider text, country text,
                        type text, amount bigint, currency text, payment_id text,
                        refund_id text, payout_id text, adjustment_id text))
     WITH ORDINALITY AS e(id, account, store_id, provider, country, type, amount, currency,
                          payment_id, refund_id, payout_id, adjustment_id, n)
ORDER BY e.n
"""

#: Sales (and their fees) booked after `since` are pending; the rest is available.
SELECT_BALANCES = """
SELECT currency, sum(amount) AS total,
       coalesce(sum(amount) FILTER (
           WHERE %(since)s::timestamptz IS NOT NULL AND type IN ('payment', 'fee')
             AND created_at > %(since)s::timestamptz), 0) AS pending
FROM ledger_entries
WHERE account = 'store' AND store_id = %(store_id)s
GROUP BY currency
ORDER BY currency
"""

#: The store's account with its running balance per currency, in booking order.
STORE_ACCOUNT = """
WITH account AS (
    SELECT id, seq, type, amount, currency, payment_id, refund_id, payout_id, adjustment_id,
           created_at, sum(amount) OVER (PARTITION BY currency ORDER BY seq) AS balance_after
    FROM ledger_entries
    WHERE account = 'store' AND store_id = %(store_id)s
)
SELECT id, type, amount, currency, payment_id, refund_id, payout_id, adjustment_id,
       created_at, balance_after
FROM account
"""

_FILTERS = {
    "currency": "currency = %(currency)s",
    "type": "type = %(type)s",
    "payment_id": "payment_id = %(payment_id)s",
    "payout_id": "payout_id = %(payout_id)s",
}

AFTER_CURSOR = "seq < (SELECT seq FROM ledger_entries WHERE id = %(starting_after)s)"

#: Transaction-scoped: released at commit or rollback; touches no row, blocks no other write.
LOCK_BALANCE = "SELECT pg_advisory_xact_lock(hashtextextended('balance:' || %(store_id)s, 0))"


class PostgresLedger:
    def __init__(self, conn: AsyncConnection[Any], ids: IdGenerator) -> None:
        self._conn, self._ids = conn, ids

    async def record(self, movement: Movement) -> bool:
        transaction_id = self._ids.new("ltx")
        params = {"id": transaction_id, "key": movement.key, "created_at": movement.at}
        cur = await self._conn.execute(INSERT_MOVEMENT, params)
        if await cur.fetchone() is None:
            return False  # booked before: nothing more is written
        rows = [self._entry_params(transaction_id, movement.at, e) for e in movement.entries]
        await write_all(self._conn, INSERT_ENTRY, rows)
        return True

    async def book(self, movement: Movement) -> None:
        transaction_id = self._ids.new("ltx")
        entries = [self._entry_params(transaction_id, movement.at, e) for e in movement.entries]
        for entry in entries:
            del entry["transaction_id"], entry["created_at"]
        params = {"id": transaction_id, "key": movement.key, "created_at": movement.at}
        params["entries"] = Jsonb(entries)
        await write(self._conn, BOOK, params, ("ledger", movement.key))

    def _entry_params(self, transaction_id: str, at: datetime, entry: Entry) -> dict[str, Any]:
        return {
            "id": self._ids.new("le"),
            "transaction_id": transaction_id,
            "account": entry.account.value,
            "store_id": entry.store_id,
            "provider": entry.provider,
            "country": entry.country,
            "type": entry.type.value,
            "amount": entry.amount.amount,
            "currency": entry.amount.currency.value,
            "payment_id": entry.payment_id,
            "refund_id": entry.refund_id,
            "payout_id": entry.payout_id,
            "adjustment_id": entry.adjustment_id,
            "created_at": at,
        }

    async def balances(self, store_id: str, pending_since: datetime | None) -> list[Balance]:
        params = {"store_id": store_id, "since": pending_since}
        return await fetch_all(self._conn, SELECT_BALANCES, params, _to_balance)

    async def entries(
        self, store_id: str, filters: EntryFilter, page: PageRequest
    ) -> Page[StoreEntry]:
        await check_cursor(self._conn, "ledger_entries", page, store_id)
        query, params = _entries_query(store_id, filters, page.starting_after)
        query += " LIMIT %(limit)s"
        found = await fetch_all(self._conn, query, {**params, "limit": page.limit + 1}, _to_entry)
        return Page(data=found[: page.limit], has_more=len(found) > page.limit)

    async def every_entry(self, store_id: str, filters: EntryFilter) -> list[StoreEntry]:
        query, params = _entries_query(store_id, filters, None)
        return await fetch_all(self._conn, query, params, _to_entry)

    async def lock_balance(self, store_id: str) -> None:
        cur = await self._conn.execute(LOCK_BALANCE, {"store_id": store_id})
        await cur.fetchone()  # waits here until the lock is ours


def _entries_query(
    store_id: str, filters: EntryFilter, starting_after: str | None
) -> tuple[str, dict[str, Any]]:
    given: dict[str, Any] = {
        "currency": filters.currency.value if filters.currency else None,
        "type": filters.type.value if filters.type else None,
        "payment_id": filters.payment_id,
        "payout_id": filters.payout_id,
    }
    conditions = [sql for name, sql in _FILTERS.items() if given[name] is not None]
    if starting_after is not None:
        conditions.append(AFTER_CURSOR)
    where = " AND ".join(conditions) or "true"
    query = f"{STORE_ACCOUNT} WHERE {where} ORDER BY seq DESC"
    return query, {**given, "store_id": store_id, "starting_after": starting_after}


def _to_balance(row: dict[str, Any]) -> Balance:
    total, pending = int(row["total"]), int(row["pending"])
    return Balance(Currency(row["currency"]), available=total - pending, pending=pending)


def _to_entry(row: dict[str, Any]) -> StoreEntry:
    return StoreEntry(
        id=row["id"],
        type=EntryType(row["type"]),
        amount=Money(int(row["amount"]), Currency(row["currency"])),
        balance_after=int(row["balance_after"]),
        created_at=row["created_at"],
        payment_id=row["payment_id"],
        refund_id=row["refund_id"],
        payout_id=row["payout_id"],
        adjustment_id=row["adjustment_id"],
    )
