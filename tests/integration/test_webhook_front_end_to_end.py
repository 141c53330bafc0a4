"""The service's app answers provider callbacks in front of Litestar (`WebhookFront`), with
the very answers the Litestar routes give: same status, headers and body."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from tests.integration.helpers import count
from tests.integration.test_webhooks import SIGNER, WEBHOOK

from entrypoints.http import webhook_front
from entrypoints.http.webhook_front import WebhookFront

#: Answers that change nothing, so each can be asked of the front and of Litestar in turn.
REFUSED: list[tuple[str, str, bytes, dict[str, str]]] = [
    ("POST", WEBHOOK, b'{"id": "evt_1"}', {"Sandbox-Signature": "t=1,v1=00"}),
    ("POST", WEBHOOK, b"{not json", {"Sandbox-Signature": SIGNER.sign(b"{not json")}),
    ("POST", WEBHOOK, b"x" * (70 * 1024), {}),
    ("POST", WEBHOOK + "?a=%ff", b"{}", {}),
    ("POST", "/payment/webhook/paypal/", b"{}", {}),
    ("POST", "/payment/webhook/%00/", b"{}", {}),
    ("PUT", "/payment/webhook/mtn/?payment=pay_1&sig=0", b"{}", {}),
    ("PUT", "/payment/webhook/mtn/cm/", b"{}", {}),
    ("POST", "/payment/webhook/moov/tg", b"<x/>", {"Authorization": "Token abc"}),
]


def front_of(client: AsyncTestClient[Any]) -> WebhookFront:
    app = client.app
    assert isinstance(app, Litestar) and isinstance(app.asgi_handler, WebhookFront)
    return app.asgi_handler


@pytest.fixture
def reached(client: AsyncTestClient[Any]) -> Iterator[list[str]]:
    """The paths that reach Litestar's own handler while the test runs."""
    front, paths = front_of(client), list[str]()
    inner = front.inner

    async def recording(scope: Any, receive: Any, send: Any) -> None:
        paths.append(scope.get("path", ""))
        await inner(scope, receive, send)

    front.inner = recording
    yield paths
    front.inner = inner


async def test_callbacks_are_answered_before_litestar(
    client: AsyncTestClient[Any], reached: list[str], pool: Any
) -> None:
    body = json.dumps({"id": "evt_front_1", "data": {"payment_id": "pay_unknown"}}).encode()
    response = await client.post(
        WEBHOOK, content=body, headers={"Sandbox-Signature": SIGNER.sign(body)}
    )
    assert (response.status_code, response.json()) == (200, {"received": True})
    assert await count(pool, "webhook_deliveries") == 1
    assert (await client.get("/health")).status_code == 200
    assert (await client.put("/payment/webhook/wave/", content=b"{}")).status_code == 405
    assert reached == ["/health", "/payment/webhook/wave/"]


@pytest.mark.parametrize(("method", "path", "body", "headers"), REFUSED)
async def test_the_front_answers_as_the_litestar_route_does(
    client: AsyncTestClient[Any], method: str, path: str, body: bytes, headers: dict[str, str]
) -> None:
    app, front = client.app, front_of(client)
    headers = {**headers, "X-Request-ID": "same-id"}
    answers = []
    for handler in (front, front.inner):
        app.asgi_handler = handler
        try:
            response = await client.request(method, path, content=body, headers=headers)
        finally:
            app.asgi_handler = front
        kept = sorted((k, v) for k, v in response.headers.multi_items() if k != "date")
        answers.append((response.status_code, kept, response.content))
    assert answers[0] == answers[1]
    assert answers[0][0] in (400, 401, 413, 422)


def test_the_latency_labels_are_litestars_route_templates(client: AsyncTestClient[Any]) -> None:
    app = client.app
    assert isinstance(app, Litestar)
    templates = {route.path_format for route in app.routes}
    fronts = {webhook_front.ONE, webhook_front.MTN, webhook_front.ACCOUNT}
    assert fronts <= templates


def test_the_front_knows_every_middleware_and_guard_of_the_app(
    client: AsyncTestClient[Any],
) -> None:
    """The front reproduces these (see its module's rules); one added to the app must be
    added to the front too when callbacks need it, and this test says so."""
    app = client.app
    assert isinstance(app, Litestar)
    names = [getattr(m, "__qualname__", type(m).__name__) for m in app.middleware]
    assert names == [
        "latency_middleware",
        "request_id_middleware",
        "request_log_middleware.<locals>.middleware_factory",
        "security_headers_middleware.<locals>.wrap",
        "metrics_token_middleware.<locals>.wrap",  # leaves /payment/webhook/ alone
    ]
    assert [guard.__name__ for guard in app.guards] == ["input_guard"]
