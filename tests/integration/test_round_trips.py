"""Round trips to PostgreSQL per request, counted on the wire (`round_trips.counting_proxy`),
so that they do not creep back: a Wave payment's start in at most 4 (the API key, the order
locked with BEGIN and its payments read once the lock is held, the writes with COMMIT, the
provider's answer recorded), its `checkout.session.completed` callback in at most 2 (the
delivery stored and the payment read with its order, one statement; the writes and their
version checks, one statement that is its own transaction).
What a process does once per second whatever its traffic (provider health) is not
counted per request."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import pytest
import respx
from dependency_injector import providers
from litestar.testing import AsyncTestClient
from psycopg_pool import AsyncConnectionPool
from tests.integration.conftest import BASE_URL, StoreKeys, create_store
from tests.integration.providers.test_wave import ENV, WAVE_URL, FakeWave, event, signature
from tests.integration.round_trips import RoundTrips, counting_proxy

from adapters.postgres import pool as pool_module
from application.health.provider_gate import ProviderGate
from entrypoints.container import Container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings

WEBHOOK = "/payment/webhook/wave/"
MAX_INITIATION = 4
MAX_WEBHOOK = 2
#: Statements run: a webhook's are the delivery stored with the payment read (with its order
#: and fee rate) in the same statement, then every write of the settlement as ONE statement
#: (adapters/postgres/batch.py), with neither BEGIN nor COMMIT: nothing was read in its
#: transaction, so that statement, sent alone outside pipeline mode, is its own transaction
#: (13 before the writes were combined and the lock read was replaced by the writes' version
#: checks, 4 with BEGIN and COMMIT; initiation 13, then 10, then 8 before the first check
#: was planned in the payment's INSERT).
MAX_WEBHOOK_STATEMENTS = 2
MAX_INITIATION_STATEMENTS = 7


class UnwrittenTallies:
    """The provider-health recorder, keeping its tallies to itself."""

    def record(self, tally: object) -> None:
        pass

    async def flush(self, force: bool = False) -> None:
        pass


@dataclasses.dataclass
class Counted:
    client: AsyncTestClient[Any]
    trips: RoundTrips


@pytest.fixture
async def counted(
    settings: Settings,
    database_url: str,
    clean_db: None,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Counted]:
    """The app with Wave, on one database connection that goes through the counting proxy
    (one connection: every statement of a request is counted on it, none is skipped)."""
    monkeypatch.setattr(pool_module, "FRESH_SECONDS", 3600.0)  # no idle check mid-count
    with counting_proxy(database_url) as (conninfo, trips):
        configured = dataclasses.replace(
            settings, database_url=conninfo, pool_min_size=1, pool_max_size=1, providers=ENV
        )
        container = Container(settings=configured)
        # What runs once per second per process, whatever the traffic (the breakers read, the
        # health tallies written), is left out of the per-request count.
        container.health_recorder.override(providers.Object(UnwrittenTallies()))
        container.provider_gate.override(
            providers.Singleton(
                ProviderGate,
                container.breaker_store,
                container.clock,
                configured.breaker,
                cache_for=timedelta(hours=1),
            )
        )
        app = create_app(container)
        async with AsyncTestClient(app, base_url=BASE_URL) as client:
            yield Counted(client, trips)


@pytest.fixture
def fake() -> Iterator[FakeWave]:
    with respx.mock(using="stream", base_url=WAVE_URL, assert_all_called=False) as router:
        yield FakeWave(router)


async def start(client: Any, store: StoreKeys, reference: str) -> dict[str, Any]:
    order = {"reference": reference, "amount": 5000, "currency": "XOF"}
    created = await client.post("/api/v1/orders", json=order, headers=store.headers)
    assert created.status_code == 201, created.text
    response = await client.post(
        f"/api/v1/orders/{created.json()['id']}/payments",
        json={"provider": "wave"},
        headers=store.headers,
    )
    assert response.status_code == 201, response.text
    payment: dict[str, Any] = response.json()
    return payment


async def settle(client: Any, fake: FakeWave, payment: dict[str, Any]) -> None:
    body = event(fake.pay(payment["provider_reference"]))
    headers = {"Content-Type": "application/json", "Wave-Signature": signature(body)}
    response = await client.post(WEBHOOK, content=body, headers=headers)
    assert response.status_code == 200, response.text


async def status(pool: AsyncConnectionPool[Any], payment_id: str) -> tuple[str, str, str]:
    """The payment's and its order's status, and its delivery's outcome (read directly)."""
    query = """
        SELECT p.status, o.status, coalesce(d.outcome, '')
        FROM payments p JOIN orders o ON o.id = p.order_id
        LEFT JOIN webhook_deliveries d ON d.payment_id = p.id
        WHERE p.id = %s
    """
    async with pool.connection() as conn:
        row = await (await conn.execute(query, (payment_id,))).fetchone()
    assert row is not None
    return row[0], row[1], row[2]


async def settled(pool: AsyncConnectionPool[Any], payment_id: str) -> tuple[str, str, str]:
    """As `status`, once the callback has been processed (it may be, just after its answer)."""
    for _ in range(200):
        found = await status(pool, payment_id)
        if found[2]:
            return found
        await asyncio.sleep(0.02)
    return await status(pool, payment_id)


async def test_a_wave_payment_starts_in_4_round_trips_and_settles_in_2(
    counted: Counted, fake: FakeWave, pool: AsyncConnectionPool[Any]
) -> None:
    client, trips = counted.client, counted.trips
    store = await create_store(client)
    for n in range(6):  # warm: statements prepared, connection checked
        warm = await start(client, store, f"WARM-{n}")
        await settle(client, fake, warm)
        await settled(pool, warm["id"])

    order = {"reference": "CMD-1", "amount": 5000, "currency": "XOF"}
    created = await client.post("/api/v1/orders", json=order, headers=store.headers)
    trips.reset()
    response = await client.post(
        f"/api/v1/orders/{created.json()['id']}/payments",
        json={"provider": "wave"},
        headers=store.headers,
    )
    initiation, initiation_statements = trips.count, trips.statements
    assert response.status_code == 201 and response.json()["status"] == "pending"

    trips.reset()
    await settle(client, fake, response.json())
    assert await settled(pool, response.json()["id"]) == ("succeeded", "paid", "applied:succeeded")
    webhook, webhook_statements = trips.count, trips.statements

    assert initiation <= MAX_INITIATION, f"initiation took {initiation} round trips"
    assert webhook <= MAX_WEBHOOK, f"a webhook took {webhook} round trips"
    assert webhook_statements <= MAX_WEBHOOK_STATEMENTS, f"{webhook_statements} statements"
    assert initiation_statements <= MAX_INITIATION_STATEMENTS, f"{initiation_statements}"


async def test_the_counter_counts_one_per_exchange(database_url: str) -> None:
    """The proxy itself: one statement is one round trip; a pipeline of three is one."""
    import psycopg

    with counting_proxy(database_url) as (conninfo, trips):
        async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
            trips.reset()
            await conn.execute("SELECT 1")
            assert trips.count == 1
            trips.reset()
            async with conn.pipeline():
                for _ in range(3):
                    await conn.execute("SELECT 1")
            assert trips.count == 1
