"""Payouts on in-memory fakes: destinations and their hold, the rules of a payout with their
errors, what each answer of the provider does to the payout and to the ledger, reconciliation
and the person who settles what nobody could confirm, the daily schedule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.payout_doubles import report
from tests.unit.helpers import STORE
from tests.unit.ledger_helpers import account_total, booked, sums_per_movement
from tests.unit.payout_helpers import (
    OPERATOR,
    PHONE_CI,
    PayoutWorld,
    a_payout,
    a_sale,
    a_store,
    an_active_destination,
    available,
)

from application.errors import ProviderUnavailable
from application.payouts.create_payout import CreatePayoutCommand
from application.payouts.destinations import (
    AddDestinationCommand,
    ApproveDestination,
    DisableDestination,
)
from application.payouts.schedule import RunDailyPayouts, ScheduleCommand, SetSchedule
from domain.errors import InvalidPhone, UnsupportedCurrency
from domain.events import Source
from domain.ledger import Account, EntryType
from domain.money import Money
from domain.payout import InsufficientBalance, PayoutNotAwaitingAction, PayoutStatus
from domain.payout_destination import (
    DestinationNotActive,
    DestinationStatus,
    PayoutsNotSupported,
)


async def funded(amount: int = 10000) -> PayoutWorld:
    world = PayoutWorld()
    await a_store(world)
    await a_sale(world, amount)
    return world


async def test_a_destination_waits_out_its_hold_unless_an_operator_approves_it() -> None:
    world = await funded()
    added = await world.add_destination()(AddDestinationCommand(STORE, "wave", PHONE_CI, "Awa"))
    assert (added.status_at(world.clock.now()), added.country) == (DestinationStatus.PENDING, "CI")
    told = [n.type for n in world.db.rows("notifications")]
    assert "payout_destination.created" in told  # the store hears of it, whoever added it
    with pytest.raises(DestinationNotActive):
        await a_payout(world, added, 1000)
    assert world.gateways.gateway.sent == []
    world.clock.advance(timedelta(hours=24))
    assert (await a_payout(world, added, 1000)).status is PayoutStatus.PENDING

    other = await world.add_destination()(AddDestinationCommand(STORE, "mtn_momo", PHONE_CI))
    approved = await ApproveDestination(world.uow, world.ids, world.clock)(other.id, OPERATOR)
    assert approved.status_at(world.clock.now()) is DestinationStatus.ACTIVE
    assert [a.action for a in world.db.rows("audit")] == ["payout_destination.approved"]
    disabled = await DisableDestination(world.uow, world.clock)(STORE, other.id)
    assert disabled.status_at(world.clock.now()) is DestinationStatus.DISABLED
    with pytest.raises(DestinationNotActive):
        await a_payout(world, disabled, 1000)


async def test_orange_money_and_unconfigured_providers_cannot_be_destinations() -> None:
    world = await funded()
    for provider in ("orange_money", "nope"):
        with pytest.raises(PayoutsNotSupported):
            await world.add_destination()(AddDestinationCommand(STORE, provider, PHONE_CI))
    world.gateways.providers = frozenset({"wave"})
    with pytest.raises(PayoutsNotSupported):
        await world.add_destination()(AddDestinationCommand(STORE, "sandbox", PHONE_CI))
    with pytest.raises(InvalidPhone):
        await world.add_destination()(AddDestinationCommand(STORE, "wave", "0700"))
    assert world.db.tables["payout_destinations"] == {}


async def test_a_payout_past_the_balance_or_in_another_currency_is_refused_unsent() -> None:
    world = await funded(10000)
    destination = await an_active_destination(world)
    with pytest.raises(InsufficientBalance):
        await a_payout(world, destination, 10001)
    with pytest.raises(UnsupportedCurrency):
        await world.create(CreatePayoutCommand(STORE, Money.of(100, "GHS"), destination.id))
    assert (world.gateways.gateway.sent, world.db.tables["payouts"]) == ([], {})
    assert await available(world) == 10000


async def test_a_confirmed_payout_leaves_the_provider_account_with_its_fee() -> None:
    world = await funded(10000)
    destination = await an_active_destination(world, "wave")
    world.gateways.gateway.queue(report("succeeded", provider_reference="pt-1", provider_fee=100))
    payout = await a_payout(world, destination, 6000)
    assert (payout.status, payout.provider_reference, payout.provider_fee) == (
        PayoutStatus.SUCCEEDED, "pt-1", 100,
    )  # fmt: skip
    [order] = world.gateways.gateway.sent
    assert (order.payout_id, order.amount, order.phone) == (payout.id, Money.of(6000, "XOF"),
                                                            PHONE_CI)  # fmt: skip
    assert await available(world) == 4000
    assert account_total(world, Account.IN_FLIGHT) == 0
    assert account_total(world, Account.PLATFORM) == -100  # the operator's fee: ours to pay
    assert account_total(world, Account.CLEARING) == -10000 + 6000 + 100
    assert set(sums_per_movement(world).values()) == {0}
    assert [e.event.type for e in world.db.events_of(payout.id)] == [
        "payout.created", "payout.succeeded",
    ]  # fmt: skip
    told = [n.type for n in world.db.rows("notifications") if n.subject_id == payout.id]
    assert told == ["payout.created", "payout.succeeded"]


async def test_a_timeout_is_pending_and_a_refusal_gives_the_money_back_once() -> None:
    world = await funded(10000)
    destination = await an_active_destination(world)
    world.gateways.gateway.queue(ProviderUnavailable("timed out"))
    pending = await a_payout(world, destination, 3000)
    assert pending.status is PayoutStatus.PENDING
    assert (await available(world), account_total(world, Account.IN_FLIGHT)) == (7000, 3000)
    world.gateways.gateway.answers.clear()
    world.gateways.gateway.queue(report("failed", failure_code="payout_rejected"))
    failed = await world.verify_payout(pending.id, Source.VERIFICATION)
    assert (failed.status, failed.failure_code) == (PayoutStatus.FAILED, "payout_rejected")
    again = await world.verify_payout(pending.id, Source.VERIFICATION)
    assert again.status is PayoutStatus.FAILED
    assert (await available(world), account_total(world, Account.IN_FLIGHT)) == (10000, 0)
    reversals = [b for b in booked(world) if b.entry.type is EntryType.PAYOUT_REVERSAL]
    assert len(reversals) == 2  # one movement: the store and in flight, once
    # the same order, the same reference, on every call
    assert {o.reference for o in world.gateways.gateway.looked_up} == {pending.reference}


async def test_an_unconfirmed_payout_waits_for_a_person_who_records_it() -> None:
    world = await funded(10000)
    destination = await an_active_destination(world)
    paid = await a_payout(world, destination, 2000)
    lost = await a_payout(world, destination, 3000)
    assert await world.reconcile() == 0  # not due yet: 5 s after it was made
    world.clock.advance(timedelta(seconds=5))
    assert await world.reconcile() == 2  # looked up, still pending
    assert await world.reconcile() == 0  # next: 15 s later
    assert world.db.tables["payout_checks"][paid.id] == (
        world.clock.now() + timedelta(seconds=15), 1,
    )  # fmt: skip
    world.clock.advance(timedelta(hours=24, seconds=1))
    assert await world.reconcile() == 2
    for payout_id in (paid.id, lost.id):
        assert world.db.tables["payouts"][payout_id].status is PayoutStatus.REQUIRES_ACTION
    done = await world.record(paid.id, paid=True, reference="OM-7", actor=OPERATOR, note=None)
    assert (done.status, done.provider_reference) == (PayoutStatus.SUCCEEDED, "OM-7")
    gone = await world.record(lost.id, paid=False, reference="", actor=OPERATOR, note="perdu")
    assert gone.status is PayoutStatus.FAILED
    with pytest.raises(PayoutNotAwaitingAction):
        await world.record(lost.id, paid=False, reference="", actor=OPERATOR, note="encore")
    assert await available(world) == 8000
    assert [a.action for a in world.db.rows("audit")][-2:] == ["payout.recorded"] * 2
    world.clock.advance(timedelta(hours=1))
    assert await world.reconcile() == 0  # settled payouts are never claimed again


async def test_the_daily_schedule_pays_once_a_day_above_the_minimum() -> None:
    world = await funded(10000)
    destination = await an_active_destination(world)
    await SetSchedule(world.uow, world.clock)(ScheduleCommand(STORE, "daily", destination.id, 1500))
    daily = RunDailyPayouts(world.uow, world.create, world.clock)
    assert await daily() == 1
    assert await daily() == 0  # the same day: nothing more
    [payout] = world.db.rows("payouts")
    assert payout.amount == Money.of(8500, "XOF")
    assert await available(world) == 1500
    await a_sale(world, 4000)
    world.clock.advance(timedelta(days=1))
    assert await daily() == 1
    assert await available(world) == 1500
