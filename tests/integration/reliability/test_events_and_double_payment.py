"""In process, on real Postgres and real HTTP to the store's server: the events API with its
delivery state and redelivery, and a double payment recorded, flagged, counted and announced."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from prometheus_client import REGISTRY
from tests.integration.conftest import ADMIN, BASE_URL, StoreKeys
from tests.integration.helpers import ORDER, problem
from tests.integration.reliability.conftest import Vendor, rows

from application.shared.timeouts import DEFAULT_PAYMENT_TTL, TimeToLive
from entrypoints.container import Container, resolve
from entrypoints.http.app import create_app
from entrypoints.settings import Settings


async def a_store(client: Any, notification_url: str | None) -> StoreKeys:
    body: dict[str, Any] = {"name": "Boutique Awa"}
    if notification_url:
        body["notification_url"] = notification_url
    response = await client.post("/api/v1/admin/stores", json=body, headers=ADMIN)
    assert response.status_code == 201, response.text
    store = response.json()
    return StoreKeys(store["id"], store["api_key"], store["webhook_secret"])


async def a_cancelled_order(client: Any, store: StoreKeys) -> str:
    order = (await client.post("/api/v1/orders", json=ORDER, headers=store.headers)).json()
    cancel = await client.post(f"/api/v1/orders/{order['id']}/cancel", headers=store.headers)
    assert cancel.status_code == 200, cancel.text
    return str(order["id"])


async def deliver_pass(container: Container) -> int:
    """One pass of the notifications job, as a worker runs it."""
    deliver = await resolve(container.deliver_notifications)
    done: int = await deliver()
    return done


async def events(client: Any, store: StoreKeys) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/events", headers=store.headers)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["data"]
    return found


async def test_events_list_their_delivery_state_and_can_be_sent_again(
    client: Any, container: Container, vendor: Vendor
) -> None:
    store = await a_store(client, vendor.url)
    silent = await a_store(client, None)  # no notification_url
    order_id = await a_cancelled_order(client, store)
    await a_cancelled_order(client, silent)

    [event] = await events(client, store)
    assert (event["type"], event["data"]["object"]["id"]) == ("order.cancelled", order_id)
    assert event["delivery"]["state"] == "pending" and event["delivery"]["attempts"] == 0

    assert await deliver_pass(container) == 2
    [event] = await events(client, store)
    assert event["delivery"]["state"] == "delivered"
    assert event["delivery"]["attempts"] == 1
    assert event["delivery"]["last_status_code"] == 200
    assert event["delivery"]["next_attempt_at"] is None
    [received] = vendor.events()
    assert received["id"] == event["id"]

    [kept] = await events(client, silent)  # recorded all the same, never sent
    assert kept["type"] == "order.cancelled"
    assert kept["delivery"]["state"] == "no_endpoint" and kept["delivery"]["attempts"] == 0

    again = await client.post(f"/api/v1/events/{event['id']}/redeliver", headers=store.headers)
    assert again.status_code == 202, again.text
    assert again.json() == {"id": event["id"], "state": "pending"}
    assert (await events(client, store))[0]["delivery"]["state"] == "pending"
    assert await deliver_pass(container) == 1
    assert [e["id"] for e in vendor.events()] == [event["id"], event["id"]]
    [event] = await events(client, store)
    assert (event["delivery"]["state"], event["delivery"]["attempts"]) == ("delivered", 2)

    foreign = await client.post(f"/api/v1/events/{event['id']}/redeliver", headers=silent.headers)
    problem(foreign, 404, "not_found")
    missing = await client.post("/api/v1/events/evt_nope/redeliver", headers=store.headers)
    problem(missing, 404, "not_found")
    assert event["id"] not in [e["id"] for e in await events(client, silent)]


# -- double payment --------------------------------------------------------------------------


@pytest.fixture
async def short_ttl(settings: Settings, clean_db: None) -> AsyncIterator[AsyncTestClient[Any]]:
    """The app with a 1 s sandbox time-to-live, so a payment can expire within the test."""
    ttl = TimeToLive(payments={**DEFAULT_PAYMENT_TTL, "sandbox": timedelta(seconds=1)})
    app = create_app(Container(settings=replace(settings, ttl=ttl)))
    async with AsyncTestClient(app, base_url=BASE_URL) as client:
        yield client


def double_payments() -> float:
    value = REGISTRY.get_sample_value("payments_double_payments_total", {"provider": "sandbox"})
    return value or 0.0


async def test_a_second_payment_succeeding_on_a_paid_order_is_kept_flagged_and_counted(
    short_ttl: AsyncTestClient[Any], vendor: Vendor, database_url: str
) -> None:
    client, container = short_ttl, short_ttl.app.state.container
    store = await a_store(client, vendor.url)
    order = (await client.post("/api/v1/orders", json=ORDER, headers=store.headers)).json()

    async def pay(phone: str) -> dict[str, Any]:
        response = await client.post(
            f"/api/v1/orders/{order['id']}/payments",
            json={"provider": "sandbox", "phone": phone},
            headers=store.headers,
        )
        assert response.status_code == 201, response.text
        payment: dict[str, Any] = response.json()
        return payment

    async def verify(payment_id: str) -> dict[str, Any]:
        response = await client.post(f"/api/v1/payments/{payment_id}/verify", headers=store.headers)
        assert response.status_code == 200, response.text
        payment: dict[str, Any] = response.json()
        return payment

    first = await pay("+2250700000003")  # the customer does not answer in time...
    await asyncio.sleep(1.1)
    reconcile = await resolve(container.reconcile_payment)
    assert await reconcile(first["id"], 0) == "expired"
    second = await pay("+2250700000001")  # ...tries again, and this one succeeds
    await asyncio.sleep(2.1)
    assert (await verify(second["id"]))["status"] == "succeeded"
    paid = (await client.get(f"/api/v1/orders/{order['id']}", headers=store.headers)).json()
    assert paid["status"] == "paid"

    before = double_payments()
    operator = await resolve(container.sandbox_operator)
    assert await operator.decide(first["id"], approve=True)  # then the first one goes through
    late = await verify(first["id"])
    assert late["status"] == "succeeded"
    assert late["needs_refund"] is True and late["late_success"] is True
    assert double_payments() == before + 1

    still = (await client.get(f"/api/v1/orders/{order['id']}", headers=store.headers)).json()
    assert still["status"] == "paid" and still["paid_at"] == paid["paid_at"]
    paid_events = rows(
        database_url,
        "SELECT count(*) FROM order_events WHERE order_id = %s AND type = 'order.paid'",
        order["id"],
    )
    assert paid_events == [(1,)]
    assert (await verify(first["id"]))["needs_refund"] is True
    assert double_payments() == before + 1  # counted once

    await deliver_pass(container)
    [refund] = [e for e in vendor.events() if e["type"] == "payment.needs_refund"]
    assert refund["data"]["object"]["id"] == first["id"]
    assert refund["data"]["object"]["needs_refund"] is True
    assert [e["type"] for e in vendor.events()].count("order.paid") == 1
