"""The providers' own HTTP transport against a small local HTTP/1.1 server: connections kept
alive and reused, chunked answers, a connection the server dropped tried again on a fresh one,
and httpx's errors for what goes wrong (so the adapters translate them as before)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import httpx
import pytest

from adapters.providers.transport import StreamTransport

Reply = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[bool]]


@dataclass
class Server:
    port: int
    connections: int = 0
    requests: list[bytes] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def answer(body: bytes, *, chunked: bool = False, close: bool = False) -> bytes:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    if close:
        head += b"Connection: close\r\n"
    if chunked:
        half = len(body) // 2
        chunks = [body[:half], body[half:]]
        encoded = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"
        return head + b"Transfer-Encoding: chunked\r\n\r\n" + encoded
    return head + b"Content-Length: %d\r\n\r\n" % len(body) + body


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[bytes], Awaitable[Server]]]:
    servers: list[asyncio.Server] = []

    async def start(reply: bytes) -> Server:
        state = Server(0)

        async def one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            state.connections += 1
            try:
                while True:
                    state.requests.append(await reader.readuntil(b"\r\n\r\n"))
                    writer.write(reply)
                    await writer.drain()
                    if b"Connection: close" in reply:
                        break
            except (asyncio.IncompleteReadError, ConnectionError):
                pass
            writer.close()

        server = await asyncio.start_server(one, "127.0.0.1", 0)
        servers.append(server)
        state.port = server.sockets[0].getsockname()[1]
        return state

    yield start
    for server in servers:
        server.close()


async def test_one_connection_carries_many_requests(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    server = await serve(answer(b'{"status": "complete"}'))
    async with httpx.AsyncClient(base_url=server.url, transport=StreamTransport()) as client:
        for _ in range(5):
            response = await client.get("/v1/checkout/sessions/cos-1", headers={"X-A": "1"})
            assert response.json() == {"status": "complete"}
    assert (server.connections, len(server.requests)) == (1, 5)
    first = server.requests[0]
    assert first.startswith(b"GET /v1/checkout/sessions/cos-1 HTTP/1.1\r\n")
    assert b"\r\nhost: 127.0.0.1:" in first.lower() and b"\r\nx-a: 1" in first.lower()


async def test_a_chunked_answer_is_read_whole(serve: Callable[..., Awaitable[Server]]) -> None:
    server = await serve(answer(b'{"amount": "5000", "currency": "XOF"}', chunked=True))
    async with httpx.AsyncClient(base_url=server.url, transport=StreamTransport()) as client:
        assert (await client.post("/x", json={"a": 1})).json()["amount"] == "5000"
        assert (await client.get("/x")).json()["currency"] == "XOF"
    assert server.connections == 1


async def test_connection_close_is_honoured(serve: Callable[..., Awaitable[Server]]) -> None:
    server = await serve(answer(b"{}", close=True))
    async with httpx.AsyncClient(base_url=server.url, transport=StreamTransport()) as client:
        for _ in range(3):
            assert (await client.get("/x")).status_code == 200
    assert server.connections == 3


async def test_a_dropped_idle_connection_is_replaced(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    server = await serve(answer(b"{}"))
    transport = StreamTransport()
    async with httpx.AsyncClient(base_url=server.url, transport=transport) as client:
        assert (await client.get("/x")).status_code == 200
        for connections in transport._idle.values():  # the server's side closes it
            for connection in connections:
                connection.writer.transport.abort()
        assert (await client.get("/x")).status_code == 200
    assert server.connections == 2


async def test_failures_are_httpx_errors(serve: Callable[..., Awaitable[Server]]) -> None:
    silent = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = silent.sockets[0].getsockname()[1]
    quick = httpx.Timeout(5.0, read=0.05)
    async with httpx.AsyncClient(transport=StreamTransport(), timeout=quick) as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.get(f"http://127.0.0.1:{port}/status")
    silent.close()
    async with httpx.AsyncClient(transport=StreamTransport()) as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(f"http://127.0.0.1:{port}/status")  # closed: refused
