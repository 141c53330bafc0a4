"""Client CPU per keep-alive GET: httpx's own transport against ours (`StreamTransport`).

A small HTTP/1.1 server answering a Wave-like JSON body runs in a child process; the client
sends `--calls` sequential GETs through one long-lived `httpx.AsyncClient` of each kind and
reads its own CPU time (getrusage) around them. `python -m bench.transport_micro`
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import resource
import socket
import time

import httpx

from adapters.providers.transport import StreamTransport

BODY = json.dumps(
    {
        "id": "cos-18qq25rgr100a",
        "amount": "5000",
        "currency": "XOF",
        "checkout_status": "complete",
        "payment_status": "succeeded",
        "client_reference": "pay_01J0000000000000000000000",
        "when_completed": "2026-12-07T00:00:00Z",
    }
).encode()
ANSWER = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
    + str(len(BODY)).encode()
    + b"\r\n\r\n"
    + BODY
)


async def _serve(port: int) -> None:
    async def one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                await reader.readuntil(b"\r\n\r\n")
                writer.write(ANSWER)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(one, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


def _server(port: int) -> None:
    with contextlib.suppress(KeyboardInterrupt, asyncio.IncompleteReadError):
        asyncio.run(_serve(port))


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _measure(client: httpx.AsyncClient, calls: int) -> tuple[float, float]:
    for _ in range(200):  # warm-up: connection open, caches filled
        await client.get("/v1/checkout/sessions/cos-1")
    cpu, wall = _cpu(), time.perf_counter()
    for _ in range(calls):
        response = await client.get("/v1/checkout/sessions/cos-1")
        response.json()
    return (_cpu() - cpu) / calls * 1e6, (time.perf_counter() - wall) / calls * 1e6


async def compare(port: int, calls: int) -> dict[str, dict[str, float]]:
    base = f"http://127.0.0.1:{port}"
    results = {}
    for name, transport in (("httpx", None), ("stream", StreamTransport())):
        async with httpx.AsyncClient(base_url=base, transport=transport) as client:
            cpu, wall = await _measure(client, calls)
        results[name] = {"client_cpu_us": round(cpu, 1), "wall_us": round(wall, 1)}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = multiprocessing.Process(target=_server, args=(port,), daemon=True)
    server.start()
    time.sleep(0.5)
    try:
        print(json.dumps(asyncio.run(compare(port, args.calls)), indent=2))
    finally:
        server.terminate()
        server.join()


if __name__ == "__main__":
    main()
