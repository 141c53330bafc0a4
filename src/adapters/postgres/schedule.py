"""When each open payment is next checked with its provider (columns of `payments`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from psycopg import AsyncConnection

from adapters.postgres.batch import BatchedConnection

#: The check columns of a payment, refund or payout as inserted: no check planned yet. A
#: check planned in the same transaction while the INSERT is still queued is written by it.
UNPLANNED: dict[str, Any] = {"next_check_at": None, "check_attempts": 0}

#: The tables whose rows are checked with their provider on a schedule.
Checked = Literal["payments", "refunds", "payouts"]

#: A row's next check planned, by table.
_PLAN: dict[str, str] = {
    table: f"UPDATE {table} SET next_check_at = %(next_check_at)s, "
    "check_attempts = %(check_attempts)s WHERE id = %(id)s"
    for table in ("payments", "refunds", "payouts")
}

# The lease moves `next_check_at` forward, so a worker that dies mid-check only delays it.
CLAIM = """
UPDATE payments p
SET next_check_at = %(lease_until)s
FROM (
    SELECT id FROM payments
    WHERE next_check_at <= %(now)s
    ORDER BY next_check_at
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
) due
WHERE p.id = due.id
RETURNING p.id, p.check_attempts
"""


async def plan_check(
    conn: AsyncConnection[Any],
    table: Checked,
    subject_id: str,
    at: datetime | None,
    attempts: int,
) -> None:
    """Set when a payment, refund or payout is next checked. A row whose INSERT is still
    queued in this transaction takes the plan with it: no UPDATE, and no second version of a
    row just written (with each of its index entries)."""
    planned = {"next_check_at": at, "check_attempts": attempts}
    if isinstance(conn, BatchedConnection) and conn.amend((table, subject_id), planned):
        return
    await conn.execute(_PLAN[table], {"id": subject_id, **planned})


async def claim_due_checks(
    conn: AsyncConnection[Any], claim_sql: str, now: datetime, lease_until: datetime, limit: int
) -> list[tuple[str, int]]:
    """Lease the subjects due by `now`: `claim_sql` returns (id, attempts) rows."""
    params = {"now": now, "lease_until": lease_until, "limit": limit}
    cur = await conn.execute(claim_sql, params)
    return [(str(row[0]), int(row[1])) for row in await cur.fetchall()]


class PostgresReconciliationSchedule:
    def __init__(self, conn: AsyncConnection[Any]) -> None:
        self._conn = conn

    async def plan(self, payment_id: str, at: datetime | None, attempts: int) -> None:
        await plan_check(self._conn, "payments", payment_id, at, attempts)

    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[tuple[str, int]]:
        return await claim_due_checks(self._conn, CLAIM, now, lease_until, limit)
