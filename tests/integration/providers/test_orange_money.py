"""Orange Money WebPay against respx routes written from its documented contract
(reference/providers.md section 2): the adapter alone, then the whole flow over the HTTP API."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
import respx
from litestar.testing import AsyncTestClient
from tests.builders import make_order, make_store
from tests.fakes import FakeClock
from tests.integration.conftest import BASE_URL, StoreKeys
from tests.integration.helpers import count, problem
from tests.integration.provider_app import (
    order_and_payment,
    order_status,
    payment_state,
    provider_app,
)

from adapters.ids import UlidGenerator
from adapters.providers import orange_money
from adapters.providers.deps import ProviderDeps
from adapters.providers.http import LogObserver, provider_client
from adapters.signing import UrlSigner
from adapters.urls import ServiceUrls
from application.errors import (
    MalformedWebhook,
    ProviderRejected,
    ProviderUnavailable,
    WebhookRejected,
)
from domain.money import Money
from domain.order import Order
from domain.payment import Payment
from domain.provider_report import ReportedStatus
from entrypoints.settings import SANDBOX_SECRET, Settings

ORANGE = "https://orange.test"
ENV = {
    "ORANGE_MONEY_CLIENT_ID": "client-id-1",
    "ORANGE_MONEY_CLIENT_SECRET": "client-secret-2",
    "ORANGE_MONEY_MERCHANT_KEY": "c5cbb630",
    "ORANGE_MONEY_COUNTRY": "dev",
    "ORANGE_MONEY_BASE_URL": ORANGE,
}
TOKEN = "/oauth/v3/token"
WEBPAY = "/orange-money-webpay/dev/v1"
PAY_TOKEN = "87a9f2f8ebca97d1c6b4"
NOTIF_TOKEN = "793d6157d9c7d52ae3920dc596956206"
PAYMENT_URL = f"https://webpayment-qualif.orange-money.com/payment/pay_token/{PAY_TOKEN}"
URLS = ServiceUrls(BASE_URL, UrlSigner(SANDBOX_SECRET.encode()))
IDS = UlidGenerator()


def token_answer(value: str = "orange-token-1", expires_in: object = "7776000") -> httpx.Response:
    """`expires_in` as a string, as Orange sends it (2.2)."""
    body = {"token_type": "Bearer", "access_token": value, "expires_in": expires_in}
    return httpx.Response(200, json=body)


CREATED = {
    "status": 201,
    "message": "OK",
    "pay_token": PAY_TOKEN,
    "payment_url": PAYMENT_URL,
    "notif_token": NOTIF_TOKEN,
}


def status_answer(status: str, order_id: str | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status, **extra}
    if order_id:
        body["order_id"] = order_id
    if status == "SUCCESS":
        body["txnid"] = "MP150709.1341.A00073"
    return body


def given_orange(api: respx.Router, status: dict[str, Any] | None = None) -> respx.Router:
    api.post(TOKEN, name="token").mock(return_value=token_answer())
    api.post(f"{WEBPAY}/webpayment", name="webpayment").respond(201, json=CREATED)
    api.post(f"{WEBPAY}/transactionstatus", name="status").respond(
        201, json=status or status_answer("INITIATED")
    )
    return api


def calls(api: respx.Router, name: str) -> int:
    return int(api.routes[name].call_count)


def sent_json(api: respx.Router, name: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(api.routes[name].calls.last.request.content)
    return body


@pytest.fixture
def api() -> Iterator[respx.Router]:
    with respx.mock(using="stream", base_url=ORANGE, assert_all_called=False) as router:
        yield router


# -- the adapter alone -----------------------------------------------------------------------


@dataclass
class Adapter:
    provider: orange_money.OrangeMoneyProvider
    notifications: orange_money.OrangeMoneyWebhookAuthenticator
    clock: FakeClock
    stored: dict[str, Payment] = field(default_factory=dict)

    def payment(self, *, amount: int = 5000, currency: str = "XOF") -> tuple[Payment, Order]:
        order = make_order(make_store(), amount=amount, currency=currency, reference="CMD-1001")
        payment_id = IDS.new("pay")
        payment = Payment.create(
            id=payment_id,
            order_id=order.id,
            store_id=order.store_id,
            provider="orange_money",
            amount=order.amount,
            at=self.clock.now(),
            reference=self.provider.reference_for(payment_id),
        )
        self.stored[payment_id] = payment
        return payment, order

    async def started(self) -> Payment:
        """A payment Orange accepted, with its tokens stored as the use case stores them."""
        payment, order = self.payment()
        result = await self.provider.start(payment, order)
        payment.provider_data.update(result.provider_data)
        return payment


async def adapter_for(env: dict[str, str]) -> AsyncIterator[Adapter]:
    config = orange_money.configure(env)
    assert config is not None
    clock = FakeClock()
    stored: dict[str, Payment] = {}

    async def lookup(payment_id: str) -> Payment | None:
        return stored.get(payment_id)

    async with provider_client(config.base_url, config.timeout) as client:
        deps = ProviderDeps(client, URLS, clock, LogObserver(), lookup)
        provider, notifications = orange_money.build(config, deps)
        yield Adapter(provider, notifications, clock, stored)


@pytest.fixture
async def orange() -> AsyncIterator[Adapter]:
    async for adapter in adapter_for(ENV):
        yield adapter


def test_it_is_configured_only_with_all_its_credentials() -> None:
    assert orange_money.configure({}) is None
    for missing in ENV:
        if missing.endswith(("ID", "SECRET", "KEY")):
            assert orange_money.configure({**ENV, missing: ""}) is None
    config = orange_money.configure({k: v for k, v in ENV.items() if "COUNTRY" not in k})
    assert config is not None
    assert (config.country, config.base_url) == ("dev", ORANGE)
    assert config.timeout.connect and config.timeout.read
    default = orange_money.configure({**ENV, "ORANGE_MONEY_BASE_URL": ""})
    assert default is not None and default.base_url == "https://api.orange.com"
    assert "client-secret-2" not in repr(config) and "c5cbb630" not in repr(config)


def test_the_dev_country_is_unfit_for_production() -> None:
    dev = orange_money.configure(ENV)
    assert dev is not None and "ORANGE_MONEY_COUNTRY" in dev.sandbox_problems()[0]
    ci = orange_money.configure({**ENV, "ORANGE_MONEY_COUNTRY": "ci"})
    assert ci is not None and ci.sandbox_problems() == []


def test_the_order_id_is_our_payment_id_within_orange_limit(orange: Adapter) -> None:
    payment, _ = orange.payment()
    assert payment.provider_reference == payment.id and len(payment.id) <= 30
    assert orange.provider.reference_for("pay_" + "X" * 40) == "X" * 30


async def test_start_sends_the_documented_request(orange: Adapter, api: respx.Router) -> None:
    given_orange(api)
    payment, order = orange.payment()
    result = await orange.provider.start(payment, order)

    token = api.routes["token"].calls.last.request
    basic = base64.b64encode(b"client-id-1:client-secret-2").decode()
    assert token.headers["Authorization"] == f"Basic {basic}"
    assert token.headers["Accept"] == "application/json"
    assert token.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(token.content.decode()) == {"grant_type": ["client_credentials"]}
    sent = api.routes["webpayment"].calls.last.request
    assert sent.headers["Authorization"] == "Bearer orange-token-1"
    assert sent.headers["Accept"] == "application/json"
    assert sent_json(api, "webpayment") == {
        "merchant_key": "c5cbb630",
        "currency": "OUV",
        "order_id": payment.id,
        "amount": 5000,
        "return_url": URLS.status(payment.id),
        "cancel_url": URLS.status(payment.id),
        "notif_url": URLS.callback("orange", payment.id),
        "lang": "fr",
        "reference": "CMD-1001",
    }
    assert result.reference == payment.id
    assert result.next_action is not None
    assert (result.next_action.type, result.next_action.url) == ("redirect", PAYMENT_URL)
    assert result.provider_data == {"pay_token": PAY_TOKEN, "notif_token": NOTIF_TOKEN}
    assert NOTIF_TOKEN not in json.dumps(result.raw)


async def test_a_real_country_uses_its_path_and_currency(api: respx.Router) -> None:
    api.post(TOKEN).mock(return_value=token_answer())
    route = api.post("/orange-money-webpay/ci/v1/webpayment").respond(201, json=CREATED)
    async for adapter in adapter_for({**ENV, "ORANGE_MONEY_COUNTRY": "ci"}):
        payment, order = adapter.payment(amount=2500, currency="XOF")
        await adapter.provider.start(payment, order)
    body = json.loads(route.calls.last.request.content)
    assert (body["currency"], body["amount"]) == ("XOF", 2500)


async def test_a_fraction_of_a_unit_is_refused_before_calling_orange(
    orange: Adapter, api: respx.Router
) -> None:
    given_orange(api)
    payment, order = orange.payment(amount=1250, currency="GHS")
    with pytest.raises(ProviderRejected) as refused:
        await orange.provider.start(payment, order)
    assert refused.value.code == "amount_not_whole"
    assert calls(api, "webpayment") == 0


async def test_a_reused_order_id_is_rejected_with_orange_code(
    orange: Adapter, api: respx.Router
) -> None:
    refusal = {"code": 1, "message": "Forbidden", "description": "order_id already used"}
    given_orange(api).routes["webpayment"].respond(403, json=refusal)
    payment, order = orange.payment()
    with pytest.raises(ProviderRejected) as refused:
        await orange.provider.start(payment, order)
    assert (refused.value.code, refused.value.message) == ("1", "order_id already used")
    assert refused.value.raw == {"status": 403, "body": refusal}


@pytest.mark.parametrize(
    "answer",
    [httpx.ReadTimeout("lost"), httpx.Response(502, text="Bad Gateway")],
    ids=["timeout", "502"],
)
async def test_a_lost_answer_is_unknown_and_never_resent(
    orange: Adapter, api: respx.Router, answer: Any
) -> None:
    given_orange(api).routes["webpayment"].mock(side_effect=[answer])
    payment, order = orange.payment()
    with pytest.raises(ProviderUnavailable):
        await orange.provider.start(payment, order)
    assert calls(api, "webpayment") == 1  # a new order_id would be a second payment page


async def test_an_answer_without_tokens_is_unknown(orange: Adapter, api: respx.Router) -> None:
    given_orange(api).routes["webpayment"].respond(201, json={"status": 201, "message": "OK"})
    payment, order = orange.payment()
    with pytest.raises(ProviderUnavailable):
        await orange.provider.start(payment, order)


STATUSES = {
    "INITIATED": (ReportedStatus.PENDING, None),
    "PENDING": (ReportedStatus.PENDING, None),
    "SUCCESS": (ReportedStatus.SUCCEEDED, None),
    "FAILED": (ReportedStatus.FAILED, "failed"),
    "EXPIRED": (ReportedStatus.FAILED, "expired"),
    "SOMETHING_NEW": (ReportedStatus.PENDING, None),
}


@pytest.mark.parametrize(("status", "expected"), STATUSES.items(), ids=STATUSES.keys())
async def test_transaction_statuses_in_our_words(
    orange: Adapter, api: respx.Router, status: str, expected: tuple[ReportedStatus, str | None]
) -> None:
    given_orange(api)
    payment = await orange.started()
    api.routes["status"].respond(200, json=status_answer(status, payment.id))
    report = await orange.provider.fetch_status(payment)
    assert (report.status, report.failure_code) == expected
    assert sent_json(api, "status") == {
        "order_id": payment.id,
        "amount": 5000,
        "pay_token": PAY_TOKEN,
    }


async def test_a_payment_without_pay_token_cannot_be_asked(
    orange: Adapter, api: respx.Router
) -> None:
    given_orange(api)
    payment, _ = orange.payment()
    report = await orange.provider.fetch_status(payment)
    assert report.status is ReportedStatus.UNKNOWN
    assert calls(api, "status") == 0


async def test_a_status_error_changes_nothing(orange: Adapter, api: respx.Router) -> None:
    given_orange(api)
    payment = await orange.started()
    missing = {"code": 23, "message": "Missing body field", "description": "Key: 'OrderId'"}
    api.routes["status"].respond(400, json=missing)
    assert (await orange.provider.fetch_status(payment)).status is ReportedStatus.UNKNOWN
    api.routes["status"].respond(503)
    with pytest.raises(ProviderUnavailable):
        await orange.provider.fetch_status(payment)


async def test_a_reported_amount_is_compared_when_orange_gives_one(
    orange: Adapter, api: respx.Router
) -> None:
    """Not in the documented answer [I]: read when present, so a mismatch can be flagged."""
    given_orange(api)
    payment = await orange.started()
    api.routes["status"].respond(200, json=status_answer("SUCCESS", payment.id, amount=4000))
    assert (await orange.provider.fetch_status(payment)).amount == Money.of(4000, "XOF")
    api.routes["status"].respond(
        200, json=status_answer("SUCCESS", payment.id, amount="5000", currency="OUV")
    )
    assert (await orange.provider.fetch_status(payment)).amount == payment.amount
    api.routes["status"].respond(200, json=status_answer("SUCCESS", payment.id, amount="lots"))
    assert (await orange.provider.fetch_status(payment)).status is ReportedStatus.UNKNOWN


async def test_an_answer_about_another_order_is_not_believed(
    orange: Adapter, api: respx.Router
) -> None:
    given_orange(api)
    payment = await orange.started()
    api.routes["status"].respond(200, json=status_answer("SUCCESS", "pay_someone_else"))
    assert (await orange.provider.fetch_status(payment)).status is ReportedStatus.UNKNOWN


# -- tokens ----------------------------------------------------------------------------------


@pytest.mark.parametrize("expires_in", [3600, "3600"], ids=["number", "string"])
async def test_the_token_is_kept_until_shortly_before_it_expires(
    orange: Adapter, api: respx.Router, expires_in: object
) -> None:
    given_orange(api).routes["token"].mock(
        side_effect=[token_answer("t-1", expires_in), token_answer("t-2", expires_in)]
    )
    payment = await orange.started()
    orange.clock.advance(minutes=58)
    await orange.provider.fetch_status(payment)
    assert calls(api, "token") == 1
    orange.clock.advance(minutes=1, seconds=1)
    await orange.provider.fetch_status(payment)
    assert calls(api, "token") == 2
    assert api.routes["status"].calls.last.request.headers["Authorization"] == "Bearer t-2"


async def test_an_expired_token_code_42_is_refreshed_once(
    orange: Adapter, api: respx.Router
) -> None:
    given_orange(api).routes["token"].mock(side_effect=[token_answer("t-1"), token_answer("t-2")])
    expired = {"code": 42, "message": "Expired credentials", "description": "token expired"}
    api.routes["webpayment"].mock(
        side_effect=[httpx.Response(401, json=expired), httpx.Response(201, json=CREATED)]
    )
    payment, order = orange.payment()
    result = await orange.provider.start(payment, order)
    assert result.provider_data["pay_token"] == PAY_TOKEN
    assert (calls(api, "token"), calls(api, "webpayment")) == (2, 2)
    assert api.routes["webpayment"].calls.last.request.headers["Authorization"] == "Bearer t-2"


async def test_invalid_credentials_are_not_retried(orange: Adapter, api: respx.Router) -> None:
    invalid = {"code": 41, "message": "Invalid credentials", "description": "revoked"}
    given_orange(api).routes["webpayment"].respond(401, json=invalid)
    payment, order = orange.payment()
    with pytest.raises(ProviderRejected) as refused:
        await orange.provider.start(payment, order)
    assert refused.value.code == "provider_credentials_rejected"
    assert (calls(api, "token"), calls(api, "webpayment")) == (1, 1)


async def test_a_refused_client_secret_rejects_the_start(
    orange: Adapter, api: respx.Router
) -> None:
    given_orange(api).routes["token"].respond(401, json={"code": 41, "message": "Invalid"})
    payment, order = orange.payment()
    with pytest.raises(ProviderRejected) as refused:
        await orange.provider.start(payment, order)
    assert "ORANGE_MONEY_CLIENT_SECRET" in refused.value.message
    assert "client-secret-2" not in json.dumps(refused.value.raw)
    assert calls(api, "webpayment") == 0


# -- notifications ---------------------------------------------------------------------------


def notif_query(payment_id: str) -> dict[str, str]:
    query = parse_qs(URLS.callback("orange", payment_id).partition("?")[2])
    return {key: values[0] for key, values in query.items()}


def notification(token: str = NOTIF_TOKEN, status: str = "SUCCESS") -> bytes:
    body = {"status": status, "notif_token": token, "txnid": "MP150709.1341.A00073"}
    return json.dumps(body).encode()


async def test_a_notification_with_its_token_is_a_delivery(
    orange: Adapter, api: respx.Router
) -> None:
    given_orange(api)
    payment = await orange.started()
    delivery = await orange.notifications.authenticate(notification(), {}, notif_query(payment.id))
    assert delivery.payment_id == payment.id
    assert delivery.event_id == f"{payment.id}:SUCCESS:MP150709.1341.A00073"
    assert NOTIF_TOKEN not in delivery.event_id


async def test_bad_notifications_are_rejected(orange: Adapter, api: respx.Router) -> None:
    given_orange(api)
    payment = await orange.started()
    other = await orange.started()
    query = notif_query(payment.id)
    cases = {
        "no-sig": (notification(), {"payment": payment.id}, "invalid_callback_signature"),
        "wrong-sig": (notification(), {**query, "sig": "0" * 64}, "invalid_callback_signature"),
        "mtn-sig": (
            notification(),
            {**query, "sig": URLS.signer.sign("mtn", payment.id)},
            "invalid_callback_signature",
        ),
        "wrong-token": (notification("f" * 32), query, "invalid_notif_token"),
        "no-token": (b'{"status": "SUCCESS"}', query, "invalid_notif_token"),
        "token-not-a-string": (b'{"notif_token": 7}', query, "invalid_notif_token"),
        "unknown-payment": (notification(), notif_query("pay_unknown"), "invalid_notif_token"),
    }
    other.provider_data["notif_token"] = "another-token"
    cases["other-payments-token"] = (notification("another-token"), query, "invalid_notif_token")
    for name, (body, bad_query, reason) in cases.items():
        with pytest.raises(WebhookRejected) as rejected:
            await orange.notifications.authenticate(body, {}, bad_query)
        assert rejected.value.reason == reason, name


async def test_an_unreadable_notification_is_malformed(orange: Adapter, api: respx.Router) -> None:
    given_orange(api)
    payment = await orange.started()
    with pytest.raises(MalformedWebhook):
        await orange.notifications.authenticate(b"status=SUCCESS", {}, notif_query(payment.id))


# -- the whole flow over the HTTP API --------------------------------------------------------


@pytest.fixture(scope="module")
async def orange_app(settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    async with provider_app(settings, ENV) as client:
        yield client


@pytest.fixture
async def client(orange_app: AsyncTestClient[Any], clean_db: None) -> AsyncTestClient[Any]:
    return orange_app


async def start(client: Any, store: StoreKeys) -> tuple[dict[str, Any], dict[str, Any]]:
    order, response = await order_and_payment(client, store, "orange_money")
    assert response.status_code == 201, response.text
    return order, response.json()


def notif_path(api: respx.Router) -> str:
    """The notif_url the service gave Orange, as a path of the test client."""
    url = str(sent_json(api, "webpayment")["notif_url"])
    assert url.startswith(BASE_URL)
    return url.removeprefix(BASE_URL)


async def notify(client: Any, api: respx.Router, body: bytes) -> Any:
    return await client.post(
        notif_path(api), content=body, headers={"Content-Type": "application/json"}
    )


async def test_a_payment_succeeds_through_orange_notification_over_http(
    client: Any, store: StoreKeys, api: respx.Router
) -> None:
    given_orange(api)
    order, payment = await start(client, store)
    assert payment["status"] == "pending"
    assert payment["next_action"]["type"] == "redirect"
    assert payment["next_action"]["url"] == PAYMENT_URL
    assert payment["provider_reference"] == payment["id"]
    assert NOTIF_TOKEN not in json.dumps(payment)

    api.routes["status"].respond(201, json=status_answer("SUCCESS", payment["id"]))
    response = await notify(client, api, notification())
    assert response.status_code == 200, response.text
    assert response.json() == {"received": True}

    state = await payment_state(client, store, payment["id"])
    assert state["status"] == "succeeded"
    assert await order_status(client, store, order["id"]) == "paid"
    asked = sent_json(api, "status")
    assert asked == {"order_id": payment["id"], "amount": 5000, "pay_token": PAY_TOKEN}


async def test_a_payment_fails_through_orange_notification_over_http(
    client: Any, store: StoreKeys, api: respx.Router
) -> None:
    given_orange(api)
    order, payment = await start(client, store)
    api.routes["status"].respond(201, json=status_answer("FAILED", payment["id"]))
    response = await notify(client, api, notification(status="FAILED"))
    assert response.status_code == 200, response.text

    state = await payment_state(client, store, payment["id"])
    assert (state["status"], state["failure_code"]) == ("failed", "failed")
    assert await order_status(client, store, order["id"]) == "pending_payment"


async def test_orange_expiry_fails_the_payment_on_verify(
    client: Any, store: StoreKeys, api: respx.Router
) -> None:
    given_orange(api)
    _, payment = await start(client, store)
    api.routes["status"].respond(201, json=status_answer("EXPIRED", payment["id"]))
    verified = await client.post(f"/api/v1/payments/{payment['id']}/verify", headers=store.headers)
    assert verified.status_code == 200, verified.text
    assert (verified.json()["status"], verified.json()["failure_code"]) == ("failed", "expired")


async def test_a_start_that_times_out_stays_pending_and_cannot_be_asked(
    client: Any, store: StoreKeys, api: respx.Router
) -> None:
    """A lost 201 holds the pay_token: verification cannot ask, expiry will decide."""
    given_orange(api).routes["webpayment"].mock(side_effect=httpx.ReadTimeout("lost"))
    _, payment = await start(client, store)
    assert (payment["status"], payment["failure_code"]) == ("pending", None)
    verified = await client.post(f"/api/v1/payments/{payment['id']}/verify", headers=store.headers)
    assert verified.json()["status"] == "pending"
    assert (calls(api, "webpayment"), calls(api, "status")) == (1, 0)


async def test_a_notification_orange_cannot_confirm_now_is_settled_later_by_verify(
    client: Any, store: StoreKeys, api: respx.Router, pool: Any
) -> None:
    given_orange(api)
    order, payment = await start(client, store)
    api.routes["status"].mock(side_effect=httpx.ReadTimeout("slow"))
    assert (await notify(client, api, notification())).status_code == 200
    assert await count(pool, "webhook_deliveries") == 1
    assert (await payment_state(client, store, payment["id"]))["status"] == "pending"

    api.routes["status"].mock(
        side_effect=None,
        return_value=httpx.Response(201, json=status_answer("SUCCESS", payment["id"])),
    )
    verified = await client.post(f"/api/v1/payments/{payment['id']}/verify", headers=store.headers)
    assert verified.json()["status"] == "succeeded"
    assert await order_status(client, store, order["id"]) == "paid"


async def test_a_start_orange_refuses_fails_the_payment(
    client: Any, store: StoreKeys, api: respx.Router
) -> None:
    refusal = {"code": 1, "message": "Forbidden", "description": "order_id already used"}
    given_orange(api).routes["webpayment"].respond(403, json=refusal)
    _, payment = await start(client, store)
    assert (payment["status"], payment["failure_code"]) == ("failed", "1")


BAD_NOTIFICATIONS = {
    "missing-sig": lambda path: (path.split("&sig=")[0], notification()),
    "wrong-sig": lambda path: (path.split("&sig=")[0] + "&sig=" + "0" * 64, notification()),
    "wrong-notif-token": lambda path: (path, notification("0" * 32)),
    "no-notif-token": lambda path: (path, b'{"status": "SUCCESS"}'),
}


@pytest.mark.parametrize("make", BAD_NOTIFICATIONS.values(), ids=BAD_NOTIFICATIONS.keys())
async def test_a_bad_notification_is_a_401_and_changes_nothing(
    client: Any, store: StoreKeys, api: respx.Router, pool: Any, make: Any
) -> None:
    given_orange(api)
    order, payment = await start(client, store)
    api.routes["status"].respond(201, json=status_answer("SUCCESS", payment["id"]))
    path, body = make(notif_path(api))
    response = await client.post(path, content=body)
    problem(response, 401, "invalid_signature")
    assert await count(pool, "webhook_deliveries") == 0
    assert calls(api, "status") == 0
    assert (await payment_state(client, store, payment["id"]))["status"] == "pending"
    assert await order_status(client, store, order["id"]) == "pending_payment"


async def test_orange_status_wins_over_the_notification_body(
    client: Any, store: StoreKeys, api: respx.Router
) -> None:
    given_orange(api)
    order, payment = await start(client, store)
    api.routes["status"].respond(201, json=status_answer("PENDING", payment["id"]))
    assert (await notify(client, api, notification(status="SUCCESS"))).status_code == 200
    assert (await payment_state(client, store, payment["id"]))["status"] == "pending"

    api.routes["status"].respond(201, json=status_answer("SUCCESS", payment["id"]))
    assert (await notify(client, api, notification(status="FAILED"))).status_code == 200
    assert (await payment_state(client, store, payment["id"]))["status"] == "succeeded"
    assert await order_status(client, store, order["id"]) == "paid"
