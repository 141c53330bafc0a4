"""The request id: taken from `X-Request-ID` (when it is a sane token) or made, bound to
structlog's context for every log line the request causes, and returned in the response.

On every request: bound with one `ContextVar.set` and reset after (structlog's
`bound_contextvars` copies the whole context twice), and kept in `CURRENT_REQUEST_ID` too,
where the request log reads it without copying the context."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

import structlog
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

HEADER = b"x-request-id"
#: The id of the request being answered (None outside a request).
CURRENT_REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
_SANE = re.compile(rb"[A-Za-z0-9._:\-]{1,128}")


def request_id_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        request_id = request_id_of(scope)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", ()) if h[0].lower() != HEADER]
                message["headers"] = [*headers, (HEADER, request_id.encode())]
            await send(message)

        tokens = structlog.contextvars.bind_contextvars(request_id=request_id)
        token = CURRENT_REQUEST_ID.set(request_id)
        try:
            await app(scope, receive, send_with_id)
        finally:
            CURRENT_REQUEST_ID.reset(token)
            structlog.contextvars.reset_contextvars(**tokens)

    return middleware


def request_id_of(scope: Scope) -> str:
    """The caller's `X-Request-ID` when it is a sane token, else a new one."""
    return _given(scope) or uuid.uuid4().hex


def _given(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == HEADER:
            return value.decode("ascii") if _SANE.fullmatch(value) else None
    return None
