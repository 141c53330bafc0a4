"""The operator's desk with in-memory fakes: operator tokens, store administration, the queue
and its resolutions, each action with its audit entry."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest
from tests.fakes import FakeClock, FakeCredentials, InMemoryUnitOfWorkFactory, SequentialIds
from tests.unit.helpers import STORE, World, a_payment, an_order, expire, succeed

from application.errors import (
    NotFound,
    OperatorNameRefused,
    ProviderUnavailable,
    StoreSuspended,
    Unauthorized,
)
from application.refunds.create_refund import CreateRefund
from application.refunds.desk_refunds import DeskRefunds
from application.refunds.record_manual_refund import RecordManualRefund
from application.stores.operators import AuthenticateOperator, CreateOperator, RevokeOperator
from application.stores.review_queue import (
    RefundDesk,
    ResolveCommand,
    ResolveItem,
    ReviewQueueQueries,
)
from application.stores.store_admin import (
    ChangeNotificationUrl,
    RotateWebhookSecret,
    StoreChange,
    SuspendStore,
)
from application.stores.stores import AuthenticateStore, CreateStore, CreateStoreCommand
from domain.audit import AuditEntry
from domain.events import Source
from domain.money import Money
from domain.operator import BOOTSTRAP, COMMAND_LINE, Actor
from domain.refund import RefundExceedsPayment, RefundStatus
from domain.review import (
    AlreadyResolved,
    ResolutionIncomplete,
    ReviewAction,
    ReviewItem,
    ReviewKind,
)

BOOT_TOKEN = "bootstrap-token-for-the-tests"
AMINATA = Actor("opr_0001", "Aminata")


@dataclass
class Desk:
    uow: InMemoryUnitOfWorkFactory = field(default_factory=InMemoryUnitOfWorkFactory)
    credentials: FakeCredentials = field(default_factory=FakeCredentials)
    ids: SequentialIds = field(default_factory=SequentialIds)
    clock: FakeClock = field(default_factory=FakeClock)

    def authenticate(self) -> AuthenticateOperator:
        return AuthenticateOperator(self.uow, self.credentials, BOOT_TOKEN)

    @property
    def audit(self) -> list[AuditEntry]:
        return self.uow.database.rows("audit")


async def test_an_operator_token_signs_in_until_it_is_revoked() -> None:
    desk = Desk()
    new = await CreateOperator(desk.uow, desk.ids, desk.clock, desk.credentials)("Aminata")
    assert new.token not in repr(desk.uow.database.rows("operators"))
    signed_in = await desk.authenticate()(new.token)
    assert signed_in.actor == Actor(new.operator.id, "Aminata")
    assert (await desk.authenticate()(BOOT_TOKEN)).actor == BOOTSTRAP

    with pytest.raises(OperatorNameRefused):
        await CreateOperator(desk.uow, desk.ids, desk.clock, desk.credentials)("Aminata")
    await RevokeOperator(desk.uow, desk.ids, desk.clock)("Aminata")
    await RevokeOperator(desk.uow, desk.ids, desk.clock)(new.operator.id)  # twice: no-op
    with pytest.raises(Unauthorized):
        await desk.authenticate()(new.token)
    assert await desk.authenticate().by_id(new.operator.id) is None
    assert [(e.action, e.actor) for e in desk.audit] == [
        ("operator.created", COMMAND_LINE),
        ("operator.revoked", COMMAND_LINE),
    ]


async def test_a_suspended_stores_key_is_refused_and_suspending_twice_is_one_entry() -> None:
    desk = Desk()
    create = CreateStore(desk.uow, desk.ids, desk.clock, desk.credentials)
    new = await create(CreateStoreCommand("Boutique Awa"), AMINATA)
    suspend = SuspendStore(desk.uow, desk.ids, desk.clock)
    change = StoreChange(new.store.id, AMINATA, "Fraude")
    assert (await suspend(change)).is_suspended
    await suspend(change)
    with pytest.raises(StoreSuspended):
        await AuthenticateStore(desk.uow, desk.credentials)(new.api_key)
    assert [e.action for e in desk.audit] == ["store.created", "store.suspended"]
    suspended = desk.audit[1]
    assert (suspended.reason, suspended.actor) == ("Fraude", AMINATA)
    assert suspended.before and suspended.before["status"] == "active"
    assert suspended.after and suspended.after["status"] == "suspended"
    with pytest.raises(NotFound):
        await suspend(StoreChange("str_nope", AMINATA))


async def test_a_new_signing_secret_is_returned_once_and_never_audited() -> None:
    desk = Desk()
    create = CreateStore(desk.uow, desk.ids, desk.clock, desk.credentials)
    new = await create(CreateStoreCommand("Boutique Awa"))
    rotated = await RotateWebhookSecret(desk.uow, desk.ids, desk.clock, desk.credentials)(
        StoreChange(new.store.id, AMINATA)
    )
    [stored] = desk.uow.database.rows("stores")
    assert stored.webhook_secret == rotated.webhook_secret != new.store.webhook_secret
    assert rotated.webhook_secret not in repr(desk.audit)
    assert desk.audit[-1].after and desk.audit[-1].after["webhook_secret"] == "rotated"

    change_url = ChangeNotificationUrl(desk.uow, desk.ids, desk.clock)
    await change_url(StoreChange(new.store.id, AMINATA), None)  # already none: nothing
    assert len(desk.audit) == 2


class FakeRefundDesk:
    """Refunds made, by item; `refuse` makes the next refund fail."""

    def __init__(self) -> None:
        self.made: list[tuple[str, str, int | None]] = []

    async def refund(self, item: ReviewItem, amount: int | None, reason: str | None) -> str:
        self.made.append(("refund", item.subject_id, amount))
        return f"rfd_{len(self.made)}"

    async def record_manual(
        self, item: ReviewItem, reference: str, actor: Actor, amount: int | None = None
    ) -> str:
        self.made.append(("manual", item.subject_id, amount))
        return f"rfd_{len(self.made)}"


async def a_flagged_world() -> tuple[World, str, str]:
    """A store (`STORE`) with a late success and a payment to refund (a double payment)."""
    world = World()
    await CreateStore(world.uow, world.ids, world.clock, FakeCredentials())(
        CreateStoreCommand("Boutique Awa")
    )
    late = await a_payment(world, await an_order(world))
    await expire(world, late)
    await succeed(world, late)
    double = await succeed(world, await a_payment(world, await an_order(world)))
    async with world.uow() as uow:
        stored = await uow.payments.get(double.id, for_update=True)
        assert stored is not None
        stored.flag_double_payment(world.clock.now(), Source.RECONCILIATION)
        await uow.payments.save(stored)
        await uow.commit()
    return world, late.id, double.id


def resolver(world: World, refunds: RefundDesk | None = None) -> ResolveItem:
    return ResolveItem(world.uow, world.ids, world.clock, refunds)


async def test_the_queue_lists_flagged_payments_and_a_dismissal_clears_one() -> None:
    world, late, double = await a_flagged_world()
    queue = ReviewQueueQueries(world.uow)
    items = (await queue()).data
    assert {(i.subject_id, i.kind) for i in items} == {
        (late, ReviewKind.LATE_SUCCESS),
        (double, ReviewKind.NEEDS_REFUND),
    }
    assert [i.store_id for i in items] == [STORE, STORE]

    resolve = resolver(world)
    assert resolve.actions(items[0]) == [ReviewAction.DISMISS]  # no refunds wired in
    done = await resolve(ResolveCommand(late, ReviewAction.DISMISS, AMINATA, reason="livré"))
    assert done.item.kind is ReviewKind.LATE_SUCCESS and done.by == AMINATA
    assert [i.subject_id for i in (await queue()).data] == [double]
    with pytest.raises(NotFound):
        await resolve(ResolveCommand(late, ReviewAction.DISMISS, AMINATA, reason="encore"))
    [entry] = [e for e in world.db.rows("audit") if e.subject_id == late]
    assert (entry.action, entry.reason, entry.actor) == ("review.dismiss", "livré", AMINATA)


async def test_a_refund_from_the_queue_is_made_before_the_item_is_resolved() -> None:
    world, late, double = await a_flagged_world()
    refunds = FakeRefundDesk()
    resolve = resolver(world, refunds)
    with pytest.raises(ResolutionIncomplete):  # refused before anything is made
        await resolve(ResolveCommand(late, ReviewAction.MANUAL_REFUND, AMINATA, reason="x"))
    assert refunds.made == []
    done = await resolve(ResolveCommand(double, ReviewAction.REFUND, AMINATA, amount=2000))
    assert refunds.made == [("refund", double, 2000)] and done.refund_id == "rfd_1"
    manual = ResolveCommand(late, ReviewAction.MANUAL_REFUND, AMINATA, reference="OM-1")
    assert (await resolve(manual)).refund_id == "rfd_2"
    assert (await ReviewQueueQueries(world.uow)()).data == []


async def test_an_item_resolved_meanwhile_is_not_resolved_twice() -> None:
    world, _, _ = await a_flagged_world()
    item = await ReviewQueueQueries(world.uow)()
    first = item.data[0].resolve(
        id="rsl_a", action=ReviewAction.DISMISS, by=AMINATA, at=world.clock.now(), reason="a"
    )
    second = item.data[0].resolve(
        id="rsl_b", action=ReviewAction.DISMISS, by=BOOTSTRAP, at=world.clock.now(), reason="b"
    )
    async with world.uow() as uow:
        await uow.review.record(first)
        await uow.commit()
    with pytest.raises(AlreadyResolved):
        async with world.uow() as uow:
            await uow.review.record(second)


class BlockingRefundDesk(FakeRefundDesk):
    """Holds the first refund until `go` is set, so a second operator arrives while it is
    asked (a later one goes through at once)."""

    def __init__(self) -> None:
        super().__init__()
        self.asked, self.go = asyncio.Event(), asyncio.Event()

    async def refund(self, item: ReviewItem, amount: int | None, reason: str | None) -> str:
        if not self.asked.is_set():
            self.asked.set()
            await self.go.wait()
        return await super().refund(item, amount, reason)


async def test_the_second_operator_asks_for_no_refund_while_the_first_holds_the_item() -> None:
    world, _, double = await a_flagged_world()
    refunds = BlockingRefundDesk()
    resolve = resolver(world, refunds)
    first = asyncio.create_task(
        resolve(ResolveCommand(double, ReviewAction.REFUND, AMINATA, amount=2000))
    )
    await refunds.asked.wait()
    with pytest.raises(AlreadyResolved):
        await resolve(ResolveCommand(double, ReviewAction.REFUND, BOOTSTRAP, amount=3000))
    refunds.go.set()
    assert (await first).by == AMINATA
    assert refunds.made == [("refund", double, 2000)]
    assert world.db.rows("claims") == []  # the resolution dropped the claim


async def test_a_refund_that_fails_leaves_the_item_free_for_another_try() -> None:
    world, _, double = await a_flagged_world()

    class Refusing(FakeRefundDesk):
        async def refund(self, item: ReviewItem, amount: int | None, reason: str | None) -> str:
            raise ProviderUnavailable("timeout")

    with pytest.raises(ProviderUnavailable):
        await resolver(world, Refusing())(ResolveCommand(double, ReviewAction.REFUND, AMINATA))
    assert world.db.rows("claims") == []
    refunds = FakeRefundDesk()
    await resolver(world, refunds)(ResolveCommand(double, ReviewAction.REFUND, BOOTSTRAP))
    assert refunds.made == [("refund", double, None)]


def desk_refunds(world: World) -> DeskRefunds:
    create = CreateRefund(
        uow=world.uow,
        providers=world.registry,
        ids=world.ids,
        clock=world.clock,
        settle=world.settle_refund(),
    )
    return DeskRefunds(
        world.uow, world.ids, world.clock, create, RecordManualRefund(world.uow, world.clock)
    )


async def test_a_manual_refund_from_the_queue_is_a_succeeded_refund_with_its_reference() -> None:
    world, late, double = await a_flagged_world()
    resolve = resolver(world, desk_refunds(world))
    command = ResolveCommand(double, ReviewAction.MANUAL_REFUND, AMINATA, reference="OM-42")
    done = await resolve(command)
    refund = world.db.tables["refunds"][done.refund_id]
    assert (refund.status, refund.provider_reference, refund.payment_id) == (
        RefundStatus.SUCCEEDED,
        "OM-42",
        double,
    )
    assert refund.amount == Money.of(5000, "XOF")
    history = [e.event for e in world.db.events_of(refund.id)]
    assert history[-1].data["operator"] == "Aminata"
    assert [i.subject_id for i in (await ReviewQueueQueries(world.uow)()).data] == [late]
    again = ResolveCommand(
        late, ReviewAction.MANUAL_REFUND, AMINATA, reference="OM-43", amount=9000
    )
    with pytest.raises(RefundExceedsPayment):  # never more than was paid, even by hand
        await resolve(again)
    assert [i.subject_id for i in (await ReviewQueueQueries(world.uow)()).data] == [late]
