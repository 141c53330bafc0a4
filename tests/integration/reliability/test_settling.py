"""Payments whose outcome the provider does not report settle anyway: a lost callback is
found by reconciliation, a payment that never resolves expires, and a success reported after
the expiry is honoured as a late success and announced. Real `serve` and `worker` processes."""

from __future__ import annotations

import time

from tests.integration.reliability.conftest import Cluster, Vendor, store_api

from adapters.signing import UrlSigner
from adapters.urls import ServiceUrls
from entrypoints.settings import SANDBOX_SECRET


def test_a_lost_callback_is_found_by_reconciliation_alone(cluster: Cluster, vendor: Vendor) -> None:
    # The default schedule (first check 15 s after the start), not the tests' short TTL.
    server = cluster.server(PAYMENT_TTL_SECONDS_SANDBOX="300")
    cluster.worker()
    api = store_api(server.url or "", vendor.url)
    order = api.order()
    started = time.monotonic()
    payment = api.pay(order["id"], "+2250700000004")  # succeeds; its webhook is never sent
    assert payment["status"] == "pending"
    settled = api.wait_for(payment["id"], "succeeded", seconds=40)
    took = time.monotonic() - started
    print(f"\nlost callback settled by reconciliation in {took:.1f} s (default schedule)")
    assert 14 <= took < 40
    assert settled["late_success"] is False
    events = api.http.get(f"/api/v1/payments/{payment['id']}/events").json()["data"]
    assert [e["type"] for e in events] == [
        "payment.created",
        "payment.pending",
        "payment.succeeded",
    ]
    assert events[-1]["source"] == "reconciliation"
    assert api.http.get(f"/api/v1/orders/{order['id']}").json()["status"] == "paid"
    [note] = vendor.wait_for("payment.succeeded")
    assert note.event["data"]["object"]["id"] == payment["id"]
    vendor.wait_for("order.paid")


def test_a_payment_that_never_resolves_expires_then_succeeds_late(
    cluster: Cluster, vendor: Vendor
) -> None:
    server = cluster.server()  # sandbox time-to-live: 8 s
    cluster.worker()
    api = store_api(server.url or "", vendor.url)
    order = api.order()
    payment = api.pay(order["id"], "+2250700000003")
    expired = api.wait_for(payment["id"], "expired", seconds=25)
    assert expired["late_success"] is False
    [note] = vendor.wait_for("payment.expired")
    assert note.event["data"]["object"]["status"] == "expired"
    assert api.http.get(f"/api/v1/orders/{order['id']}").json()["status"] == "pending_payment"

    # The customer finally pays: the operator settles it and sends its signed webhook.
    urls = ServiceUrls(server.url or "", UrlSigner(SANDBOX_SECRET.encode()))
    page = urls.sandbox_page(payment["id"])
    decided = api.http.post(
        page.split("?")[0], data={"token": page.split("token=")[1], "decision": "approve"}
    )
    assert decided.status_code == 303, decided.text
    late = api.wait_for(payment["id"], "succeeded", seconds=15)
    assert late["late_success"] is True and late["needs_refund"] is False
    events = api.http.get(f"/api/v1/payments/{payment['id']}/events").json()["data"]
    assert [e["type"] for e in events][-2:] == ["payment.expired", "payment.succeeded"]
    assert events[-1]["source"] == "webhook"
    assert api.http.get(f"/api/v1/orders/{order['id']}").json()["status"] == "paid"
    [succeeded] = vendor.wait_for("payment.succeeded")
    assert succeeded.event["data"]["object"]["late_success"] is True
    vendor.wait_for("order.paid")
