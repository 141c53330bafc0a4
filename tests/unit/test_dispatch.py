"""The dispatch of domain events on the in-memory fakes: the application's table decides what
follows each change; in-transaction handlers commit with the change or not at all; after-commit
handlers run once it has; refunds reach the same handlers as payments."""

from __future__ import annotations

import json

import pytest
from tests.fakes import InMemoryUnitOfWorkFactory, RecordingPaymentLog
from tests.unit.background import RecordingMetrics
from tests.unit.helpers import STORE, World, a_payment, an_order, failed, succeed

from application.dispatch import Dispatch, EventHandlers
from application.event_handlers import NOTIFIED, event_handlers
from application.refunds.create_refund import CreateRefund, CreateRefundCommand
from application.shared.ports import Change
from application.unit_of_work import UnitOfWork
from domain.events import Source
from domain.provider_report import ProviderReport, ReportedStatus


def notified(world: World) -> list[tuple[str, str]]:
    """(type, subject id) of the committed notifications, in the order written."""
    rows = sorted(world.db.rows("notifications"), key=lambda n: n.id)
    return [(n.type, n.subject_id) for n in rows]


async def test_a_settled_payment_notifies_its_store_in_its_transaction() -> None:
    world = World()
    order = await an_order(world)
    payment = await a_payment(world, order)
    await succeed(world, payment)
    assert notified(world) == [
        ("payment.pending", payment.id),
        ("order.paid", order.id),
        ("payment.succeeded", payment.id),
    ]
    body = json.loads(world.db.rows("notifications")[-1].body)
    assert body["data"]["object"]["status"] == "succeeded"
    assert {n.store_id for n in world.db.rows("notifications")} == {STORE}


async def test_only_the_events_the_application_names_notify() -> None:
    world = World()
    payment = await a_payment(world, await an_order(world))
    recorded = {e.event.type for e in world.db.events_of(payment.id)}
    assert "payment.created" in recorded and "payment.created" not in NOTIFIED
    assert [t for t, _ in notified(world)] == ["payment.pending"]


async def test_an_in_transaction_handler_commits_with_the_change_or_not_at_all() -> None:
    """The shape a ledger entry takes: written in the caller's unit of work."""
    world = World()
    seen: list[str] = []

    async def ledger(uow: UnitOfWork, change: Change) -> None:
        seen.append(change.event.type)
        if change.event.type == "payment.failed":
            raise RuntimeError("the ledger refuses")

    world.uow.dispatch.handlers.within("payment.succeeded", ledger)
    world.uow.dispatch.handlers.within("payment.failed", ledger)
    first = await a_payment(world, await an_order(world))
    await succeed(world, first)
    assert seen == ["payment.succeeded"]

    second = await a_payment(world, await an_order(world))
    with pytest.raises(RuntimeError):
        await world.apply(second.id, failed(), Source.WEBHOOK)
    stored = next(p for p in world.db.rows("payments") if p.id == second.id)
    assert stored.status.value == "pending"  # the change went with its handler
    assert ("payment.failed", second.id) not in notified(world)


async def test_after_commit_handlers_see_committed_changes_and_a_failing_one_harms_nothing() -> (
    None
):
    metrics, log = RecordingMetrics(), RecordingPaymentLog()
    handlers = event_handlers(log=log, metrics=metrics)
    commits_seen: list[int] = []
    database = InMemoryUnitOfWorkFactory().database

    def broken(change: Change) -> None:
        raise RuntimeError("the metrics backend is down")

    def after(change: Change) -> None:
        commits_seen.append(database.commits)

    handlers.after("payment", broken).after("payment", after)
    world = World()
    world.uow = InMemoryUnitOfWorkFactory(database, handlers=handlers)
    payment = await a_payment(world, await an_order(world))
    await succeed(world, payment)
    assert "payment.succeeded" in log.change_types
    assert metrics.counts["payment_final", "succeeded"] == 1
    assert commits_seen and all(n >= 1 for n in commits_seen)  # after a commit, never before
    assert next(p for p in database.rows("payments") if p.id == payment.id).status.value == (
        "succeeded"
    )


async def test_nothing_is_dispatched_when_the_transaction_is_not_committed() -> None:
    log = RecordingPaymentLog()
    world = World()
    world.uow = InMemoryUnitOfWorkFactory(handlers=event_handlers(log=log))
    payment = await a_payment(world, await an_order(world))
    before = (len(log.changes), len(world.db.rows("notifications")))
    async with world.uow() as uow:
        stored = await uow.payments.get(payment.id, for_update=True)
        assert stored is not None
        stored.expire(world.clock.now())
        await uow.payments.save(stored)  # left without commit
    assert (len(log.changes), len(world.db.rows("notifications"))) == before


async def test_a_refund_reaches_the_same_after_commit_handlers_as_a_payment() -> None:
    metrics, log = RecordingMetrics(), RecordingPaymentLog()
    world = World()
    world.uow = InMemoryUnitOfWorkFactory(handlers=event_handlers(log=log, metrics=metrics))
    payment = await succeed(world, await a_payment(world, await an_order(world)))
    world.provider.refund_answer = ProviderReport(ReportedStatus.SUCCEEDED)
    create = CreateRefund(
        uow=world.uow,
        providers=world.registry,
        ids=world.ids,
        clock=world.clock,
        settle=world.settle_refund(),
    )
    refund = await create(CreateRefundCommand(payment.id, STORE, 1000, "retour"))
    assert [t for t in log.change_types if t.startswith("refund.")] == [
        "refund.created",
        "refund.succeeded",
    ]
    assert metrics.counts["refund_final", "succeeded"] == 1
    assert ("refund.succeeded", refund.id) in notified(world)


async def test_a_handler_registered_under_a_kind_sees_every_event_of_it() -> None:
    kinds: list[str] = []
    handlers = EventHandlers().after("order", lambda change: kinds.append(change.event.type))
    world = World()
    world.uow = InMemoryUnitOfWorkFactory(handlers=handlers)
    await succeed(world, await a_payment(world, await an_order(world)))
    assert kinds == ["order.created", "order.paid"]
    assert world.db.rows("notifications") == []  # this table notifies nobody


def test_the_dispatch_runs_one_table() -> None:
    table = event_handlers()
    assert Dispatch(table).handlers is table
    assert set(table.in_transaction) == set(NOTIFIED)
