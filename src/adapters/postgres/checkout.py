"""`OrderLocator`: which store owns an order, for the customer's hosted pages."""

from __future__ import annotations

from typing import Any

from psycopg_pool import AsyncConnectionPool

STORE_OF_ORDER = "SELECT store_id FROM orders WHERE id = %(id)s"


class PostgresOrderLocator:
    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        self._pool = pool

    async def store_of(self, order_id: str) -> str | None:
        async with self._pool.connection() as conn:
            row = await (await conn.execute(STORE_OF_ORDER, {"id": order_id})).fetchone()
        return str(row[0]) if row else None
