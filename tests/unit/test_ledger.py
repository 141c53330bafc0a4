"""The ledger's bookings on in-memory fakes: a sale and its fee, refunds and their failure,
adjustments; each movement sums to zero, each cause is booked once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.builders import make_store
from tests.fakes import FakeClock
from tests.unit.helpers import (
    STORE,
    World,
    a_payment,
    an_order,
    stored_payment,
    succeeded,
)
from tests.unit.ledger_helpers import (
    account_total,
    applying,
    applying_to_refund,
    booked,
    sums_per_movement,
)

from application.errors import NotFound
from application.ledger.adjust import AdjustBalance, AdjustmentCommand, AdjustmentReasonRequired
from application.ledger.balance import BalanceQueries
from application.ledger.book import Fees
from application.ledger.ports import EntryFilter
from application.refunds.create_refund import CreateRefund, CreateRefundCommand
from application.shared.ports import PageRequest
from application.stores.store_admin import ChangeFee, StoreChange
from domain.errors import InvalidAmount
from domain.events import Source
from domain.ledger import (
    Account,
    Entry,
    EntryType,
    InvalidFee,
    Movement,
    UnbalancedMovement,
    fee_for,
    sale,
)
from domain.money import Currency, Money
from domain.operator import Actor
from domain.payment import Payment
from domain.provider_report import ProviderReport, ReportedStatus

OPERATOR = Actor("op_1", "awa@ops")


@pytest.mark.parametrize(
    ("amount", "bps", "fee"),
    [(10000, 250, 250), (999, 250, 25), (2, 2500, 1), (1, 5000, 1), (3, 5000, 2), (1, 4999, 0),
     (5000, 0, 0), (5000, 10000, 5000), (1234567, 175, 21605)],
)  # fmt: skip
def test_the_fee_is_rounded_half_up_in_integers(amount: int, bps: int, fee: int) -> None:
    assert fee_for(Money(amount, Currency.XOF), bps) == Money(fee, Currency.XOF)


@pytest.mark.parametrize("bps", [-1, 10001, 2.5, True])
def test_a_rate_outside_0_to_10000_basis_points_is_refused(bps: object) -> None:
    with pytest.raises(InvalidFee):
        fee_for(Money(100, Currency.XOF), bps)  # type: ignore[arg-type]


def test_a_movement_that_does_not_sum_to_zero_is_refused() -> None:
    one = Entry(account=Account.STORE, type=EntryType.ADJUSTMENT, amount=Money(5, Currency.XOF))
    other = Entry(
        account=Account.PLATFORM, type=EntryType.ADJUSTMENT, amount=Money(-5, Currency.XAF)
    )
    now = FakeClock().now()
    with pytest.raises(UnbalancedMovement):
        Movement("adjustment:x", now, (one, other))
    with pytest.raises(UnbalancedMovement):
        Movement("adjustment:x", now, ())


async def a_sale(world: World, bps: int = 0, amount: int = 5000) -> Payment:
    payment = await a_payment(world, await an_order(world, amount=amount))
    return await applying(world, bps)(payment.id, succeeded(amount), Source.WEBHOOK)


async def balance(world: World, hold: timedelta = timedelta(0)) -> list[tuple[str, int, int]]:
    found = await BalanceQueries(world.uow, world.clock, hold).balances(STORE)
    return [(b.currency.value, b.available, b.pending) for b in found]


async def test_a_sale_credits_the_store_less_the_fee_and_the_platform_its_fee() -> None:
    world = World()
    payment = await a_sale(world, bps=250, amount=10000)
    assert await balance(world) == [("XOF", 9750, 0)]
    assert account_total(world, Account.PLATFORM) == 250
    assert account_total(world, Account.CLEARING) == -10000  # the provider holds it
    assert set(sums_per_movement(world).values()) == {0}
    saved = stored_payment(world, payment.id)
    assert (saved.fee, saved.net, payment.fee) == (250, 9750, 250)
    entries = await BalanceQueries(world.uow, world.clock).entries(
        STORE, EntryFilter(), PageRequest(20)
    )
    seen = [(e.type, e.amount.amount, e.balance_after) for e in entries.data]
    assert seen == [(EntryType.FEE, -250, 9750), (EntryType.PAYMENT, 10000, 10000)]


async def test_a_zero_fee_writes_no_fee_entry_and_a_pending_payment_has_no_fee() -> None:
    world = World()
    pending = await a_payment(world, await an_order(world))
    assert (pending.fee, pending.net) == (None, None)
    paid = await a_sale(world, bps=0)
    assert {b.entry.type for b in booked(world)} == {EntryType.PAYMENT}
    assert (stored_payment(world, paid.id).fee, stored_payment(world, paid.id).net) == (0, 5000)


async def test_the_store_rate_wins_over_the_platform_rate_and_is_audited() -> None:
    world = World()
    async with world.uow() as uow:
        await uow.stores.add(make_store(id=STORE))
        await uow.commit()
    changed = await ChangeFee(world.uow, world.ids, world.clock)(StoreChange(STORE, OPERATOR), 100)
    assert changed.fee_bps == 100
    await a_sale(world, bps=250, amount=10000)
    assert await balance(world) == [("XOF", 9900, 0)]
    audit = world.db.rows("audit")
    assert [(a.action, a.before["fee_bps"], a.after["fee_bps"]) for a in audit] == [
        ("store.fee_changed", None, 100)
    ]
    with pytest.raises(InvalidFee):
        await ChangeFee(world.uow, world.ids, world.clock)(StoreChange(STORE, OPERATOR), 10001)


async def test_a_success_seen_twice_is_booked_once() -> None:
    world = World()
    payment = await a_sale(world, bps=250)
    await applying(world, 250)(payment.id, succeeded(), Source.RECONCILIATION)
    assert await balance(world) == [("XOF", 4875, 0)]
    assert len(booked(world)) == 4


def refunds(world: World) -> CreateRefund:
    return CreateRefund(
        uow=world.uow,
        providers=world.registry,
        ids=world.ids,
        clock=world.clock,
        settle=world.settle_refund(),
    )


async def test_a_refund_debits_the_store_and_its_failure_gives_it_back_the_fee_stays() -> None:
    world = World()
    payment = await a_sale(world, bps=250, amount=10000)
    refund = await refunds(world)(CreateRefundCommand(payment.id, STORE, 4000))
    assert await balance(world) == [("XOF", 5750, 0)]
    failed = ProviderReport(ReportedStatus.FAILED, failure_code="declined")
    await applying_to_refund(world)(refund.id, failed, Source.WEBHOOK)
    assert await balance(world) == [("XOF", 9750, 0)]
    await applying_to_refund(world)(refund.id, failed, Source.WEBHOOK)
    assert await balance(world) == [("XOF", 9750, 0)]  # given back once
    whole = await refunds(world)(CreateRefundCommand(payment.id, STORE))
    assert whole.amount.amount == 10000
    assert await balance(world) == [("XOF", -250, 0)]  # the platform keeps its fee
    assert account_total(world, Account.PLATFORM) == 250
    types = [b.entry.type for b in booked(world) if b.entry.account is Account.STORE]
    assert types == [EntryType.PAYMENT, EntryType.FEE, EntryType.REFUND,
                     EntryType.REFUND_REVERSAL, EntryType.REFUND]  # fmt: skip


async def test_a_refused_refund_is_given_back_at_once() -> None:
    from application.errors import ProviderRejected

    world = World()
    payment = await a_sale(world)
    world.provider.refund_answer = ProviderRejected("not_enough_funds", "balance")
    await refunds(world)(CreateRefundCommand(payment.id, STORE, 1000))
    assert await balance(world) == [("XOF", 5000, 0)]
    assert set(sums_per_movement(world).values()) == {0}


async def test_sales_inside_the_hold_are_pending() -> None:
    world = World()
    await a_sale(world)
    assert await balance(world, timedelta(hours=24)) == [("XOF", 0, 5000)]
    world.clock.advance(timedelta(hours=25))
    assert await balance(world, timedelta(hours=24)) == [("XOF", 5000, 0)]


async def test_an_adjustment_needs_a_reason_and_is_audited() -> None:
    world = World()
    async with world.uow() as uow:
        await uow.stores.add(make_store(id=STORE))
        await uow.commit()
    adjust = AdjustBalance(world.uow, world.ids, world.clock)
    with pytest.raises(AdjustmentReasonRequired):
        await adjust(AdjustmentCommand(STORE, Money(500, Currency.XOF), "  ", OPERATOR))
    with pytest.raises(InvalidAmount):
        await adjust(AdjustmentCommand(STORE, Money(0, Currency.XOF), "geste", OPERATOR))
    with pytest.raises(NotFound):
        await adjust(AdjustmentCommand("str_nope", Money(5, Currency.XOF), "geste", OPERATOR))
    assert booked(world) == []
    made = await adjust(AdjustmentCommand(STORE, Money(-300, Currency.XOF), "frais", OPERATOR))
    assert await balance(world) == [("XOF", -300, 0)]
    assert account_total(world, Account.PLATFORM) == 300
    audit = world.db.rows("audit")
    assert [(a.action, a.reason, a.after["adjustment_id"]) for a in audit] == [
        ("ledger.adjusted", "frais", made.id)
    ]


def test_fees_refuse_a_platform_rate_out_of_range() -> None:
    with pytest.raises(InvalidFee):
        Fees(10001)


def test_a_sale_lands_on_the_clearing_account_of_its_provider_account() -> None:
    from dataclasses import replace

    from tests.builders import make_order, make_payment

    payment = replace(make_payment(make_order(make_store())), country="CI")
    movement = sale(payment, Money(0, Currency.XOF), payment.created_at)
    [clearing] = [e for e in movement.entries if e.account is Account.CLEARING]
    assert (clearing.provider, clearing.country, clearing.amount) == (
        "wave", "CI", Money(-payment.amount.amount, payment.amount.currency),
    )  # fmt: skip
