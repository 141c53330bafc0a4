"""Refunds through the real adapters against the simulators over HTTP: MTN's Disbursement,
Wave's whole-session refund, Moov's transferFlooz, and Orange's refund left to a person."""

from __future__ import annotations

import time
from typing import Any

import pytest
from tests.integration.reliability.conftest import Api
from tests.integration.simulators.test_simulated_operators import (
    BJ_PHONE,
    CI_PHONE,
    pay,
    settle,
    verify,
)


def refund(api: Api, payment_id: str, **body: Any) -> dict[str, Any]:
    response = api.http.post(f"/api/v1/payments/{payment_id}/refunds", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def refund_settles(api: Api, refund_id: str, status: str, seconds: float = 10) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        answer = api.http.post(f"/api/v1/refunds/{refund_id}/verify").json()
        if answer["status"] == status or time.monotonic() > deadline:
            assert answer["status"] == status, answer
            result: dict[str, Any] = answer
            return result
        time.sleep(0.3)


@pytest.mark.parametrize(
    ("provider", "phone", "amount"),
    [("mtn_momo", CI_PHONE, 2000), ("moov_money", BJ_PHONE, 1500), ("wave", None, None)],
)
def test_a_refund_reaches_the_simulated_operator_and_succeeds(
    api: Api, provider: str, phone: str | None, amount: int | None
) -> None:
    payment = pay(api, provider, 5001, phone)
    if provider == "wave":
        settle(api, payment["id"], "succeeded")
    else:
        time.sleep(0.6)  # the simulated customer approves after 0.3 s
        verify(api, payment["id"])
    body = {"amount": amount} if amount else {}
    created = refund(api, payment["id"], **body)
    assert created["amount"] == (amount or 5001)
    done = refund_settles(api, created["id"], "succeeded")
    assert done["provider_reference"]
    assert api.payment(payment["id"])["amount_refunded"] == (amount or 5001)


def test_a_refund_the_simulated_mtn_refuses_fails(api: Api) -> None:
    payment = pay(api, "mtn_momo", 5001, CI_PHONE)
    time.sleep(0.6)
    verify(api, payment["id"])
    created = refund(api, payment["id"], amount=1002)  # the simulator refuses ...02
    done = refund_settles(api, created["id"], "failed")
    assert done["failure_code"] == "not_enough_funds"


def test_an_orange_refund_waits_for_a_person(api: Api) -> None:
    payment = pay(api, "orange_money", 5004)
    time.sleep(0.6)
    assert verify(api, payment["id"])["status"] == "succeeded"
    created = refund(api, payment["id"])
    assert created["status"] == "requires_action"
