"""Small helpers for the HTTP tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from typing import Any, TypeVar

from psycopg_pool import AsyncConnectionPool

T = TypeVar("T")

ORDER = {"reference": "CMD-1001", "amount": 5000, "currency": "XOF", "description": "Pagne wax"}


async def count(pool: AsyncConnectionPool[Any], table: str) -> int:
    """Rows in one of the app's tables (names are constants of the tests, not input)."""
    async with pool.connection() as conn:
        cursor = await conn.execute(f"SELECT count(*) FROM {table}")
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    """Assert a problem+json answer with this status and stable code; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert body["status"] == status
    assert {"type", "title", "detail"} <= body.keys()
    return body


async def at_once(
    client: Any, method: str, url: str, threads: Executor | None = None, **kwargs: Any
) -> Any:
    """One request of `client` (a Litestar test client) that really runs beside the others.
    The test client answers each request before it returns to the event loop, so
    `asyncio.gather` of its requests runs them one after the other: this one is sent from a
    thread of its own (of `threads`, else the loop's default executor), and the app (on the
    client's own event loop) serves them together."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(threads, asyncio.run, client.request(method, url, **kwargs))


async def on_app_loop(client: Any, work: Callable[[], Awaitable[T]]) -> T:
    """Await `work()` on the app's own event loop (the test client's portal thread), where the
    app's connection pool lives. The container's use cases share that pool: awaited from the
    test's loop, concurrent calls that make the pool grow meet "Lock bound to a different event
    loop" inside psycopg_pool."""
    return await asyncio.to_thread(client.blocking_portal.call, work)
