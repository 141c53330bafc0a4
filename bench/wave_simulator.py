"""A small Wave Checkout simulator for the benchmark: a bare ASGI app (no framework, so that
it costs little of the machine) answering the calls the service makes, as the Wave Checkout
API does (create, retrieve, search by `client_reference`).

It keeps no state: a session's id carries what it was created with
(`cos-<client_reference>~<amount>~<currency>`), so that any number of processes answer the
same. A session is `open` when created; retrieved later, it is `complete` and `succeeded`
(the customer paid before Wave sent `checkout.session.completed`).
`WAVE_SIM_DELAY_MS` delays every answer (a slow provider).

    uvicorn bench.wave_simulator:app --port 9100
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from typing import Any

SESSIONS = "/v1/checkout/sessions"
SEARCH = f"{SESSIONS}/search"
DELAY = int(os.environ.get("WAVE_SIM_DELAY_MS", "0")) / 1000
CREATED_AT = "2026-01-01T00:00:00Z"

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


def session(session_id: str, *, paid: bool) -> dict[str, Any] | None:
    reference, _, rest = session_id.removeprefix("cos-").partition("~")
    amount, _, currency = rest.partition("~")
    if not reference or not amount or not currency:
        return None
    return {
        "id": session_id,
        "amount": amount,
        "currency": currency,
        "client_reference": reference,
        "business_name": "Bench",
        "checkout_status": "complete" if paid else "open",
        "payment_status": "succeeded" if paid else "processing",
        "wave_launch_url": f"https://pay.wave.com/c/{session_id}",
        "when_created": CREATED_AT,
        "when_expires": "2026-01-02T00:00:00Z",
        "transaction_id": f"T_{reference}" if paid else None,
    }


def answer(method: str, path: str, query: str, body: bytes) -> tuple[int, Any]:
    if method == "POST" and path == SESSIONS:
        request = json.loads(body)
        amount, currency = request["amount"], request["currency"]
        created = session(f"cos-{request['client_reference']}~{amount}~{currency}", paid=False)
        return 200, created
    if method == "GET" and path == SEARCH:  # stateless: it finds no session it did not name
        return 200, {"result": []}
    if method == "GET" and path.startswith(f"{SESSIONS}/"):
        found = session(path.removeprefix(f"{SESSIONS}/"), paid=True)
        return (200, found) if found else (404, {"code": "checkout-session-not-found"})
    return 404, {"code": "not-found"}


async def app(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    if DELAY:
        await asyncio.sleep(DELAY)
    status, payload = answer(scope["method"], scope["path"], scope["query_string"].decode(), body)
    data = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})
