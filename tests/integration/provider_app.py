"""The HTTP app in process with real providers configured through `Settings.providers`, for
tests whose provider is answered by respx. (The session's `app_client` has only the sandbox.)

respx patches httpx's network transport only: the test client talks to the app through
Litestar's in-process ASGI transport, which respx never sees."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from litestar.testing import AsyncTestClient
from tests.integration.conftest import BASE_URL, StoreKeys
from tests.integration.helpers import ORDER

from entrypoints.container import Container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings


@asynccontextmanager
async def provider_app(
    settings: Settings, env: Mapping[str, str]
) -> AsyncIterator[AsyncTestClient[Any]]:
    """An app whose providers are configured from `env` (the docs/api.md variables)."""
    configured = dataclasses.replace(settings, providers=dict(env))
    app = create_app(Container(settings=configured))
    async with AsyncTestClient(app, base_url=BASE_URL) as client:
        yield client


async def order_and_payment(
    client: Any, store: StoreKeys, provider: str, phone: str | None = None, **order: Any
) -> tuple[dict[str, Any], Any]:
    """A new order of the store and the answer to starting its payment with `provider`."""
    created = await client.post("/api/v1/orders", json={**ORDER, **order}, headers=store.headers)
    assert created.status_code == 201, created.text
    body: dict[str, Any] = {"provider": provider}
    if phone is not None:
        body["phone"] = phone
    response = await client.post(
        f"/api/v1/orders/{created.json()['id']}/payments", json=body, headers=store.headers
    )
    return created.json(), response


async def payment_state(client: Any, store: StoreKeys, payment_id: str) -> dict[str, Any]:
    """The payment as the API shows it, with `events`: its history's event types."""
    payment = await client.get(f"/api/v1/payments/{payment_id}", headers=store.headers)
    assert payment.status_code == 200, payment.text
    history = await client.get(f"/api/v1/payments/{payment_id}/events", headers=store.headers)
    state: dict[str, Any] = payment.json()
    state["events"] = [event["type"] for event in history.json()["data"]]
    state["history"] = history.json()["data"]
    return state


async def order_status(client: Any, store: StoreKeys, order_id: str) -> str:
    response = await client.get(f"/api/v1/orders/{order_id}", headers=store.headers)
    assert response.status_code == 200, response.text
    return str(response.json()["status"])
