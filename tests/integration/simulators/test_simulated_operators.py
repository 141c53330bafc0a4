"""The service's real adapters against the simulators over HTTP: each operator's whole flow,
callbacks included, and the scenarios the amounts choose (scenarios.py)."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
import pytest
from tests.integration.reliability.conftest import Api
from tests.integration.simulators.conftest import Simulators

CI_PHONE = "+2250701020304"
BJ_PHONE = "+2290195901234"


def pay(api: Api, provider: str, amount: int, phone: str | None = None) -> dict[str, Any]:
    country = "BJ" if provider == "moov_money" else "CI"
    order = api.http.post(
        "/api/v1/orders",
        json={
            "reference": f"SIM-{provider}-{amount}",
            "amount": amount,
            "currency": "XOF",
            "country": country,
        },
    )
    assert order.status_code == 201, order.text
    body = {"provider": provider, **({"phone": phone} if phone else {})}
    response = api.http.post(f"/api/v1/orders/{order.json()['id']}/payments", json=body)
    assert response.status_code == 201, response.text
    payment: dict[str, Any] = response.json()
    return payment


def settle(api: Api, payment_id: str, status: str, seconds: float = 20) -> dict[str, Any]:
    """Waits for `status`, asking the provider now and then (Moov has no callback)."""
    deadline = time.monotonic() + seconds
    while True:
        payment = api.payment(payment_id)
        if payment["status"] == status:
            return payment
        if time.monotonic() > deadline:
            raise AssertionError(f"{payment_id} is {payment['status']}, not {status}")
        time.sleep(0.3)


def verify(api: Api, payment_id: str) -> dict[str, Any]:
    response = api.http.post(f"/api/v1/payments/{payment_id}/verify")
    assert response.status_code == 200, response.text
    payment: dict[str, Any] = response.json()
    return payment


def transitions(api: Api, payment_id: str, kind: str) -> int:
    return sum(1 for event in api.history(payment_id) if event == kind)


@pytest.mark.parametrize(
    ("provider", "phone", "callback_path"),
    [
        ("wave", None, "/payment/webhook/wave/"),
        ("mtn_momo", CI_PHONE, "/payment/webhook/mtn/"),
        ("orange_money", None, "/payment/webhook/orange/"),
    ],
)
def test_a_payment_succeeds_through_the_operators_callback(
    api: Api, simulators: Simulators, provider: str, phone: str | None, callback_path: str
) -> None:
    payment = pay(api, provider, 5001, phone)
    assert payment["status"] == "pending"
    settled = settle(api, payment["id"], "succeeded")
    assert settled["amount"] == 5001
    sent = simulators.wait_for_deliveries(
        callback_path, 1, payment["id"] if provider != "wave" else ""
    )
    assert any(d["status"] == 200 for d in sent), sent


def test_moov_has_no_callback_and_settles_by_status_query(api: Api, simulators: Simulators) -> None:
    payment = pay(api, "moov_money", 5001, BJ_PHONE)
    assert payment["next_action"]["type"] == "approve_on_phone"
    time.sleep(0.6)  # the simulated customer approves after 0.3 s
    assert verify(api, payment["id"])["status"] == "succeeded"
    assert simulators.deliveries("/payment/webhook/moov/") == []


@pytest.mark.parametrize(
    ("provider", "phone", "code"),
    [("mtn_momo", CI_PHONE, "not_enough_funds"), ("moov_money", BJ_PHONE, "10")],
)
def test_a_refused_push_fails_with_the_operators_reason(
    api: Api, provider: str, phone: str, code: str
) -> None:
    payment = pay(api, provider, 5002, phone)
    time.sleep(0.6)
    verify(api, payment["id"])
    failed = settle(api, payment["id"], "failed")
    assert failed["failure_code"] == code


def test_a_duplicated_callback_changes_the_payment_once(api: Api, simulators: Simulators) -> None:
    payment = pay(api, "mtn_momo", 5005, CI_PHONE)
    settle(api, payment["id"], "succeeded")
    sent = simulators.wait_for_deliveries("/payment/webhook/mtn/", 2, payment["id"])
    assert [d["method"] for d in sent] == ["POST", "PUT"]
    assert [d["status"] for d in sent] == [200, 200]
    assert transitions(api, payment["id"], "payment.succeeded") == 1


def test_a_lost_orange_notification_is_found_by_asking(api: Api, simulators: Simulators) -> None:
    payment = pay(api, "orange_money", 5004)
    time.sleep(0.6)
    assert simulators.deliveries("/payment/webhook/orange/", payment["id"]) == []
    assert verify(api, payment["id"])["status"] == "succeeded"


@pytest.mark.parametrize("provider", ["wave", "orange_money"])
def test_the_customer_pays_on_the_operators_page(
    api: Api, simulators: Simulators, provider: str
) -> None:
    payment = pay(api, provider, 5000)
    page_url = payment["next_action"]["url"]
    assert page_url.startswith(simulators.config.public_url)
    page = httpx.get(page_url, timeout=10)
    assert page.status_code == 200
    assert "Confirmer le paiement" in page.text
    action = re.search(r'action="([^"]+/approve)"', page.text)
    assert action is not None
    answer = simulators.call("POST", action.group(1))
    assert answer.status_code == 303
    assert f"/payment/{payment['id']}/status/" in answer.headers["location"]
    settle(api, payment["id"], "succeeded")


def test_the_phone_page_approves_a_push(api: Api, simulators: Simulators) -> None:
    payment = pay(api, "mtn_momo", 7300, CI_PHONE)
    phone = simulators.call("GET", "/mtn/phone")
    assert "7\u202f300 XOF" in phone.text
    actions = re.findall(r'action="(/mtn/phone/[^"]+/approve)"', phone.text)
    assert actions
    for action in actions:
        simulators.call("POST", action)
    settle(api, payment["id"], "succeeded")


def test_an_operator_that_answers_503_leaves_nothing_paid(api: Api) -> None:
    order = api.http.post(
        "/api/v1/orders",
        json={"reference": "SIM-503", "amount": 5007, "currency": "XOF", "country": "CI"},
    )
    response = api.http.post(
        f"/api/v1/orders/{order.json()['id']}/payments", json={"provider": "wave"}
    )
    assert response.status_code in (201, 502, 503), response.text
    if response.status_code == 201:
        assert response.json()["status"] in ("pending", "failed")
