"""Times every routed request, from the first byte in to the response's start, into
`payments_http_request_seconds` (adapters.http_metrics)."""

from __future__ import annotations

import time

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from adapters.http_metrics import observe_request


def latency_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_time(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await app(scope, receive, send_and_time)
        finally:
            route = str(scope.get("path_template") or "unmatched")
            observe_request(
                route, str(scope.get("method", "")), status, time.perf_counter() - started
            )

    return middleware
