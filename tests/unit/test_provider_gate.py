"""The gate in front of new payments, the guarded provider that feeds it, and the watch that
tells stores of incidents: with in-memory ports and a fake clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.fakes import FakeClock, FakePhoneNormalizer, FakeProvider, FakeRegistry
from tests.health_fakes import InMemoryBreakerStore, InMemoryHealthLedger, InMemoryHealthRecorder
from tests.unit.helpers import PHONE, World, a_payment, an_order

from adapters.providers.guarded import GuardedRegistry
from application.errors import ProviderRejected, ProviderUnavailable
from application.health.ports import BreakerStore, HealthLedger, HealthRecorder
from application.health.provider_gate import GatedInitiatePayment, ProviderDown, ProviderGate
from application.health.provider_health import ProviderHealthQuery
from application.health.settlements import settle_tally
from application.health.watch_providers import WatchProviders
from application.payments.initiate_payment import InitiatePaymentCommand
from domain.errors import PaymentInProgress
from domain.events import DomainEvent, Source
from domain.provider_health import Breaker, BreakerPolicy, BreakerState

POLICY = BreakerPolicy(failures=2, open_for=timedelta(seconds=30), probes=1)


def test_the_fakes_fit_their_ports() -> None:
    recorder = InMemoryHealthRecorder()
    store: BreakerStore = InMemoryBreakerStore()
    ledger: HealthLedger = InMemoryHealthLedger(recorder, {})
    checked: HealthRecorder = recorder
    assert store and ledger and checked


async def test_an_open_breaker_refuses_with_the_seconds_left_then_lets_one_probe_through() -> None:
    clock, store = FakeClock(), InMemoryBreakerStore()
    gate = ProviderGate(store, clock, POLICY)
    await gate.failed("wave")
    await gate.check("wave")  # one failure: still closed
    await gate.failed("wave")
    with pytest.raises(ProviderDown) as refused:
        await gate.check("wave")
    assert refused.value.retry_after == 30
    clock.advance(seconds=30)
    await gate.check("wave")  # the probe
    writes = store.writes
    with pytest.raises(ProviderDown):
        await gate.check("wave")  # only one probe at a time
    assert store.writes == writes  # refused from what this process knows
    await gate.succeeded("wave")
    await gate.check("wave")
    assert (await gate.breaker("wave")).state is BreakerState.CLOSED


async def test_a_healthy_provider_costs_one_read_a_second_and_no_write() -> None:
    clock, store = FakeClock(), InMemoryBreakerStore()
    gate = ProviderGate(store, clock, POLICY)
    for _ in range(100):
        await gate.check("wave")
        await gate.succeeded("wave")
    assert (store.reads, store.writes) == (1, 0)
    clock.advance(seconds=1)
    await gate.check("wave")
    assert store.reads == 2


async def test_a_start_reads_no_breaker_inside_its_transaction_however_long_it_waited() -> None:
    """The breakers are read before the payment's transaction takes its connection; reading
    them again inside it would ask the pool for a second connection, and with every
    connection held by such starts they waited for each other until the pool timed out (seen
    in the benchmark when starts took over a second)."""
    world = World()

    class SlowStore(InMemoryBreakerStore):
        async def all(self) -> dict[str, Breaker]:
            found = dict(await super().all())
            world.clock.advance(seconds=5)  # the start then waits longer than the cache time
            return found

    store = SlowStore()
    gate = ProviderGate(store, world.clock, POLICY)
    initiate = GatedInitiatePayment(
        uow=world.uow, providers=world.registry, phones=FakePhoneNormalizer(), ids=world.ids,
        clock=world.clock, settle=world.settle(), gate=gate,
    )  # fmt: skip
    order = await an_order(world)
    await initiate(InitiatePaymentCommand(order.store_id, order.id, world.provider.name, PHONE))
    assert store.reads == 1


async def test_another_process_opening_the_breaker_is_seen_within_the_cache_time() -> None:
    clock, store = FakeClock(), InMemoryBreakerStore()
    here, there = ProviderGate(store, clock, POLICY), ProviderGate(store, clock, POLICY)
    await here.check("wave")
    await there.failed("wave")
    await there.failed("wave")
    await here.check("wave")  # still cached as closed
    clock.advance(seconds=1)
    with pytest.raises(ProviderDown):
        await here.check("wave")


async def test_a_down_provider_is_refused_before_any_payment_is_written() -> None:
    world, store = World(), InMemoryBreakerStore()
    gate = ProviderGate(store, world.clock, POLICY)
    for _ in range(2):
        await gate.failed(world.provider.name)
    initiate = GatedInitiatePayment(
        uow=world.uow, providers=world.registry, phones=FakePhoneNormalizer(), ids=world.ids,
        clock=world.clock, settle=world.settle(), gate=gate,
    )  # fmt: skip
    order = await an_order(world)
    command = InitiatePaymentCommand(order.store_id, order.id, world.provider.name, PHONE)
    with pytest.raises(ProviderDown):
        await initiate(command)
    assert world.provider.start_calls == 0
    async with world.uow(read_only=True) as uow:
        assert await uow.payments.for_order(order.id) == []


async def test_a_payment_stuck_on_a_down_provider_does_not_block_another_way() -> None:
    world, store = World(), InMemoryBreakerStore()
    gate = ProviderGate(store, world.clock, POLICY)
    other = FakeProvider("other")
    registry = FakeRegistry(world.provider, other)
    initiate = GatedInitiatePayment(
        uow=world.uow, providers=registry, phones=FakePhoneNormalizer(), ids=world.ids,
        clock=world.clock, settle=world.settle(), gate=gate,
    )  # fmt: skip
    order = await an_order(world)
    stuck = await initiate(InitiatePaymentCommand(order.store_id, order.id, "fake", PHONE))
    again = InitiatePaymentCommand(order.store_id, order.id, "other", PHONE)
    with pytest.raises(PaymentInProgress):
        await initiate(again)  # its provider is not down: one attempt at a time
    for _ in range(2):
        await gate.failed("fake")
    second = await initiate(again)
    assert (stuck.status.value, second.status.value) == ("pending", "pending")


async def test_the_guarded_provider_classes_each_start_and_never_blocks_status_queries() -> None:
    clock, store, recorder = FakeClock(), InMemoryBreakerStore(), InMemoryHealthRecorder()
    gate = ProviderGate(store, clock, POLICY)
    world = World(clock=clock)
    order = await an_order(world)
    payment = await a_payment(world, order)
    provider = world.provider
    guarded = GuardedRegistry(FakeRegistry(provider), gate, recorder, clock).get(provider.name)

    provider.start_error = ProviderUnavailable("fake start timed out")
    for _ in range(2):
        with pytest.raises(ProviderUnavailable):
            await guarded.start(payment, order)
    assert (await gate.breaker(provider.name)).state is BreakerState.OPEN
    provider.queue(ProviderUnavailable("down"))
    with pytest.raises(ProviderUnavailable):
        await guarded.fetch_status(payment)  # asked, although the breaker is open
    assert provider.fetch_calls == 1
    provider.start_error = ProviderRejected("insufficient_funds", "no")
    clock.advance(seconds=30)
    with pytest.raises(ProviderRejected):
        await guarded.start(payment, order)  # an answer: closes it
    assert (await gate.breaker(provider.name)).state is BreakerState.CLOSED
    await recorder.flush()
    seen = {
        name: sum(getattr(t, name) for t in recorder.flushed)
        for name in ("starts_timeout", "starts_rejected", "status_error")
    }
    assert seen == {"starts_timeout": 2, "starts_rejected": 1, "status_error": 1}


async def test_the_watch_tells_the_stores_using_a_provider_once_per_incident() -> None:
    clock, store, recorder = FakeClock(), InMemoryBreakerStore(), InMemoryHealthRecorder()
    gate = ProviderGate(store, clock, POLICY)
    ledger = InMemoryHealthLedger(recorder, {"fake": ["str_a"], "other": ["str_b"]})
    registry = FakeRegistry(FakeProvider())
    watch = WatchProviders(
        ProviderHealthQuery(ledger, gate, clock), ledger, recorder, registry, clock
    )
    assert await watch() == 0
    for _ in range(2):
        await gate.failed("fake")
    assert await watch() == 1
    clock.advance(seconds=5)
    assert await watch() == 0
    assert [(s, k) for s, k, _ in ledger.announced] == [("str_a", "provider.degraded")]
    assert ledger.announced[0][2]["status"] == "down"
    clock.advance(seconds=30)
    await gate.check("fake")  # half-open: degraded, still the same incident
    assert await watch() == 0
    await gate.succeeded("fake")
    clock.advance(seconds=1)
    assert await watch() == 1
    assert [k for _, k, _ in ledger.announced] == ["provider.degraded", "provider.recovered"]
    assert ledger.list[0].ended_at == clock.now()


async def test_a_payment_settling_within_its_ttl_is_tallied_with_its_times() -> None:
    world = World()
    payment = await a_payment(world, await an_order(world))
    at = payment.created_at + timedelta(seconds=20)
    done = DomainEvent("payment.succeeded", payment.id, at, Source.WEBHOOK, "pending", "succeeded")
    tally = settle_tally(payment, done)
    assert tally is not None and tally.settled_in_ttl == 1 and sum(tally.callback_seconds) == 1
    expired = DomainEvent("payment.expired", payment.id, at, Source.SYSTEM, "pending", "expired")
    tally = settle_tally(payment, expired)
    assert tally is not None and tally.expired == 1
    late = DomainEvent("payment.succeeded", payment.id, at, Source.WEBHOOK, "expired", "succeeded")
    assert settle_tally(payment, late) is None
