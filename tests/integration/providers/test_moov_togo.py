"""Moov Money in Togo (Flooz e-commerce, reference/providers.md 4.2) over the HTTP API: the
SOAP `SendPayment` answered by respx, and the `sendPaymentDetails` XML-RPC callback sent from
the addresses Moov calls from, or from elsewhere."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator, Iterator
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

from adapters.providers import catalog
from adapters.providers.moov_togo_wire import METHOD_RESPONSE_OK, PaymentDetails
from adapters.providers.moov_togo_wire import payment_details_call as callback_body
from entrypoints.settings import Settings

FLOOZ = "https://flooz.test/OnlinePayment"
MOOV_ADDRESSES = "203.0.113.0/24"
PROXY = "10.0.0.1"
ENV = {
    "MOOV_MONEY_TG_MERCHANT_NAME": "BOUTIQUE-AWA",
    "MOOV_MONEY_TG_URL": FLOOZ,
    "MOOV_MONEY_TG_CALLBACK_IPS": MOOV_ADDRESSES,
}
PHONE = "+22899123456"
CALLBACK = "/payment/webhook/moov/tg/"


class FakeFlooz:
    """`SendPayment` as the 2014 document describes it: a `Receipt` with status 0 for a
    request received, 3 for a number Flooz does not know."""

    def __init__(self, router: respx.MockRouter) -> None:
        self.requests: list[dict[str, str]] = []
        router.post(FLOOZ).mock(side_effect=self._send_payment)

    def _send_payment(self, request: httpx.Request) -> httpx.Response:
        text = request.content.decode()
        fields = dict(re.findall(r"<(\w+)>([^<]*)</\1>", text))
        self.requests.append(fields)
        status = "3" if fields["destMobileNumber"].endswith("0000") else "0"
        receipt = (
            f"<referenceID>{fields['transactionCode']}</referenceID><status>{status}</status>"
            f"<statusMessage>ok</statusMessage>"
            f"<subscriberMsisdn>{fields['destMobileNumber']}</subscriberMsisdn>"
        )
        envelope = (
            '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>'
            '<ns2:SendPaymentResponse xmlns:ns2="http://service.onlinepayment.tlc.com/">'
            f"<Receipt>{receipt}</Receipt></ns2:SendPaymentResponse></S:Body></S:Envelope>"
        )
        return httpx.Response(200, text=envelope, headers={"Content-Type": "text/xml"})


@pytest.fixture(scope="module")
async def togo_app(settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    behind_proxy = dataclasses.replace(settings, trusted_proxies=(PROXY,))
    async with provider_app(behind_proxy, ENV) as client:
        yield client


@pytest.fixture
async def client(togo_app: AsyncTestClient[Any], clean_db: None) -> AsyncTestClient[Any]:
    return togo_app


@pytest.fixture
async def store(client: Any) -> StoreKeys:
    return await create_store(client)


@pytest.fixture
def flooz() -> Iterator[FakeFlooz]:
    with respx.mock(using="stream", assert_all_called=False) as router:
        yield FakeFlooz(router)


async def moov_calls(
    client: Any, body: bytes, address: str, forwarded_for: str | None = None
) -> httpx.Response:
    """A callback as it reaches the app from `address` (the socket's peer)."""
    transport = httpx.ASGITransport(app=client.app, client=(address, 40000))
    headers = {"Content-Type": "text/xml"}
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as moov:
        return await moov.post(CALLBACK, content=body, headers=headers)


def details(payment: dict[str, Any], **changes: Any) -> bytes:
    paid = PaymentDetails(
        reference=payment["id"],
        flooz_reference="FLZ-000123",
        amount=payment["amount"],
        msisdn=PHONE[1:],
        paid=True,
        expired=False,
    )
    return callback_body(dataclasses.replace(paid, **changes))


async def started(client: Any, store: StoreKeys) -> tuple[dict[str, Any], dict[str, Any]]:
    order, answer = await order_and_payment(client, store, "moov_money", phone=PHONE)
    assert answer.status_code == 201, answer.text
    return order, answer.json()


async def test_a_togo_payment_settles_through_the_xml_rpc_callback_from_moovs_address(
    client: Any, store: StoreKeys, flooz: FakeFlooz, pool: Any
) -> None:
    order, payment = await started(client, store)
    assert (payment["country"], payment["status"]) == ("TG", "pending")
    assert payment["next_action"]["type"] == "approve_on_phone"
    [sent] = flooz.requests
    assert sent["merchantName"] == "BOUTIQUE-AWA" and sent["transactionCode"] == payment["id"]
    assert (sent["destMobileNumber"], sent["amount"]) == (PHONE[1:], "5000")

    answer = await moov_calls(client, details(payment), "203.0.113.7")
    assert answer.status_code == 200, answer.text
    assert answer.content == METHOD_RESPONSE_OK
    state = await payment_state(client, store, payment["id"])
    assert state["status"] == "succeeded" and state["events"][-1] == "payment.succeeded"
    assert await order_status(client, store, order["id"]) == "paid"

    again = await moov_calls(client, details(payment), "203.0.113.7")
    assert again.status_code == 200  # once: the repeat is a duplicate
    assert await count(pool, "webhook_deliveries") == 1

    refund = await client.post(
        f"/api/v1/payments/{payment['id']}/refunds", json={}, headers=store.headers
    )
    assert refund.status_code == 201, refund.text
    assert refund.json()["status"] == "requires_action"  # no refund API: a person refunds
    assert len(flooz.requests) == 1


async def test_a_forged_callback_from_another_address_changes_nothing(
    client: Any, store: StoreKeys, flooz: FakeFlooz, pool: Any
) -> None:
    _, payment = await started(client, store)
    forged = await moov_calls(client, details(payment), "198.51.100.9")
    problem(forged, 401, "invalid_signature")
    claimed = await moov_calls(client, details(payment), "198.51.100.9", "203.0.113.7")
    problem(claimed, 401, "invalid_signature")  # X-Forwarded-For from a stranger: not believed
    assert (await payment_state(client, store, payment["id"]))["status"] == "pending"
    assert await count(pool, "webhook_deliveries") == 0


async def test_a_callback_whose_amount_or_number_differs_is_refused(
    client: Any, store: StoreKeys, flooz: FakeFlooz, pool: Any
) -> None:
    _, payment = await started(client, store)
    for wrong in ({"amount": 50}, {"msisdn": "22890000001"}, {"reference": "pay_unknown"}):
        answer = await moov_calls(client, details(payment, **wrong), "203.0.113.7")
        problem(answer, 401, "invalid_signature")
    assert (await payment_state(client, store, payment["id"]))["status"] == "pending"
    assert await count(pool, "webhook_deliveries") == 0


async def test_an_expired_request_fails_the_payment_through_the_trusted_proxy(
    client: Any, store: StoreKeys, flooz: FakeFlooz
) -> None:
    _, payment = await started(client, store)
    body = details(payment, paid=False, expired=True)
    answer = await moov_calls(client, body, PROXY, forwarded_for="203.0.113.7")
    assert answer.status_code == 200, answer.text
    state = await payment_state(client, store, payment["id"])
    assert (state["status"], state["failure_code"]) == ("failed", "expired")


async def test_a_refusal_keeps_moovs_code_and_the_account_needs_its_callback_addresses(
    client: Any, store: StoreKeys, flooz: FakeFlooz
) -> None:
    _, answer = await order_and_payment(client, store, "moov_money", phone="+22890000000")
    assert answer.status_code == 201, answer.text
    assert (answer.json()["status"], answer.json()["failure_code"]) == (
        "failed",
        "subscriber_not_registered",
    )
    [account] = [a for a in catalog.accounts(ENV) if a.country == "TG"]
    assert account.module.NAME == "moov_money" and account.currency == "XOF"
    assert account.module.REQUIRED == ("MERCHANT_NAME", "URL", "CALLBACK_IPS")  # type: ignore[attr-defined]
    assert catalog.account_problems({"MOOV_MONEY_TG_MERCHANT_NAME": "X"}) == [
        "MOOV_MONEY_TG: the account is half-configured: set MOOV_MONEY_TG_URL, "
        "MOOV_MONEY_TG_CALLBACK_IPS"
    ]
