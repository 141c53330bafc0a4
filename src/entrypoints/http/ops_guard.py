"""`METRICS_TOKEN`: when set, `/metrics` and the OpenAPI document and viewers (`/schema...`)
want `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time); anything else is
401 `unauthorized`. Unset, both stay open (production refuses to start so unless
`METRICS_PUBLIC=true`).

Metrics are answered on one exact path, `/metrics` as sent on the wire: `/metrics/`,
`/metrics%2F`, `/%6detrics`, `/metrics//` are 404. A proxy rule written for `/metrics`
(nginx's `location = /metrics`, Caddy's `handle /metrics`) then covers every spelling the
service answers; the router alone would answer some of the others."""

from __future__ import annotations

import hmac
from collections.abc import Callable

import msgspec
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

METRICS = "/metrics"
CLOSED = (METRICS, "/schema")
_REFUSAL = msgspec.json.encode(
    {
        "type": "https://errors.payments.dev/unauthorized",
        "title": "Unauthorized",
        "status": 401,
        "detail": "this route wants the metrics token",
        "code": "unauthorized",
    }
)
_NOT_FOUND = msgspec.json.encode(
    {
        "type": "https://errors.payments.dev/not_found",
        "title": "Not found",
        "status": 404,
        "detail": "not found",
        "code": "not_found",
    }
)


def is_closed(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in CLOSED)


def is_another_spelling_of_metrics(scope: Scope) -> bool:
    """A request the router would send to `/metrics` that is not `/metrics` on the wire."""
    path = scope["path"]
    if not (path == METRICS or path.startswith(METRICS + "/")):
        return False
    raw = bytes(scope.get("raw_path") or path.encode()).partition(b"?")[0]
    return path != METRICS or raw != METRICS.encode()


def metrics_token_middleware(token: str | None) -> Callable[[ASGIApp], ASGIApp]:
    """The ASGI middleware (a factory taking the app, for Litestar)."""
    expected = f"Bearer {token}".encode() if token else None

    def wrap(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == ScopeType.HTTP and is_another_spelling_of_metrics(scope):
                await _answer(send, 404, _NOT_FOUND)
                return
            if expected is None or scope["type"] != ScopeType.HTTP or not is_closed(scope["path"]):
                await app(scope, receive, send)
                return
            given = dict(scope["headers"]).get(b"authorization", b"")
            if hmac.compare_digest(given, expected):
                await app(scope, receive, send)
                return
            await _answer(send, 401, _REFUSAL, [(b"www-authenticate", b"Bearer")])

        return middleware

    return wrap


async def _answer(
    send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})  # type: ignore[arg-type]
