"""Reconciliation: open payments are checked with their provider on a backoff schedule, expire
past their time-to-live, may still succeed late, and are never dropped when the provider is
down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.fakes import FakeCredentials
from tests.unit.background import RecordingMetrics
from tests.unit.helpers import (
    PENDING,
    World,
    a_payment,
    an_order,
    event_types,
    failed,
    stored_order,
    stored_payment,
    succeed,
    succeeded,
)

from application.errors import ProviderNotAvailable, ProviderUnavailable
from application.payments.initiate_payment import InitiatePayment, InitiatePaymentCommand
from application.payments.reconciliation import ReconcileDue, ReconcilePayment
from application.shared.timeouts import (
    CHECK_EVERY,
    DEFAULT_PAYMENT_TTL,
    LATE_CHECK_EVERY,
    LATE_WINDOW,
    TimeToLive,
    next_check,
    retry_delay,
)
from application.stores.stores import CreateStore, CreateStoreCommand
from domain.events import Source
from domain.order import OrderStatus
from domain.payment import Payment, PaymentStatus
from domain.review import ReviewKind

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
S = timedelta(seconds=1)
MIN = timedelta(minutes=1)

# -- the schedule ----------------------------------------------------------------------------


def test_checks_follow_the_backoff_schedule_then_every_ten_minutes() -> None:
    delays = [next_check(attempts, T0) - T0 for attempts in range(8)]
    assert delays == [15 * S, 30 * S, MIN, 2 * MIN, 5 * MIN, 10 * MIN, 10 * MIN, 10 * MIN]
    assert CHECK_EVERY == 10 * MIN


def test_a_check_never_falls_after_the_expiry() -> None:
    expires_at = T0 + 20 * S
    assert next_check(0, T0, expires_at) == T0 + 15 * S  # before the expiry: unchanged
    assert next_check(1, T0, expires_at) == expires_at  # 30 s would overshoot: capped
    assert next_check(5, T0, expires_at) == expires_at


def test_past_the_expiry_the_schedule_is_no_longer_capped() -> None:
    assert next_check(1, T0, T0 - S) == T0 + 30 * S
    assert next_check(1, T0, T0) == T0 + 30 * S


def test_retry_delay_doubles_up_to_its_cap() -> None:
    delays = [retry_delay(n, 10 * S, 60 * MIN) for n in range(12)]
    assert delays[:5] == [10 * S, 20 * S, 40 * S, 80 * S, 160 * S]
    assert delays[-1] == 60 * MIN and max(delays) == 60 * MIN
    assert retry_delay(10_000, S, 5 * MIN) == 5 * MIN  # no overflow for huge counts


def test_time_to_live_defaults_follow_the_providers_windows() -> None:
    ttl = TimeToLive()
    assert ttl.payment("mtn_momo") == 5 * MIN
    assert ttl.payment("wave") == 30 * MIN
    assert ttl.payment("sandbox") == DEFAULT_PAYMENT_TTL["sandbox"]
    assert ttl.payment("unknown") == ttl.default_payment == 30 * MIN
    assert ttl.order == timedelta(hours=24)
    assert TimeToLive(payments={"fake": 8 * S}).payment("fake") == 8 * S


@pytest.mark.parametrize(
    ("ttl", "first_check"), [(5 * MIN, 15 * S), (8 * S, 8 * S), (15 * S, 15 * S)]
)
async def test_a_new_payment_is_scheduled_at_once_and_capped_by_its_ttl(
    ttl: timedelta, first_check: timedelta
) -> None:
    world = World()
    payment = await initiate(world, ttl)
    assert payment.expires_at == world.clock.now() + ttl
    assert schedule_of(world, payment) == (world.clock.now() + first_check, 0)


# -- one check -------------------------------------------------------------------------------


async def test_a_due_payment_found_paid_succeeds_and_leaves_the_schedule() -> None:
    world, metrics = World(), RecordingMetrics()
    payment = await initiate(world)
    world.provider.queue(succeeded())
    world.clock.advance(seconds=15)
    assert await reconcile_due(world, metrics)() == 1
    stored = stored_payment(world, payment.id)
    assert stored.status is PaymentStatus.SUCCEEDED
    assert stored_order(world, payment.order_id).status is OrderStatus.PAID
    [event] = [e.event for e in world.db.events_of(payment.id) if e.event.type.endswith("ded")]
    assert event.source is Source.RECONCILIATION
    assert schedule_of(world, payment) == (None, 1)


async def test_nothing_is_checked_before_it_is_due() -> None:
    world = World()
    payment = await initiate(world)
    world.provider.queue(succeeded())
    world.clock.advance(seconds=14)
    assert await reconcile_due(world)() == 0
    assert world.provider.fetch_calls == 0
    assert stored_payment(world, payment.id).status is PaymentStatus.PENDING


async def test_a_payment_still_pending_is_checked_again_later_on_the_schedule() -> None:
    world = World()
    payment = await initiate(world, ttl=timedelta(hours=1))
    world.provider.queue(PENDING)
    reconcile = reconcile_due(world)
    expected = [30 * S, MIN, 2 * MIN, 5 * MIN]
    world.clock.advance(seconds=15)
    for attempts, delay in enumerate(expected, start=1):
        assert await reconcile() == 1
        at, made = schedule_of(world, payment)
        assert at is not None and (at, made) == (world.clock.now() + delay, attempts)
        world.clock.set(at)
    assert stored_payment(world, payment.id).status is PaymentStatus.PENDING
    assert world.provider.fetch_calls == len(expected)


async def test_a_leased_payment_is_not_checked_twice_at_once() -> None:
    world = World()
    payment = await initiate(world)
    world.clock.advance(seconds=15)
    async with world.uow() as uow:  # another worker took it
        assert await uow.schedule.claim_due(world.clock.now(), world.clock.now() + MIN, 10)
        await uow.commit()
    assert await reconcile_due(world)() == 0
    world.clock.advance(minutes=1)
    world.provider.queue(PENDING)
    assert await reconcile_due(world)() == 1  # the lease ended: the worker died; taken over
    assert schedule_of(world, payment)[1] == 1


@pytest.mark.parametrize("lease", [timedelta(seconds=3), timedelta(minutes=2)])
async def test_a_check_that_crashed_comes_back_when_its_lease_ends(lease: timedelta) -> None:
    world = World()
    payment = await initiate(world)
    world.clock.advance(seconds=15)
    world.provider.queue(RuntimeError("the worker died mid-check"), PENDING)
    due = ReconcileDue(world.uow, reconciler(world), world.clock, lease=lease)
    with pytest.raises(RuntimeError):
        await due()
    assert schedule_of(world, payment) == (world.clock.now() + lease, 0)
    world.clock.advance(lease - S)
    assert await due() == 0
    world.clock.advance(seconds=1)
    assert await due() == 1
    assert schedule_of(world, payment)[1] == 1
    assert stored_payment(world, payment.id).status is PaymentStatus.PENDING


# -- provider down ---------------------------------------------------------------------------


async def test_a_provider_down_is_retried_counted_and_logged_never_dropped() -> None:
    world, metrics = World(), RecordingMetrics()
    payment = await initiate(world, ttl=MIN)
    down = ProviderUnavailable("connect timeout")
    world.provider.queue(*[down] * 10, succeeded())  # down ten times, then back
    reconcile = reconcile_due(world, metrics)
    world.clock.advance(seconds=15)
    for attempts in range(1, 11):  # well past the 1 min time-to-live
        assert await reconcile() == 1
        at, made = schedule_of(world, payment)
        assert at is not None and at > world.clock.now()
        assert made == attempts
        world.clock.set(at)
    stored = stored_payment(world, payment.id)
    assert stored.status is PaymentStatus.PENDING  # unknown: neither expired nor failed
    assert event_types(world, payment.id) == ["payment.created", "payment.pending"]
    assert metrics.counts["reconciliation_error", "fake"] == 10
    failures = [a for a in world.log.anomalies if a.what == "reconciliation_failed"]
    assert len(failures) == 10 and "connect timeout" in failures[0].detail["error"]
    assert await reconcile() == 1  # the provider is back
    assert stored_payment(world, payment.id).status is PaymentStatus.SUCCEEDED


async def test_a_provider_no_longer_configured_is_retried_too() -> None:
    world, metrics = World(), RecordingMetrics()
    payment = await initiate(world)
    world.provider.queue(ProviderNotAvailable("fake is not configured"))
    world.clock.advance(seconds=15)
    assert await reconciler(world, metrics)(payment.id, 0) == "provider_unavailable"
    assert schedule_of(world, payment) == (world.clock.now() + 15 * S, 1)
    assert metrics.counts["reconciliation_error", "fake"] == 1


async def test_a_payment_whose_account_was_removed_goes_to_the_operators_queue_once() -> None:
    world, metrics = World(), RecordingMetrics()
    await CreateStore(world.uow, world.ids, world.clock, FakeCredentials())(
        CreateStoreCommand("Boutique Awa")
    )  # the first id: the orders' STORE
    payment = await initiate(world)
    world.provider.queue(ProviderNotAvailable("provider 'fake' is not available in Togo"))
    for _ in range(2):  # the fake repeats its last answer
        world.clock.advance(seconds=15)
        await reconciler(world, metrics)(payment.id, 0)
    stored = stored_payment(world, payment.id)
    assert stored.status is PaymentStatus.PENDING and stored.flagged_reason == "account_missing"
    assert event_types(world, payment.id).count("payment.account_missing") == 1
    async with world.uow(read_only=True) as uow:
        queue = await uow.review.open_items(None, 10)
    assert [(i.subject_id, i.kind) for i in queue.data] == [
        (payment.id, ReviewKind.ACCOUNT_MISSING)
    ]
    world.provider.queue(succeeded())  # the account is back: it settles, and leaves the queue
    await reconciler(world, metrics)(payment.id, 1)  # the missing account's last answer
    assert await reconciler(world, metrics)(payment.id, 2) == "succeeded"
    async with world.uow(read_only=True) as uow:
        assert (await uow.review.open_items(None, 10)).data == []


# -- expiry and late success -----------------------------------------------------------------


async def test_a_payment_pending_past_its_ttl_expires() -> None:
    world = World()
    payment = await initiate(world, ttl=8 * S)
    world.provider.queue(PENDING)
    world.clock.advance(seconds=8)
    assert await reconcile_due(world)() == 1
    stored = stored_payment(world, payment.id)
    assert stored.status is PaymentStatus.EXPIRED
    [expired] = [e.event for e in world.db.events_of(payment.id) if e.event.type.endswith("red")]
    assert (expired.type, expired.source) == ("payment.expired", Source.RECONCILIATION)
    assert schedule_of(world, payment) == (world.clock.now() + LATE_CHECK_EVERY, 1)
    assert stored_order(world, payment.order_id).status is OrderStatus.PENDING_PAYMENT


async def test_a_pending_payment_before_its_ttl_does_not_expire() -> None:
    world = World()
    payment = await initiate(world, ttl=MIN)
    world.provider.queue(PENDING)
    world.clock.advance(seconds=59)
    assert await reconciler(world)(payment.id, 0) == "pending"
    assert stored_payment(world, payment.id).status is PaymentStatus.PENDING


async def test_an_expired_payment_that_later_succeeds_is_a_late_success() -> None:
    world = World()
    payment = await initiate(world, ttl=8 * S)
    world.provider.queue(PENDING, succeeded())
    world.clock.advance(seconds=8)
    await reconcile_due(world)()
    assert stored_payment(world, payment.id).status is PaymentStatus.EXPIRED
    world.clock.advance(LATE_CHECK_EVERY)
    assert await reconcile_due(world)() == 1
    stored = stored_payment(world, payment.id)
    assert (stored.status, stored.late_success) == (PaymentStatus.SUCCEEDED, True)
    assert event_types(world, payment.id)[-2:] == ["payment.expired", "payment.succeeded"]
    [late] = [e.event for e in world.db.events_of(payment.id) if e.event.type.endswith("ded")]
    assert late.data["late"] is True and late.from_status == "expired"
    assert stored_order(world, payment.order_id).status is OrderStatus.PAID
    assert schedule_of(world, payment)[0] is None


async def test_an_expired_payment_reported_failed_stays_expired_and_is_looked_at_again() -> None:
    world = World()
    payment = await initiate(world, ttl=8 * S)
    world.provider.queue(PENDING, failed())
    world.clock.advance(seconds=8)
    await reconcile_due(world)()
    world.clock.advance(LATE_CHECK_EVERY)
    assert await reconcile_due(world)() == 1
    assert stored_payment(world, payment.id).status is PaymentStatus.EXPIRED
    assert schedule_of(world, payment)[0] == world.clock.now() + LATE_CHECK_EVERY


async def test_an_expired_payment_is_let_go_after_the_late_window() -> None:
    world = World()
    payment = await initiate(world, ttl=8 * S)
    world.provider.queue(PENDING)
    world.clock.advance(seconds=8)
    await reconcile_due(world)()
    calls = world.provider.fetch_calls
    world.clock.advance(LATE_WINDOW + S)
    assert await reconciler(world)(payment.id, 5) == "closed"
    assert world.provider.fetch_calls == calls
    assert schedule_of(world, payment) == (None, 5)


async def test_a_final_payment_is_not_asked_about_again() -> None:
    world = World()
    payment = await a_payment(world, await an_order(world))
    await succeed(world, payment)
    assert await reconciler(world)(payment.id, 2) == "closed"
    assert world.provider.fetch_calls == 0
    assert schedule_of(world, payment) == (None, 2)


async def test_a_failure_reported_by_the_provider_is_final() -> None:
    world = World()
    payment = await initiate(world)
    world.provider.queue(failed("insufficient_funds"))
    assert await reconciler(world)(payment.id, 0) == "failed"
    stored = stored_payment(world, payment.id)
    assert (stored.status, stored.failure_code) == (PaymentStatus.FAILED, "insufficient_funds")
    assert schedule_of(world, payment)[0] is None


async def test_a_missing_payment_is_reported_missing() -> None:
    assert await reconciler(World())("pay_nope", 0) == "missing"


# -- helpers ---------------------------------------------------------------------------------


async def initiate(world: World, ttl: timedelta = 5 * MIN) -> Payment:
    order = await an_order(world)
    use_case = InitiatePayment(
        uow=world.uow,
        providers=world.registry,
        phones=_Phones(),
        ids=world.ids,
        clock=world.clock,
        settle=world.settle(),
        ttl=TimeToLive(payments={"fake": ttl}),
    )
    return await use_case(InitiatePaymentCommand(order.store_id, order.id, "fake", "+22177"))


class _Phones:
    def normalize(self, raw: str, country: str | None) -> str:
        return raw


def reconciler(world: World, metrics: RecordingMetrics | None = None) -> ReconcilePayment:
    return ReconcilePayment(
        uow=world.uow,
        settle=world.settle(),
        clock=world.clock,
        log=world.log,
        metrics=metrics or RecordingMetrics(),
    )


def reconcile_due(world: World, metrics: RecordingMetrics | None = None) -> ReconcileDue:
    return ReconcileDue(world.uow, reconciler(world, metrics), world.clock)


def schedule_of(world: World, payment: Payment) -> tuple[datetime | None, int]:
    row: tuple[datetime | None, int] = world.db.tables["schedule"][payment.id]
    return row
