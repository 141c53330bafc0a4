"""The operator's desk over HTTP: operator tokens, stores (search, suspend, reactivate,
notification URL, webhook secret), the queue and its resolutions, the append-only audit log."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import psycopg
import pytest
from psycopg_pool import AsyncConnectionPool
from tests.integration.conftest import ADMIN, StoreKeys, create_store
from tests.integration.desk_helpers import (
    flag,
    give_up_a_notification,
    open_payment,
    refund_awaiting_a_person,
)
from tests.integration.helpers import at_once, problem

from entrypoints.container import Container, resolve


async def operator_headers(container: Container, name: str = "Aminata") -> dict[str, str]:
    create = await resolve(container.create_operator)
    new = await create(name)
    return {"Authorization": f"Bearer {new.token}"}


async def audit(client: Any, **query: str) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/admin/audit", params=query, headers=ADMIN)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


async def test_a_named_operator_token_opens_the_desk_until_it_is_revoked(
    client: Any, container: Container
) -> None:
    headers = await operator_headers(container)
    response = await client.post(
        "/api/v1/admin/stores", json={"name": "Chez Fatou"}, headers=headers
    )
    assert response.status_code == 201, response.text
    [entry] = await audit(client, subject_id=response.json()["id"])
    assert entry["action"] == "store.created"
    assert entry["actor"]["name"] == "Aminata" and entry["actor"]["id"].startswith("opr_")
    assert entry["before"] is None and entry["after"]["name"] == "Chez Fatou"

    revoke = await resolve(container.revoke_operator)
    await revoke("Aminata")
    problem(await client.get("/api/v1/admin/stores", headers=headers), 401, "unauthorized")
    bad = {"Authorization": "Bearer op_not-a-token"}
    problem(await client.get("/api/v1/admin/queue", headers=bad), 401, "unauthorized")
    assert (await client.get("/api/v1/admin/stores", headers=ADMIN)).status_code == 200


async def test_a_suspended_store_is_refused_until_reactivated(
    client: Any, store: StoreKeys
) -> None:
    assert (await client.get("/api/v1/orders", headers=store.headers)).status_code == 200
    body = {"reason": "Fraude suspectée"}
    response = await client.post(
        f"/api/v1/admin/stores/{store.id}/suspend", json=body, headers=ADMIN
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "suspended" and response.json()["suspended_at"]

    problem(await client.get("/api/v1/orders", headers=store.headers), 403, "store_suspended")
    order = {"reference": "R1", "amount": 500, "currency": "XOF"}
    refused = await client.post("/api/v1/orders", json=order, headers=store.headers)
    problem(refused, 403, "store_suspended")

    listed = await client.get("/api/v1/admin/stores", params={"status": "suspended"}, headers=ADMIN)
    assert [s["id"] for s in listed.json()["data"]] == [store.id]

    again = await client.post(f"/api/v1/admin/stores/{store.id}/reactivate", headers=ADMIN)
    assert again.json()["status"] == "active"
    assert (await client.get("/api/v1/orders", headers=store.headers)).status_code == 200

    entries = await audit(client, subject_id=store.id)
    assert [e["action"] for e in entries] == [
        "store.reactivated",
        "store.suspended",
        "store.created",
    ]
    suspended = entries[1]
    assert suspended["reason"] == "Fraude suspectée" and suspended["actor"]["id"] == "bootstrap"
    assert suspended["before"]["status"] == "active" and suspended["after"]["status"] == "suspended"


async def test_stores_are_searched_by_name_or_id(client: Any) -> None:
    awa = await create_store(client, "Boutique Awa")
    await create_store(client, "Chez Koffi")
    by_name = await client.get("/api/v1/admin/stores", params={"q": "awa"}, headers=ADMIN)
    assert [s["name"] for s in by_name.json()["data"]] == ["Boutique Awa"]
    by_id = await client.get("/api/v1/admin/stores", params={"q": awa.id}, headers=ADMIN)
    assert [s["id"] for s in by_id.json()["data"]] == [awa.id]
    none = await client.get("/api/v1/admin/stores", params={"q": "100%_"}, headers=ADMIN)
    assert none.json()["data"] == []
    problem(await client.get("/api/v1/admin/stores/str_nope", headers=ADMIN), 404, "not_found")


async def test_the_notification_url_and_signing_secret_change_with_an_audit_trail(
    client: Any, store: StoreKeys
) -> None:
    url = "https://boutique-awa.example/hooks"
    changed = await client.patch(
        f"/api/v1/admin/stores/{store.id}", json={"notification_url": url}, headers=ADMIN
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["notification_url"] == url
    bad = {"notification_url": "ftp://nope"}
    refused = await client.patch(f"/api/v1/admin/stores/{store.id}", json=bad, headers=ADMIN)
    problem(refused, 422, "validation_failed")

    rotated = await client.post(
        f"/api/v1/admin/stores/{store.id}/rotate-webhook-secret", headers=ADMIN
    )
    assert rotated.status_code == 200, rotated.text
    secret = rotated.json()["webhook_secret"]
    assert secret.startswith("whsec_") and secret != store.webhook_secret

    entries = await audit(client, subject_id=store.id)
    assert entries[0]["action"] == "store.webhook_secret_rotated"
    assert entries[1]["after"]["notification_url"] == url
    assert entries[1]["before"]["notification_url"] is None
    assert secret not in str(entries) and store.webhook_secret not in str(entries)


async def test_the_queue_lists_what_needs_a_person_and_resolutions_clear_it(
    client: Any, store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    double = await open_payment(client, store.headers, "CMD-1")
    mismatch = await open_payment(client, store.headers, "CMD-2")
    late = await open_payment(client, store.headers, "CMD-3")
    await flag(pool, double, "needs_refund")
    await flag(pool, mismatch, "amount_mismatch")
    await flag(pool, late, "late")
    notification = await give_up_a_notification(pool, store.id)

    queue = (await client.get("/api/v1/admin/queue", headers=ADMIN)).json()
    kinds = {item["subject_id"]: item["kind"] for item in queue["data"]}
    assert kinds == {
        double: "needs_refund",
        mismatch: "amount_mismatch",
        late: "late_success",
        notification: "notification_failed",
    }
    item = next(i for i in queue["data"] if i["subject_id"] == double)
    assert item["amount"] == 5000 and item["currency"] == "XOF"
    assert item["store_name"] == "Boutique Awa" and "dismiss" in item["actions"]
    only = await client.get("/api/v1/admin/queue", params={"kind": "late_success"}, headers=ADMIN)
    assert [i["subject_id"] for i in only.json()["data"]] == [late]

    no_reason = await client.post(
        f"/api/v1/admin/queue/{mismatch}/resolve", json={"action": "dismiss"}, headers=ADMIN
    )
    assert problem(no_reason, 422, "validation_failed")["errors"][0]["field"] == "reason"
    not_allowed = await client.post(
        f"/api/v1/admin/queue/{mismatch}/resolve",
        json={"action": "manual_refund", "reference": "OM-1"},
        headers=ADMIN,
    )
    problem(not_allowed, 409, "resolution_not_allowed")

    for subject in (double, mismatch, late, notification):
        body = {"action": "dismiss", "reason": "Vérifié avec le vendeur"}
        done = await client.post(f"/api/v1/admin/queue/{subject}/resolve", json=body, headers=ADMIN)
        assert done.status_code == 200, done.text
        assert done.json()["resolved_by"]["id"] == "bootstrap"
    assert (await client.get("/api/v1/admin/queue", headers=ADMIN)).json()["data"] == []

    twice = await client.post(
        f"/api/v1/admin/queue/{double}/resolve",
        json={"action": "dismiss", "reason": "encore"},
        headers=ADMIN,
    )
    problem(twice, 404, "not_found")
    [entry] = await audit(client, subject_id=double)
    assert entry["action"] == "review.dismiss" and entry["reason"] == "Vérifié avec le vendeur"
    assert entry["before"]["kind"] == "needs_refund" and entry["after"]["status"] == "resolved"


async def test_the_audit_log_pages_with_a_cursor(client: Any) -> None:
    for n in range(3):
        await create_store(client, f"Boutique {n}")
    first = (await client.get("/api/v1/admin/audit", params={"limit": 2}, headers=ADMIN)).json()
    assert first["has_more"] is True and len(first["data"]) == 2
    cursor = first["next_cursor"]
    rest = await client.get(
        "/api/v1/admin/audit", params={"limit": 2, "starting_after": cursor}, headers=ADMIN
    )
    names = [e["after"]["name"] for e in first["data"] + rest.json()["data"]]
    assert names == ["Boutique 2", "Boutique 1", "Boutique 0"]
    assert rest.json()["has_more"] is False


async def test_the_database_refuses_to_change_or_delete_audit_entries(
    client: Any, database_url: str
) -> None:
    await create_store(client)
    with psycopg.connect(database_url, autocommit=True) as conn:
        for statement in ("UPDATE audit_log SET reason = 'x'", "DELETE FROM audit_log"):
            with pytest.raises(psycopg.errors.RestrictViolation):
                conn.execute(statement)
        row = conn.execute("SELECT count(*) FROM audit_log").fetchone()
    assert row == (1,)


async def test_an_operator_refunds_a_double_payment_or_records_a_manual_refund(
    client: Any, store: StoreKeys, pool: AsyncConnectionPool[Any], container: Container
) -> None:
    headers = await operator_headers(container, "Moussa")
    by_provider = await open_payment(client, store.headers, "CMD-10")
    by_hand = await open_payment(client, store.headers, "CMD-11")
    for payment_id in (by_provider, by_hand):
        await flag(pool, payment_id, "needs_refund")

    body = {"action": "refund", "reason": "Payé deux fois"}
    done = await client.post(
        f"/api/v1/admin/queue/{by_provider}/resolve", json=body, headers=headers
    )
    assert done.status_code == 200, done.text
    refund_id = done.json()["refund_id"]
    refunds = await client.get(f"/api/v1/payments/{by_provider}/refunds", headers=store.headers)
    [refund] = refunds.json()["data"]
    assert refund["id"] == refund_id and refund["amount"] == 5000
    assert refund["status"] in ("pending", "succeeded")

    manual = {"action": "manual_refund", "reference": "OM-VIR-778812"}
    done = await client.post(f"/api/v1/admin/queue/{by_hand}/resolve", json=manual, headers=headers)
    assert done.status_code == 200, done.text
    assert done.json()["reference"] == "OM-VIR-778812"
    refund = (
        await client.get(f"/api/v1/refunds/{done.json()['refund_id']}", headers=store.headers)
    ).json()
    assert refund["status"] == "succeeded" and refund["provider_reference"] == "OM-VIR-778812"
    payment = (await client.get(f"/api/v1/payments/{by_hand}", headers=store.headers)).json()
    assert payment["amount_refunded"] == 5000 and payment["refunded"] is True

    assert (await client.get("/api/v1/admin/queue", headers=headers)).json()["data"] == []
    entries = await audit(client, actor_id=done.json()["resolved_by"]["id"])
    assert [e["action"] for e in entries] == ["review.manual_refund", "review.refund"]


async def test_a_refund_awaiting_a_person_is_settled_from_the_queue(
    client: Any, store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    payment_id = await open_payment(client, store.headers, "CMD-20")
    await flag(pool, payment_id, "needs_refund")
    refund_id = await refund_awaiting_a_person(pool, payment_id)
    dismiss = {"action": "dismiss", "reason": "remboursement demandé par le vendeur"}
    await client.post(f"/api/v1/admin/queue/{payment_id}/resolve", json=dismiss, headers=ADMIN)

    [item] = (await client.get("/api/v1/admin/queue", headers=ADMIN)).json()["data"]
    assert item["kind"] == "refund_requires_action" and item["subject_id"] == refund_id
    assert item["actions"] == ["manual_refund", "dismiss"]
    refused = await client.post(
        f"/api/v1/admin/queue/{refund_id}/resolve", json={"action": "refund"}, headers=ADMIN
    )
    problem(refused, 409, "resolution_not_allowed")

    manual = {"action": "manual_refund", "reference": "WAVE-TX-99"}
    done = await client.post(f"/api/v1/admin/queue/{refund_id}/resolve", json=manual, headers=ADMIN)
    assert done.status_code == 200, done.text
    refund = (await client.get(f"/api/v1/refunds/{refund_id}", headers=store.headers)).json()
    assert refund["status"] == "succeeded" and refund["provider_reference"] == "WAVE-TX-99"
    assert (await client.get("/api/v1/admin/queue", headers=ADMIN)).json()["data"] == []


async def test_a_payment_the_vendor_refunded_leaves_the_queue_by_itself(
    client: Any, store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    payment_id = await open_payment(client, store.headers, "CMD-30")
    await flag(pool, payment_id, "needs_refund")
    assert len((await client.get("/api/v1/admin/queue", headers=ADMIN)).json()["data"]) == 1
    refund = await client.post(
        f"/api/v1/payments/{payment_id}/refunds", json={}, headers=store.headers
    )
    assert refund.status_code == 201, refund.text
    assert (await client.get("/api/v1/admin/queue", headers=ADMIN)).json()["data"] == []


async def test_the_desk_routes_and_bodies_are_in_the_openapi_document(client: Any) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    for path in (
        "/api/v1/admin/queue",
        "/api/v1/admin/queue/{subject_id}/resolve",
        "/api/v1/admin/audit",
        "/api/v1/admin/stores/{store_id}/suspend",
        "/api/v1/admin/stores/{store_id}/rotate-webhook-secret",
    ):
        assert path in schema["paths"], path
    resolve = schema["components"]["schemas"]["ResolveIn"]
    assert resolve["required"] == ["action"]
    assert "StoreUpdateIn" in schema["components"]["schemas"]


async def test_two_operators_resolving_one_item_at_once_record_one_resolution(
    client: Any, store: StoreKeys, pool: AsyncConnectionPool[Any], container: Container
) -> None:
    payment_id = await open_payment(client, store.headers, "CMD-40")
    await flag(pool, payment_id, "late")
    other = await operator_headers(container, "Moussa")

    async def dismiss(headers: dict[str, str], reason: str) -> Any:
        body = {"action": "dismiss", "reason": reason}
        return await client.post(
            f"/api/v1/admin/queue/{payment_id}/resolve", json=body, headers=headers
        )

    answers = await asyncio.gather(dismiss(ADMIN, "premier"), dismiss(other, "second"))
    assert sorted(a.status_code for a in answers) in ([200, 404], [200, 409])
    async with pool.connection() as conn:
        cursor = await conn.execute(
            "SELECT count(*) FROM review_resolutions WHERE subject_id = %s", (payment_id,)
        )
        assert await cursor.fetchone() == (1,)
    assert len(await audit(client, subject_id=payment_id)) == 1


async def test_a_notification_that_gave_up_is_sent_once_more_and_leaves_the_queue(
    client: Any, store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    await open_payment(client, store.headers, "CMD-50")
    notification = await give_up_a_notification(pool, store.id)
    [item] = (await client.get("/api/v1/admin/queue", headers=ADMIN)).json()["data"]
    assert item["subject_id"] == notification and item["actions"] == ["redeliver", "dismiss"]

    body = {"action": "redeliver"}
    sent = await client.post(
        f"/api/v1/admin/queue/{notification}/resolve", json=body, headers=ADMIN
    )
    assert sent.status_code == 200, sent.text
    assert (await client.get("/api/v1/admin/queue", headers=ADMIN)).json()["data"] == []
    async with pool.connection() as conn:
        cursor = await conn.execute(
            "SELECT state FROM notifications WHERE id = %s", (notification,)
        )
        assert await cursor.fetchone() == ("pending",)
    [entry] = await audit(client, subject_id=notification)
    assert entry["action"] == "review.redeliver" and entry["after"]["status"] == "sent_again"

    await give_up_a_notification(pool, store.id)  # it gave up again: back in the queue
    [again] = (await client.get("/api/v1/admin/queue", headers=ADMIN)).json()["data"]
    assert again["subject_id"] == notification


async def test_two_operators_refunding_one_item_at_once_send_one_refund(
    client: Any,
    store: StoreKeys,
    pool: AsyncConnectionPool[Any],
    container: Container,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The second operator comes while the provider is asked for the first one's refund.
    Partial refunds both fit in the payment: only the claim taken before the provider is
    asked keeps the second operator from sending money too."""
    payment_id = await open_payment(client, store.headers, "CMD-60")
    await flag(pool, payment_id, "needs_refund")
    other = await operator_headers(container, "Moussa")
    sandbox = (await resolve(container.configured_providers)).refunder("sandbox")
    asked, go = threading.Event(), threading.Event()  # the app runs on another event loop
    send = sandbox.refund

    async def held_refund(*args: Any) -> Any:
        if not asked.is_set():  # the first call waits for the second operator
            asked.set()
            await asyncio.to_thread(go.wait, 30)
        return await send(*args)

    monkeypatch.setattr(sandbox, "refund", held_refund)

    def refund(headers: dict[str, str], amount: int) -> Any:
        body = {"action": "refund", "amount": amount, "reason": "Payé deux fois"}
        url = f"/api/v1/admin/queue/{payment_id}/resolve"
        return at_once(client, "POST", url, json=body, headers=headers)

    first = asyncio.ensure_future(refund(ADMIN, 2000))
    await asyncio.to_thread(asked.wait, 30)
    second = await refund(other, 3000)
    go.set()
    assert (await first).status_code == 200
    problem(second, 409, "already_resolved")
    async with pool.connection() as conn:
        asked_of_provider = await conn.execute(
            "SELECT count(*) FROM sandbox_refunds WHERE payment_id = %s", (payment_id,)
        )
        assert await asked_of_provider.fetchone() == (1,)
        made = await conn.execute(
            "SELECT count(*) FROM refunds WHERE payment_id = %s", (payment_id,)
        )
        assert await made.fetchone() == (1,)
        claims = await conn.execute("SELECT count(*) FROM review_claims")
        assert await claims.fetchone() == (0,)
    assert len(await audit(client, subject_id=payment_id)) == 1
