"""Notifications to the store over real HTTP, delivered by a real worker: a store's server
that fails three times receives the event on the fourth attempt, every attempt is recorded,
and the `Payments-Signature` it receives verifies with the store's secret."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import time
from typing import Any

from tests.integration.reliability.conftest import (
    Api,
    Cluster,
    Received,
    Vendor,
    rows,
    store_api,
)


def verifies(received: Received, secret: str) -> bool:
    """API.md: `Payments-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`,
    checked here independently of the service's code."""
    header = {k.lower(): v for k, v in received.headers.items()}["payments-signature"]
    parts = dict(part.split("=", 1) for part in header.split(","))
    signed = parts["t"].encode() + b"." + received.body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    fresh = abs(time.time() - int(parts["t"])) < 300
    return fresh and hmac.compare_digest(expected, parts["v1"])


def test_a_store_failing_three_times_gets_the_event_on_the_fourth_attempt(
    cluster: Cluster, vendor: Vendor, database_url: str
) -> None:
    server = cluster.server()
    cluster.worker()  # first retry after 1 s (NOTIFICATION_RETRY_SECONDS), then 2 s, 4 s
    api = store_api(server.url or "", vendor.url)
    vendor.fail(3, status=500)
    order = api.order()
    assert api.http.post(f"/api/v1/orders/{order['id']}/cancel").status_code == 200

    attempts = vendor.wait_for("order.cancelled", count=4, seconds=30)
    assert len({a.event["id"] for a in attempts}) == 1  # one event, sent four times
    assert attempts[-1].event["data"]["object"]["id"] == order["id"]
    gaps = [b.at - a.at for a, b in itertools.pairwise(attempts)]
    assert gaps[0] >= 1 and gaps[1] >= 2 and gaps[2] >= 4, gaps  # backoff 1, 2, 4 s (+ tick)
    assert all(verifies(a, api.webhook_secret) for a in attempts)
    assert not verifies(attempts[-1], "whsec_someone_else")

    [event] = _wait_delivered(api)
    assert event["type"] == "order.cancelled"
    assert event["delivery"]["attempts"] == 4
    assert event["delivery"]["last_status_code"] == 200
    assert event["delivery"]["delivered_at"] is not None
    recorded = rows(
        database_url,
        "SELECT status_code, url FROM notification_attempts WHERE notification_id = %s ORDER BY id",
        event["id"],
    )
    assert recorded == [(500, vendor.url)] * 3 + [(200, vendor.url)]
    time.sleep(2.5)  # a delivered event is not sent again
    assert len(vendor.events("order.cancelled")) == 4


def _wait_delivered(api: Api) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 10
    while True:
        events = api.events()
        delivered = all(e["delivery"]["state"] == "delivered" for e in events)
        if delivered or time.monotonic() > deadline:
            return events
        time.sleep(0.2)
