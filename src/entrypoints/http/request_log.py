"""Writes one line per answered request to the request log (adapters.request_log), with the
request id bound by `request_id_middleware` (which must wrap this one)."""

from __future__ import annotations

import time
from collections.abc import Callable

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from adapters.request_log import RequestLog
from entrypoints.http.request_id import CURRENT_REQUEST_ID


def request_log_middleware(log: RequestLog) -> Callable[[ASGIApp], ASGIApp]:
    """The ASGI middleware (a factory taking the app, for Litestar)."""

    def middleware_factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP:
                await app(scope, receive, send)
                return
            started, status = time.perf_counter(), 500

            async def send_and_note(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = int(message["status"])
                await send(message)

            try:
                await app(scope, receive, send_and_note)
            finally:
                elapsed = time.perf_counter() - started
                log.answered(
                    str(scope["method"]),
                    str(scope["path"]),
                    status,
                    elapsed,
                    CURRENT_REQUEST_ID.get(),
                )

        return middleware

    return middleware_factory
