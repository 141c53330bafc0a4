"""Idempotency keys: the first request with a key claims it; later ones replay its answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import dict_row

from application.shared.ports import IdempotencyRecord, StoredResponse

# A new key is inserted; a key older than 24 h is taken over as if new. Either way the
# statement returns a row. A live key makes it return nothing (the row is then read).
CLAIM = """
INSERT INTO idempotency_keys (store_id, key, request_hash, created_at)
VALUES (%(store_id)s, %(key)s, %(request_hash)s, %(at)s)
ON CONFLICT (store_id, key) DO UPDATE
SET request_hash = excluded.request_hash, created_at = excluded.created_at,
    response_status = NULL, response_body = NULL, completed_at = NULL
WHERE idempotency_keys.created_at <= excluded.created_at - interval '24 hours'
RETURNING key
"""

SELECT = """
SELECT request_hash, response_status, response_body, created_at
FROM idempotency_keys
WHERE store_id = %(store_id)s AND key = %(key)s
"""

COMPLETE = """
UPDATE idempotency_keys
SET response_status = %(status)s, response_body = %(body)s, completed_at = now()
WHERE store_id = %(store_id)s AND key = %(key)s
"""

RELEASE = """
DELETE FROM idempotency_keys
WHERE store_id = %(store_id)s AND key = %(key)s AND completed_at IS NULL
"""


class PostgresIdempotencyRepository:
    def __init__(self, conn: AsyncConnection[Any]) -> None:
        self._conn = conn

    async def claim(
        self, store_id: str, key: str, request_hash: str, at: datetime
    ) -> IdempotencyRecord | None:
        params = {"store_id": store_id, "key": key, "request_hash": request_hash, "at": at}
        async with self._conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(CLAIM, params)
            if await cur.fetchone():
                return None
            await cur.execute(SELECT, params)
            row = await cur.fetchone()
        assert row is not None, "a key that conflicts exists until the transaction ends"
        return _to_record(row)

    async def complete(self, store_id: str, key: str, response: StoredResponse) -> None:
        params = {"store_id": store_id, "key": key, "status": response.status}
        await self._conn.execute(COMPLETE, {**params, "body": response.body})

    async def release(self, store_id: str, key: str) -> None:
        await self._conn.execute(RELEASE, {"store_id": store_id, "key": key})


def _to_record(row: dict[str, Any]) -> IdempotencyRecord:
    status = row["response_status"]
    return IdempotencyRecord(
        request_hash=row["request_hash"],
        response=StoredResponse(status, bytes(row["response_body"]))
        if status is not None
        else None,
        created_at=row["created_at"],
    )
