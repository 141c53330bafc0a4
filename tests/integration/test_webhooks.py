"""The sandbox webhook route: authentication, de-duplication, and concurrent deliveries
converging to one transition."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from tests.integration.conftest import StoreKeys
from tests.integration.helpers import ORDER, count, on_app_loop, problem

from adapters.signing import HmacSignatureScheme
from entrypoints.settings import SANDBOX_SECRET

WEBHOOK = "/payment/webhook/sandbox/"
SIGNER = HmacSignatureScheme(SANDBOX_SECRET.encode())


def event(payment_id: str, event_id: str | None = None) -> bytes:
    body = {
        "id": event_id or f"evt_sbx_{payment_id}_succeeded",
        "type": "payment.succeeded",
        "data": {
            "payment_id": payment_id,
            "status": "succeeded",
            "amount": 5000,
            "currency": "XOF",
        },
    }
    return json.dumps(body).encode()


async def deliver(client: Any, body: bytes, signature: str | None) -> Any:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Sandbox-Signature"] = signature
    return await client.post(WEBHOOK, content=body, headers=headers)


async def approved_payment(client: Any, store: StoreKeys, container: Any) -> str:
    """A manual sandbox payment the tester approved; its webhook is ours to send."""
    order = (await client.post("/api/v1/orders", json=ORDER, headers=store.headers)).json()
    payment = (
        await client.post(
            f"/api/v1/orders/{order['id']}/payments",
            json={"provider": "sandbox"},
            headers=store.headers,
        )
    ).json()
    operator = await container.sandbox_operator()
    assert await operator.decide(payment["id"], approve=True)
    return str(payment["id"])


async def status_and_events(
    client: Any, store: StoreKeys, payment_id: str
) -> tuple[str, list[str]]:
    payment = (await client.get(f"/api/v1/payments/{payment_id}", headers=store.headers)).json()
    events = (
        await client.get(f"/api/v1/payments/{payment_id}/events", headers=store.headers)
    ).json()["data"]
    return payment["status"], [e["type"] for e in events]


async def test_a_signed_webhook_settles_the_payment(
    client: Any, store: StoreKeys, container: Any
) -> None:
    payment_id = await approved_payment(client, store, container)
    body = event(payment_id)
    response = await deliver(client, body, SIGNER.sign(body))
    assert response.status_code == 200
    assert response.json() == {"received": True}
    status, events = await status_and_events(client, store, payment_id)
    assert status == "succeeded"
    assert events.count("payment.succeeded") == 1


BAD_SIGNATURES: dict[str, Callable[[bytes], str | None]] = {
    "missing": lambda body: None,
    "empty": lambda body: "",
    "garbage": lambda body: "garbage",
    "bad-timestamp": lambda body: "t=abc,v1=00",
    "tampered": lambda body: SIGNER.sign(body + b" "),
    "wrong-secret": lambda body: HmacSignatureScheme(b"another secret").sign(body),
    "replayed-an-hour-later": lambda body: SIGNER.sign(body, at=int(time.time()) - 3600),
    "from-the-future": lambda body: SIGNER.sign(body, at=int(time.time()) + 3600),
}


@pytest.mark.parametrize("make_signature", BAD_SIGNATURES.values(), ids=BAD_SIGNATURES.keys())
async def test_a_bad_signature_is_refused_and_changes_nothing(
    client: Any,
    store: StoreKeys,
    container: Any,
    pool: Any,
    make_signature: Callable[[bytes], str | None],
) -> None:
    payment_id = await approved_payment(client, store, container)
    body = event(payment_id)
    response = await deliver(client, body, make_signature(body))
    problem(response, 401, "invalid_signature")
    assert await count(pool, "webhook_deliveries") == 0
    status, events = await status_and_events(client, store, payment_id)
    assert status == "pending"
    assert "payment.succeeded" not in events


async def test_a_replayed_old_delivery_is_refused(
    client: Any, store: StoreKeys, container: Any, pool: Any
) -> None:
    payment_id = await approved_payment(client, store, container)
    body = event(payment_id)
    old = SIGNER.sign(body, at=int(time.time()) - 6 * 60)
    problem(await deliver(client, body, old), 401, "invalid_signature")
    assert await count(pool, "webhook_deliveries") == 0
    assert (await status_and_events(client, store, payment_id))[0] == "pending"


async def test_an_unreadable_body_with_a_valid_signature_is_a_400(client: Any, pool: Any) -> None:
    body = b"{not json"
    problem(await deliver(client, body, SIGNER.sign(body)), 400, "malformed_webhook")
    assert await count(pool, "webhook_deliveries") == 0


async def test_a_body_above_64_kib_is_a_413(client: Any, pool: Any) -> None:
    body = b'{"id": "' + b"x" * (65 * 1024) + b'"}'
    problem(await deliver(client, body, SIGNER.sign(body)), 413, "payload_too_large")
    assert await count(pool, "webhook_deliveries") == 0


async def test_an_unknown_provider_is_not_available(client: Any) -> None:
    response = await client.post("/payment/webhook/paypal/", content=b"{}")
    problem(response, 422, "provider_not_available")


async def test_the_same_delivery_twice_is_stored_once(
    client: Any, store: StoreKeys, container: Any, pool: Any
) -> None:
    payment_id = await approved_payment(client, store, container)
    body = event(payment_id)
    signature = SIGNER.sign(body)
    first, second = await deliver(client, body, signature), await deliver(client, body, signature)
    assert first.status_code == second.status_code == 200
    assert await count(pool, "webhook_deliveries") == 1
    assert (await status_and_events(client, store, payment_id))[1].count("payment.succeeded") == 1


async def test_concurrent_deliveries_give_one_transition_and_one_event(
    client: Any, store: StoreKeys, container: Any, pool: Any
) -> None:
    """Different event ids, so the inbox does not stop them: the row lock must."""
    payment_id = await approved_payment(client, store, container)
    bodies = [event(payment_id, f"evt_race_{n}") for n in range(12)]
    responses = await asyncio.gather(*(deliver(client, b, SIGNER.sign(b)) for b in bodies))
    assert [r.status_code for r in responses] == [200] * 12
    status, events = await status_and_events(client, store, payment_id)
    assert status == "succeeded"
    assert events == ["payment.created", "payment.pending", "payment.succeeded"]
    assert await count(pool, "order_events") == 2  # created, then paid once
    assert await count(pool, "webhook_deliveries") == 12


async def test_two_concurrent_handle_webhook_calls(
    client: Any, store: StoreKeys, container: Any
) -> None:
    """The use case itself, twice at once, as two server processes would run it."""
    payment_id = await approved_payment(client, store, container)
    one, two = event(payment_id, "evt_a"), event(payment_id, "evt_b")

    async def both_at_once() -> list[Any]:
        handle = await container.handle_webhook()
        return await asyncio.gather(
            handle("sandbox", one, {"Sandbox-Signature": SIGNER.sign(one)}, {}),
            handle("sandbox", two, {"Sandbox-Signature": SIGNER.sign(two)}, {}),
        )

    results = await on_app_loop(client, both_at_once)
    assert sorted(r.recorded for r in results) == ["applied:succeeded", "applied:succeeded"]
    status, events = await status_and_events(client, store, payment_id)
    assert (status, events.count("payment.succeeded")) == ("succeeded", 1)
