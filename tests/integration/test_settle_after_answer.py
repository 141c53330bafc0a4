"""A callback is answered as soon as it is stored, and settled right after in the same
process: a provider that is slow to confirm no longer holds the callback's answer."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import psycopg
import pytest
from litestar.testing import AsyncTestClient
from tests.integration.conftest import BASE_URL, create_store
from tests.integration.test_webhooks import SIGNER, approved_payment, deliver, event

from entrypoints.container import Container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings


@pytest.fixture
async def background_client(
    settings: Settings, clean_db: None
) -> AsyncIterator[AsyncTestClient[Any]]:
    configured = dataclasses.replace(settings, settle_webhooks_inline=False)
    app = create_app(Container(settings=configured))
    async with AsyncTestClient(app, base_url=BASE_URL) as client:
        yield client


async def payment_status(client: Any, headers: dict[str, str], payment_id: str) -> str:
    response = await client.get(f"/api/v1/payments/{payment_id}", headers=headers)
    return str(response.json()["status"])


async def test_the_answer_does_not_wait_for_the_providers_confirmation(
    background_client: AsyncTestClient[Any], database_url: str
) -> None:
    client = background_client
    store = await create_store(client)
    container: Container = client.app.state.container
    payment_id = await approved_payment(client, store, container)
    body = event(payment_id)

    async with await psycopg.AsyncConnection.connect(database_url) as provider_down:
        # The sandbox operator's status query waits on this lock: the provider hangs.
        await provider_down.execute("LOCK TABLE sandbox_transactions IN ACCESS EXCLUSIVE MODE")
        answer = await asyncio.wait_for(deliver(client, body, SIGNER.sign(body)), timeout=10)
        assert answer.status_code == 200
        assert await payment_status(client, store.headers, payment_id) == "pending"
        await provider_down.rollback()  # the provider answers again

    for _ in range(250):
        if await payment_status(client, store.headers, payment_id) == "succeeded":
            break
        await asyncio.sleep(0.02)
    assert await payment_status(client, store.headers, payment_id) == "succeeded"
    again = await deliver(client, body, SIGNER.sign(body))
    assert again.status_code == 200  # a duplicate: stored once, nothing more to settle
    history = await client.get(f"/api/v1/payments/{payment_id}/events", headers=store.headers)
    assert [e["type"] for e in history.json()["data"]].count("payment.succeeded") == 1
