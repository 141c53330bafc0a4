"""Counting round trips to PostgreSQL: a TCP proxy between the service and the server that
counts, on each connection, the times the client speaks after the server has answered (a
pipeline of statements sent at once is one round trip, however many packets carry it)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from psycopg.conninfo import conninfo_to_dict, make_conninfo


@dataclass
class RoundTrips:
    """`count`: round trips since the last `reset()`, over every proxied connection."""

    count: int = 0
    _client_spoke_last: dict[int, bool] = field(default_factory=dict)

    def reset(self) -> None:
        self.count = 0

    def client_sent(self, connection: int) -> None:
        if not self._client_spoke_last.get(connection, False):
            self.count += 1
        self._client_spoke_last[connection] = True

    def server_sent(self, connection: int) -> None:
        self._client_spoke_last[connection] = False


async def _pump(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, seen: Callable[[], None]
) -> None:
    try:
        while data := await reader.read(65536):
            seen()
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


async def _open_server(target: dict[str, str]) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    host, port = target.get("host", "localhost"), int(target.get("port") or 5432)
    if host.startswith("/"):
        return await asyncio.open_unix_connection(f"{host}/.s.PGSQL.{port}")
    return await asyncio.open_connection(host, port)


@contextlib.contextmanager
def counting_proxy(database_url: str) -> Iterator[tuple[str, RoundTrips]]:
    """A conninfo string reaching the database through the proxy, and its counter. The proxy
    runs its own event loop in a thread, so that it answers whatever loop the app runs in."""
    target = {k: str(v) for k, v in conninfo_to_dict(database_url).items()}
    trips = RoundTrips()
    numbers = iter(range(1_000_000))
    loop = asyncio.new_event_loop()
    started: concurrent.futures.Future[int] = concurrent.futures.Future()
    stop = asyncio.Event()

    async def serve(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        number = next(numbers)
        server_r, server_w = await _open_server(target)
        await asyncio.gather(
            _pump(client_r, server_w, lambda: trips.client_sent(number)),
            _pump(server_r, client_w, lambda: trips.server_sent(number)),
        )

    async def run() -> None:
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        started.set_result(server.sockets[0].getsockname()[1])
        await stop.wait()
        server.close()

    thread = threading.Thread(target=loop.run_until_complete, args=(run(),), daemon=True)
    thread.start()
    port = started.result(timeout=10)
    params = {k: v for k, v in target.items() if k not in ("host", "port", "hostaddr")}
    conninfo = make_conninfo("", **params, host="127.0.0.1", port=str(port), sslmode="disable")
    try:
        yield conninfo, trips
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=10)
