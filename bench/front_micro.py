"""Server CPU per Wave callback: through Litestar's route, and through the front
(`entrypoints/http/webhook_front.py`) that answers callbacks before Litestar is reached.

The service's own app (`create_app`) is called in this process as a server calls it, with a
scope and the `receive`/`send` callables, no socket. Each request is a Wave callback with a
valid `Wave-Signature` (checked by the real Wave authenticator); the inbox is a stub that
answers "already stored", so nothing is settled and no database is needed: what differs
between the two ways is all that is measured (routing, guards, dependency injection,
middleware, the answer). CPU is `time.process_time`, rounds alternate between the two ways,
and the median round is printed. `python -m bench.front_micro [--calls N] [--rounds R]`
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from dependency_injector import providers
from litestar import Litestar

from adapters.clock import SystemClock
from adapters.providers import wave
from adapters.providers.deps import ProviderDeps
from adapters.signing import HmacSignatureScheme
from application.payments.handle_webhook import HandleWebhook, Received
from entrypoints.container import Container
from entrypoints.http.app import create_app
from entrypoints.http.webhook_front import WebhookFront
from entrypoints.settings import Settings

SECRET = "wave_bench_secret_0123456789abcdef"  # noqa: S105 (a bench-only secret)
PATH = "/payment/webhook/wave/"


class StoredAlready(HandleWebhook):
    """`HandleWebhook.receive` with the real Wave check and an inbox that has every delivery
    (a subclass: Litestar checks the type of what its dependencies give)."""

    def __init__(self) -> None:  # no unit of work, no settlement: nothing is stored
        config = wave.Config(api_key="k", webhook_secret=SECRET)
        deps = cast(ProviderDeps, type("Deps", (), {"clock": SystemClock()})())
        self._check = wave.WaveWebhookAuthenticator(config, deps)

    async def receive(
        self, provider: str, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]
    ) -> Received:
        return Received(None, await self._check.authenticate(body, headers, query))


def build(log_dir: Path) -> tuple[Litestar, WebhookFront]:
    container = Container(settings=Settings(log_dir=log_dir, database_url="postgresql://unused"))
    container.handle_webhook.override(providers.Object(StoredAlready()))
    app = create_app(container)
    assert isinstance(app.asgi_handler, WebhookFront)
    return app, app.asgi_handler


def callbacks(count: int) -> list[dict[str, Any]]:
    signer = HmacSignatureScheme(SECRET.encode())
    scopes = []
    for n in range(count):
        event = {"id": f"EV_{n}", "type": "checkout.session.completed"}
        event["data"] = {"id": f"cos-{n}", "client_reference": f"pay_{n:026d}"}
        body = json.dumps(event).encode()
        headers = [
            (b"host", b"127.0.0.1:8000"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"wave-signature", signer.sign(body).encode()),
        ]
        scope = {"type": "http", "http_version": "1.1", "method": "POST", "scheme": "http"}
        scope |= {"path": PATH, "raw_path": PATH.encode(), "query_string": b"", "root_path": ""}
        scope |= {"headers": headers, "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000)}
        scopes.append({"scope": scope, "body": body})
    return scopes


async def drive(app: Litestar, requests: list[dict[str, Any]]) -> float:
    """CPU seconds to answer `requests` one after the other (each must be a 200)."""
    statuses: list[int] = []

    async def send(message: Any) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    started = time.process_time()
    for request in requests:
        body = request["body"]

        async def receive(body: bytes = body) -> Any:
            return {"type": "http.request", "body": body, "more_body": False}

        await app(dict(request["scope"]), receive, send)  # type: ignore[arg-type]
    spent = time.process_time() - started
    assert statuses == [200] * len(requests), set(statuses)
    return spent


async def compare(calls: int, rounds: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as log_dir:
        app, front = build(Path(log_dir))
        ways = {"litestar": front.inner, "front": front}
        spent: dict[str, list[float]] = {name: [] for name in ways}
        for handler in ways.values():  # warm-up: caches, first-use imports
            app.asgi_handler = handler
            await drive(app, callbacks(300))
        for _ in range(rounds):
            for name, handler in ways.items():
                app.asgi_handler = handler
                requests = callbacks(calls)
                spent[name].append(await drive(app, requests) / calls * 1e6)
        app.asgi_handler = front
    return {name: statistics.median(values) for name, values in spent.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    result = asyncio.run(compare(args.calls, args.rounds))
    saved = result["litestar"] - result["front"]
    print(f"Wave callbacks, {args.calls} per round, median of {args.rounds} rounds (CPU µs):")
    print(f"  through Litestar's route  {result['litestar']:8.1f} µs/request")
    print(f"  through the front         {result['front']:8.1f} µs/request")
    print(f"  saved                     {saved:8.1f} µs/request")


if __name__ == "__main__":
    main()
