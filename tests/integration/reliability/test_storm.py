"""A storm of duplicate callbacks: 200 concurrent deliveries of the same signed webhook,
spread over two server processes, with two workers running on the same database, make
exactly one transition, one event and one notification per change."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest
from tests.integration.reliability.conftest import Cluster, Vendor, rows, store_api

from adapters.signing import HmacSignatureScheme
from entrypoints.settings import SANDBOX_SECRET

DELIVERIES = 200
SIGNER = HmacSignatureScheme(SANDBOX_SECRET.encode())


def sandbox_event(payment_id: str, n: int | None = None) -> bytes:
    """What the sandbox operator sends once the payment succeeded (the `n`th resending under a
    new event id when `n` is given)."""
    event = {
        "id": f"evt_sbx_{payment_id}_succeeded" + (f"_{n}" if n is not None else ""),
        "type": "payment.succeeded",
        "created_at": "2025-03-01T09:00:02+00:00",
        "data": {
            "payment_id": payment_id,
            "status": "succeeded",
            "amount": 5000,
            "currency": "XOF",
            "failure_code": None,
        },
    }
    return json.dumps(event, separators=(",", ":")).encode()


async def storm(urls: list[str], bodies: list[bytes]) -> tuple[list[int], float]:
    limits = httpx.Limits(max_connections=DELIVERIES, max_keepalive_connections=DELIVERIES)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:

        async def one(n: int, body: bytes) -> int:
            url = f"{urls[n % len(urls)]}/payment/webhook/sandbox/"
            headers = {"Content-Type": "application/json", "Sandbox-Signature": SIGNER.sign(body)}
            response = await client.post(url, content=body, headers=headers)
            return response.status_code

        started = time.perf_counter()
        statuses = await asyncio.gather(*(one(n, body) for n, body in enumerate(bodies)))
        return list(statuses), time.perf_counter() - started


@pytest.mark.parametrize("event_ids", ["same", "new"], ids=["same-event-id", "new-event-ids"])
async def test_200_concurrent_duplicates_over_two_servers_make_one_change(
    cluster: Cluster, vendor: Vendor, database_url: str, event_ids: str
) -> None:
    """`same`: one webhook delivered 200 times (de-duplicated on its event id); `new`: the
    provider resends it under a new event id each time (each confirmed, one transition)."""
    servers = [cluster.server(), cluster.server()]
    cluster.worker()
    cluster.worker()
    api = store_api(servers[0].url or "", vendor.url)
    order = api.order()
    payment = api.pay(order["id"], "+2250700000004")  # succeeds in 2 s, sends no webhook
    await asyncio.sleep(2.5)

    pid = payment["id"]
    bodies = [sandbox_event(pid, None if event_ids == "same" else n) for n in range(DELIVERIES)]
    statuses, took = await storm([s.url or "" for s in servers], bodies)
    rate = DELIVERIES / took
    print(f"\nstorm ({event_ids} event id): {DELIVERIES} deliveries in {took:.2f} s = {rate:.0f}/s")
    assert statuses == [200] * DELIVERIES

    settled = api.wait_for(payment["id"], "succeeded", seconds=10)
    assert settled["needs_refund"] is False
    vendor.wait_for("payment.succeeded")
    vendor.wait_for("order.paid")
    await asyncio.sleep(3)  # room for a second (wrong) transition or notification to appear

    payment_events = rows(
        database_url,
        "SELECT type FROM payment_events WHERE payment_id = %s ORDER BY seq",
        payment["id"],
    )
    assert [t for (t,) in payment_events] == [
        "payment.created",
        "payment.pending",
        "payment.succeeded",
    ]
    order_events = rows(
        database_url, "SELECT type FROM order_events WHERE order_id = %s", order["id"]
    )
    assert sorted(t for (t,) in order_events) == ["order.created", "order.paid"]
    notifications = rows(database_url, "SELECT type, state FROM notifications ORDER BY type")
    assert notifications == [
        ("order.paid", "delivered"),
        ("payment.pending", "delivered"),
        ("payment.succeeded", "delivered"),
    ]
    stored = 1 if event_ids == "same" else DELIVERIES
    assert rows(database_url, "SELECT count(*) FROM webhook_deliveries") == [(stored,)]
    unprocessed = "SELECT count(*) FROM webhook_deliveries WHERE processed_at IS NULL"
    # each delivery is processed after its answer, well before the inbox's retry pass (30 s)
    for _ in range(40):
        if rows(database_url, unprocessed) == [(0,)]:
            break
        await asyncio.sleep(0.25)
    failures = [
        line for s in servers for line in s.output().splitlines() if "processing_failed" in line
    ]
    assert rows(database_url, unprocessed) == [(0,)], failures[:5]
    received = [e["type"] for e in vendor.events()]
    assert sorted(received) == ["order.paid", "payment.pending", "payment.succeeded"]
