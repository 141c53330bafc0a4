"""When each open payment is next checked with its provider (columns of `payments`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg import AsyncConnection

PLAN = """
UPDATE payments SET next_check_at = %(at)s, check_attempts = %(attempts)s WHERE id = %(id)s
"""

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


class PostgresReconciliationSchedule:
    def __init__(self, conn: AsyncConnection[Any]) -> None:
        self._conn = conn

    async def plan(self, payment_id: str, at: datetime | None, attempts: int) -> None:
        await self._conn.execute(PLAN, {"id": payment_id, "at": at, "attempts": attempts})

    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[tuple[str, int]]:
        params = {"now": now, "lease_until": lease_until, "limit": limit}
        cur = await self._conn.execute(CLAIM, params)
        return [(str(row[0]), int(row[1])) for row in await cur.fetchall()]
