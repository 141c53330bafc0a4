"""Wave Checkout over the service's HTTP API, Wave answered by respx routes written from
reference/providers.md section 3 (sessions, search, status enums, Wave-Signature)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
import respx
from litestar.testing import AsyncTestClient
from tests.integration.conftest import BASE_URL, StoreKeys, create_store
from tests.integration.helpers import count, problem
from tests.integration.provider_app import (
    order_and_payment,
    order_status,
    payment_state,
    provider_app,
)

from adapters.providers import catalog, wave
from entrypoints.settings import Settings

WAVE_URL = "https://wave.test"
API_KEY = "wave_sn_prod_test-key"
SECRET = "wave_sn_WHS_k3v9q7x2m5t8w1z4r6y0p2n8j5"
ENV = {"WAVE_API_KEY": API_KEY, "WAVE_WEBHOOK_SECRET": SECRET, "WAVE_BASE_URL": WAVE_URL}
PHONE = "+221771234567"
WEBHOOK = "/payment/webhook/wave/"


class FakeWave:
    """Wave's checkout API as documented: sessions `cos-...`, search by client_reference,
    and test hooks to pay, fail an attempt, expire; `lose_next_create` keeps a created
    session but loses its answer."""

    def __init__(self, router: respx.MockRouter) -> None:
        self.sessions: dict[str, dict[str, Any]] = {}
        self.lose_next_create: type[Exception] | int | None = None
        self.unreachable_once = False
        self.router = router
        self.requests: list[dict[str, Any]] = []
        self.create = router.post("/v1/checkout/sessions").mock(side_effect=self._create)
        self.search = router.get("/v1/checkout/sessions/search").mock(side_effect=self._search)
        self.get = router.get(path__regex=r"^/v1/checkout/sessions/(?P<sid>cos-[\w-]+)$").mock(
            side_effect=self._get
        )

    def _authorized(self, request: httpx.Request) -> httpx.Response | None:
        if request.headers.get("Authorization") != f"Bearer {API_KEY}":
            return httpx.Response(401, json={"code": "no-matching-api-key", "message": "no"})
        return None

    def _create(self, request: httpx.Request) -> httpx.Response:
        if refused := self._authorized(request):
            return refused
        if self.unreachable_once:
            self.unreachable_once = False
            raise httpx.ConnectError("connection refused", request=request)
        body = json.loads(request.content)
        self.requests.append(body)
        if not isinstance(body["amount"], str) or not body["amount"].isdigit():
            return httpx.Response(422, json={"code": "request-validation-error"})
        sid = f"cos-{len(self.sessions) + 1:04d}x"
        self.sessions[sid] = {
            "id": sid,
            "amount": body["amount"],
            "currency": body["currency"],
            "business_name": "Boutique Awa",
            "checkout_status": "open",
            "payment_status": "processing",
            "client_reference": body.get("client_reference"),
            "last_payment_error": None,
            "transaction_id": None,
            "success_url": body["success_url"],
            "error_url": body["error_url"],
            "wave_launch_url": f"https://pay.wave.com/c/{sid}?a={body['amount']}&c=XOF",
            "when_created": f"2026-11-24T10:00:{len(self.sessions):02d}Z",
            "when_expires": "2026-11-24T10:30:00Z",
            "when_completed": None,
        }
        lost, self.lose_next_create = self.lose_next_create, None
        if isinstance(lost, int):
            return httpx.Response(lost, json={"code": "internal-server-error"})
        if lost is not None:
            raise lost("the answer was lost", request=request)
        return httpx.Response(200, json=self.sessions[sid])

    def _search(self, request: httpx.Request) -> httpx.Response:
        if refused := self._authorized(request):
            return refused
        reference = request.url.params["client_reference"]
        found = [s for s in self.sessions.values() if s["client_reference"] == reference]
        return httpx.Response(200, json={"result": found})

    def _get(self, request: httpx.Request, sid: str) -> httpx.Response:
        if refused := self._authorized(request):
            return refused
        if sid not in self.sessions:
            return httpx.Response(404, json={"code": "checkout-session-not-found"})
        return httpx.Response(200, json=self.sessions[sid])

    def pay(self, sid: str, **overrides: Any) -> dict[str, Any]:
        self.sessions[sid].update(
            checkout_status="complete",
            payment_status="succeeded",
            transaction_id="TRG7XHH6UNR2SOACI",
            when_completed="2026-11-24T10:05:00Z",
            **overrides,
        )
        return self.sessions[sid]

    def fail_attempt(self, sid: str, code: str = "insufficient-funds") -> dict[str, Any]:
        self.sessions[sid].update(
            payment_status="cancelled",
            last_payment_error={"code": code, "message": "Solde insuffisant"},
        )
        return self.sessions[sid]

    def expire(self, sid: str) -> dict[str, Any]:
        self.sessions[sid].update(checkout_status="expired", payment_status="cancelled")
        return self.sessions[sid]


def signature(body: bytes, at: int | None = None, secret: str = SECRET) -> str:
    """Written from the contract, not with the service's signer: HMAC-SHA256 over the
    timestamp immediately followed by the raw body."""
    t = str(int(time.time()) if at is None else at)
    digest = hmac.new(secret.encode(), t.encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def event(session: dict[str, Any], kind: str = "checkout.session.completed", **extra: Any) -> bytes:
    body = {"id": extra.pop("event_id", f"AE_sn_{session['id']}_{kind}"), "type": kind}
    return json.dumps({**body, "data": {**session, **extra}}).encode()


async def deliver(client: Any, body: bytes, sig: str | None) -> Any:
    headers = {"Content-Type": "application/json"}
    if sig is not None:
        headers["Wave-Signature"] = sig
    return await client.post(WEBHOOK, content=body, headers=headers)


@pytest.fixture(scope="module")
async def wave_app(settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    async with provider_app(settings, ENV) as client:
        yield client


@pytest.fixture
async def client(wave_app: AsyncTestClient[Any], clean_db: None) -> AsyncTestClient[Any]:
    return wave_app


@pytest.fixture
def fake() -> Iterator[FakeWave]:
    with respx.mock(using="stream", base_url=WAVE_URL, assert_all_called=False) as router:
        yield FakeWave(router)


@pytest.fixture
async def store(client: Any) -> StoreKeys:
    return await create_store(client)


async def started(client: Any, store: StoreKeys) -> tuple[dict[str, Any], dict[str, Any]]:
    order, response = await order_and_payment(client, store, "wave", phone=PHONE)
    assert response.status_code == 201, response.text
    return order, response.json()


# -- start -----------------------------------------------------------------------------------


async def test_the_whole_flow_over_http_ends_succeeded_and_the_order_paid(
    client: Any, store: StoreKeys, fake: FakeWave, pool: Any
) -> None:
    order, payment = await started(client, store)
    sid = payment["provider_reference"]
    assert payment["status"] == "pending"
    assert payment["next_action"] == {
        "type": "redirect",
        "url": fake.sessions[sid]["wave_launch_url"],
        "message": None,
    }
    sent = fake.requests[0]
    assert sent["amount"] == "5000" and sent["currency"] == "XOF"
    assert sent["client_reference"] == payment["id"]
    assert sent["restrict_payer_mobile"] == PHONE
    status_page = f"{BASE_URL}/payment/{payment['id']}/status/?token="
    assert sent["success_url"].startswith(status_page)
    assert sent["error_url"] == sent["success_url"]
    assert fake.create.calls.last.request.headers["Idempotency-Key"] == payment["id"]

    response = await deliver(client, body := event(fake.pay(sid)), signature(body))
    assert response.status_code == 200, response.text
    assert response.json() == {"received": True}
    state = await payment_state(client, store, payment["id"])
    assert state["status"] == "succeeded"
    assert await order_status(client, store, order["id"]) == "paid"
    assert await count(pool, "webhook_deliveries") == 1
    # respx saw only Wave: the API calls went through the in-process ASGI transport
    assert {call.request.url.host for call in fake.router.calls} == {"wave.test"}
    assert len(fake.router.calls) == 2  # the create and the webhook's confirmation


async def test_an_expired_session_fails_the_payment_with_code_expired(
    client: Any, store: StoreKeys, fake: FakeWave
) -> None:
    order, payment = await started(client, store)
    fake.expire(payment["provider_reference"])
    verified = await client.post(f"/api/v1/payments/{payment['id']}/verify", headers=store.headers)
    assert verified.status_code == 200, verified.text
    assert verified.json()["status"] == "failed"
    assert verified.json()["failure_code"] == "expired"
    assert await order_status(client, store, order["id"]) == "pending_payment"


async def test_a_failed_attempt_keeps_the_open_session_pending_until_it_is_paid(
    client: Any, store: StoreKeys, fake: FakeWave
) -> None:
    _, payment = await started(client, store)
    sid = payment["provider_reference"]
    body = event(fake.fail_attempt(sid), "checkout.session.payment_failed")
    assert (await deliver(client, body, signature(body))).status_code == 200
    state = await payment_state(client, store, payment["id"])
    assert (state["status"], state["failure_code"]) == ("pending", None)

    fake.pay(sid, last_payment_error=None)
    body = event(fake.sessions[sid])
    assert (await deliver(client, body, signature(body))).status_code == 200
    assert (await payment_state(client, store, payment["id"]))["status"] == "succeeded"


async def test_a_refusal_fails_the_payment_with_waves_code_and_keeps_its_body(
    client: Any, store: StoreKeys, fake: FakeWave
) -> None:
    fake.create.side_effect = None
    fake.create.return_value = httpx.Response(
        401, json={"code": "api-key-revoked", "message": "internal detail 42"}
    )
    _, response = await order_and_payment(client, store, "wave", phone=PHONE)
    payment = response.json()
    assert payment["status"] == "failed"
    assert payment["failure_code"] == "api-key-revoked"
    assert "internal detail" not in response.text
    state = await payment_state(client, store, payment["id"])
    failed = next(e for e in state["history"] if e["type"] == "payment.failed")
    assert "internal detail 42" in json.dumps(failed["data"])


async def test_a_timeout_on_create_leaves_it_pending_and_verify_settles_it(
    client: Any, store: StoreKeys, fake: FakeWave
) -> None:
    fake.lose_next_create = httpx.ReadTimeout
    fake.search.side_effect = httpx.ConnectTimeout("down")
    order, payment = await started(client, store)
    assert payment["status"] == "pending"
    assert payment["provider_reference"] is None
    assert fake.create.call_count == 1

    fake.search.side_effect = fake._search
    (session,) = fake.sessions.values()
    fake.pay(session["id"])
    verified = await client.post(f"/api/v1/payments/{payment['id']}/verify", headers=store.headers)
    assert verified.json()["status"] == "succeeded"
    assert await order_status(client, store, order["id"]) == "paid"
    assert fake.create.call_count == 1


@pytest.mark.parametrize("lost", [httpx.ReadTimeout, httpx.RemoteProtocolError, 502])
async def test_a_lost_create_is_recovered_by_search_without_a_second_session(
    client: Any, store: StoreKeys, fake: FakeWave, lost: type[Exception] | int
) -> None:
    fake.lose_next_create = lost
    _, payment = await started(client, store)
    (session,) = fake.sessions.values()
    assert fake.create.call_count == 1
    assert fake.search.calls.last.request.url.params["client_reference"] == payment["id"]
    assert payment["provider_reference"] == session["id"]
    assert payment["next_action"]["url"] == session["wave_launch_url"]


async def test_a_lost_create_that_search_cannot_find_is_created_again(
    client: Any, store: StoreKeys, fake: FakeWave
) -> None:
    fake.unreachable_once = True
    _, payment = await started(client, store)
    assert fake.create.call_count == 2
    assert fake.search.call_count == 1
    assert [s["id"] for s in fake.sessions.values()] == [payment["provider_reference"]]


# -- webhooks --------------------------------------------------------------------------------

BAD_SIGNATURES: dict[str, Callable[[bytes], str | None]] = {
    "missing": lambda body: None,
    "wrong-secret": lambda body: signature(body, secret="another-secret-of-enough-length"),
    "stale-6-minutes": lambda body: signature(body, at=int(time.time()) - 6 * 60),
    "dot-separator": lambda body: (
        f"t={(t := int(time.time()))},v1="
        + hmac.new(SECRET.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    ),
    "tampered-body": lambda body: signature(body.replace(b"5000", b"50")),
    "wrong-header-scheme": lambda body: signature(body).replace("v1=", "v0="),
}


@pytest.mark.parametrize("make", BAD_SIGNATURES.values(), ids=BAD_SIGNATURES.keys())
async def test_a_badly_signed_webhook_is_a_401_and_changes_nothing(
    client: Any, store: StoreKeys, fake: FakeWave, pool: Any, make: Callable[[bytes], str | None]
) -> None:
    _, payment = await started(client, store)
    body = event(fake.pay(payment["provider_reference"]))
    problem(await deliver(client, body, make(body)), 401, "invalid_signature")
    assert await count(pool, "webhook_deliveries") == 0
    assert (await payment_state(client, store, payment["id"]))["status"] == "pending"
    assert fake.get.call_count == 0


async def test_any_of_several_v1_signatures_may_match(
    client: Any, store: StoreKeys, fake: FakeWave
) -> None:
    _, payment = await started(client, store)
    body = event(fake.pay(payment["provider_reference"]))
    header = signature(body)
    rotated = header.replace(",v1=", ",v1=" + "0" * 64 + ",v1=")
    assert (await deliver(client, body, rotated)).status_code == 200
    assert (await payment_state(client, store, payment["id"]))["status"] == "succeeded"


async def test_a_webhook_is_deduplicated_on_its_event_id(
    client: Any, store: StoreKeys, fake: FakeWave, pool: Any
) -> None:
    _, payment = await started(client, store)
    body = event(fake.pay(payment["provider_reference"]), event_id="AE_sn_same")
    first = await deliver(client, body, signature(body))
    again = await deliver(client, body, signature(body, at=int(time.time()) - 5))
    assert first.status_code == again.status_code == 200
    assert await count(pool, "webhook_deliveries") == 1
    assert fake.get.call_count == 1
    state = await payment_state(client, store, payment["id"])
    assert state["events"].count("payment.succeeded") == 1


async def test_the_status_wave_confirms_wins_over_the_webhook_body(
    client: Any, store: StoreKeys, fake: FakeWave
) -> None:
    _, payment = await started(client, store)
    session = dict(fake.sessions[payment["provider_reference"]])
    forged = {**session, "checkout_status": "complete", "payment_status": "succeeded"}
    body = event(forged)  # signed, but Wave's own API says the session is still open
    assert (await deliver(client, body, signature(body))).status_code == 200
    assert (await payment_state(client, store, payment["id"]))["status"] == "pending"
    assert fake.get.call_count == 1


@pytest.mark.parametrize(
    "paid", [{"amount": "4000"}, {"currency": "XAF"}, {"amount": "5000.5"}], ids=str
)
async def test_an_amount_or_currency_mismatch_is_flagged_never_succeeded(
    client: Any, store: StoreKeys, fake: FakeWave, paid: dict[str, str]
) -> None:
    order, payment = await started(client, store)
    body = event(fake.pay(payment["provider_reference"], **paid))
    assert (await deliver(client, body, signature(body))).status_code == 200
    state = await payment_state(client, store, payment["id"])
    assert state["status"] == "pending"
    assert await order_status(client, store, order["id"]) == "pending_payment"
    if paid != {"amount": "5000.5"}:  # not a whole XOF amount: not even readable
        assert state["flagged_reason"] == "amount_mismatch"
        assert "payment.amount_mismatch" in state["events"]


async def test_a_webhook_whose_confirmation_is_slow_is_stored_and_answered_within_5_s(
    client: Any, store: StoreKeys, fake: FakeWave, pool: Any
) -> None:
    _, payment = await started(client, store)
    body = event(fake.pay(payment["provider_reference"]))

    async def hang(request: httpx.Request, sid: str) -> httpx.Response:
        await asyncio.sleep(30)
        raise AssertionError("never answered")

    fake.get.side_effect = hang
    began = time.monotonic()
    response = await deliver(client, body, signature(body))
    assert response.status_code == 200
    assert time.monotonic() - began < 5
    assert await count(pool, "webhook_deliveries") == 1
    assert (await payment_state(client, store, payment["id"]))["status"] == "pending"


async def test_a_test_event_without_a_payment_is_stored_and_ignored(
    client: Any, fake: FakeWave, pool: Any
) -> None:
    body = json.dumps({"id": "AE_test_1", "type": "test.test_event", "data": {}}).encode()
    assert (await deliver(client, body, signature(body))).status_code == 200
    assert await count(pool, "webhook_deliveries") == 1


# -- configuration ---------------------------------------------------------------------------


def test_wave_is_configured_by_its_api_key_and_guarded_in_production() -> None:
    assert wave.configure({}) is None
    assert wave.configure({"WAVE_WEBHOOK_SECRET": SECRET}) is None
    config = wave.configure({"WAVE_API_KEY": API_KEY})
    assert config is not None and config.base_url == "https://api.wave.com"
    assert config.timeout.connect is not None and config.timeout.read is not None
    assert config.timeout.connect + config.timeout.read <= 5
    assert any("WAVE_WEBHOOK_SECRET" in p for p in config.sandbox_problems())
    weak = catalog.sandbox_problems({"WAVE_API_KEY": API_KEY, "WAVE_WEBHOOK_SECRET": "short"})
    assert any("WAVE_WEBHOOK_SECRET" in p for p in weak)
    assert catalog.sandbox_problems({"WAVE_API_KEY": API_KEY, "WAVE_WEBHOOK_SECRET": SECRET}) == []
    assert any(
        "WAVE_BASE_URL" in p for p in catalog.sandbox_problems(ENV | {"WAVE_BASE_URL": "http://x"})
    )
