"""Sandbox payments that succeeded, and sandbox refunds settled without waiting."""

from __future__ import annotations

from typing import Any

from psycopg_pool import AsyncConnectionPool
from tests.integration.conftest import StoreKeys
from tests.integration.helpers import ORDER


async def succeeded_payment(
    client: Any, store: StoreKeys, pool: AsyncConnectionPool[Any], amount: int = 5000
) -> dict[str, Any]:
    """A sandbox payment of `amount` XOF that the sandbox operator confirmed succeeded."""
    order = await client.post(
        "/api/v1/orders", json={**ORDER, "amount": amount}, headers=store.headers
    )
    assert order.status_code == 201, order.text
    started = await client.post(
        f"/api/v1/orders/{order.json()['id']}/payments",
        json={"provider": "sandbox", "phone": "+2250700000004"},  # succeeds, no webhook
        headers=store.headers,
    )
    payment_id = started.json()["id"]
    await settle_now(pool, "sandbox_transactions", "payment_id", payment_id)
    verified = await client.post(f"/api/v1/payments/{payment_id}/verify", headers=store.headers)
    assert verified.json()["status"] == "succeeded", verified.text
    body: dict[str, Any] = verified.json()
    return body


async def settle_now(pool: AsyncConnectionPool[Any], table: str, column: str, key: str) -> None:
    """The sandbox operator's decision is due now (instead of about 2 s later)."""
    async with pool.connection() as conn:
        await conn.execute(
            f"UPDATE {table} SET settles_at = now() - interval '1 second' "
            f"WHERE {column} = %(key)s AND final_status IS NOT NULL",
            {"key": key},
        )


async def refund(client: Any, store: StoreKeys, payment_id: str, **body: Any) -> Any:
    return await client.post(
        f"/api/v1/payments/{payment_id}/refunds", json=body, headers=store.headers
    )
