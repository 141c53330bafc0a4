"""`DatabaseProbe`: does the database answer now (the readiness check)?"""

from __future__ import annotations

from typing import Any

from psycopg_pool import AsyncConnectionPool

TIMEOUT_SECONDS = 2.0


class PostgresProbe:
    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        self._pool = pool

    async def __call__(self) -> bool:
        """True when a connection runs `SELECT 1` within 2 s; any failure is False."""
        try:
            async with self._pool.connection(timeout=TIMEOUT_SECONDS) as conn:
                await conn.execute("SELECT 1")
            return True
        except Exception:
            return False
