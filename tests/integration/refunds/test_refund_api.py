"""Refunds over HTTP on the sandbox provider: full and partial refunds, the rules with their
problem codes, verification, history, notifications and the payment's refunded total."""

from __future__ import annotations

from typing import Any

from psycopg_pool import AsyncConnectionPool
from tests.integration.conftest import StoreKeys
from tests.integration.helpers import ORDER, problem
from tests.integration.refunds.helpers import refund, settle_now, succeeded_payment


async def payment_of(client: Any, store: StoreKeys, payment_id: str) -> dict[str, Any]:
    body: dict[str, Any] = (
        await client.get(f"/api/v1/payments/{payment_id}", headers=store.headers)
    ).json()
    return body


async def test_a_full_refund_is_pending_then_confirmed_by_the_provider(
    client: Any, store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    payment = await succeeded_payment(client, store, pool)
    created = await refund(client, store, payment["id"], reason="Article retourné")
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["id"].startswith("rfd_") and body["object"] == "refund"
    assert (body["status"], body["amount"], body["currency"]) == ("pending", 5000, "XOF")
    assert (body["payment_id"], body["order_id"]) == (payment["id"], payment["order_id"])
    assert body["reason"] == "Article retourné"
    paid = await payment_of(client, store, payment["id"])
    assert (paid["status"], paid["amount_refunded"], paid["refunded"]) == ("succeeded", 5000, False)

    still = await client.post(f"/api/v1/refunds/{body['id']}/verify", headers=store.headers)
    assert still.json()["status"] == "pending"  # the operator has not settled it yet
    await settle_now(pool, "sandbox_refunds", "refund_id", body["id"])
    verified = await client.post(f"/api/v1/refunds/{body['id']}/verify", headers=store.headers)
    assert verified.json()["status"] == "succeeded"
    assert verified.json()["succeeded_at"] is not None
    paid = await payment_of(client, store, payment["id"])
    assert (paid["status"], paid["amount_refunded"], paid["refunded"]) == ("succeeded", 5000, True)

    events = await client.get(f"/api/v1/refunds/{body['id']}/events", headers=store.headers)
    kinds = [(e["type"], e["from_status"], e["to_status"]) for e in events.json()["data"]]
    assert kinds == [
        ("refund.created", None, "pending"),
        ("refund.succeeded", "pending", "succeeded"),
    ]
    notified = await client.get("/api/v1/events", headers=store.headers)
    types = [e["type"] for e in notified.json()["data"]]
    assert "refund.created" in types and "refund.succeeded" in types
    announced = next(e for e in notified.json()["data"] if e["type"] == "refund.succeeded")
    assert announced["data"]["object"]["id"] == body["id"]


async def test_partial_refunds_never_exceed_the_payment(
    client: Any, store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    payment = await succeeded_payment(client, store, pool)
    first = await refund(client, store, payment["id"], amount=2000)
    assert (first.status_code, first.json()["amount"]) == (201, 2000)
    problem(await refund(client, store, payment["id"], amount=3001), 422, "refund_exceeds_payment")
    rest = await refund(client, store, payment["id"])  # default: what is left
    assert (rest.status_code, rest.json()["amount"]) == (201, 3000)
    problem(await refund(client, store, payment["id"], amount=1), 422, "refund_exceeds_payment")
    listed = await client.get(f"/api/v1/payments/{payment['id']}/refunds", headers=store.headers)
    assert sorted(r["amount"] for r in listed.json()["data"]) == [2000, 3000]
    assert (await payment_of(client, store, payment["id"]))["amount_refunded"] == 5000


async def test_a_refused_refund_fails_and_frees_its_amount(
    client: Any, store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    payment = await succeeded_payment(client, store, pool)
    refused = await refund(client, store, payment["id"], amount=1002)  # the sandbox refuses 02
    assert refused.status_code == 201
    assert (refused.json()["status"], refused.json()["failure_code"]) == (
        "failed",
        "refund_rejected",
    )
    assert (await payment_of(client, store, payment["id"]))["amount_refunded"] == 0
    notified = (await client.get("/api/v1/events", headers=store.headers)).json()["data"]
    failed = [e for e in notified if e["type"] == "refund.failed"]
    assert [e["data"]["object"]["failure_code"] for e in failed] == ["refund_rejected"]
    again = await refund(client, store, payment["id"])
    assert again.json()["amount"] == 5000


async def test_a_refund_the_provider_never_settles_stays_pending(
    client: Any, store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    payment = await succeeded_payment(client, store, pool)
    created = (await refund(client, store, payment["id"], amount=1003)).json()
    verified = await client.post(f"/api/v1/refunds/{created['id']}/verify", headers=store.headers)
    assert verified.json()["status"] == "pending"


async def test_only_a_succeeded_payment_can_be_refunded(client: Any, store: StoreKeys) -> None:
    order = (await client.post("/api/v1/orders", json=ORDER, headers=store.headers)).json()
    pending = await client.post(
        f"/api/v1/orders/{order['id']}/payments",
        json={"provider": "sandbox", "phone": "+2250700000003"},
        headers=store.headers,
    )
    answer = await refund(client, store, pending.json()["id"])
    problem(answer, 409, "payment_not_refundable")


async def test_bad_refund_requests_get_problems(
    client: Any, store: StoreKeys, other_store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    payment = await succeeded_payment(client, store, pool)
    problem(await refund(client, store, payment["id"], amount=0), 422, "validation_failed")
    problem(await refund(client, store, payment["id"], amount="10"), 422, "validation_failed")
    problem(await refund(client, store, payment["id"], extra=1), 422, "validation_failed")
    problem(await refund(client, other_store, payment["id"]), 404, "not_found")
    problem(await client.get("/api/v1/refunds/rfd_nope", headers=store.headers), 404, "not_found")


async def test_refunds_are_listed_filtered_and_scoped_to_the_store(
    client: Any, store: StoreKeys, other_store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    payment = await succeeded_payment(client, store, pool)
    done = (await refund(client, store, payment["id"], amount=1002)).json()
    open_ = (await refund(client, store, payment["id"], amount=1000)).json()
    everything = await client.get("/api/v1/refunds?limit=1", headers=store.headers)
    assert [r["id"] for r in everything.json()["data"]] == [open_["id"]]
    assert everything.json()["has_more"] is True
    failed = await client.get("/api/v1/refunds?status=failed", headers=store.headers)
    assert [r["id"] for r in failed.json()["data"]] == [done["id"]]
    others = await client.get("/api/v1/refunds", headers=other_store.headers)
    assert others.json()["data"] == []
    hidden = await client.get(f"/api/v1/refunds/{done['id']}", headers=other_store.headers)
    problem(hidden, 404, "not_found")


async def test_the_idempotency_key_replays_the_same_refund(
    client: Any, store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    payment = await succeeded_payment(client, store, pool)
    headers = {**store.headers, "Idempotency-Key": "refund-CMD-1001"}
    url = f"/api/v1/payments/{payment['id']}/refunds"
    first = await client.post(url, json={"amount": 1000}, headers=headers)
    again = await client.post(url, json={"amount": 1000}, headers=headers)
    assert first.json()["id"] == again.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert (await payment_of(client, store, payment["id"]))["amount_refunded"] == 1000
