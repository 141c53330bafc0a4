"""Provider health end to end on PostgreSQL: Wave's respx fake goes down, the breaker opens
for two app instances sharing the database, new payments are refused at once with
Retry-After, status queries keep going, the stores are told once, and recovery closes it."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx
from litestar.testing import AsyncTestClient
from psycopg_pool import AsyncConnectionPool
from tests.fakes import FakeClock, SequentialIds
from tests.integration.conftest import StoreKeys, create_store
from tests.integration.helpers import problem
from tests.integration.provider_app import order_and_payment, provider_app
from tests.integration.providers.test_wave import ENV, PHONE, WAVE_URL, FakeWave
from tests.integration.test_pages import csrf_of, path_of, sign_in

from adapters.postgres.health_ledger import PostgresHealthLedger
from adapters.postgres.health_recorder import BufferedHealthRecorder
from domain.provider_health import LATENCY_BOUNDS_MS, BreakerPolicy, Tally, minute_of
from entrypoints.container import resolve
from entrypoints.settings import Settings

FAILURES = 3


class SwitchableWave(FakeWave):
    """Wave's fake with a switch: while `down`, every call answers 503."""

    def __init__(self, router: respx.MockRouter) -> None:
        super().__init__(router)
        self.down = False
        for route in (self.create, self.search, self.get):
            route.side_effect = self._unless_down(route.side_effect)

    def _unless_down(self, answer: Any) -> Any:
        def respond(request: httpx.Request, **kwargs: Any) -> httpx.Response:
            if self.down:
                return httpx.Response(503, json={"code": "service-unavailable"})
            response: httpx.Response = answer(request, **kwargs)
            return response

        return respond


@pytest.fixture
def wave() -> Iterator[SwitchableWave]:
    with respx.mock(using="stream", base_url=WAVE_URL, assert_all_called=False) as router:
        yield SwitchableWave(router)


@pytest.fixture
async def servers(
    settings: Settings, clean_db: None
) -> AsyncIterator[tuple[AsyncTestClient[Any], AsyncTestClient[Any]]]:
    """Two app instances (as two server processes would be) on the same database."""
    policy = BreakerPolicy(failures=FAILURES, open_for=timedelta(seconds=1))
    fast = dataclasses.replace(settings, breaker=policy)
    async with provider_app(fast, ENV) as one, provider_app(fast, ENV) as two:
        yield one, two


async def health(client: Any, store: StoreKeys) -> dict[str, dict[str, Any]]:
    response = await client.get("/api/v1/providers", headers=store.headers)
    assert response.status_code == 200, response.text
    return {entry["provider"]: entry for entry in response.json()["data"]}


async def until(check: Any, seconds: float = 5.0) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        result = await check()
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(0.1)


async def notified(pool: AsyncConnectionPool[Any], kind: str) -> list[tuple[str, bytes]]:
    async with pool.connection() as conn:
        cursor = await conn.execute(
            "SELECT store_id, body FROM notifications WHERE type = %s", (kind,)
        )
        return [(row[0], bytes(row[1])) for row in await cursor.fetchall()]


async def test_the_providers_list_answers_for_the_configured_providers(
    servers: tuple[Any, Any], wave: SwitchableWave
) -> None:
    one, _ = servers
    store = await create_store(one)
    listed = await health(one, store)
    assert set(listed) == {"sandbox", "wave"}
    assert listed["wave"]["status"] == "operational"
    assert listed["wave"]["window_minutes"] in (5, 60)
    assert set(listed["wave"]["start_latency_ms"]) == {"p50", "p95"}
    assert (await one.get("/api/v1/providers")).status_code == 401


async def test_a_failing_provider_is_cut_off_on_both_servers_then_recovers(
    servers: tuple[Any, Any], wave: SwitchableWave, pool: AsyncConnectionPool[Any]
) -> None:
    one, two = servers
    store, bystander = await create_store(one), await create_store(one, "Chez Koffi")
    assert (await health(two, store))["wave"]["status"] == "operational"  # two reads it now

    wave.down = True
    for _ in range(FAILURES):
        _, response = await order_and_payment(one, store, "wave", phone=PHONE)
        assert response.status_code == 201, response.text
        assert response.json()["status"] == "pending"  # outcome unknown, never failed

    for client in (one, two):  # each reads the shared breaker within a second
        refused = await until(lambda c=client: _refused(c, store))
        assert refused is not None, "the breaker did not open on this server"
        problem(refused, 503, "provider_unavailable")
        assert int(refused.headers["Retry-After"]) == 1
    calls = wave.create.call_count
    for client in (one, two):
        assert await _refused(client, store) is not None
    assert wave.create.call_count == calls  # refused without asking Wave
    listed = await health(two, store)
    assert listed["wave"]["status"] == "down"
    assert listed["wave"]["since"] is not None
    assert listed["sandbox"]["status"] == "operational"
    _, sandbox = await order_and_payment(two, store, "sandbox", phone="+2250700000003")
    assert sandbox.status_code == 201  # the other providers are still offered

    watch = await resolve(one.app.state.container.watch_providers)
    assert await watch() == 1
    assert await watch() == 0  # once per incident
    degraded = await notified(pool, "provider.degraded")
    assert [store_id for store_id, _ in degraded] == [store.id]  # only stores using Wave
    assert b'"status":"down"' in degraded[0][1]
    assert bystander.id not in {store_id for store_id, _ in degraded}

    wave.down = False
    await asyncio.sleep(1.05)  # open for 1 s: then half-open lets a probe through
    _, probe = await until(lambda: _started(two, store), seconds=3)
    assert probe.status_code == 201, probe.text
    assert probe.json()["next_action"]["type"] == "redirect"
    recovered = await until(lambda: _status_is(one, store, "operational"), seconds=3)
    assert recovered
    assert await watch() == 1
    assert len(await notified(pool, "provider.recovered")) == 1


async def test_status_queries_go_through_an_open_breaker(
    servers: tuple[Any, Any], wave: SwitchableWave
) -> None:
    one, _ = servers
    store = await create_store(one)
    _, started = await order_and_payment(one, store, "wave", phone=PHONE)
    payment_id = started.json()["id"]
    wave.down = True
    for _ in range(FAILURES):
        await order_and_payment(one, store, "wave", phone=PHONE)
    assert await until(lambda: _refused(one, store)) is not None
    wave.down = False
    wave.pay(next(iter(wave.sessions)))
    verified = await one.post(f"/api/v1/payments/{payment_id}/verify", headers=store.headers)
    assert verified.status_code == 200, verified.text
    assert verified.json()["status"] == "succeeded"


async def _refused(client: Any, store: StoreKeys) -> Any:
    _, response = await order_and_payment(client, store, "wave", phone=PHONE)
    return response if response.status_code == 503 else None


async def _started(client: Any, store: StoreKeys) -> Any:
    created, response = await order_and_payment(client, store, "wave", phone=PHONE)
    return (created, response) if response.status_code == 201 else None


async def _status_is(client: Any, store: StoreKeys, status: str) -> bool:
    return bool((await health(client, store))["wave"]["status"] == status)


async def test_metrics_show_the_providers_health(
    servers: tuple[Any, Any], wave: SwitchableWave
) -> None:
    one, _ = servers
    store = await create_store(one)
    wave.down = True
    for _ in range(FAILURES):
        await order_and_payment(one, store, "wave", phone=PHONE)
    text = (await one.get("/metrics")).text
    assert 'payments_provider_status{provider="wave",status="down"} 1.0' in text
    assert 'payments_provider_breaker{provider="wave",state="open"} 1.0' in text
    assert 'payments_provider_status{provider="sandbox",status="operational"} 1.0' in text
    assert 'payments_provider_success_ratio{provider="wave"} 0.0' in text


async def test_the_pages_grey_out_a_down_provider_and_offer_another_way(
    servers: tuple[Any, Any], wave: SwitchableWave
) -> None:
    one, two = servers
    store = await create_store(one)
    wave.down = True
    stuck_order, stuck = await order_and_payment(one, store, "wave", phone=PHONE)
    for _ in range(FAILURES - 1):
        await order_and_payment(one, store, "wave", phone=PHONE)
    assert await until(lambda: _refused(two, store)) is not None, "the breaker did not open"

    checkout = await two.get(path_of(stuck_order["checkout_url"]))
    assert checkout.status_code == 200
    assert 'data-provider="wave" data-health="down"' in checkout.text
    assert "Wave est indisponible pour le moment." in checkout.text
    assert 'value="wave" required  disabled' in checkout.text
    assert 'data-provider="sandbox" data-health="operational"' in checkout.text
    assert 'id="stuck-notice"' in checkout.text  # its Wave payment no longer blocks it

    urls = two.app.state.container.urls()
    status = await two.get(path_of(urls.status(stuck.json()["id"])))
    assert 'id="pay-another-way"' in status.text and "Payer autrement" in status.text

    token = path_of(stuck_order["checkout_url"]).split("token=")[1]
    form = {"token": token, "provider": "sandbox", "phone": "+2250700000003"}
    other = await two.post(
        f"/order/{stuck_order['id']}/payment/",
        data={**form, "_csrf_token": csrf_of(checkout)},
        follow_redirects=False,
    )
    assert other.status_code == 303, other.text  # paid another way, on the same order
    kept = await two.get(f"/api/v1/payments/{stuck.json()['id']}", headers=store.headers)
    assert kept.json()["status"] == "pending"  # only Wave can settle the stuck one

    await sign_in(two, store)
    dashboard = await two.get("/store/dashboard/")
    assert 'id="provider-health"' in dashboard.text
    assert '<tr data-provider="wave" data-health="down">' in dashboard.text
    watch = await resolve(one.app.state.container.watch_providers)
    await watch()
    dashboard = await two.get("/store/dashboard/")
    assert "Indisponible ·" in dashboard.text and "en cours" in dashboard.text


async def test_the_recorder_adds_up_what_every_process_saw_within_a_second(
    pool: AsyncConnectionPool[Any], clean_db: None
) -> None:
    clock = FakeClock(datetime.now(UTC))
    first, second = BufferedHealthRecorder(pool, clock), BufferedHealthRecorder(pool, clock)
    latency = tuple(1 if i == 2 else 0 for i in range(len(LATENCY_BOUNDS_MS) + 1))
    minute = minute_of(clock.now())
    for recorder in (first, second, first):
        recorder.record(Tally("wave", minute, starts_ok=1, start_latency=latency))
    second.record(Tally("wave", minute, starts_timeout=1))
    ledger = PostgresHealthLedger(pool, SequentialIds())

    async def written() -> bool:
        tallies = await ledger.tallies(minute)
        return bool(tallies) and tallies[0].starts == 4

    assert await until(written, seconds=3)  # nobody called flush: the timers did
    (tally,) = await ledger.tallies(minute)
    assert (tally.starts_ok, tally.starts_timeout, tally.start_latency[2]) == (3, 1, 3)
