"""MTN MoMo Collection against respx routes written from its documented contract
(reference/providers.md section 1): the adapter alone, then the whole flow over the HTTP API."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

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

from adapters.providers import mtn_momo
from adapters.providers.deps import ProviderDeps
from adapters.providers.http import LogObserver, provider_client
from adapters.providers.mtn_momo_wire import amount_text, note
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

MTN = "https://mtn.test"
ENV = {
    "MTN_MOMO_SUBSCRIPTION_KEY": "sub-key-123",
    "MTN_MOMO_API_USER": "0f1e2d3c-4b5a-4978-8877-665544332211",
    "MTN_MOMO_API_KEY": "apikey-secret-456",
    "MTN_MOMO_TARGET_ENVIRONMENT": "mtnivorycoast",
    "MTN_MOMO_BASE_URL": MTN,
}
PHONE = "+2250700000001"
TOKEN = "/collection/token/"
REQUEST_TO_PAY = "/collection/v1_0/requesttopay"
STATUS = r"^/collection/v1_0/requesttopay/(?P<reference>[0-9a-f-]{36})$"
APIM_401 = {
    "statusCode": 401,
    "message": "Access denied due to invalid subscription key. Make sure to provide a valid "
    "key for an active subscription.",
}
URLS = ServiceUrls(BASE_URL, UrlSigner(SANDBOX_SECRET.encode()))


def token_answer(value: str = "jwt-1", expires_in: int = 3600) -> httpx.Response:
    return httpx.Response(
        200, json={"access_token": value, "token_type": "Bearer", "expires_in": expires_in}
    )


def status_body(
    status: str,
    payment_id: str | None = None,
    *,
    amount: str = "5000",
    currency: str = "XOF",
    reason: object = None,
) -> dict[str, Any]:
    """A `GET requesttopay/{ref}` answer (1.5): strings everywhere, no referenceId."""
    body: dict[str, Any] = {
        "amount": amount,
        "currency": currency,
        "payer": {"partyIdType": "MSISDN", "partyId": PHONE[1:]},
        "payerMessage": "Pagne wax",
        "payeeNote": "CMD-1001",
        "status": status,
    }
    if payment_id:
        body["externalId"] = payment_id
    if status == "SUCCESSFUL":
        body["financialTransactionId"] = "23503452"
    if reason is not None:
        body["reason"] = reason
    return body


def given_mtn(api: respx.Router, status: dict[str, Any] | None = None) -> respx.Router:
    """The three documented routes: token, requesttopay (202, empty body), status."""
    api.post(TOKEN, name="token").mock(return_value=token_answer())
    api.post(REQUEST_TO_PAY, name="requesttopay").respond(202)
    api.get(path__regex=STATUS, name="status").respond(200, json=status or status_body("PENDING"))
    return api


def calls(api: respx.Router, name: str) -> int:
    return int(api.routes[name].call_count)


@pytest.fixture
def api() -> Iterator[respx.Router]:
    with respx.mock(using="stream", base_url=MTN, assert_all_called=False) as router:
        yield router


# -- the adapter alone -----------------------------------------------------------------------


@dataclass
class Adapter:
    provider: mtn_momo.MtnMomoProvider
    callbacks: mtn_momo.MtnMomoWebhookAuthenticator
    clock: FakeClock

    def payment(
        self, *, amount: int = 5000, currency: str = "XOF", description: str | None = None
    ) -> tuple[Payment, Order]:
        order = make_order(make_store(), amount=amount, currency=currency, reference="CMD-1001")
        order.description = description
        payment_id = f"pay_{uuid.uuid4().hex[:26]}"
        payment = Payment.create(
            id=payment_id,
            order_id=order.id,
            store_id=order.store_id,
            provider="mtn_momo",
            amount=order.amount,
            at=self.clock.now(),
            phone=PHONE,
            reference=self.provider.reference_for(payment_id),
        )
        return payment, order


async def no_payment(payment_id: str) -> Payment | None:
    return None


async def adapter_for(env: dict[str, str]) -> AsyncIterator[Adapter]:
    config = mtn_momo.configure(env)
    assert config is not None
    clock = FakeClock()
    async with provider_client(config.base_url, config.timeout) as client:
        deps = ProviderDeps(client, URLS, clock, LogObserver(), no_payment)
        provider, callbacks = mtn_momo.build(config, deps)
        yield Adapter(provider, callbacks, clock)


@pytest.fixture
async def mtn() -> AsyncIterator[Adapter]:
    async for adapter in adapter_for(ENV):
        yield adapter


def test_it_is_configured_only_with_all_its_credentials() -> None:
    assert mtn_momo.configure({}) is None
    for missing in ("MTN_MOMO_SUBSCRIPTION_KEY", "MTN_MOMO_API_USER", "MTN_MOMO_API_KEY"):
        assert mtn_momo.configure({**ENV, missing: " "}) is None
    config = mtn_momo.configure(ENV)
    assert config is not None
    assert (config.base_url, config.target_environment) == (MTN, "mtnivorycoast")
    assert config.timeout.connect and config.timeout.read
    assert config.sandbox_problems() == []
    assert "apikey-secret-456" not in repr(config) and "sub-key-123" not in repr(config)


def test_a_sandbox_target_or_host_is_unfit_for_production() -> None:
    env = {k: v for k, v in ENV.items() if k.endswith(("KEY", "USER"))}
    config = mtn_momo.configure(env)
    assert config is not None
    assert (config.target_environment, config.base_url) == ("sandbox", mtn_momo.SANDBOX_BASE_URL)
    problems = config.sandbox_problems()
    assert len(problems) == 2
    assert "MTN_MOMO_TARGET_ENVIRONMENT" in problems[0] and "MTN_MOMO_BASE_URL" in problems[1]
    legacy = mtn_momo.configure(
        {**ENV, "MTN_MOMO_BASE_URL": "https://ericssonbasicapi2.azure-api.net"}
    )
    assert legacy is not None and len(legacy.sandbox_problems()) == 1


def test_the_reference_is_a_fresh_uuid4(mtn: Adapter) -> None:
    one, two = mtn.provider.reference_for("pay_1"), mtn.provider.reference_for("pay_1")
    assert one != two
    assert one is not None and uuid.UUID(one).version == 4


def test_amounts_are_strings_of_the_currency_units() -> None:
    assert amount_text(Money.of(5000, "XOF")) == "5000"
    assert amount_text(Money.of(1200, "GHS")) == "12"
    assert amount_text(Money.of(1250, "GHS")) == "12.50"
    assert amount_text(Money.of(1205, "GHS")) == "12.05"


def test_notes_lose_the_characters_mtn_rejects_and_stop_at_160() -> None:
    assert note("L'été & l'hiver: 2 pagnes") == "L ete l hiver: 2 pagnes"
    assert len(note("x" * 400)) == 160


async def test_start_sends_the_documented_request(mtn: Adapter, api: respx.Router) -> None:
    given_mtn(api)
    payment, order = mtn.payment(description="Pagne wax & sandales d'" + "é" * 300)
    result = await mtn.provider.start(payment, order)

    assert result.reference == payment.provider_reference
    assert result.next_action is not None and result.next_action.type == "approve_on_phone"
    token = api.routes["token"].calls.last.request
    basic = base64.b64encode(f"{ENV['MTN_MOMO_API_USER']}:{ENV['MTN_MOMO_API_KEY']}".encode())
    assert token.headers["Authorization"] == f"Basic {basic.decode()}"
    assert token.headers["Ocp-Apim-Subscription-Key"] == "sub-key-123"
    assert token.content == b""
    sent = api.routes["requesttopay"].calls.last.request
    assert sent.headers["Authorization"] == "Bearer jwt-1"
    assert sent.headers["X-Reference-Id"] == payment.provider_reference
    assert sent.headers["X-Target-Environment"] == "mtnivorycoast"
    assert sent.headers["Ocp-Apim-Subscription-Key"] == "sub-key-123"
    assert sent.headers["X-Callback-Url"] == URLS.callback("mtn", payment.id)
    body = json.loads(sent.content)
    assert body["amount"] == "5000" and body["currency"] == "XOF"
    assert body["externalId"] == payment.id
    assert body["payer"] == {"partyIdType": "MSISDN", "partyId": "2250700000001"}
    assert body["payerMessage"].startswith("Pagne wax sandales d e")
    assert len(body["payerMessage"]) == 160 and "'" not in body["payerMessage"]
    assert all(isinstance(value, str) for key, value in body.items() if key != "payer")


async def test_the_sandbox_is_asked_in_eur_and_its_eur_is_read_as_ours(
    api: respx.Router,
) -> None:
    env = {**ENV, "MTN_MOMO_TARGET_ENVIRONMENT": "sandbox"}
    async for adapter in adapter_for(env):
        payment, order = adapter.payment()
        given_mtn(api, status_body("SUCCESSFUL", payment.id, currency="EUR"))
        await adapter.provider.start(payment, order)
        assert (
            json.loads(api.routes["requesttopay"].calls.last.request.content)["currency"] == "EUR"
        )
        report = await adapter.provider.fetch_status(payment)
        assert report.status is ReportedStatus.SUCCEEDED
        assert report.amount == payment.amount


async def test_a_success_is_reported_with_mtns_amount(mtn: Adapter, api: respx.Router) -> None:
    payment, _ = mtn.payment()
    given_mtn(api, status_body("SUCCESSFUL", payment.id))
    report = await mtn.provider.fetch_status(payment)
    assert report.status is ReportedStatus.SUCCEEDED
    assert report.amount == Money.of(5000, "XOF")
    assert report.raw["financialTransactionId"] == "23503452"
    sent = api.routes["status"].calls.last.request
    assert sent.url.path.endswith(str(payment.provider_reference))
    assert sent.headers["X-Target-Environment"] == "mtnivorycoast"


async def test_a_cedi_amount_is_read_in_pesewas(api: respx.Router, mtn: Adapter) -> None:
    payment, _ = mtn.payment(amount=1250, currency="GHS")
    given_mtn(api, status_body("SUCCESSFUL", payment.id, amount="12.50", currency="GHS"))
    assert (await mtn.provider.fetch_status(payment)).amount == Money.of(1250, "GHS")


REASONS = {
    "string": "NOT_ENOUGH_FUNDS",
    "object": {"code": "NOT_ENOUGH_FUNDS", "message": "The payer does not have enough funds."},
}


@pytest.mark.parametrize("reason", REASONS.values(), ids=REASONS.keys())
async def test_not_enough_funds_in_both_reason_shapes(
    mtn: Adapter, api: respx.Router, reason: object
) -> None:
    payment, _ = mtn.payment()
    given_mtn(api, status_body("FAILED", payment.id, reason=reason))
    report = await mtn.provider.fetch_status(payment)
    assert report.status is ReportedStatus.FAILED
    assert report.failure_code == "not_enough_funds"
    assert report.failure_message


async def test_payer_not_found_in_the_status(mtn: Adapter, api: respx.Router) -> None:
    payment, _ = mtn.payment()
    given_mtn(api, status_body("FAILED", payment.id, reason="PAYER_NOT_FOUND"))
    report = await mtn.provider.fetch_status(payment)
    assert (report.status, report.failure_code) == (ReportedStatus.FAILED, "payer_not_found")


async def test_a_failure_without_reason_is_failed(mtn: Adapter, api: respx.Router) -> None:
    payment, _ = mtn.payment()
    given_mtn(api, status_body("FAILED", payment.id))
    report = await mtn.provider.fetch_status(payment)
    assert (report.status, report.failure_code) == (ReportedStatus.FAILED, "failed")


REFUSALS = {
    "payer-not-found-500": (500, {"code": "PAYER_NOT_FOUND", "message": "Payer not found"}),
    "invalid-payer-400": (400, {"code": "INVALID_PAYER", "message": "Bad MSISDN"}),
    "callback-host-in-message": (
        500,
        {"message": "Callback URL host does not match: INVALID_CALLBACK_URL_HOST"},
    ),
}


@pytest.mark.parametrize(("http", "body"), REFUSALS.values(), ids=REFUSALS.keys())
async def test_a_refused_request_is_rejected_with_mtns_code(
    mtn: Adapter, api: respx.Router, http: int, body: dict[str, Any]
) -> None:
    given_mtn(api).routes["requesttopay"].respond(http, json=body)
    payment, order = mtn.payment()
    with pytest.raises(ProviderRejected) as refused:
        await mtn.provider.start(payment, order)
    expected = str(body.get("code") or "INVALID_CALLBACK_URL_HOST").lower()
    assert refused.value.code == expected
    assert refused.value.raw["body"] == body
    assert (calls(api, "requesttopay"), calls(api, "status")) == (1, 0)  # no lookup, no resend


@pytest.mark.parametrize("status", ["PENDING", "ONGOING", "SOMETHING_NEW", ""])
async def test_pending_and_unknown_statuses_are_pending(
    mtn: Adapter, api: respx.Router, status: str
) -> None:
    payment, _ = mtn.payment()
    given_mtn(api, status_body(status, payment.id))
    assert (await mtn.provider.fetch_status(payment)).status is ReportedStatus.PENDING


async def test_an_unknown_reference_changes_nothing(mtn: Adapter, api: respx.Router) -> None:
    not_found = {"code": "RESOURCE_NOT_FOUND", "message": "Requested resource was not found."}
    given_mtn(api).routes["status"].respond(404, json=not_found)
    payment, _ = mtn.payment()
    report = await mtn.provider.fetch_status(payment)
    assert report.status is ReportedStatus.UNKNOWN
    assert report.raw == {"status": 404, "body": not_found}


@pytest.mark.parametrize("answer", [httpx.Response(503), httpx.ReadTimeout("slow")])
async def test_a_status_query_that_cannot_answer_is_unavailable(
    mtn: Adapter, api: respx.Router, answer: Any
) -> None:
    given_mtn(api).routes["status"].mock(side_effect=[answer])
    payment, _ = mtn.payment()
    with pytest.raises(ProviderUnavailable):
        await mtn.provider.fetch_status(payment)


async def test_a_status_query_never_outlasts_mtns_callback_patience(
    mtn: Adapter, api: respx.Router
) -> None:
    async def slow_status(request: httpx.Request, reference: str) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200, json=status_body("SUCCESSFUL"))

    given_mtn(api).routes["status"].mock(side_effect=slow_status)
    payment, _ = mtn.payment()
    started = time.monotonic()
    with pytest.raises(ProviderUnavailable):
        await mtn.provider.fetch_status(payment)
    assert time.monotonic() - started < 2.0


async def test_a_success_without_a_readable_amount_is_not_a_success(
    mtn: Adapter, api: respx.Router
) -> None:
    payment, _ = mtn.payment()
    given_mtn(api, status_body("SUCCESSFUL", payment.id, currency="USD"))
    assert (await mtn.provider.fetch_status(payment)).status is ReportedStatus.UNKNOWN
    api.routes["status"].respond(200, json=status_body("SUCCESSFUL", payment.id, amount="50.5"))
    assert (await mtn.provider.fetch_status(payment)).status is ReportedStatus.UNKNOWN


async def test_an_answer_about_another_payment_is_not_believed(
    mtn: Adapter, api: respx.Router
) -> None:
    payment, _ = mtn.payment()
    given_mtn(api, status_body("SUCCESSFUL", "pay_someone_else"))
    assert (await mtn.provider.fetch_status(payment)).status is ReportedStatus.UNKNOWN


# -- tokens ----------------------------------------------------------------------------------


async def test_the_token_is_kept_until_shortly_before_it_expires(
    mtn: Adapter, api: respx.Router
) -> None:
    given_mtn(api).routes["token"].mock(side_effect=[token_answer("jwt-1"), token_answer("jwt-2")])
    payment, _ = mtn.payment()
    await mtn.provider.fetch_status(payment)
    mtn.clock.advance(minutes=58)
    await mtn.provider.fetch_status(payment)
    assert calls(api, "token") == 1
    mtn.clock.advance(minutes=1, seconds=1)  # 59 min 1 s: inside the refresh margin
    await mtn.provider.fetch_status(payment)
    assert calls(api, "token") == 2
    assert api.routes["status"].calls.last.request.headers["Authorization"] == "Bearer jwt-2"


async def test_concurrent_calls_fetch_one_token(mtn: Adapter, api: respx.Router) -> None:
    async def slow_token(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.05)
        return token_answer()

    given_mtn(api).routes["token"].mock(side_effect=slow_token)
    payment, _ = mtn.payment()
    await asyncio.gather(*(mtn.provider.fetch_status(payment) for _ in range(5)))
    assert (calls(api, "token"), calls(api, "status")) == (1, 5)


async def test_an_expired_token_is_refreshed_once_and_the_call_retried(
    mtn: Adapter, api: respx.Router
) -> None:
    payment, _ = mtn.payment()
    given_mtn(api).routes["token"].mock(side_effect=[token_answer("jwt-1"), token_answer("jwt-2")])
    api.routes["status"].mock(
        side_effect=[
            httpx.Response(401, json={"error": "token expired"}),
            httpx.Response(200, json=status_body("SUCCESSFUL", payment.id)),
        ]
    )
    report = await mtn.provider.fetch_status(payment)
    assert report.status is ReportedStatus.SUCCEEDED
    assert (calls(api, "token"), calls(api, "status")) == (2, 2)
    assert api.routes["status"].calls.last.request.headers["Authorization"] == "Bearer jwt-2"


async def test_a_token_refused_twice_is_not_retried_again(mtn: Adapter, api: respx.Router) -> None:
    given_mtn(api).routes["status"].respond(401, json={"error": "invalid token"})
    payment, _ = mtn.payment()
    with pytest.raises(ProviderUnavailable):
        await mtn.provider.fetch_status(payment)
    assert (calls(api, "token"), calls(api, "status")) == (2, 2)


async def test_the_subscription_key_401_is_never_retried(mtn: Adapter, api: respx.Router) -> None:
    given_mtn(api).routes["requesttopay"].respond(401, json=APIM_401)
    api.routes["status"].respond(401, json=APIM_401)
    payment, order = mtn.payment()
    with pytest.raises(ProviderRejected) as refused:
        await mtn.provider.start(payment, order)
    assert refused.value.code == "provider_credentials_rejected"
    assert "MTN_MOMO_SUBSCRIPTION_KEY" in refused.value.message
    assert (calls(api, "token"), calls(api, "requesttopay"), calls(api, "status")) == (1, 1, 0)
    with pytest.raises(ProviderUnavailable):  # a status cannot be known: nothing changes
        await mtn.provider.fetch_status(payment)
    assert (calls(api, "token"), calls(api, "status")) == (1, 1)


async def test_refused_api_credentials_reject_the_start(mtn: Adapter, api: respx.Router) -> None:
    given_mtn(api).routes["token"].respond(401, json={"error": "login_failed"})
    payment, order = mtn.payment()
    with pytest.raises(ProviderRejected) as refused:
        await mtn.provider.start(payment, order)
    assert "MTN_MOMO_API_USER" in refused.value.message
    assert "apikey-secret-456" not in json.dumps(refused.value.raw)
    assert (calls(api, "token"), calls(api, "requesttopay")) == (1, 0)


# -- lost answers: look up by the same reference, resend at most once ------------------------


async def test_409_means_the_request_already_exists(mtn: Adapter, api: respx.Router) -> None:
    exists = {"code": "RESOURCE_ALREADY_EXIST", "message": "Duplicated reference id."}
    given_mtn(api).routes["requesttopay"].respond(409, json=exists)
    payment, order = mtn.payment()
    result = await mtn.provider.start(payment, order)
    assert result.reference == payment.provider_reference
    assert calls(api, "requesttopay") == 1


async def test_a_timeout_then_found_is_started_without_resending(
    mtn: Adapter, api: respx.Router
) -> None:
    given_mtn(api).routes["requesttopay"].mock(side_effect=httpx.ReadTimeout("lost"))
    payment, order = mtn.payment()
    result = await mtn.provider.start(payment, order)
    assert result.next_action is not None
    assert (calls(api, "requesttopay"), calls(api, "status")) == (1, 1)
    looked_up = api.routes["status"].calls.last.request.url.path
    assert looked_up.endswith(str(payment.provider_reference))


@pytest.mark.parametrize(
    "first",
    [
        httpx.ReadTimeout("lost"),
        httpx.Response(500, json={"code": "INTERNAL_PROCESSING_ERROR", "message": "oops"}),
        httpx.Response(503, text="Service Unavailable"),
    ],
    ids=["timeout", "500-internal-error", "503"],
)
async def test_202_then_404_is_resent_with_the_same_reference(
    mtn: Adapter, api: respx.Router, first: Any
) -> None:
    given_mtn(api).routes["requesttopay"].mock(side_effect=[first, httpx.Response(202)])
    api.routes["status"].respond(404, json={"code": "RESOURCE_NOT_FOUND", "message": "none"})
    payment, order = mtn.payment()
    result = await mtn.provider.start(payment, order)
    assert result.reference == payment.provider_reference
    sent = [call.request for call in api.routes["requesttopay"].calls]
    assert len(sent) == 2
    assert {request.headers["X-Reference-Id"] for request in sent} == {payment.provider_reference}
    assert sent[0].content == sent[1].content


async def test_it_is_resent_at_most_once(mtn: Adapter, api: respx.Router) -> None:
    given_mtn(api).routes["requesttopay"].mock(side_effect=httpx.ReadTimeout("lost"))
    api.routes["status"].respond(404, json={"code": "RESOURCE_NOT_FOUND"})
    payment, order = mtn.payment()
    with pytest.raises(ProviderUnavailable):
        await mtn.provider.start(payment, order)
    assert (calls(api, "requesttopay"), calls(api, "status")) == (2, 1)


@pytest.mark.parametrize(
    "lookup", [httpx.ReadTimeout("down"), httpx.Response(503)], ids=["timeout", "503"]
)
async def test_a_lookup_that_cannot_answer_leaves_the_outcome_unknown(
    mtn: Adapter, api: respx.Router, lookup: Any
) -> None:
    given_mtn(api).routes["requesttopay"].mock(side_effect=httpx.ConnectTimeout("down"))
    api.routes["status"].mock(side_effect=[lookup])
    payment, order = mtn.payment()
    with pytest.raises(ProviderUnavailable):
        await mtn.provider.start(payment, order)
    assert calls(api, "requesttopay") == 1


# -- callbacks -------------------------------------------------------------------------------


def callback_query(payment_id: str) -> dict[str, str]:
    query = URLS.callback("mtn", payment_id).partition("?")[2]
    return dict(part.split("=", 1) for part in query.split("&"))


async def test_a_signed_callback_is_a_delivery_about_its_payment(mtn: Adapter) -> None:
    body = json.dumps(status_body("SUCCESSFUL", "pay_1")).encode()
    delivery = await mtn.callbacks.authenticate(body, {}, callback_query("pay_1"))
    assert (delivery.payment_id, delivery.event_id) == ("pay_1", "pay_1:SUCCESSFUL:23503452")
    assert delivery.provider == "mtn_momo" and delivery.body == body


BAD_QUERIES = {
    "no-sig": {"payment": "pay_1"},
    "no-payment": {"sig": callback_query("pay_1")["sig"]},
    "wrong-sig": {"payment": "pay_1", "sig": "00" * 32},
    "other-payments-sig": {"payment": "pay_1", "sig": callback_query("pay_2")["sig"]},
    "orange-sig": {"payment": "pay_1", "sig": URLS.signer.sign("orange", "pay_1")},
}


@pytest.mark.parametrize("query", BAD_QUERIES.values(), ids=BAD_QUERIES.keys())
async def test_a_callback_without_our_signature_is_rejected(
    mtn: Adapter, query: dict[str, str]
) -> None:
    with pytest.raises(WebhookRejected) as rejected:
        await mtn.callbacks.authenticate(b"{}", {}, query)
    assert rejected.value.reason == "invalid_callback_signature"


@pytest.mark.parametrize("body", [b"", b"{not json", b"[1, 2]", b"\xff\xfe"])
async def test_an_unreadable_signed_callback_is_malformed(mtn: Adapter, body: bytes) -> None:
    with pytest.raises(MalformedWebhook):
        await mtn.callbacks.authenticate(body, {}, callback_query("pay_1"))


# -- the whole flow over the HTTP API --------------------------------------------------------


@pytest.fixture(scope="module")
async def mtn_app(settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    async with provider_app(settings, ENV) as client:
        yield client


@pytest.fixture
async def client(mtn_app: AsyncTestClient[Any], clean_db: None) -> AsyncTestClient[Any]:
    return mtn_app


async def start(client: Any, store: StoreKeys) -> tuple[dict[str, Any], dict[str, Any]]:
    order, response = await order_and_payment(client, store, "mtn_momo", phone=PHONE)
    assert response.status_code == 201, response.text
    return order, response.json()


def callback_path(api: respx.Router) -> str:
    """The X-Callback-Url the service gave MTN, as a path of the test client."""
    url = str(api.routes["requesttopay"].calls.last.request.headers["X-Callback-Url"])
    assert url.startswith(BASE_URL)
    return url.removeprefix(BASE_URL)


async def test_a_payment_succeeds_through_mtns_callback_over_http(
    client: Any, store: StoreKeys, api: respx.Router
) -> None:
    given_mtn(api)
    order, payment = await start(client, store)
    assert payment["status"] == "pending"
    assert payment["next_action"]["type"] == "approve_on_phone"
    reference = api.routes["requesttopay"].calls.last.request.headers["X-Reference-Id"]
    assert payment["provider_reference"] == reference

    api.routes["status"].respond(200, json=status_body("SUCCESSFUL", payment["id"]))
    body = json.dumps(status_body("SUCCESSFUL", payment["id"])).encode()
    response = await client.post(callback_path(api), content=body)
    assert response.status_code == 200, response.text
    assert response.json() == {"received": True}

    state = await payment_state(client, store, payment["id"])
    assert state["status"] == "succeeded"
    assert state["events"] == ["payment.created", "payment.pending", "payment.succeeded"]
    assert await order_status(client, store, order["id"]) == "paid"
    assert api.routes["status"].calls.last.request.url.path.endswith(reference)


async def test_a_payment_fails_through_a_put_callback_over_http(
    client: Any, store: StoreKeys, api: respx.Router
) -> None:
    given_mtn(api)
    order, payment = await start(client, store)
    failed = status_body("FAILED", payment["id"], reason="NOT_ENOUGH_FUNDS")
    api.routes["status"].respond(200, json=failed)
    response = await client.put(callback_path(api), content=json.dumps(failed).encode())
    assert response.status_code == 200, response.text

    state = await payment_state(client, store, payment["id"])
    assert (state["status"], state["failure_code"]) == ("failed", "not_enough_funds")
    assert await order_status(client, store, order["id"]) == "pending_payment"


async def test_a_refusal_at_start_fails_the_payment_with_mtns_code(
    client: Any, store: StoreKeys, api: respx.Router
) -> None:
    given_mtn(api).routes["requesttopay"].respond(500, json={"code": "PAYER_NOT_FOUND"})
    _, payment = await start(client, store)
    assert (payment["status"], payment["failure_code"]) == ("failed", "payer_not_found")
    history = (await payment_state(client, store, payment["id"]))["history"]
    assert history[-1]["data"]["provider"]["body"] == {"code": "PAYER_NOT_FOUND"}


async def test_a_start_that_times_out_is_pending_and_settled_by_verify(
    client: Any, store: StoreKeys, api: respx.Router
) -> None:
    given_mtn(api).routes["requesttopay"].mock(side_effect=httpx.ReadTimeout("lost"))
    api.routes["status"].mock(side_effect=httpx.ReadTimeout("also lost"))
    _, payment = await start(client, store)
    assert payment["status"] == "pending"
    assert payment["failure_code"] is None

    api.routes["status"].mock(
        side_effect=None, return_value=httpx.Response(200, json=status_body("SUCCESSFUL"))
    )
    verified = await client.post(f"/api/v1/payments/{payment['id']}/verify", headers=store.headers)
    assert verified.status_code == 200, verified.text
    assert verified.json()["status"] == "succeeded"
    assert calls(api, "requesttopay") == 1  # the lookup failed: never sent blindly again


CALLBACK_QUERIES = {
    "missing-sig": lambda payment_id: f"?payment={payment_id}",
    "wrong-sig": lambda payment_id: f"?payment={payment_id}&sig={'ab' * 32}",
    "another-payments-sig": lambda payment_id: (
        "?" + URLS.callback("mtn", "pay_other").partition("?")[2].replace("pay_other", payment_id)
    ),
    "no-query": lambda payment_id: "",
}


@pytest.mark.parametrize("make_query", CALLBACK_QUERIES.values(), ids=CALLBACK_QUERIES.keys())
async def test_an_unsigned_callback_is_a_401_and_changes_nothing(
    client: Any, store: StoreKeys, api: respx.Router, pool: Any, make_query: Any
) -> None:
    given_mtn(api)
    order, payment = await start(client, store)
    api.routes["status"].respond(200, json=status_body("SUCCESSFUL", payment["id"]))
    body = json.dumps(status_body("SUCCESSFUL", payment["id"])).encode()
    response = await client.post(f"/payment/webhook/mtn/{make_query(payment['id'])}", content=body)
    problem(response, 401, "invalid_signature")
    assert await count(pool, "webhook_deliveries") == 0
    assert calls(api, "status") == 0
    assert (await payment_state(client, store, payment["id"]))["status"] == "pending"
    assert await order_status(client, store, order["id"]) == "pending_payment"


async def test_mtns_status_wins_over_the_callback_body(
    client: Any, store: StoreKeys, api: respx.Router
) -> None:
    given_mtn(api)
    order, payment = await start(client, store)
    forged = json.dumps(status_body("SUCCESSFUL", payment["id"])).encode()
    response = await client.post(callback_path(api), content=forged)  # MTN still says PENDING
    assert response.status_code == 200
    assert (await payment_state(client, store, payment["id"]))["status"] == "pending"

    failed = status_body("FAILED", payment["id"], reason={"code": "APPROVAL_REJECTED"})
    api.routes["status"].respond(200, json=failed)
    other = json.dumps(status_body("PENDING", payment["id"])).encode()  # MTN says FAILED
    assert (await client.post(callback_path(api), content=other)).status_code == 200
    state = await payment_state(client, store, payment["id"])
    assert (state["status"], state["failure_code"]) == ("failed", "approval_rejected")
    assert await order_status(client, store, order["id"]) == "pending_payment"


MISMATCHES = {"amount": {"amount": "4000"}, "currency": {"currency": "XAF"}}


@pytest.mark.parametrize("reported", MISMATCHES.values(), ids=MISMATCHES.keys())
async def test_a_success_of_another_amount_is_flagged_never_succeeded(
    client: Any, store: StoreKeys, api: respx.Router, reported: dict[str, str]
) -> None:
    given_mtn(api)
    order, payment = await start(client, store)
    api.routes["status"].respond(200, json=status_body("SUCCESSFUL", payment["id"], **reported))
    verified = await client.post(f"/api/v1/payments/{payment['id']}/verify", headers=store.headers)
    assert verified.status_code == 200, verified.text
    state = await payment_state(client, store, payment["id"])
    assert state["status"] == "pending"
    assert state["flagged_reason"] == "amount_mismatch"
    assert "payment.amount_mismatch" in state["events"]
    assert "payment.succeeded" not in state["events"]
    assert await order_status(client, store, order["id"]) == "pending_payment"


async def test_the_mtn_callback_route_accepts_put_and_deduplicates(
    client: Any, store: StoreKeys, api: respx.Router, pool: Any
) -> None:
    given_mtn(api)
    _, payment = await start(client, store)
    api.routes["status"].respond(200, json=status_body("SUCCESSFUL", payment["id"]))
    body = json.dumps(status_body("SUCCESSFUL", payment["id"])).encode()
    for _ in range(3):  # MTN retries a callback every second
        assert (await client.put(callback_path(api), content=body)).status_code == 200
    assert await count(pool, "webhook_deliveries") == 1
    state = await payment_state(client, store, payment["id"])
    assert state["events"].count("payment.succeeded") == 1
