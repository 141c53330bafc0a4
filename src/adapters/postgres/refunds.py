"""Refunds, their event history and the schedule of their checks in Postgres."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import dict_row

from adapters.postgres.batch import write
from adapters.postgres.events import INSERT_REFUND_EVENT, append_events, to_recorded_event
from adapters.postgres.paging import check_cursor, page_params, page_query, to_page
from adapters.postgres.rows import fetch_all, fetch_one
from adapters.postgres.schedule import UNPLANNED, claim_due_checks, plan_check
from adapters.postgres.versioned import guarded
from application.refunds.ports import RefundFilter
from application.shared.ports import Change, IdGenerator, Page, PageRequest, RecordedEvent
from domain.money import Currency, Money
from domain.refund import Refund, RefundStatus

_COLUMNS = """
    id, payment_id, order_id, store_id, provider, status, amount, currency, reason,
    provider_reference, failure_code, failure_message, created_at, updated_at, succeeded_at,
    version
"""

INSERT = """
INSERT INTO refunds (id, payment_id, order_id, store_id, provider, status, amount, currency,
                     reason, provider_reference, failure_code, failure_message, created_at,
                     updated_at, succeeded_at, version, next_check_at, check_attempts)
VALUES (%(id)s, %(payment_id)s, %(order_id)s, %(store_id)s, %(provider)s, %(status)s,
        %(amount)s, %(currency)s, %(reason)s, %(provider_reference)s, %(failure_code)s,
        %(failure_message)s, %(created_at)s, %(updated_at)s, %(succeeded_at)s, %(version)s,
        %(next_check_at)s, %(check_attempts)s)
"""

#: Refused by the server when stale (`guarded`): seen at the next read or at commit.
UPDATE = guarded(
    """
UPDATE refunds
SET status = %(status)s, provider_reference = %(provider_reference)s,
    failure_code = %(failure_code)s, failure_message = %(failure_message)s,
    updated_at = %(updated_at)s, succeeded_at = %(succeeded_at)s, version = version + 1
WHERE id = %(id)s AND version = %(version)s
""",
    "refunds",
)

SELECT_ALL = f"SELECT {_COLUMNS} FROM refunds"
SELECT = f"{SELECT_ALL} WHERE id = %(id)s"
SELECT_FOR_UPDATE = f"{SELECT} FOR UPDATE"
SELECT_FOR_STORE = f"{SELECT} AND store_id = %(store_id)s"

HELD = """
SELECT COALESCE(sum(amount), 0) FROM refunds
WHERE payment_id = %(payment_id)s AND status IN ('pending', 'succeeded', 'requires_action')
"""

SELECT_HISTORY = """
SELECT id, refund_id, type, from_status, to_status, source, data, created_at
FROM refund_events WHERE refund_id = %(refund_id)s ORDER BY seq
"""

# The lease moves `next_check_at` forward, so a worker that dies mid-check only delays it.
CLAIM = """
UPDATE refunds r
SET next_check_at = %(lease_until)s
FROM (
    SELECT id FROM refunds
    WHERE next_check_at <= %(now)s AND status = 'pending'
    ORDER BY next_check_at
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
) due
WHERE r.id = due.id
RETURNING r.id, r.check_attempts
"""

_FILTERS = {
    "store_id": "store_id = %(store_id)s",
    "payment_id": "payment_id = %(payment_id)s",
    "status": "status = %(status)s",
}


class PostgresRefundRepository:
    def __init__(self, conn: AsyncConnection[Any], ids: IdGenerator, changes: list[Change]) -> None:
        self._conn, self._ids, self._changes = conn, ids, changes

    async def add(self, refund: Refund) -> None:
        await write(self._conn, INSERT, _to_params(refund) | UNPLANNED, ("refunds", refund.id))
        await self._append_events(refund)

    async def get(self, refund_id: str, *, for_update: bool = False) -> Refund | None:
        query = SELECT_FOR_UPDATE if for_update else SELECT
        return await fetch_one(self._conn, query, {"id": refund_id}, _to_refund)

    async def get_for_store(self, store_id: str, refund_id: str) -> Refund | None:
        params = {"id": refund_id, "store_id": store_id}
        return await fetch_one(self._conn, SELECT_FOR_STORE, params, _to_refund)

    async def save(self, refund: Refund) -> None:
        await write(self._conn, UPDATE, _to_params(refund), ("refunds", refund.id))
        refund.version += 1
        await self._append_events(refund)

    async def held(self, payment_id: str) -> int:
        cur = await self._conn.execute(HELD, {"payment_id": payment_id})
        row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def search(
        self, store_id: str | None, filters: RefundFilter, page: PageRequest
    ) -> Page[Refund]:
        await check_cursor(self._conn, "refunds", page, store_id)
        given = {"store_id": store_id, "payment_id": filters.payment_id, "status": filters.status}
        conditions = [sql for name, sql in _FILTERS.items() if given[name] is not None]
        query = page_query(SELECT_ALL, conditions, page)
        refunds = await fetch_all(self._conn, query, page_params(page, **given), _to_refund)
        return to_page(refunds, page)

    async def history(self, refund_id: str) -> list[RecordedEvent]:
        async with self._conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(SELECT_HISTORY, {"refund_id": refund_id})
            return [to_recorded_event(row, "refund_id") for row in await cur.fetchall()]

    async def plan(self, refund_id: str, at: datetime | None, attempts: int) -> None:
        await plan_check(self._conn, "refunds", refund_id, at, attempts)

    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[tuple[str, int]]:
        return await claim_due_checks(self._conn, CLAIM, now, lease_until, limit)

    async def _append_events(self, refund: Refund) -> None:
        await append_events(self._conn, INSERT_REFUND_EVENT, self._ids, refund, self._changes)


def _to_params(refund: Refund) -> dict[str, Any]:
    return {
        "id": refund.id,
        "payment_id": refund.payment_id,
        "order_id": refund.order_id,
        "store_id": refund.store_id,
        "provider": refund.provider,
        "status": refund.status.value,
        "amount": refund.amount.amount,
        "currency": refund.amount.currency.value,
        "reason": refund.reason,
        "provider_reference": refund.provider_reference,
        "failure_code": refund.failure_code,
        "failure_message": refund.failure_message,
        "created_at": refund.created_at,
        "updated_at": refund.updated_at,
        "succeeded_at": refund.succeeded_at,
        "version": refund.version,
    }


def _to_refund(row: dict[str, Any]) -> Refund:
    return Refund(
        id=row["id"],
        payment_id=row["payment_id"],
        order_id=row["order_id"],
        store_id=row["store_id"],
        provider=row["provider"],
        amount=Money(row["amount"], Currency(row["currency"].strip())),
        status=RefundStatus(row["status"]),
        reason=row["reason"],
        provider_reference=row["provider_reference"],
        failure_code=row["failure_code"],
        failure_message=row["failure_message"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        succeeded_at=row["succeeded_at"],
        version=row["version"],
    )
