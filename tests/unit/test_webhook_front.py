"""WebhookFront: provider callbacks are answered in front of Litestar (which a stand-in app
plays here, recording what reaches it), with the answers, headers, request log, latency
label and limits the Litestar route gives; everything else reaches Litestar unchanged."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import structlog
from prometheus_client import REGISTRY
from tests.fakes import FakeWebhookAuthenticator
from tests.unit.helpers import World

from adapters.metrics import PrometheusMetrics
from adapters.rate_limits import LimitSettings, RateLimits
from adapters.request_log import RequestLog
from application.payments.handle_webhook import HandleWebhook
from application.payments.ports import WebhookDelivery
from entrypoints.http.after_answer import AfterAnswer
from entrypoints.http.callback_intake import Intake
from entrypoints.http.webhook_front import WebhookFront

SIGNER = FakeWebhookAuthenticator("fake")
WEBHOOK = "/payment/webhook/fake/"


@dataclass
class Litestar:
    """Stands in for the Litestar app: records each scope that reaches it, answers 418."""

    reached: list[tuple[str, str | None, str | None]] = field(default_factory=list)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.reached.append((scope["type"], scope.get("method"), scope.get("path")))
        if scope["type"] != "lifespan":  # a websocket gets the same, it is only a stand-in
            await send({"type": "http.response.start", "status": 418, "headers": []})
            await send({"type": "http.response.body", "body": b"litestar"})


class Authenticator(FakeWebhookAuthenticator):
    """The fake provider's check, noting the log context it ran in (or failing outright)."""

    def __init__(self, error: Exception | None = None) -> None:
        super().__init__("fake")
        self.error, self.context = error, dict[str, Any]()

    async def authenticate(
        self, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]
    ) -> WebhookDelivery:
        self.context = structlog.contextvars.get_contextvars()
        if self.error is not None:
            raise self.error
        return await super().authenticate(body, headers, query)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    receives: int

    def json(self) -> Any:
        return json.loads(self.body)


class Setup:
    def __init__(self, log_dir: Path, bad_per_minute: int = 60, error: Exception | None = None):
        self.world, self.litestar = World(), Litestar()
        registry = self.world.registry
        self.authenticator = registry.authenticators["fake"] = Authenticator(error)
        handle = HandleWebhook(
            uow=self.world.uow,
            providers=registry,
            settle=self.world.settle(),
            clock=self.world.clock,
        )
        limits = RateLimits(LimitSettings(bad_webhooks_per_minute=bad_per_minute))
        intake = Intake(handle, AfterAnswer(inline=True), PrometheusMetrics(), limits.bad_webhooks)

        async def given() -> Intake:
            return intake

        self.log = RequestLog(log_dir)
        self.front = WebhookFront(
            self.litestar, given, self.log, production=False, trusted_proxies=()
        )

    async def call(
        self,
        method: str,
        path: str,
        chunks: list[bytes] | None = None,
        headers: Mapping[str, str] | None = None,
        content_length: bool = True,
        scope_type: str = "http",
    ) -> Answer:
        chunks = chunks if chunks is not None else [b""]
        raw = [(b"host", b"testserver.local")]
        raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
        if content_length:
            raw.append((b"content-length", str(sum(map(len, chunks))).encode()))
        path, _, query = path.partition("?")
        scope = {"type": scope_type, "method": method, "path": path, "raw_path": path.encode()}
        scope |= {"query_string": query.encode(), "headers": raw, "client": ("10.1.2.3", 5000)}
        sent: list[dict[str, Any]] = []
        receives = 0

        async def receive() -> dict[str, Any]:
            nonlocal receives
            receives += 1
            last = receives >= len(chunks)
            return {"type": "http.request", "body": chunks[receives - 1], "more_body": not last}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await self.front(scope, receive, send)
        start, body = sent[0], b"".join(m.get("body", b"") for m in sent[1:])
        answer_headers = {k.decode(): v.decode() for k, v in start["headers"]}
        return Answer(start["status"], answer_headers, body, receives)

    async def deliver(self, body: bytes, **headers: str) -> Answer:
        return await self.call("POST", WEBHOOK, [body], headers)

    def log_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.log.path.read_text().splitlines()]


def signed(event_id: str = "evt-1") -> tuple[bytes, dict[str, str]]:
    return SIGNER.signed(event_id, None)


async def test_a_callback_is_stored_and_answered_without_reaching_litestar(
    tmp_path: Path,
) -> None:
    setup = Setup(tmp_path)
    body, headers = signed()
    answer = await setup.deliver(body, **headers, **{"X-Request-ID": "req-1"})
    assert (answer.status, answer.body) == (200, b'{"received":true}')
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["content-length"] == "17"
    assert setup.litestar.reached == []
    assert [entry.delivery.event_id for entry in setup.world.db.rows("webhooks")] == ["evt-1"]
    duplicate = await setup.deliver(body, **headers)
    assert duplicate.status == 200 and len(setup.world.db.rows("webhooks")) == 1


async def test_the_middleware_effects_are_on_the_fronts_answers(tmp_path: Path) -> None:
    setup = Setup(tmp_path)
    body, headers = signed()
    answer = await setup.deliver(body, **headers, **{"X-Request-ID": "req-1"})
    assert setup.authenticator.context["request_id"] == "req-1"  # bound while handling
    refused = await setup.deliver(body)  # no signature: a problem, with the same headers
    for given in (answer, refused):
        assert given.headers["x-content-type-options"] == "nosniff"
        assert given.headers["referrer-policy"] == "no-referrer"
        assert given.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in given.headers["content-security-policy"]
    assert answer.headers["x-request-id"] == "req-1"
    made = refused.headers["x-request-id"]
    assert len(made) == 32 and made != "req-1"
    lines = [
        (line["request_id"], line["method"], line["path"], line["status"])
        for line in setup.log_lines()
    ]
    assert lines == [
        ("req-1", "POST", "/payment/webhook/fake", 200),
        (made, "POST", "/payment/webhook/fake", 401),
    ]


def _timed(route: str, status: str) -> float:
    labels = {"route": route, "method": "POST", "status": status}
    return REGISTRY.get_sample_value("payments_http_request_seconds_count", labels) or 0.0


async def test_callbacks_are_timed_under_litestars_route_templates(tmp_path: Path) -> None:
    setup = Setup(tmp_path)
    one, account = "/payment/webhook/{provider}", "/payment/webhook/{provider}/{country}"
    before = _timed(one, "2xx"), _timed(account, "4xx")
    body, headers = signed()
    assert (await setup.deliver(body, **headers)).status == 200
    assert (await setup.call("POST", "/payment/webhook/fake/sn/", [body], headers)).status == 422
    assert (_timed(one, "2xx"), _timed(account, "4xx")) == (before[0] + 1, before[1] + 1)


@pytest.mark.parametrize(
    ("scope_type", "method", "path"),
    [
        ("http", "GET", "/api/v1/orders"),
        ("http", "POST", "/api/v1/orders"),
        ("http", "GET", "/payment/webhook/wave/"),
        ("http", "PUT", "/payment/webhook/wave/"),
        ("http", "PUT", "/payment/webhook/wave/ci/"),
        ("http", "OPTIONS", "/payment/webhook/wave/"),
        ("http", "POST", "/payment/webhook/"),
        ("http", "POST", "/payment/webhook//"),
        ("http", "POST", "/payment/webhook/a/b/c/"),
        ("http", "POST", "/payment/webhooks/wave/"),
        ("websocket", "GET", WEBHOOK),
    ],
)
async def test_every_other_request_reaches_litestar_unchanged(
    tmp_path: Path, scope_type: str, method: str, path: str
) -> None:
    setup = Setup(tmp_path)
    answer = await setup.call(method, path, scope_type=scope_type)
    assert (answer.status, answer.body) == (418, b"litestar")
    assert setup.litestar.reached == [(scope_type, method, path)]


async def test_lifespan_reaches_litestar(tmp_path: Path) -> None:
    setup = Setup(tmp_path)

    async def nothing() -> None:
        return None

    await setup.front({"type": "lifespan"}, nothing, nothing)  # type: ignore[arg-type]
    assert setup.litestar.reached == [("lifespan", None, None)]


@pytest.mark.parametrize(
    ("method", "path", "route"),
    [
        ("PUT", "/payment/webhook/mtn/", "mtn"),
        ("POST", "/payment/webhook/mtn/", "mtn"),
        ("PUT", "/payment/webhook/mtn/cm/", "mtn/cm"),
        ("POST", "/payment/webhook/fake/sn", "fake/sn"),
    ],
)
async def test_mtn_may_call_back_with_put_and_accounts_have_their_routes(
    tmp_path: Path, method: str, path: str, route: str
) -> None:
    setup = Setup(tmp_path)
    answer = await setup.call(method, path)
    assert answer.status == 422  # no such provider here: the route name reached the intake
    assert answer.json()["detail"] == f"provider {route!r} takes no webhooks here"
    assert setup.litestar.reached == []


async def test_a_body_above_64_kib_is_refused_without_reading_the_rest(tmp_path: Path) -> None:
    setup = Setup(tmp_path)
    chunks = [b"x" * 8192] * 9  # 72 KiB
    streamed = await setup.call("POST", WEBHOOK, chunks, content_length=False)
    assert (streamed.status, streamed.json()["code"]) == (413, "payload_too_large")
    assert streamed.receives == 9  # the chunk that crossed 64 KiB was the last one read
    announced = await setup.call("POST", WEBHOOK, [b"x" * (70 * 1024)])
    assert (announced.status, announced.json()["code"]) == (413, "payload_too_large")
    assert announced.receives == 0
    assert announced.headers["x-frame-options"] == "DENY"
    assert setup.world.db.rows("webhooks") == []


async def test_failed_authentication_is_limited_per_address(tmp_path: Path) -> None:
    setup = Setup(tmp_path, bad_per_minute=2)
    body, _ = signed()
    statuses = [(await setup.deliver(body)).status for _ in range(3)]
    assert statuses == [401, 401, 429]
    limited = await setup.deliver(body)
    assert (limited.json()["code"], int(limited.headers["retry-after"]) > 0) == (
        "rate_limited",
        True,
    )


async def test_other_refusals_give_their_token_back(tmp_path: Path) -> None:
    setup = Setup(tmp_path, bad_per_minute=1)
    unreadable = [
        (await setup.deliver(b"not json", **{"X-Signature": SIGNER.secret})) for _ in range(3)
    ]
    assert [(a.status, a.json()["code"]) for a in unreadable] == [(400, "malformed_webhook")] * 3
    body, headers = signed()
    assert (await setup.deliver(body, **headers)).status == 200


async def test_refused_input_is_answered_as_the_input_guard_does(tmp_path: Path) -> None:
    setup = Setup(tmp_path)
    answer = await setup.call("PUT", "/payment/webhook/mtn/?payment=pay_%00&sig=0")
    assert (answer.status, answer.json()["errors"][0]["field"]) == (422, "payment")
    assert setup.world.db.rows("webhooks") == []


async def test_an_unexpected_error_is_a_plain_500_problem(tmp_path: Path) -> None:
    setup = Setup(tmp_path, error=RuntimeError("secret detail in a stack"))
    body, headers = signed()
    answer = await setup.deliver(body, **headers)
    assert (answer.status, answer.json()["code"]) == (500, "internal_error")
    assert answer.headers["content-type"] == "application/problem+json"
    assert b"secret detail" not in answer.body and b"Traceback" not in answer.body
    assert answer.headers["x-frame-options"] == "DENY" and "x-request-id" in answer.headers
    assert setup.log_lines()[-1]["status"] == 500
