"""Concurrent refund requests on one payment never refund more than was paid."""

from __future__ import annotations

import asyncio
from typing import Any

from psycopg_pool import AsyncConnectionPool
from tests.integration.conftest import StoreKeys
from tests.integration.helpers import on_app_loop
from tests.integration.refunds.helpers import succeeded_payment

from application.refunds.create_refund import CreateRefundCommand
from domain.refund import RefundExceedsPayment
from entrypoints.container import Container, resolve


async def test_concurrent_refunds_over_http_never_pass_the_amount_paid(
    client: Any, store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    payment = await succeeded_payment(client, store, pool)
    url = f"/api/v1/payments/{payment['id']}/refunds"
    answers = await asyncio.gather(
        *[client.post(url, json={"amount": 1500}, headers=store.headers) for _ in range(8)]
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] * 3 + [422] * 5  # 3 x 1,500 fit in 5,000; a fourth would not
    assert all(
        a.json()["code"] == "refund_exceeds_payment" for a in answers if a.status_code == 422
    )
    async with pool.connection() as conn:
        cursor = await conn.execute(
            "SELECT sum(amount) FROM refunds WHERE payment_id = %s", (payment["id"],)
        )
        row = await cursor.fetchone()
    assert row is not None and row[0] == 4500


async def test_concurrent_use_case_calls_serialise_on_the_payment(
    client: Any, store: StoreKeys, pool: AsyncConnectionPool[Any], container: Container
) -> None:
    payment = await succeeded_payment(client, store, pool)
    command = CreateRefundCommand(payment["id"], store.id, amount=1000)

    async def twelve_at_once() -> list[Any]:
        create_refund = await resolve(container.create_refund)
        calls = [create_refund(command) for _ in range(12)]
        return await asyncio.gather(*calls, return_exceptions=True)

    results = await on_app_loop(client, twelve_at_once)
    made = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, RefundExceedsPayment)]
    assert (len(made), len(refused)) == (5, 7)
    assert sum(r.amount.amount for r in made) == 5000
