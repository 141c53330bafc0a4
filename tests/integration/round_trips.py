"""Counting round trips to PostgreSQL: a TCP proxy between the service and the server that
counts, on each connection, the times the client speaks after the server has answered (a
pipeline of statements sent at once is one round trip, however many packets carry it), and
the statements it runs (each Bind of the extended protocol, each simple Query)."""

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
    statements: int = 0
    _client_spoke_last: dict[int, bool] = field(default_factory=dict)
    _unread: dict[int, bytes] = field(default_factory=dict)

    def reset(self) -> None:
        self.count = 0
        self.statements = 0

    def client_sent(self, connection: int, data: bytes = b"") -> None:
        if not self._client_spoke_last.get(connection, False):
            self.count += 1
        self._client_spoke_last[connection] = True
        self._read_messages(connection, data)

    def _read_messages(self, connection: int, data: bytes) -> None:
        """Count the Bind ('B') and Query ('Q') messages; the startup message (no type byte)
        is the first one on each connection."""
        buffer = self._unread.get(connection)
        if buffer is None:  # the startup message: length, then its body
            buffer = data
            if len(buffer) < 4:
                self._unread.pop(connection, None)
                return
            buffer = buffer[int.from_bytes(buffer[:4], "big") :]
        else:
            buffer += data
        while len(buffer) >= 5:
            length = int.from_bytes(buffer[1:5], "big")
            if len(buffer) < 1 + length:
                break
            if buffer[:1] in (b"B", b"Q"):
                self.statements += 1
            buffer = buffer[1 + length :]
        self._unread[connection] = buffer

    def server_sent(self, connection: int) -> None:
        self._client_spoke_last[connection] = False


async def _pump(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, seen: Callable[[bytes], None]
) -> None:
    try:
        while data := await reader.read(65536):
            seen(data)
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
            _pump(client_r, server_w, lambda data: trips.client_sent(number, data)),
            _pump(server_r, client_w, lambda _: trips.server_sent(number)),
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
