"""Open payments counted by age, for the `payments_pending` gauge (read at scrape time)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg_pool import AsyncConnectionPool

from adapters.metrics import PENDING_AGE_BUCKETS

# `width_bucket` numbers the buckets: 0 below the first bound, i past the i-th. The partial
# index `payments_open_created_idx` holds exactly the rows counted here.
COUNT_BY_AGE = """
SELECT width_bucket(extract(epoch FROM %(now)s - created_at)::float8, %(bounds)s::float8[]) AS b,
       count(*) AS n
FROM payments
WHERE status IN ('created', 'pending')
GROUP BY b
"""

_BOUNDS = [bound for _, bound in PENDING_AGE_BUCKETS if bound is not None]
_NAMES = [name for name, _ in PENDING_AGE_BUCKETS]


class PostgresPendingAges:
    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        self._pool = pool

    async def __call__(self, now: datetime) -> dict[str, int]:
        """Open payments by age bucket name (`PENDING_AGE_BUCKETS`); empty buckets omitted."""
        async with self._pool.connection() as conn:
            cursor = await conn.execute(COUNT_BY_AGE, {"now": now, "bounds": _BOUNDS})
            rows = await cursor.fetchall()
        return {_NAMES[int(bucket)]: int(n) for bucket, n in rows}
