"""Several accounts per provider, one per country, over the HTTP API with the providers answered
by respx: MTN MoMo in Cameroon and in Côte d'Ivoire (one host, told apart by
`X-Target-Environment` and each environment's own keys), Wave wallets in Côte d'Ivoire and
Senegal (each its own API key and signing secret)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import respx
from litestar.testing import AsyncTestClient
from tests.integration.conftest import ADMIN, BASE_URL, StoreKeys, create_store
from tests.integration.helpers import count, problem
from tests.integration.provider_app import (
    order_and_payment,
    order_status,
    payment_state,
    provider_app,
)
from tests.integration.test_pages import sign_in

from entrypoints.container import resolve
from entrypoints.settings import Settings

MTN = "https://mtn.test"
WAVE = "https://wave.test"
STATUS = r"^/collection/v1_0/requesttopay/(?P<reference>[0-9a-f-]{36})$"


@dataclass(frozen=True)
class MtnAccount:
    country: str
    subscription_key: str
    api_user: str
    api_key: str
    environment: str
    currency: str

    @property
    def env(self) -> dict[str, str]:
        prefix = f"MTN_MOMO_{self.country}_"
        return {
            f"{prefix}SUBSCRIPTION_KEY": self.subscription_key,
            f"{prefix}API_USER": self.api_user,
            f"{prefix}API_KEY": self.api_key,
            f"{prefix}BASE_URL": MTN,
        }  # the target environment is the country's by default


CM = MtnAccount(
    "CM", "sub-cm", "0f1e2d3c-4b5a-4978-8877-665544332211", "key-cm", "mtncameroon", "XAF"
)
CI = MtnAccount(
    "CI", "sub-ci", "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "key-ci", "mtnivorycoast", "XOF"
)
WAVE_KEYS = {
    "CI": ("wave_ci_prod_key", "wave_ci_WHS_0123456789abcdefghijkl"),
    "SN": ("wave_sn_prod_key", "wave_sn_WHS_abcdefghijkl0123456789"),
}
ENV = {
    **CM.env,
    **CI.env,
    **{f"WAVE_{cc}_API_KEY": key for cc, (key, _) in WAVE_KEYS.items()},
    **{f"WAVE_{cc}_WEBHOOK_SECRET": secret for cc, (_, secret) in WAVE_KEYS.items()},
    **{f"WAVE_{cc}_BASE_URL": WAVE for cc in WAVE_KEYS},
}


class FakeMtn:
    """MTN's Collection API for several environments on one host: a token is issued for an
    API user and key with its own subscription key, and a request is served only with the
    token, subscription key and `X-Target-Environment` of one account, in its currency
    (`INVALID_CURRENCY` otherwise, as MTN answers)."""

    def __init__(self, router: respx.MockRouter) -> None:
        self.accounts = {a.country: a for a in (CM, CI)}
        self.requests: list[tuple[str, dict[str, Any], str]] = []  # (country, body, callback)
        self.transactions: dict[str, tuple[str, dict[str, Any]]] = {}
        router.post("/collection/token/").mock(side_effect=self._token)
        router.post("/collection/v1_0/requesttopay").mock(side_effect=self._pay)
        router.get(path__regex=STATUS).mock(side_effect=self._status)

    def _token(self, request: httpx.Request) -> httpx.Response:
        for a in self.accounts.values():
            basic = base64.b64encode(f"{a.api_user}:{a.api_key}".encode()).decode()
            if (
                request.headers.get("Ocp-Apim-Subscription-Key") == a.subscription_key
                and request.headers.get("Authorization") == f"Basic {basic}"
            ):
                return httpx.Response(
                    200, json={"access_token": f"tok-{a.country}", "expires_in": 3600}
                )
        return httpx.Response(401, json={"error": "login_failed"})

    def _account(self, request: httpx.Request) -> MtnAccount | None:
        token = request.headers.get("Authorization", "").removeprefix("Bearer tok-")
        account = self.accounts.get(token)
        if account is None:
            return None
        if request.headers.get("Ocp-Apim-Subscription-Key") != account.subscription_key:
            return None
        if request.headers.get("X-Target-Environment") != account.environment:
            return None
        return account

    def _pay(self, request: httpx.Request) -> httpx.Response:
        account = self._account(request)
        if account is None:
            return httpx.Response(401, json={"message": "Access denied"})
        body = json.loads(request.content)
        if body["currency"] != account.currency:
            return httpx.Response(
                500, json={"code": "INVALID_CURRENCY", "message": "Invalid currency"}
            )
        self.requests.append((account.country, body, request.headers["X-Callback-Url"]))
        self.transactions[request.headers["X-Reference-Id"]] = (account.country, body)
        return httpx.Response(202)

    def _status(self, request: httpx.Request, reference: str) -> httpx.Response:
        account = self._account(request)
        if account is None or reference not in self.transactions:
            return httpx.Response(404, json={"code": "RESOURCE_NOT_FOUND"})
        country, body = self.transactions[reference]
        if country != account.country:  # another environment's request is not found there
            return httpx.Response(404, json={"code": "RESOURCE_NOT_FOUND"})
        answer = {**body, "status": "SUCCESSFUL", "financialTransactionId": "23503452"}
        return httpx.Response(200, json=answer)


class FakeWaveWallets:
    """Wave's checkout sessions for several business wallets, each known by its API key."""

    def __init__(self, router: respx.MockRouter) -> None:
        self.keys = {key: cc for cc, (key, _) in WAVE_KEYS.items()}
        self.sessions: dict[str, dict[str, Any]] = {}
        self.owners: dict[str, str] = {}
        router.post("/v1/checkout/sessions").mock(side_effect=self._create)
        router.get(path__regex=r"^/v1/checkout/sessions/(?P<sid>cos-[\w-]+)$").mock(
            side_effect=self._get
        )

    def _wallet(self, request: httpx.Request) -> str | None:
        return self.keys.get(request.headers.get("Authorization", "").removeprefix("Bearer "))

    def _create(self, request: httpx.Request) -> httpx.Response:
        wallet = self._wallet(request)
        if wallet is None:
            return httpx.Response(401, json={"code": "no-matching-api-key"})
        body = json.loads(request.content)
        sid = f"cos-{len(self.sessions) + 1:04d}{wallet.lower()}"
        self.owners[sid] = wallet
        self.sessions[sid] = {
            "id": sid,
            "amount": body["amount"],
            "currency": body["currency"],
            "checkout_status": "open",
            "payment_status": "processing",
            "client_reference": body.get("client_reference"),
            "last_payment_error": None,
            "transaction_id": None,
            "wave_launch_url": f"https://pay.wave.com/c/{sid}",
            "when_created": "2026-11-24T10:00:00Z",
            "when_expires": "2026-11-24T10:30:00Z",
            "when_completed": None,
        }
        return httpx.Response(200, json=self.sessions[sid])

    def _get(self, request: httpx.Request, sid: str) -> httpx.Response:
        if sid not in self.sessions or self.owners[sid] != self._wallet(request):
            return httpx.Response(404, json={"code": "checkout-session-not-found"})
        return httpx.Response(200, json=self.sessions[sid])

    def pay(self, sid: str) -> dict[str, Any]:
        self.sessions[sid].update(
            checkout_status="complete",
            payment_status="succeeded",
            transaction_id="TRG7XHH6UNR2SOACI",
            when_completed="2026-11-24T10:05:00Z",
        )
        return self.sessions[sid]


def wave_signature(body: bytes, secret: str) -> str:
    t = str(int(time.time()))
    return f"t={t},v1={hmac.new(secret.encode(), t.encode() + body, hashlib.sha256).hexdigest()}"


@pytest.fixture(scope="module")
async def accounts_app(settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    async with provider_app(settings, ENV) as client:
        yield client


@pytest.fixture
async def client(accounts_app: AsyncTestClient[Any], clean_db: None) -> AsyncTestClient[Any]:
    return accounts_app


@pytest.fixture
async def store(client: Any) -> StoreKeys:
    return await create_store(client)


@pytest.fixture
def mtn() -> Iterator[FakeMtn]:
    with respx.mock(using="stream", base_url=MTN, assert_all_called=False) as router:
        yield FakeMtn(router)


@pytest.fixture
def wave() -> Iterator[FakeWaveWallets]:
    with respx.mock(using="stream", base_url=WAVE, assert_all_called=False) as router:
        yield FakeWaveWallets(router)


async def callback(client: Any, url: str, body: dict[str, Any] | None = None) -> Any:
    """MTN calling the `X-Callback-Url` it was given (PUT, as MTN does)."""
    parts = urlsplit(url)
    return await client.put(f"{parts.path}?{parts.query}", json=body or {"status": "SUCCESSFUL"})


# -- MTN MoMo: the account of the payer's country --------------------------------------------


async def test_a_cameroonian_number_in_xaf_goes_to_the_cameroon_account(
    client: Any, store: StoreKeys, mtn: FakeMtn
) -> None:
    order, answer = await order_and_payment(
        client, store, "mtn_momo", phone="+237 6 71 23 45 67", currency="XAF"
    )
    assert answer.status_code == 201, answer.text
    payment = answer.json()
    assert payment["country"] == "CM"
    [(country, body, callback_url)] = mtn.requests
    assert country == "CM" and body["currency"] == "XAF"  # CM's keys, token and environment
    assert callback_url.startswith(f"{BASE_URL}/payment/webhook/mtn/cm/?payment={payment['id']}")

    assert (await callback(client, callback_url)).status_code == 200
    assert (await payment_state(client, store, payment["id"]))["status"] == "succeeded"
    assert await order_status(client, store, order["id"]) == "paid"
    scrape = (await client.get("/metrics")).text  # counted under its account's country
    assert 'payments_final_total{country="CM",provider="mtn_momo",status="succeeded"}' in scrape


async def test_an_ivorian_number_in_xof_goes_to_the_ivorian_account(
    client: Any, store: StoreKeys, mtn: FakeMtn
) -> None:
    _, answer = await order_and_payment(client, store, "mtn_momo", phone="+2250700000001")
    assert answer.status_code == 201, answer.text
    assert answer.json()["country"] == "CI"
    [(country, body, callback_url)] = mtn.requests
    assert country == "CI" and body["currency"] == "XOF"
    assert "/payment/webhook/mtn/ci/" in callback_url
    verified = await client.post(
        f"/api/v1/payments/{answer.json()['id']}/verify", headers=store.headers
    )
    assert verified.status_code == 200, verified.text
    assert verified.json()["status"] == "succeeded"  # the status asked of the CI account


async def test_the_orders_country_wins_over_the_phone_number(
    client: Any, store: StoreKeys, mtn: FakeMtn
) -> None:
    _, answer = await order_and_payment(
        client, store, "mtn_momo", phone="+237671234567", currency="XOF", country="CI"
    )
    # a Cameroonian number in an Ivorian order: the CI account, which refuses a foreign number
    assert answer.status_code == 422, answer.text
    assert mtn.requests == []


async def test_a_callback_signed_for_another_countrys_account_is_refused(
    client: Any, store: StoreKeys, mtn: FakeMtn, pool: Any
) -> None:
    _, answer = await order_and_payment(
        client, store, "mtn_momo", phone="+237671234567", currency="XAF"
    )
    [(_, _, callback_url)] = mtn.requests
    query = urlsplit(callback_url).query
    forged = await client.put(f"/payment/webhook/mtn/ci/?{query}", json={"status": "SUCCESSFUL"})
    problem(forged, 401, "invalid_signature")
    assert await count(pool, "webhook_deliveries") == 0
    assert (await payment_state(client, store, answer.json()["id"]))["status"] == "pending"


# -- refusals: nothing sent ------------------------------------------------------------------


async def test_an_account_in_another_currency_refuses_with_currency_not_accepted(
    client: Any, store: StoreKeys, mtn: FakeMtn, pool: Any
) -> None:
    _, answer = await order_and_payment(client, store, "mtn_momo", phone="+237671234567")
    body = problem(answer, 422, "currency_not_accepted")
    assert "MTN MoMo takes XAF in Cameroon" in body["detail"]
    assert mtn.requests == [] and await count(pool, "payments") == 0


async def test_a_country_without_an_account_or_default_is_provider_not_available(
    client: Any, store: StoreKeys, mtn: FakeMtn, pool: Any
) -> None:
    _, answer = await order_and_payment(
        client, store, "mtn_momo", phone="+233241234567", currency="GHS"
    )
    body = problem(answer, 422, "provider_not_available")
    assert "mtn_momo" in body["detail"] and "Ghana" in body["detail"]
    assert mtn.requests == [] and await count(pool, "payments") == 0


# -- Wave: the Ivorian wallet's key, callback path and secret ---------------------------------


async def test_a_wave_payment_in_cote_divoire_settles_through_the_ci_wallets_callback(
    client: Any, store: StoreKeys, wave: FakeWaveWallets
) -> None:
    order, answer = await order_and_payment(client, store, "wave", phone="+2250700000001")
    assert answer.status_code == 201, answer.text
    payment = answer.json()
    assert payment["country"] == "CI"
    sid = payment["provider_reference"]
    assert wave.owners[sid] == "CI"  # created with the CI wallet's API key
    body = json.dumps({"id": "AE_1", "type": "checkout.session.completed", "data": wave.pay(sid)})
    content = body.encode()

    senegal_secret = WAVE_KEYS["SN"][1]
    forged = await client.post(
        "/payment/webhook/wave/ci/",
        content=content,
        headers={"Wave-Signature": wave_signature(content, senegal_secret)},
    )
    problem(forged, 401, "invalid_signature")
    assert (await payment_state(client, store, payment["id"]))["status"] == "pending"

    signed = await client.post(
        "/payment/webhook/wave/ci/",
        content=content,
        headers={"Wave-Signature": wave_signature(content, WAVE_KEYS["CI"][1])},
    )
    assert signed.status_code == 200, signed.text
    assert (await payment_state(client, store, payment["id"]))["status"] == "succeeded"
    assert await order_status(client, store, order["id"]) == "paid"


# -- what the API says of the accounts --------------------------------------------------------


async def test_the_providers_list_gives_each_provider_its_accounts(
    client: Any, store: StoreKeys
) -> None:
    answer = await client.get("/api/v1/providers", headers=store.headers)
    assert answer.status_code == 200, answer.text
    by_name = {p["provider"]: p for p in answer.json()["data"]}
    assert by_name["mtn_momo"]["accounts"] == [
        {"country": "CI", "currency": "XOF", "status": "operational"},
        {"country": "CM", "currency": "XAF", "status": "operational"},
    ]
    assert [a["country"] for a in by_name["wave"]["accounts"]] == ["CI", "SN"]
    assert by_name["sandbox"]["accounts"] == [
        {"country": None, "currency": None, "status": "operational"}
    ]


async def test_a_payment_whose_account_was_removed_is_on_the_operators_queue(
    settings: Settings, client: Any, store: StoreKeys, mtn: FakeMtn
) -> None:
    _, answer = await order_and_payment(
        client, store, "mtn_momo", phone="+237671234567", currency="XAF"
    )
    payment_id = answer.json()["id"]
    async with provider_app(settings, CI.env) as without_cameroon:  # the CM account removed
        container = without_cameroon.app.state.container
        reconcile = await resolve(container.reconcile_payment)
        assert await reconcile(payment_id, 0) == "provider_unavailable"
        queue = await without_cameroon.get("/api/v1/admin/queue", headers=ADMIN)
    assert queue.status_code == 200, queue.text
    assert [(i["subject_id"], i["kind"]) for i in queue.json()["data"]] == [
        (payment_id, "account_missing")
    ]
    state = await payment_state(client, store, payment_id)
    assert state["status"] == "pending" and state["flagged_reason"] == "account_missing"
    assert "payment.account_missing" in state["events"]


async def test_health_and_the_breaker_are_each_accounts_own(
    client: Any, store: StoreKeys, mtn: FakeMtn, pool: Any
) -> None:
    _, cameroon = await order_and_payment(
        client, store, "mtn_momo", phone="+237671234567", currency="XAF"
    )
    assert cameroon.status_code == 201, cameroon.text
    container = client.app.state.container
    gate = await resolve(container.provider_gate)
    for _ in range(gate.policy.failures):  # MTN's Cameroon account fails its starts
        await gate.failed("mtn_momo:CM")

    _, refused = await order_and_payment(
        client, store, "mtn_momo", phone="+237671234567", currency="XAF"
    )
    assert (
        "mtn_momo in Cameroon is unavailable"
        in problem(refused, 503, "provider_unavailable")["detail"]
    )
    _, ivorian = await order_and_payment(client, store, "mtn_momo", phone="+2250700000001")
    assert ivorian.status_code == 201, ivorian.text  # MTN in Côte d'Ivoire is not greyed out

    listed = await client.get("/api/v1/providers", headers=store.headers)
    mtn_health = {p["provider"]: p for p in listed.json()["data"]}["mtn_momo"]
    assert mtn_health["status"] == "down"  # the worst of its accounts
    assert {a["country"]: a["status"] for a in mtn_health["accounts"]} == {
        "CI": "operational",
        "CM": "down",
    }
    watch = await resolve(container.watch_providers)
    assert await watch() == 1
    async with pool.connection() as conn:
        cursor = await conn.execute(
            "SELECT store_id, body FROM notifications WHERE type = 'provider.degraded'"
        )
        rows = await cursor.fetchall()
    assert [row[0] for row in rows] == [store.id]  # it used MTN's Cameroon account
    body = json.loads(bytes(rows[0][1]))["data"]["object"]
    assert (body["provider"], body["country"], body["status"]) == ("mtn_momo", "CM", "down")
    await gate.succeeded("mtn_momo:CM")  # this app's process forgets the open breaker


async def test_stats_and_the_dashboard_split_a_store_selling_in_two_countries(
    client: Any, store: StoreKeys, mtn: FakeMtn
) -> None:
    for phone, currency in (("+237671234567", "XAF"), ("+2250700000001", "XOF")):
        _, answer = await order_and_payment(
            client, store, "mtn_momo", phone=phone, currency=currency
        )
        verified = await client.post(
            f"/api/v1/payments/{answer.json()['id']}/verify", headers=store.headers
        )
        assert verified.json()["status"] == "succeeded"
    stats = (await client.get("/api/v1/stats", headers=store.headers)).json()
    assert stats["by_country"] == {
        "CI": {
            "payments": 1,
            "success_rate": 1.0,
            "revenue": [{"currency": "XOF", "amount": 5000}],
        },
        "CM": {
            "payments": 1,
            "success_rate": 1.0,
            "revenue": [{"currency": "XAF", "amount": 5000}],
        },
    }
    await sign_in(client, store)
    dashboard = await client.get("/store/dashboard/?lang=en")
    assert dashboard.status_code == 200
    assert 'id="by-country"' in dashboard.text
    assert '<tr data-provider="mtn_momo:CM" data-health="operational">' in dashboard.text
    assert "MTN MoMo · Cameroon" in dashboard.text  # each account's own health row
    assert "Cameroon" in dashboard.text and "Côte d&#39;Ivoire" in dashboard.text
