"""Running a query and turning its rows into domain objects: the one place repositories
read rows, so rows never leave the adapter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from psycopg import AsyncConnection
from psycopg.rows import dict_row

from adapters.postgres.batch import BatchedConnection, multi_row, numbered_rows

T = TypeVar("T")
Convert = Callable[[dict[str, Any]], T]


async def fetch_one(
    conn: AsyncConnection[Any],
    query: str,
    params: dict[str, Any],
    convert: Convert[T],
) -> T | None:
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(query, params)
        row = await cur.fetchone()
    return convert(row) if row else None


async def fetch_all(
    conn: AsyncConnection[Any],
    query: str,
    params: dict[str, Any],
    convert: Convert[T],
) -> list[T]:
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(query, params)
        return [convert(row) for row in await cur.fetchall()]


async def write_all(conn: AsyncConnection[Any], query: str, rows: list[dict[str, Any]]) -> None:
    """Run `query` (an `INSERT ... VALUES (...)`) for every row, in their order, as one
    statement: queued with the transaction's other writes when `conn` batches them
    (`batch.py`), else sent at once. (The ledger checks each statement's movements: a
    movement's entries must arrive together.)"""
    if isinstance(conn, BatchedConnection):
        await conn.write_rows(query, rows)
    elif len(rows) == 1:
        await conn.execute(query, rows[0])
    elif rows:
        multi = multi_row(query, len(rows))
        if multi is None:
            async with conn.cursor() as cur:
                await cur.executemany(query, rows)
        else:
            await conn.execute(multi, numbered_rows(rows))
