"""`METRICS_TOKEN`: when set, `/metrics` and the OpenAPI document and viewers (`/schema...`)
want `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time); anything else is
401 `unauthorized`. Unset, both stay open, as before."""

from __future__ import annotations

import hmac
from collections.abc import Callable

import msgspec
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

CLOSED = ("/metrics", "/schema")
_REFUSAL = msgspec.json.encode(
    {
        "type": "https://errors.payments.dev/unauthorized",
        "title": "Unauthorized",
        "status": 401,
        "detail": "this route wants the metrics token",
        "code": "unauthorized",
    }
)


def is_closed(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in CLOSED)


def metrics_token_middleware(token: str | None) -> Callable[[ASGIApp], ASGIApp]:
    """The ASGI middleware (a factory taking the app, for Litestar)."""
    expected = f"Bearer {token}".encode() if token else None

    def wrap(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if expected is None or scope["type"] != ScopeType.HTTP or not is_closed(scope["path"]):
                await app(scope, receive, send)
                return
            given = dict(scope["headers"]).get(b"authorization", b"")
            if hmac.compare_digest(given, expected):
                await app(scope, receive, send)
                return
            await send(
                {
                    "type": "http.response.start",
                    "status": 401,
                    "headers": [
                        (b"content-type", b"application/problem+json"),
                        (b"www-authenticate", b"Bearer"),
                        (b"content-length", str(len(_REFUSAL)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": _REFUSAL})  # type: ignore[arg-type]

        return middleware

    return wrap
