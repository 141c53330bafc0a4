"""The request id middleware binds the id for the request's log lines and only for them, and
the request log writes it on the request's line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import structlog

from adapters.request_log import FILE_NAME, RequestLog
from entrypoints.http.request_id import request_id_middleware
from entrypoints.http.request_log import request_log_middleware

SCOPE = {"type": "http", "method": "GET", "path": "/api/v1/orders", "query_string": b"x=1"}


async def call(app: Any, headers: list[tuple[bytes, bytes]]) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app({**SCOPE, "headers": headers}, receive, send)
    return sent


def app_seeing(seen: list[object]) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(structlog.contextvars.get_contextvars().get("request_id"))
        await send({"type": "http.response.start", "status": 201, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    return app


async def test_the_id_is_bound_for_the_request_answered_and_logged(tmp_path: Path) -> None:
    seen: list[object] = []
    log = RequestLog(tmp_path)
    app = request_id_middleware(request_log_middleware(log)(app_seeing(seen)))
    structlog.contextvars.bind_contextvars(request_id="outer")
    try:
        given = await call(app, [(b"x-request-id", b"req-7")])
        made = await call(app, [])
        after = structlog.contextvars.get_contextvars().get("request_id")
    finally:
        structlog.contextvars.clear_contextvars()
        log.close()

    assert seen[0] == "req-7" and isinstance(seen[1], str) and len(seen[1]) == 32
    assert after == "outer"  # what was bound before the request is bound again
    assert (b"x-request-id", b"req-7") in given[0]["headers"]
    assert (b"x-request-id", str(seen[1]).encode()) in made[0]["headers"]
    lines = [json.loads(line) for line in (tmp_path / FILE_NAME).read_text().splitlines()]
    assert [line["request_id"] for line in lines] == ["req-7", seen[1]]
    assert [(line["path"], line["status"]) for line in lines] == [("/api/v1/orders", 201)] * 2


async def test_without_the_id_middleware_a_line_has_no_id(tmp_path: Path) -> None:
    log = RequestLog(tmp_path)
    await call(request_log_middleware(log)(app_seeing([])), [])
    log.close()
    (line,) = [json.loads(text) for text in (tmp_path / FILE_NAME).read_text().splitlines()]
    assert line["request_id"] is None
