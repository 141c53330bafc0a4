"""Refund routes given hostile input answer a 4xx problem and write no refund."""

from __future__ import annotations

from typing import Any

import pytest
from psycopg_pool import AsyncConnectionPool
from tests.integration.conftest import StoreKeys
from tests.integration.helpers import count
from tests.integration.refunds.helpers import succeeded_payment

BODIES: dict[str, bytes] = {
    "negative": b'{"amount": -1}',
    "zero": b'{"amount": 0}',
    "float": b'{"amount": 10.5}',
    "boolean": b'{"amount": true}',
    "string": b'{"amount": "1000"}',
    "huge": b'{"amount": 10000000000000000000000}',
    "unknown field": b'{"amount": 10, "currency": "EUR"}',
    "long reason": b'{"reason": "' + b"x" * 501 + b'"}',
    "array": b"[1000]",
    "not json": b"amount=1000",
    "nul byte": b'{"reason": "a\\u0000b"}',
}


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
async def test_a_hostile_refund_request_writes_nothing(
    client: Any, store: StoreKeys, pool: AsyncConnectionPool[Any], body: bytes
) -> None:
    payment = await succeeded_payment(client, store, pool)
    answer = await client.post(
        f"/api/v1/payments/{payment['id']}/refunds",
        content=body,
        headers={**store.headers, "Content-Type": "application/json"},
    )
    assert 400 <= answer.status_code < 500, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert await count(pool, "refunds") == 0


QUERIES = ["status=refunded", "limit=0", "limit=1000", "starting_after=" + "x" * 5000]


@pytest.mark.parametrize("query", QUERIES)
async def test_bad_list_queries_are_refused(client: Any, store: StoreKeys, query: str) -> None:
    answer = await client.get(f"/api/v1/refunds?{query}", headers=store.headers)
    assert 400 <= answer.status_code < 500, answer.text
