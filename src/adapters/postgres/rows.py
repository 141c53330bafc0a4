"""Running a query and turning its rows into domain objects: the one place repositories
read rows, so rows never leave the adapter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from psycopg import AsyncConnection
from psycopg.rows import dict_row

from adapters.postgres.batch import multi_row, numbered_rows, write

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
    (`batch.write`), else sent at once. (The ledger checks each statement's movements: a
    movement's entries must arrive together.) A query whose VALUES cannot be repeated is run
    once per row (after what is queued)."""
    if len(rows) == 1:
        await write(conn, query, rows[0])
    elif rows and (multi := multi_row(query, len(rows))) is not None:
        await write(conn, multi, numbered_rows(rows))
    elif rows:
        async with conn.cursor() as cur:
            await cur.executemany(query, rows)
