"""A worker killed (SIGKILL) in the middle of its work loses nothing: what it held comes back
when its lease ends, and the restarted worker finishes it. The store may then receive an event
twice, always under the same event id."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable

import httpx
import psycopg
from tests.integration.reliability.conftest import Cluster, Vendor, rows, store_api
from tests.integration.reliability.test_storm import SIGNER, sandbox_event

#: Leases of 4 s so that what a killed worker held comes back within seconds (and a stored
#: callback is left 4 s to the server that stored it).
SHORT_LEASE = {"LEASE_SECONDS": "4", "INBOX_GRACE_SECONDS": "4"}


def wait_until(check: Callable[[], bool], seconds: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out: {what}")


def test_a_worker_killed_while_delivering_a_notification(
    cluster: Cluster, vendor: Vendor, database_url: str
) -> None:
    server = cluster.server()
    worker = cluster.worker(**SHORT_LEASE)
    api = store_api(server.url or "", vendor.url)
    vendor.hang()  # the store's server takes the requests and never answers
    order = api.order()
    payment = api.pay(order["id"], "+2250700000001")  # succeeds through its webhook in 2 s
    api.wait_for(payment["id"], "succeeded", seconds=15)
    [first] = vendor.wait_for("payment.succeeded")  # the worker is waiting on the store now
    worker.kill()
    assert rows(
        database_url, "SELECT state FROM notifications WHERE type = %s", "payment.succeeded"
    ) == [("pending",)]
    vendor.release()  # the store's server is healthy again
    cluster.worker(**SHORT_LEASE)

    again = vendor.wait_for("payment.succeeded", count=2, seconds=20)
    assert {r.event["id"] for r in again} == {first.event["id"]}  # the same event, twice
    wait_until(
        lambda: (
            rows(
                database_url, "SELECT state FROM notifications WHERE type = %s", "payment.succeeded"
            )
            == [("delivered",)]
        ),
        what="payment.succeeded delivered",
    )
    vendor.wait_for("order.paid")
    notes = rows(database_url, "SELECT type FROM notifications ORDER BY type")
    assert notes == [("order.paid",), ("payment.pending",), ("payment.succeeded",)]
    assert api.history(payment["id"]).count("payment.succeeded") == 1


def test_a_worker_killed_while_processing_an_inbox_row(
    cluster: Cluster, vendor: Vendor, database_url: str
) -> None:
    # Reconciliation's first check comes 15 s after the start: the callback settles this one.
    server = cluster.server(PAYMENT_TTL_SECONDS_SANDBOX="300")
    api = store_api(server.url or "", vendor.url)
    order = api.order()
    payment = api.pay(order["id"], "+2250700000004")  # succeeds in 2 s, its webhook is lost
    time.sleep(2.2)

    # The provider's API hangs (its table is locked): whoever confirms the callback waits.
    with psycopg.connect(database_url) as blocker:
        blocker.execute("LOCK TABLE sandbox_transactions IN ACCESS EXCLUSIVE MODE")
        body = sandbox_event(payment["id"])
        delivery = threading.Thread(target=_deliver, args=(server.url, body), daemon=True)
        delivery.start()
        wait_until(lambda: _inbox(database_url) != [], 10, "the delivery to be stored")
        server.kill()  # the server dies while confirming it: the row stays unprocessed
        assert _inbox(database_url) == [(None, None)]

        worker = cluster.worker(**SHORT_LEASE)  # takes the row over after the 4 s grace...
        wait_until(lambda: _inbox(database_url)[0][1] is not None, 20, "the worker's claim")
        time.sleep(0.5)  # ...and is now waiting on the provider
        assert _inbox(database_url)[0][0] is None
        worker.kill()
        blocker.rollback()  # the provider answers again

    cluster.worker(**SHORT_LEASE)
    wait_until(lambda: _inbox(database_url)[0][0] is not None, 25, "the row to be processed")
    [(outcome,)] = rows(database_url, "SELECT outcome FROM webhook_deliveries")
    assert outcome == "applied:succeeded"
    assert rows(database_url, "SELECT status FROM payments WHERE id = %s", payment["id"]) == [
        ("succeeded",)
    ]
    succeeded = rows(
        database_url,
        "SELECT count(*) FROM payment_events WHERE payment_id = %s AND type = %s",
        payment["id"],
        "payment.succeeded",
    )
    assert succeeded == [(1,)]
    [note] = vendor.wait_for("payment.succeeded", seconds=15)
    assert note.event["data"]["object"]["id"] == payment["id"]
    vendor.wait_for("order.paid")


def _deliver(url: str, body: bytes) -> None:
    headers = {"Content-Type": "application/json", "Sandbox-Signature": SIGNER.sign(body)}
    with contextlib.suppress(httpx.HTTPError):  # the server is killed while holding it
        httpx.post(f"{url}/payment/webhook/sandbox/", content=body, headers=headers, timeout=30)


def _inbox(database_url: str) -> list[tuple[object, object]]:
    return rows(database_url, "SELECT processed_at, next_attempt_at FROM webhook_deliveries")
