"""The connection pool shared by every unit of work of a process."""

from __future__ import annotations

from time import monotonic
from typing import Any
from weakref import WeakKeyDictionary

import msgspec
from psycopg import AsyncConnection
from psycopg.types.json import set_json_dumps, set_json_loads
from psycopg_pool import AsyncConnectionPool

OPEN_TIMEOUT_SECONDS = 30.0
#: A connection given back this recently is not checked again when taken (see `open_pool`).
FRESH_SECONDS = 2.0


class CheckedPool(AsyncConnectionPool[AsyncConnection[Any]]):
    """A pool that checks a connection when it is taken only if it sat idle for more than
    `FRESH_SECONDS`: a connection that just finished a transaction is known to work, and the
    check costs one round trip to the server per transaction (a fifth of a webhook's)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._returned: WeakKeyDictionary[AsyncConnection[Any], float] = WeakKeyDictionary()
        super().__init__(*args, check=self._check_if_idle, **kwargs)

    async def putconn(self, conn: AsyncConnection[Any]) -> None:
        self._returned[conn] = monotonic()
        await super().putconn(conn)

    async def _check_if_idle(self, conn: AsyncConnection[Any]) -> None:
        returned = self._returned.get(conn)
        if returned is None or monotonic() - returned > FRESH_SECONDS:
            await AsyncConnectionPool.check_connection(conn)


async def fast_json(conn: AsyncConnection[Any]) -> None:
    """JSON columns written and read with msgspec: the same values as the standard library's
    `json` gives (every column is `jsonb`, so the spacing of the text is not kept), for a
    fifth of the CPU; a settlement writes about ten of them."""
    set_json_dumps(msgspec.json.encode, context=conn)
    set_json_loads(msgspec.json.decode, context=conn)


async def open_pool(url: str, min_size: int = 1, max_size: int = 10) -> AsyncConnectionPool:
    """An opened pool whose connections are ready (the first `min_size` are connected).

    Connections idle for a while are checked when taken (a restarted server costs one failed
    check, not one failed request); one given back in the last `FRESH_SECONDS` is not. They
    are not in autocommit: the unit of work commits or rolls back explicitly.
    JSON values are sent as `psycopg.types.json.Jsonb` by the repositories, written and read
    by msgspec (`fast_json`).
    """
    pool = CheckedPool(
        url,
        min_size=min_size,
        max_size=max_size,
        kwargs={"autocommit": False},
        configure=fast_json,
        open=False,
        name="payments",
    )
    await pool.open(wait=True, timeout=OPEN_TIMEOUT_SECONDS)
    return pool


async def close_pool(pool: AsyncConnectionPool) -> None:
    await pool.close()
