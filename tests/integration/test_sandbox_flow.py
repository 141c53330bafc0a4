"""The whole flow against a real server process: the sandbox operator really POSTs its
signed webhooks back to the service over HTTP. One test per magic number (docs/architecture.md)."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from tests.integration.helpers import ORDER, count

from entrypoints.settings import SANDBOX_ADMIN_TOKEN

pytestmark = pytest.mark.usefixtures("clean_db")


@pytest.fixture
def api(live_server: str) -> httpx.Client:
    with httpx.Client(base_url=live_server, timeout=10) as client:
        response = client.post(
            "/api/v1/admin/stores",
            json={"name": "Boutique Awa"},
            headers={"Authorization": f"Bearer {SANDBOX_ADMIN_TOKEN}"},
        )
        client.headers["Authorization"] = f"Bearer {response.json()['api_key']}"
        yield client


def start_payment(api: httpx.Client, phone: str | None) -> dict[str, Any]:
    order = api.post("/api/v1/orders", json=ORDER).json()
    body = {"provider": "sandbox", **({"phone": phone} if phone else {})}
    response = api.post(f"/api/v1/orders/{order['id']}/payments", json=body)
    assert response.status_code == 201, response.text
    payment: dict[str, Any] = response.json()
    return payment


def wait_for(
    api: httpx.Client, payment_id: str, status: str, seconds: float = 10
) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        payment: dict[str, Any] = api.get(f"/api/v1/payments/{payment_id}").json()
        if payment["status"] == status or time.monotonic() > deadline:
            return payment
        time.sleep(0.2)


def history(api: httpx.Client, payment_id: str) -> list[str]:
    events = api.get(f"/api/v1/payments/{payment_id}/events").json()["data"]
    return [event["type"] for event in events]


def test_01_succeeds_through_its_webhook_and_pays_the_order(api: httpx.Client) -> None:
    payment = start_payment(api, "+2250700000001")
    assert payment["status"] == "pending"
    settled = wait_for(api, payment["id"], "succeeded")
    assert settled["status"] == "succeeded"
    assert settled["succeeded_at"] is not None
    assert history(api, payment["id"]) == [
        "payment.created",
        "payment.pending",
        "payment.succeeded",
    ]
    events = api.get(f"/api/v1/payments/{payment['id']}/events").json()["data"]
    assert events[-1]["source"] == "webhook"
    order = api.get(f"/api/v1/orders/{settled['order_id']}").json()
    assert order["status"] == "paid" and order["paid_at"] is not None


def test_02_fails_with_its_code(api: httpx.Client) -> None:
    payment = start_payment(api, "+2250700000002")
    failed = wait_for(api, payment["id"], "failed")
    assert failed["status"] == "failed"
    assert failed["failure_code"] == "insufficient_funds"
    assert history(api, payment["id"])[-1] == "payment.failed"
    order = api.get(f"/api/v1/orders/{payment['order_id']}").json()
    assert order["status"] == "pending_payment"


def test_03_stays_pending(api: httpx.Client) -> None:
    payment = start_payment(api, "+2250700000003")
    time.sleep(3)
    verified = api.post(f"/api/v1/payments/{payment['id']}/verify").json()
    assert verified["status"] == "pending"
    assert history(api, payment["id"]) == ["payment.created", "payment.pending"]


def test_04_has_no_webhook_but_verify_finds_the_success(api: httpx.Client) -> None:
    payment = start_payment(api, "+2250700000004")
    time.sleep(3)
    assert api.get(f"/api/v1/payments/{payment['id']}").json()["status"] == "pending"
    verified = api.post(f"/api/v1/payments/{payment['id']}/verify").json()
    assert verified["status"] == "succeeded"
    events = api.get(f"/api/v1/payments/{payment['id']}/events").json()["data"]
    assert events[-1]["source"] == "verification"


async def test_05_two_webhooks_make_one_transition(api: httpx.Client, pool: Any) -> None:
    payment = start_payment(api, "+2250700000005")
    settled = wait_for(api, payment["id"], "succeeded")
    assert settled["status"] == "succeeded"
    time.sleep(1)  # let the second delivery land
    assert history(api, payment["id"]).count("payment.succeeded") == 1
    assert await count(pool, "webhook_deliveries") == 1


def test_a_tester_approves_on_the_sandbox_page(api: httpx.Client) -> None:
    payment = start_payment(api, None)
    page_url = payment["next_action"]["url"]
    page = api.get(page_url)
    assert page.status_code == 200 and "Approve" in page.text
    token = page_url.split("token=")[1]
    decided = api.post(
        f"/sandbox/pay/{payment['id']}",
        data={"token": token, "decision": "approve"},
        follow_redirects=True,
    )
    assert decided.status_code == 200
    assert 'data-status="succeeded"' in decided.text
    assert wait_for(api, payment["id"], "succeeded")["status"] == "succeeded"


def test_a_tester_declines_on_the_sandbox_page(api: httpx.Client) -> None:
    payment = start_payment(api, "+2250700000099")
    token = payment["next_action"]["url"].split("token=")[1]
    api.post(f"/sandbox/pay/{payment['id']}", data={"token": token, "decision": "decline"})
    failed = wait_for(api, payment["id"], "failed")
    assert failed["failure_code"] == "declined_by_customer"
