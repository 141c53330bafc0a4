"""Refund use cases on in-memory fakes: what is sent to the provider, what is committed
before, and how each answer (or its absence) is recorded."""

from __future__ import annotations

import pytest
from tests.unit.helpers import STORE, World, a_payment, an_order, succeed

from application.errors import NotFound, ProviderRejected, ProviderUnavailable
from application.refunds.create_refund import CreateRefund, CreateRefundCommand
from application.refunds.queries import AwaitingAction, RefundQueries
from application.refunds.reconcile_refunds import ReconcileRefunds
from application.refunds.record_manual_refund import (
    RecordManualRefund,
    RecordManualRefundCommand,
)
from application.refunds.schedule import FOLLOW_UP
from application.refunds.verify_refund import VerifyRefund
from domain.events import Source
from domain.payment import Payment
from domain.provider_report import ProviderReport, ReportedStatus
from domain.refund import (
    PartialRefundNotSupported,
    PaymentNotRefundable,
    Refund,
    RefundExceedsPayment,
    RefundStatus,
    RefundSupport,
)


def create(world: World) -> CreateRefund:
    return CreateRefund(
        uow=world.uow,
        providers=world.registry,
        ids=world.ids,
        clock=world.clock,
        settle=world.settle_refund(),
    )


def verify(world: World) -> VerifyRefund:
    return VerifyRefund(settle=world.settle_refund())


async def a_paid_payment(world: World) -> Payment:
    payment = await a_payment(world, await an_order(world))
    return await succeed(world, payment)


async def refund(world: World, payment: Payment, amount: int | None = None) -> Refund:
    return await create(world)(CreateRefundCommand(payment.id, STORE, amount, "retour"))


def stored(world: World, refund_id: str) -> Refund:
    row: Refund = world.db.tables["refunds"][refund_id]
    return row


async def test_a_refund_is_committed_then_sent_and_left_pending() -> None:
    world = World()
    payment = await a_paid_payment(world)
    made = await refund(world, payment, 2000)
    assert world.provider.refunded == [made.id]
    saved = stored(world, made.id)
    assert (saved.status, saved.amount.amount) == (RefundStatus.PENDING, 2000)
    assert saved.provider_reference == f"ref_{made.id}"  # chosen and stored before the call
    at, attempts = world.db.tables["refund_checks"][made.id]
    assert (at > world.clock.now(), attempts) == (True, 0)  # reconciliation follows it
    assert [e.event.type for e in world.db.events_of(made.id)] == ["refund.created"]


async def test_a_provider_refusal_fails_the_refund_with_its_code() -> None:
    world = World()
    payment = await a_paid_payment(world)
    world.provider.refund_answer = ProviderRejected("not_enough_funds", "balance")
    made = await refund(world, payment)
    assert (made.status, made.failure_code) == (RefundStatus.FAILED, "not_enough_funds")
    assert world.db.tables["refund_checks"][made.id] == (None, 0)
    again = await refund(world, payment)  # a failed refund holds nothing
    assert again.amount.amount == 5000


async def test_a_timeout_leaves_the_refund_pending_never_failed() -> None:
    world = World()
    payment = await a_paid_payment(world)
    world.provider.refund_answer = ProviderUnavailable("timed out")
    made = await refund(world, payment)
    assert stored(world, made.id).status is RefundStatus.PENDING
    with pytest.raises(RefundExceedsPayment):
        await refund(world, payment, 1)


async def test_an_immediate_confirmation_succeeds_at_once() -> None:
    world = World()
    payment = await a_paid_payment(world)
    world.provider.refund_answer = ProviderReport(ReportedStatus.SUCCEEDED)
    made = await refund(world, payment)
    assert (made.status, made.succeeded_at) == (RefundStatus.SUCCEEDED, world.clock.now())


async def test_rules_refuse_before_anything_is_written_or_sent() -> None:
    world = World()
    pending = await a_payment(world, await an_order(world))
    with pytest.raises(PaymentNotRefundable):
        await refund(world, pending)
    payment = await a_paid_payment(world)
    world.provider.refunds = RefundSupport.FULL
    with pytest.raises(PartialRefundNotSupported):
        await refund(world, payment, 1000)
    with pytest.raises(NotFound):
        await create(world)(CreateRefundCommand(payment.id, "str_other"))
    assert world.provider.refunded == [] and world.db.tables["refunds"] == {}


async def test_a_manual_provider_is_never_called_and_waits_for_a_person() -> None:
    world = World()
    payment = await a_paid_payment(world)
    world.provider.refunds = RefundSupport.MANUAL
    made = await refund(world, payment, 1500)
    assert made.status is RefundStatus.REQUIRES_ACTION
    assert world.provider.refunded == []
    awaiting = await AwaitingAction(world.uow)()
    assert [r.id for r in awaiting.data] == [made.id]
    record = RecordManualRefund(world.uow, world.clock)
    done = await record(RecordManualRefundCommand(made.id, "MP-1", "awa@ops"))
    assert (done.status, stored(world, made.id).status) == (
        RefundStatus.SUCCEEDED,
        RefundStatus.SUCCEEDED,
    )
    assert (await AwaitingAction(world.uow)()).data == []


async def test_verify_applies_what_the_provider_confirms() -> None:
    world = World()
    payment = await a_paid_payment(world)
    made = await refund(world, payment)
    world.provider.queue_refund(ProviderReport(ReportedStatus.FAILED, failure_code="declined"))
    result = await verify(world)(made.id, Source.VERIFICATION, STORE)
    assert (result.status, result.failure_code) == (RefundStatus.FAILED, "declined")
    with pytest.raises(NotFound):
        await verify(world)(made.id, Source.VERIFICATION, "str_other")


async def test_reconciliation_retries_then_hands_an_unconfirmed_refund_to_a_person() -> None:
    world = World()
    payment = await a_paid_payment(world)
    made = await refund(world, payment)
    reconcile = ReconcileRefunds(world.uow, verify(world), world.clock)
    world.clock.advance(seconds=10)
    assert await reconcile() == 1  # the provider has no answer: unavailable, retried
    assert stored(world, made.id).status is RefundStatus.PENDING
    world.provider.queue_refund(ProviderReport(ReportedStatus.PENDING))
    world.clock.advance(FOLLOW_UP)
    assert await reconcile() == 1
    assert stored(world, made.id).status is RefundStatus.REQUIRES_ACTION
    assert world.db.tables["refund_checks"][made.id][0] is None  # no more checks
    assert await reconcile() == 0
    assert [e.event.type for e in world.db.events_of(made.id)] == [
        "refund.created",
        "refund.requires_action",
    ]


async def test_queries_are_scoped_to_the_store() -> None:
    world = World()
    payment = await a_paid_payment(world)
    made = await refund(world, payment, 1000)
    queries = RefundQueries(world.uow)
    assert [r.id for r in await queries.of_payment(STORE, payment.id)] == [made.id]
    assert (await queries.refund(STORE, made.id)).id == made.id
    with pytest.raises(NotFound):
        await queries.refund("str_other", made.id)
    with pytest.raises(NotFound):
        await queries.of_payment("str_other", payment.id)
    assert [e.event.type for e in await queries.history(STORE, made.id)] == ["refund.created"]
