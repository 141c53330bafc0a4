"""Edge cases of the transport, against respx routes: retries with the same Idempotency-Key,
Retry-After, what is never retried, errors by problem code, pages followed."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

import payments_client
from payments_client import (
    AsyncPaymentsClient,
    ClientError,
    InvalidPhone,
    PaymentInProgress,
    PaymentsClient,
    RetryPolicy,
    ServerError,
    ServiceUnreachable,
    ValidationFailed,
)

BASE = "http://payments.test"
RETRY = RetryPolicy(attempts=4, backoff=0.01, max_delay=60)
NOW = "2026-01-01T00:00:00Z"
ORDER = {
    "id": "ord_1",
    "object": "order",
    "store_id": "str_1",
    "reference": "CMD-1",
    "status": "pending_payment",
    "amount": 5000,
    "currency": "XOF",
    "checkout_url": f"{BASE}/order/ord_1/payment/?token=t",
    "created_at": NOW,
    "updated_at": NOW,
}
PAYMENT = {
    "id": "pay_1",
    "object": "payment",
    "order_id": "ord_1",
    "store_id": "str_1",
    "provider": "sandbox",
    "status": "pending",
    "amount": 5000,
    "currency": "XOF",
    "created_at": NOW,
    "updated_at": NOW,
}
REFUND = {
    "id": "rfd_1",
    "object": "refund",
    "payment_id": "pay_1",
    "order_id": "ord_1",
    "store_id": "str_1",
    "amount": 2000,
    "currency": "XOF",
    "status": "pending",
    "reason": "damaged",
    "created_at": NOW,
    "updated_at": NOW,
}


def problem(status: int, code: str, **headers: str) -> httpx.Response:
    body = {"type": "t", "title": code, "status": status, "detail": f"{code}!", "code": code}
    return httpx.Response(status, json=body, headers={"X-Request-ID": "req-42", **headers})


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    delays: list[float] = []
    monkeypatch.setattr("payments_client.sync.time.sleep", delays.append)
    return delays


@pytest.fixture
def payments() -> PaymentsClient:
    return PaymentsClient("sk_test", BASE, retry=RETRY)


@respx.mock
def test_a_creating_call_is_retried_with_the_same_key(
    payments: PaymentsClient, slept: list[float]
) -> None:
    route = respx.post(f"{BASE}/api/v1/orders").mock(
        side_effect=[
            httpx.ReadTimeout("slow"),
            problem(503, "database_unavailable"),
            httpx.Response(201, json=ORDER),
        ]
    )
    order = payments.orders.create(reference="CMD-1", amount=5000, currency="XOF")
    assert order.id == "ord_1" and order.amount == 5000
    keys = {call.request.headers["Idempotency-Key"] for call in route.calls}
    assert route.call_count == 3 and len(keys) == 1
    assert len(slept) == 2


@respx.mock
def test_a_given_key_is_sent_and_the_body_is_the_request_struct(payments: PaymentsClient) -> None:
    route = respx.post(f"{BASE}/api/v1/orders/ord_1/payments").mock(
        return_value=httpx.Response(201, json=PAYMENT)
    )
    payments.payments.create("ord_1", provider="sandbox", idempotency_key="pay-CMD-1")
    request = route.calls.last.request
    assert request.headers["Idempotency-Key"] == "pay-CMD-1"
    assert request.content == b'{"provider":"sandbox"}'
    assert request.headers["Authorization"] == "Bearer sk_test"


@respx.mock
def test_retry_after_is_honoured(payments: PaymentsClient, slept: list[float]) -> None:
    respx.get(f"{BASE}/api/v1/orders/ord_1").mock(
        side_effect=[
            problem(429, "rate_limited", **{"Retry-After": "7"}),
            httpx.Response(200, json=ORDER),
        ]
    )
    assert payments.orders.get("ord_1").id == "ord_1"
    assert slept == [7.0]


@respx.mock
def test_the_first_try_still_running_is_waited_out(
    payments: PaymentsClient, slept: list[float]
) -> None:
    route = respx.post(f"{BASE}/api/v1/orders").mock(
        side_effect=[problem(409, "idempotency_key_in_use"), httpx.Response(201, json=ORDER)]
    )
    payments.orders.create(reference="CMD-1", amount=5000, currency="XOF")
    assert route.call_count == 2


@respx.mock
def test_a_call_that_could_act_twice_is_not_retried_after_a_timeout(
    payments: PaymentsClient, slept: list[float]
) -> None:
    route = respx.post(f"{BASE}/api/v1/orders/ord_1/cancel").mock(
        side_effect=httpx.ReadTimeout("slow")
    )
    with pytest.raises(ServiceUnreachable):
        payments.orders.cancel("ord_1")
    assert route.call_count == 1
    refused = respx.post(f"{BASE}/api/v1/payments/pay_1/verify").mock(
        side_effect=[httpx.ConnectError("refused"), httpx.Response(200, json=PAYMENT)]
    )
    assert payments.payments.verify("pay_1").id == "pay_1"  # never reached: safe to retry
    assert refused.call_count == 2
    failing = respx.post(f"{BASE}/api/v1/orders/ord_2/cancel").mock(
        return_value=problem(500, "internal_error")
    )
    with pytest.raises(ServerError):
        payments.orders.cancel("ord_2")
    assert failing.call_count == 1


@respx.mock
def test_when_every_try_times_out_the_key_is_handed_back(
    payments: PaymentsClient, slept: list[float]
) -> None:
    route = respx.post(f"{BASE}/api/v1/orders").mock(side_effect=httpx.ConnectTimeout("down"))
    with pytest.raises(ServiceUnreachable) as raised:
        payments.orders.create(reference="CMD-1", amount=5000, currency="XOF")
    assert route.call_count == RETRY.attempts
    assert raised.value.idempotency_key == route.calls.last.request.headers["Idempotency-Key"]


@respx.mock
def test_client_errors_are_not_retried_and_raise_by_code(payments: PaymentsClient) -> None:
    route = respx.post(f"{BASE}/api/v1/orders/ord_1/payments").mock(
        side_effect=[problem(422, "invalid_phone"), problem(409, "payment_in_progress")]
    )
    with pytest.raises(InvalidPhone) as raised:
        payments.payments.create("ord_1", provider="mtn_momo", phone="12")
    error = raised.value
    assert (error.status, error.code, error.detail, error.request_id) == (
        422,
        "invalid_phone",
        "invalid_phone!",
        "req-42",
    )
    with pytest.raises(PaymentInProgress):
        payments.payments.create("ord_1", provider="mtn_momo", phone="+2250700000001")
    assert route.call_count == 2


@respx.mock
def test_field_errors_unknown_codes_and_non_json_answers(
    payments: PaymentsClient, slept: list[float]
) -> None:
    body = {
        "status": 422,
        "code": "validation_failed",
        "detail": "bad",
        "errors": [{"field": "amount", "message": "Expected int"}],
    }
    respx.get(f"{BASE}/api/v1/orders/a").mock(return_value=httpx.Response(422, json=body))
    with pytest.raises(ValidationFailed) as raised:
        payments.orders.get("a")
    assert [e.field for e in raised.value.errors] == ["amount"]
    respx.get(f"{BASE}/api/v1/orders/b").mock(return_value=problem(418, "brand_new_code"))
    with pytest.raises(ClientError) as unknown:
        payments.orders.get("b")
    assert unknown.value.code == "brand_new_code"
    respx.get(f"{BASE}/api/v1/orders/c").mock(return_value=httpx.Response(502, text="<html>"))
    with pytest.raises(ServerError):
        payments.orders.get("c")


@respx.mock
def test_lists_follow_next_cursor(payments: PaymentsClient) -> None:
    second = {**PAYMENT, "id": "pay_0"}
    route = respx.get(f"{BASE}/api/v1/payments").mock(
        side_effect=[
            httpx.Response(200, json={"data": [PAYMENT], "has_more": True, "next_cursor": "pay_1"}),
            httpx.Response(200, json={"data": [second], "has_more": False, "next_cursor": None}),
        ]
    )
    found = payments.payments.list(customer_reference="cus_1", page_size=1)
    assert [p.id for p in found] == ["pay_1", "pay_0"]
    first, last = (call.request.url.params for call in route.calls)
    assert first["customer_reference"] == "cus_1" and "starting_after" not in first
    assert last["starting_after"] == "pay_1" and last["customer_reference"] == "cus_1"


@respx.mock
def test_refunds(payments: PaymentsClient) -> None:
    created = respx.post(f"{BASE}/api/v1/payments/pay_1/refunds").mock(
        return_value=httpx.Response(201, json=REFUND)
    )
    refund = payments.refunds.create("pay_1", amount=2000, reason="damaged")
    assert refund.id == "rfd_1" and refund.amount == 2000 and refund.status == "pending"
    assert created.calls.last.request.headers["Idempotency-Key"]
    assert created.calls.last.request.content == b'{"amount":2000,"reason":"damaged"}'
    respx.get(f"{BASE}/api/v1/refunds/rfd_1").mock(return_value=httpx.Response(200, json=REFUND))
    assert payments.refunds.get("rfd_1") == refund
    listed = respx.get(f"{BASE}/api/v1/refunds").mock(
        return_value=httpx.Response(200, json={"data": [REFUND], "has_more": False})
    )
    assert list(payments.refunds.list(payment_id="pay_1", status="pending")) == [refund]
    assert listed.calls.last.request.url.params["payment_id"] == "pay_1"


@respx.mock
async def test_the_async_client_retries_with_the_same_key(monkeypatch: pytest.MonkeyPatch) -> None:
    delays: list[float] = []

    async def sleep(delay: float) -> None:
        delays.append(delay)

    monkeypatch.setattr(payments_client.aio.asyncio, "sleep", sleep)
    route = respx.post(f"{BASE}/api/v1/orders").mock(
        side_effect=[
            problem(429, "rate_limited", **{"Retry-After": "3"}),
            httpx.Response(201, json=ORDER),
        ]
    )
    pages = respx.get(f"{BASE}/api/v1/orders").mock(
        side_effect=[
            httpx.Response(200, json={"data": [ORDER], "has_more": True, "next_cursor": "ord_1"}),
            httpx.Response(200, json={"data": [], "has_more": False}),
        ]
    )
    async with AsyncPaymentsClient("sk_test", BASE, retry=RETRY) as payments:
        order = await payments.orders.create(reference="CMD-1", amount=5000, currency="XOF")
        listed = [o.id async for o in payments.orders.list()]
    assert order.id == "ord_1" and delays == [3.0] and listed == ["ord_1"]
    assert len({c.request.headers["Idempotency-Key"] for c in route.calls}) == 1
    assert pages.call_count == 2


def test_a_retry_after_date_and_the_cap(payments: PaymentsClient) -> None:
    response: Any = httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    assert RETRY.delay(1, response) == 0.0
    capped = RetryPolicy(max_delay=2).delay(1, httpx.Response(429, headers={"Retry-After": "90"}))
    assert capped == 2
