"""The connection pool shared by every unit of work of a process."""

from __future__ import annotations

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

OPEN_TIMEOUT_SECONDS = 30.0


async def open_pool(url: str, min_size: int = 1, max_size: int = 10) -> AsyncConnectionPool:
    """An opened pool whose connections are ready (the first `min_size` are connected).

    Connections are checked when taken (a restarted server costs one failed check, not one
    failed request). They are not in autocommit: the unit of work commits or rolls back explicitly.
    JSON values are sent as `psycopg.types.json.Jsonb` by the repositories.
    """
    pool: AsyncConnectionPool[AsyncConnection] = AsyncConnectionPool(
        url,
        min_size=min_size,
        max_size=max_size,
        kwargs={"autocommit": False},
        check=AsyncConnectionPool.check_connection,
        open=False,
        name="payments",
    )
    await pool.open(wait=True, timeout=OPEN_TIMEOUT_SECONDS)
    return pool


async def close_pool(pool: AsyncConnectionPool) -> None:
    await pool.close()
