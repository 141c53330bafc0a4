"""Payouts over HTTP on the sandbox operator: a destination and its hold or approval, a
payout paid from the balance, the rules with their problem codes, the follow-up."""

from __future__ import annotations

from typing import Any

from psycopg_pool import AsyncConnectionPool
from tests.integration.conftest import ADMIN, StoreKeys
from tests.integration.helpers import problem
from tests.integration.refunds.helpers import settle_now, succeeded_payment

PHONE = "+2250700000001"


async def destination(client: Any, store: StoreKeys, provider: str = "sandbox") -> Any:
    return await client.post(
        "/api/v1/payout-destinations",
        json={"provider": provider, "phone": PHONE, "name": "Awa"},
        headers=store.headers,
    )


async def approved_destination(client: Any, store: StoreKeys) -> dict[str, Any]:
    added = await destination(client, store)
    assert added.status_code == 201, added.text
    approved = await client.post(
        f"/api/v1/admin/payout-destinations/{added.json()['id']}/approve", headers=ADMIN
    )
    assert approved.status_code == 200, approved.text
    body: dict[str, Any] = approved.json()
    return body


async def payout(client: Any, store: StoreKeys, destination_id: str, amount: int, **h: str) -> Any:
    return await client.post(
        "/api/v1/payouts",
        json={"amount": amount, "currency": "XOF", "destination_id": destination_id},
        headers={**store.headers, **h},
    )


async def available(client: Any, store: StoreKeys) -> int:
    lines = (await client.get("/api/v1/balance", headers=store.headers)).json()["balances"]
    return sum(line["available"] for line in lines)


async def test_a_vendor_is_paid_out_after_an_operator_approves_the_destination(
    client: Any, store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    await succeeded_payment(client, store, pool, amount=10000)
    added = await destination(client, store)
    assert added.status_code == 201, added.text
    body = added.json()
    assert body["id"].startswith("pdst_") and body["object"] == "payout_destination"
    assert (body["status"], body["country"], body["provider"]) == ("pending", "CI", "sandbox")
    assert body["phone"] != PHONE  # masked
    waiting = await client.get("/api/v1/admin/payout-destinations", headers=ADMIN)
    assert [d["id"] for d in waiting.json()["data"]] == [body["id"]]
    notified = await client.get("/api/v1/events", headers=store.headers)
    assert "payout_destination.created" in [e["type"] for e in notified.json()["data"]]
    problem(await payout(client, store, body["id"], 4000), 409, "destination_not_active")
    queue = await client.get("/api/v1/admin/queue?kind=payout_destination_pending", headers=ADMIN)
    assert [i["subject_id"] for i in queue.json()["data"]] == [body["id"]]

    approved = await client.post(
        f"/api/v1/admin/payout-destinations/{body['id']}/approve", headers=ADMIN
    )
    assert approved.json()["status"] == "active"
    queue = await client.get("/api/v1/admin/queue?kind=payout_destination_pending", headers=ADMIN)
    assert queue.json()["data"] == []  # approved: it left the queue
    made = await payout(client, store, body["id"], 4000, **{"Idempotency-Key": "po-1"})
    assert made.status_code == 201, made.text
    paid = made.json()
    assert paid["id"].startswith("po_") and paid["object"] == "payout"
    assert (paid["status"], paid["amount"], paid["destination_id"]) == ("pending", 4000, body["id"])
    again = await payout(client, store, body["id"], 4000, **{"Idempotency-Key": "po-1"})
    assert again.json()["id"] == paid["id"]  # replayed, not paid twice
    assert await available(client, store) == 6000

    await settle_now(pool, "sandbox_payouts", "payout_id", paid["id"])
    verified = await client.post(f"/api/v1/payouts/{paid['id']}/verify", headers=store.headers)
    assert verified.json()["status"] == "succeeded", verified.text
    assert verified.json()["succeeded_at"] is not None
    history = await client.get(f"/api/v1/payouts/{paid['id']}/events", headers=store.headers)
    assert [e["type"] for e in history.json()["data"]] == ["payout.created", "payout.succeeded"]
    entries = await client.get(
        f"/api/v1/balance/entries?payout_id={paid['id']}", headers=store.headers
    )
    assert [(e["type"], e["amount"]) for e in entries.json()["data"]] == [("payout", -4000)]
    listed = await client.get("/api/v1/payouts?status=succeeded", headers=store.headers)
    assert [p["id"] for p in listed.json()["data"]] == [paid["id"]]
    foreign = await client.get("/api/v1/payouts?starting_after=po_NOPE", headers=store.headers)
    problem(foreign, 400, "invalid_cursor")
    types = [
        e["type"]
        for e in (await client.get("/api/v1/events", headers=store.headers)).json()["data"]
    ]
    assert {"payout.created", "payout.succeeded"} <= set(types)


async def test_the_payout_rules_answer_their_problems(
    client: Any, store: StoreKeys, other_store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    await succeeded_payment(client, store, pool, amount=5000)
    problem(await destination(client, store, "orange_money"), 422, "payouts_not_supported")
    active = await approved_destination(client, store)
    problem(await payout(client, store, active["id"], 5001), 422, "insufficient_balance")
    ghs = {"amount": 100, "currency": "GHS", "destination_id": active["id"]}
    answer = await client.post("/api/v1/payouts", json=ghs, headers=store.headers)
    problem(answer, 422, "unsupported_currency")
    problem(await payout(client, other_store, active["id"], 10), 404, "not_found")
    refused = await payout(client, store, active["id"], 1002)  # the sandbox refuses ..02
    assert (refused.json()["status"], refused.json()["failure_code"]) == (
        "failed", "payout_rejected",
    )  # fmt: skip
    assert await available(client, store) == 5000  # given back
    gone = await client.delete(f"/api/v1/payout-destinations/{active['id']}", headers=store.headers)
    assert gone.json()["status"] == "disabled"
    listed = await client.get("/api/v1/payout-destinations", headers=store.headers)
    assert [d["status"] for d in listed.json()["data"]] == ["disabled"]
    problem(await payout(client, store, active["id"], 10), 409, "destination_not_active")


async def test_an_operator_records_a_payout_nobody_could_confirm(
    client: Any, store: StoreKeys, pool: AsyncConnectionPool[Any], container: Any
) -> None:
    await succeeded_payment(client, store, pool, amount=9000)
    active = await approved_destination(client, store)
    stuck = (await payout(client, store, active["id"], 3003)).json()  # never settles
    assert stuck["status"] == "pending"
    async with pool.connection() as conn:  # a day has passed
        await conn.execute(
            "UPDATE payouts SET created_at = created_at - interval '25 hours',"
            " next_check_at = now() - interval '1 second' WHERE id = %(id)s",
            {"id": stuck["id"]},
        )
    reconcile = await container.reconcile_payouts()
    assert await reconcile() == 1
    waiting = await client.get("/api/v1/admin/payouts?status=requires_action", headers=ADMIN)
    assert [p["id"] for p in waiting.json()["data"]] == [stuck["id"]]
    queue = await client.get("/api/v1/admin/queue?kind=payout_requires_action", headers=ADMIN)
    assert [i["subject_id"] for i in queue.json()["data"]] == [stuck["id"]]
    url = f"/api/v1/admin/payouts/{stuck['id']}/record"
    problem(await client.post(url, json={"outcome": "succeeded"}, headers=ADMIN), 422,
            "manual_reference_required")  # fmt: skip
    failed = await client.post(url, json={"outcome": "failed", "note": "perdu"}, headers=ADMIN)
    assert failed.json()["status"] == "failed", failed.text
    problem(await client.post(url, json={"outcome": "failed"}, headers=ADMIN), 409,
            "payout_not_awaiting_action")  # fmt: skip
    assert await available(client, store) == 9000


async def test_a_daily_schedule_needs_a_destination(client: Any, store: StoreKeys) -> None:
    url = "/api/v1/payout-schedule"
    problem(await client.put(url, json={"interval": "daily"}, headers=store.headers), 422,
            "destination_required")  # fmt: skip
    active = await approved_destination(client, store)
    body = {"interval": "daily", "destination_id": active["id"], "minimum": 1000}
    answer = await client.put(url, json=body, headers=store.headers)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["interval"], answer.json()["minimum"]) == ("daily", 1000)


async def test_payments_check_finds_the_payouts_booked_as_their_status_says(
    client: Any, store: StoreKeys, pool: AsyncConnectionPool[Any], database_url: str
) -> None:
    import psycopg

    from adapters.postgres.ledger_check import ledger_problems

    await succeeded_payment(client, store, pool, amount=9000)
    active = await approved_destination(client, store)
    await payout(client, store, active["id"], 1002)  # refused: given back
    sent = (await payout(client, store, active["id"], 3000)).json()
    await settle_now(pool, "sandbox_payouts", "payout_id", sent["id"])
    await client.post(f"/api/v1/payouts/{sent['id']}/verify", headers=store.headers)
    with psycopg.connect(database_url) as conn:
        assert ledger_problems(conn) == []
        conn.execute("UPDATE payouts SET status = 'failed' WHERE id = %(id)s", {"id": sent["id"]})
        problems = ledger_problems(conn)
        conn.rollback()
    assert any(p.startswith("1 failed payouts not given back") for p in problems), problems
    assert any(p.startswith("1 succeeded payouts not sent") for p in problems), problems


async def test_a_payout_goes_out_while_the_providers_breaker_refuses_payments(
    client: Any, store: StoreKeys, pool: AsyncConnectionPool[Any], container: Any
) -> None:
    from tests.integration.helpers import ORDER

    await succeeded_payment(client, store, pool, amount=5000)
    active = await approved_destination(client, store)
    gate = await container.provider_gate()
    for _ in range(10):  # failed starts open the sandbox's breaker
        await gate.failed("sandbox")
    order = await client.post("/api/v1/orders", json=ORDER, headers=store.headers)
    refused = await client.post(
        f"/api/v1/orders/{order.json()['id']}/payments",
        json={"provider": "sandbox", "phone": "+2250700000001"},
        headers=store.headers,
    )
    try:
        problem(refused, 503, "provider_unavailable")
        made = await payout(client, store, active["id"], 2000)
        assert made.status_code == 201, made.text
        assert made.json()["status"] == "pending"
    finally:  # closed again, in this process's cache too, for the next tests
        await gate.succeeded("sandbox")
