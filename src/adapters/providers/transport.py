"""An HTTP/1.1 transport of our own under `httpx.AsyncBaseTransport`: asyncio streams, the
httptools parser, TLS through `ssl`. The providers' clients keep httpx's API (requests,
responses, timeouts, errors, respx in tests) and lose its per-call cost: measured on this
machine, a keep-alive GET costs the client 1,100-1,600 µs of CPU through httpx's own
transport (httpcore, anyio) and about a third of that through this one (docs/benchmarks.md).

Rules:
- one pool of keep-alive connections per origin (scheme, host, port); at most
  `max_connections` requests in flight per origin (the others wait, within the pool timeout);
- an idle connection is closed once `keepalive` seconds have passed, a value kept below the
  providers' own idle timeouts, so a request never meets a connection the server has dropped;
  a reused connection that fails before any byte of the answer is tried once more on a fresh
  one (the server closed it: nothing was processed);
- the request's timeouts are httpx's (`connect`, `read`, `write`, `pool`), and failures are
  httpx's exceptions (`ConnectTimeout`, `ReadTimeout`, `ConnectError`, `ReadError`...), so
  the adapters translate them as before (`TimeoutException` → `ProviderUnavailable`);
- HTTP/1.1 only; the body of an answer is read whole (providers answer small JSON bodies).
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

import httptools
import httpx

Origin = tuple[bytes, bytes, int]


@dataclass(slots=True)
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = 0.0

    def close(self) -> None:
        self.writer.close()


@dataclass(slots=True)
class _Answer:
    """What the parser has read of one answer."""

    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: list[bytes] = field(default_factory=list)
    complete: bool = False
    keep_alive: bool = False
    received: bool = False  # a byte of the answer came
    parser: httptools.HttpResponseParser | None = None

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        self.complete = True  # the parser forgets keep-alive once this returns: read it now
        self.keep_alive = self.parser is not None and self.parser.should_keep_alive()


class _Stale(Exception):
    """A reused connection closed before the first byte of its answer."""


class StreamTransport(httpx.AsyncBaseTransport):
    """`keepalive`: seconds an idle connection is kept; `max_connections`: requests in flight
    per origin; `ssl_context`: for https (default: the system's trust store)."""

    def __init__(
        self,
        *,
        keepalive: float = 5.0,
        max_connections: int = 16,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._keepalive, self._max = keepalive, max_connections
        self._ssl = ssl_context
        self._idle: dict[Origin, deque[_Connection]] = defaultdict(deque)
        self._gates: dict[Origin, asyncio.Semaphore] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url, timeouts = request.url, request.extensions.get("timeout", {})
        origin = (url.raw_scheme, url.raw_host, url.port or _DEFAULT_PORT[url.raw_scheme])
        gate = self._gates.setdefault(origin, asyncio.Semaphore(self._max))
        try:
            async with asyncio.timeout(timeouts.get("pool")):
                await gate.acquire()
        except TimeoutError as error:
            raise httpx.PoolTimeout("no connection free in time", request=request) from error
        try:
            payload = _serialise(request, await request.aread())
            reused = self._take(origin)
            if reused is not None:
                try:
                    return await self._exchange(reused, origin, payload, request, timeouts)
                except _Stale:
                    reused.close()  # the server had closed it: nothing was processed
            fresh = await self._connect(origin, request, timeouts)
            try:
                return await self._exchange(fresh, origin, payload, request, timeouts)
            except _Stale as error:
                raise httpx.RemoteProtocolError("connection closed", request=request) from error
        finally:
            gate.release()

    async def aclose(self) -> None:
        for connections in self._idle.values():
            while connections:
                connections.popleft().close()

    def _take(self, origin: Origin) -> _Connection | None:
        """The most recently used idle connection still within its keep-alive."""
        connections, now = self._idle[origin], time.monotonic()
        while connections:
            connection = connections.pop()
            if now - connection.idle_since < self._keepalive and not connection.reader.at_eof():
                return connection
            connection.close()
        return None

    async def _connect(
        self, origin: Origin, request: httpx.Request, timeouts: dict[str, Any]
    ) -> _Connection:
        scheme, host, port = origin
        secure = scheme == b"https"
        context = (self._ssl or _default_context()) if secure else None
        try:
            async with asyncio.timeout(timeouts.get("connect")):
                reader, writer = await asyncio.open_connection(
                    host.decode("ascii"), port, ssl=context, limit=2**20
                )
        except TimeoutError as error:
            raise httpx.ConnectTimeout("connect timed out", request=request) from error
        except OSError as error:
            raise httpx.ConnectError(str(error), request=request) from error
        return _Connection(reader, writer)

    async def _exchange(
        self,
        connection: _Connection,
        origin: Origin,
        payload: bytes,
        request: httpx.Request,
        timeouts: dict[str, Any],
    ) -> httpx.Response:
        answer = _Answer()
        try:
            connection.writer.write(payload)
            async with asyncio.timeout(timeouts.get("write")):
                await connection.writer.drain()
            parser = await self._read(connection, answer, request, timeouts)
        except (ConnectionError, OSError) as error:
            connection.close()
            if not answer.received:
                raise _Stale() from error
            raise httpx.ReadError(str(error), request=request) from error
        except BaseException:
            connection.close()
            raise
        if answer.keep_alive:
            connection.idle_since = time.monotonic()
            self._idle[origin].append(connection)
        else:
            connection.close()
        return httpx.Response(
            parser.get_status_code(),
            headers=answer.headers,
            stream=httpx.ByteStream(b"".join(answer.body)),
            extensions={"http_version": b"HTTP/1.1"},
        )

    async def _read(
        self,
        connection: _Connection,
        answer: _Answer,
        request: httpx.Request,
        timeouts: dict[str, Any],
    ) -> httptools.HttpResponseParser:
        parser = answer.parser = httptools.HttpResponseParser(answer)
        while not answer.complete:
            try:
                async with asyncio.timeout(timeouts.get("read")):
                    data = await connection.reader.read(65536)
            except TimeoutError as error:
                raise httpx.ReadTimeout("read timed out", request=request) from error
            if not data:
                if not answer.received:
                    raise _Stale()
                raise httpx.RemoteProtocolError("answer cut short", request=request)
            answer.received = True
            try:
                parser.feed_data(data)
            except httptools.HttpParserError as error:
                raise httpx.RemoteProtocolError(str(error), request=request) from error
        return parser


_DEFAULT_PORT = {b"http": 80, b"https": 443}


def _serialise(request: httpx.Request, body: bytes) -> bytes:
    target = request.url.raw_path
    lines = [request.method.encode("ascii") + b" " + target + b" HTTP/1.1"]
    lines += [name + b": " + value for name, value in request.headers.raw]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


_CONTEXT: list[ssl.SSLContext] = []


def _default_context() -> ssl.SSLContext:
    """One TLS context for every connection (building one per connection costs ~1 ms)."""
    if not _CONTEXT:
        _CONTEXT.append(ssl.create_default_context())
    return _CONTEXT[0]
