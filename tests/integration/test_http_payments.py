"""Payments over HTTP (in process): starting, validation, provider availability, history."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from tests.integration.conftest import StoreKeys
from tests.integration.helpers import ORDER, count, on_app_loop, problem

from application.payments.initiate_payment import InitiatePaymentCommand
from domain.errors import PaymentInProgress
from domain.payment import Payment
from entrypoints.container import Container, resolve


async def new_order(client: Any, store: StoreKeys, **extra: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/orders", json={**ORDER, **extra}, headers=store.headers)
    assert response.status_code == 201, response.text
    order: dict[str, Any] = response.json()
    return order


async def pay(client: Any, store: StoreKeys, order_id: str, **body: Any) -> Any:
    return await client.post(
        f"/api/v1/orders/{order_id}/payments", json=body, headers=store.headers
    )


async def test_a_payment_copies_the_order_amount_and_is_pending(
    client: Any, store: StoreKeys
) -> None:
    order = await new_order(client, store)
    response = await pay(client, store, order["id"], provider="sandbox", phone="+2250700000003")
    assert response.status_code == 201, response.text
    payment = response.json()
    assert payment["id"].startswith("pay_")
    assert payment["status"] == "pending"
    assert (payment["amount"], payment["currency"]) == (5000, "XOF")
    assert payment["phone"] == "+225 07 •• •• •• 03"
    assert payment["next_action"]["type"] == "approve_on_phone"

    events = await client.get(f"/api/v1/payments/{payment['id']}/events", headers=store.headers)
    kinds = [(e["type"], e["from_status"], e["to_status"]) for e in events.json()["data"]]
    assert kinds == [
        ("payment.created", None, "created"),
        ("payment.pending", "created", "pending"),
    ]


async def test_a_manual_sandbox_payment_redirects_to_the_operator_page(
    client: Any, store: StoreKeys
) -> None:
    order = await new_order(client, store)
    payment = (await pay(client, store, order["id"], provider="sandbox")).json()
    action = payment["next_action"]
    assert action["type"] == "redirect"
    assert f"/sandbox/pay/{payment['id']}?token=" in action["url"]
    page = await client.get(action["url"].removeprefix("http://testserver.local"))
    assert page.status_code == 200
    assert "5 000 FCFA" in page.text
    forged = await client.get(f"/sandbox/pay/{payment['id']}?token=forged")
    problem(forged, 404, "not_found")


async def test_the_phone_is_normalised_for_the_orders_country(
    client: Any, store: StoreKeys
) -> None:
    order = await new_order(client, store, country="CI")
    payment = (
        await pay(client, store, order["id"], provider="sandbox", phone="07 00 00 00 03")
    ).json()
    assert payment["phone"] == "+225 07 •• •• •• 03"


@pytest.mark.parametrize("phone", ["12", "+225 12", "not a phone", "+99912345678"])
async def test_a_bad_phone_is_refused_and_nothing_is_written(
    client: Any, store: StoreKeys, pool: Any, phone: str
) -> None:
    order = await new_order(client, store)
    response = await pay(client, store, order["id"], provider="sandbox", phone=phone)
    assert response.status_code == 422, response.text
    assert response.json()["code"] in {"invalid_phone", "validation_failed"}
    assert await count(pool, "payments") == 0


@pytest.mark.parametrize("provider", ["mtn_momo", "wave", "orange_money", "moov_money", "paypal"])
async def test_an_unconfigured_provider_is_not_available(
    client: Any, store: StoreKeys, pool: Any, provider: str
) -> None:
    order = await new_order(client, store)
    response = await pay(client, store, order["id"], provider=provider, phone="+2250700000001")
    problem(response, 422, "provider_not_available")
    assert await count(pool, "payments") == 0


async def test_one_payment_in_flight_at_a_time(client: Any, store: StoreKeys) -> None:
    order = await new_order(client, store)
    first = await pay(client, store, order["id"], provider="sandbox", phone="+2250700000003")
    assert first.status_code == 201
    second = await pay(client, store, order["id"], provider="sandbox", phone="+2250700000001")
    problem(second, 409, "payment_in_progress")


async def test_concurrent_starts_of_one_order_make_one_payment(
    client: Any, store: StoreKeys, pool: Any, container: Container
) -> None:
    """Each start waits for the order's lock, then reads the payments made meanwhile: the
    first to hold the lock makes the payment, every other one finds it in flight."""
    order = await new_order(client, store)
    phones = [f"+22507000000{n:02d}" for n in range(8)]

    async def eight_at_once() -> list[Any]:
        initiate = await resolve(container.initiate_payment)
        starts = [
            initiate(InitiatePaymentCommand(store.id, order["id"], "sandbox", phone))
            for phone in phones
        ]
        return await asyncio.gather(*starts, return_exceptions=True)

    results = await on_app_loop(client, eight_at_once)
    made = [r for r in results if isinstance(r, Payment)]
    refused = [r for r in results if isinstance(r, PaymentInProgress)]
    assert (len(made), len(refused)) == (1, 7), results
    assert await count(pool, "payments") == 1


async def test_orders_past_their_time_expire_unless_a_payment_is_open(
    client: Any, store: StoreKeys, pool: Any, container: Container
) -> None:
    """The expiry job on PostgreSQL: each order locked, its payments read with it."""
    unpaid, paying = await new_order(client, store), await new_order(client, store)
    started = await pay(client, store, paying["id"], provider="sandbox", phone="+2250700000003")
    assert started.status_code == 201
    async with pool.connection() as conn:
        await conn.execute("UPDATE orders SET expires_at = now() - interval '1 minute'")

    async def expire() -> int:
        expire_orders = await resolve(container.expire_orders)
        return await expire_orders()

    assert await on_app_loop(client, expire) == 1
    statuses = {
        order["id"]: (
            await client.get(f"/api/v1/orders/{order['id']}", headers=store.headers)
        ).json()["status"]
        for order in (unpaid, paying)
    }
    assert statuses == {unpaid["id"]: "expired", paying["id"]: "pending_payment"}


async def test_wrong_types_in_a_payment_request(client: Any, store: StoreKeys, pool: Any) -> None:
    order = await new_order(client, store)
    response = await client.post(
        f"/api/v1/orders/{order['id']}/payments",
        json={"provider": 7, "phone": "+2250700000001"},
        headers=store.headers,
    )
    body = problem(response, 422, "validation_failed")
    assert body["errors"][0]["field"] == "provider"
    assert await count(pool, "payments") == 0


async def test_payments_are_listed_and_filtered(client: Any, store: StoreKeys) -> None:
    one = await new_order(client, store, reference="A")
    two = await new_order(client, store, reference="B")
    p1 = (await pay(client, store, one["id"], provider="sandbox", phone="+2250700000003")).json()
    p2 = (await pay(client, store, two["id"], provider="sandbox", phone="+2250700000003")).json()
    listed = (await client.get("/api/v1/payments", headers=store.headers)).json()
    assert [p["id"] for p in listed["data"]] == [p2["id"], p1["id"]]
    by_order = await client.get(f"/api/v1/payments?order_id={one['id']}", headers=store.headers)
    assert [p["id"] for p in by_order.json()["data"]] == [p1["id"]]
    none = await client.get("/api/v1/payments?status=succeeded", headers=store.headers)
    assert none.json()["data"] == []


async def test_another_stores_payment_is_not_found(
    client: Any, store: StoreKeys, other_store: StoreKeys
) -> None:
    order = await new_order(client, store)
    payment = (
        await pay(client, store, order["id"], provider="sandbox", phone="+2250700000003")
    ).json()
    for path in ("", "/events"):
        response = await client.get(
            f"/api/v1/payments/{payment['id']}{path}", headers=other_store.headers
        )
        problem(response, 404, "not_found")
    response = await client.post(
        f"/api/v1/payments/{payment['id']}/verify", headers=other_store.headers
    )
    problem(response, 404, "not_found")


async def test_listed_orders_carry_their_payments(client: Any, store: StoreKeys) -> None:
    paid_for = await new_order(client, store, reference="A")
    untouched = await new_order(client, store, reference="B")
    payment = (
        await pay(client, store, paid_for["id"], provider="sandbox", phone="+2250700000003")
    ).json()
    listed = (await client.get("/api/v1/orders?limit=1", headers=store.headers)).json()
    assert [o["id"] for o in listed["data"]] == [untouched["id"]]
    assert listed["data"][0]["payments"] == []
    assert listed["has_more"] is True and listed["next_cursor"] == untouched["id"]
    rest = (
        await client.get(
            f"/api/v1/orders?starting_after={listed['next_cursor']}", headers=store.headers
        )
    ).json()
    [order] = rest["data"]
    assert [p["id"] for p in order["payments"]] == [payment["id"]]
    one = (await client.get(f"/api/v1/orders/{paid_for['id']}", headers=store.headers)).json()
    assert order == one


async def test_a_cancelled_order_shows_its_payments(client: Any, store: StoreKeys) -> None:
    order = await new_order(client, store)
    failed = (
        await pay(client, store, order["id"], provider="sandbox", phone="+2250700000002")
    ).json()
    cancelled = await client.post(f"/api/v1/orders/{order['id']}/cancel", headers=store.headers)
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert [p["id"] for p in cancelled.json()["payments"]] == [failed["id"]]
