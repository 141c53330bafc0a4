"""`Idempotency-Key` over HTTP: replay, conflict, in flight (docs/api.md, Conventions)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from tests.integration.conftest import StoreKeys
from tests.integration.helpers import ORDER, count, problem

from entrypoints.http.idempotent import request_fingerprint


async def post_order(client: Any, store: StoreKeys, key: str, body: dict[str, Any]) -> Any:
    headers = {**store.headers, "Idempotency-Key": key}
    return await client.post("/api/v1/orders", json=body, headers=headers)


async def test_the_same_key_and_body_replays_the_first_response(
    client: Any, store: StoreKeys, pool: Any
) -> None:
    first = await post_order(client, store, "key-1", ORDER)
    again = await post_order(client, store, "key-1", dict(reversed(list(ORDER.items()))))
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert await count(pool, "orders") == 1


async def test_the_same_key_with_another_body_is_refused(
    client: Any, store: StoreKeys, pool: Any
) -> None:
    await post_order(client, store, "key-2", ORDER)
    response = await post_order(client, store, "key-2", {**ORDER, "amount": 6000})
    problem(response, 422, "idempotency_key_reused")
    assert await count(pool, "orders") == 1


async def test_a_key_still_in_flight_is_refused(
    client: Any, store: StoreKeys, container: Any
) -> None:
    """A first request has claimed the key and not finished: the second one is refused."""
    idempotency = await container.idempotency()
    fingerprint = request_fingerprint("POST", "/api/v1/orders", json.dumps(ORDER).encode())
    assert await idempotency.begin(store.id, "key-3", fingerprint) is None
    response = await post_order(client, store, "key-3", ORDER)
    problem(response, 409, "idempotency_key_in_use")


async def test_concurrent_requests_with_one_key_create_one_order(
    client: Any, store: StoreKeys, pool: Any
) -> None:
    responses = await asyncio.gather(*(post_order(client, store, "key-4", ORDER) for _ in range(8)))
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {201, 409}
    assert 201 in statuses
    assert await count(pool, "orders") == 1
    created = {r.json()["id"] for r in responses if r.status_code == 201}
    assert len(created) == 1


async def test_keys_belong_to_one_store(
    client: Any, store: StoreKeys, other_store: StoreKeys, pool: Any
) -> None:
    one = await post_order(client, store, "shared", ORDER)
    two = await post_order(client, other_store, "shared", ORDER)
    assert one.json()["id"] != two.json()["id"]
    assert await count(pool, "orders") == 2


async def test_an_error_answer_is_replayed_too(client: Any, store: StoreKeys) -> None:
    order = (await post_order(client, store, "o", ORDER)).json()
    path = f"/api/v1/orders/{order['id']}/payments"
    headers = {**store.headers, "Idempotency-Key": "pay-1"}
    body = {"provider": "mtn_momo", "phone": "+2250700000001"}
    first = await client.post(path, json=body, headers=headers)
    again = await client.post(path, json=body, headers=headers)
    problem(first, 422, "provider_not_available")
    problem(again, 422, "provider_not_available")
    assert again.headers["Idempotent-Replayed"] == "true"


async def test_a_too_long_key_is_refused(client: Any, store: StoreKeys, pool: Any) -> None:
    response = await post_order(client, store, "k" * 256, ORDER)
    problem(response, 422, "validation_failed")
    assert await count(pool, "orders") == 0
