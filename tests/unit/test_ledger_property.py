"""Random sequences of sales, fee changes, refunds (confirmed, refused, failed later),
payouts (confirmed, refused, failed or confirmed later, unconfirmed then settled by a person)
and adjustments, on two stores and two currencies: afterwards every movement sums to zero,
the whole ledger sums to zero per currency, and every store's balance is what its sales,
fees, refunds, payouts and adjustments add up to, as its last running balance says too. A
payout never takes a store below zero."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.builders import make_store
from tests.payout_doubles import report
from tests.unit.helpers import World, a_payment, an_order, succeeded
from tests.unit.ledger_helpers import applying, applying_to_refund, booked, sums_per_movement
from tests.unit.payout_helpers import PayoutWorld, an_active_destination

from application.errors import ProviderRejected
from application.ledger.adjust import AdjustBalance, AdjustmentCommand
from application.ledger.balance import BalanceQueries
from application.ledger.ports import EntryFilter
from application.payouts.create_payout import CreatePayoutCommand
from application.payouts.follow import FOLLOW_UP
from application.refunds.create_refund import CreateRefund, CreateRefundCommand
from application.stores.store_admin import ChangeFee, StoreChange
from domain.events import Source
from domain.ledger import fee_for
from domain.money import Currency, Money
from domain.operator import Actor
from domain.payout import InsufficientBalance, PayoutStatus
from domain.provider_report import ProviderReport, ReportedStatus
from domain.refund import RefundStatus

STORES = ("str_0001", "str_0002")
CURRENCIES = ("XOF", "GHS")
PLATFORM_BPS = 150
OPERATOR = Actor("op_1", "awa@ops")

sale = st.tuples(st.just("sale"), st.sampled_from(STORES), st.sampled_from(CURRENCIES),
                 st.integers(1, 2_000_000))  # fmt: skip
fee = st.tuples(st.just("fee"), st.sampled_from(STORES), st.none() | st.integers(0, 10_000))
refund = st.tuples(st.just("refund"), st.integers(0, 50), st.integers(1, 100),
                   st.sampled_from(["pending", "refused", "succeeded"]))  # fmt: skip
fail = st.tuples(st.just("fail_refund"), st.integers(0, 50))
adjust = st.tuples(st.just("adjust"), st.sampled_from(STORES), st.sampled_from(CURRENCIES),
                   st.integers(-50_000, 50_000).filter(bool))  # fmt: skip
payout = st.tuples(st.just("payout"), st.sampled_from(STORES), st.integers(1, 120),
                   st.sampled_from(["pending", "succeeded", "failed"]))  # fmt: skip
settled_as = st.sampled_from(["succeeded", "failed", "person_paid", "person_failed"])
settle = st.tuples(st.just("settle_payout"), st.integers(0, 50), settled_as)
operations = st.lists(
    st.one_of(sale, sale, fee, refund, fail, adjust, payout, payout, settle), max_size=30
)


@dataclass
class Model:
    """What each store should hold, computed apart from the ledger."""

    rates: dict[str, int | None] = field(default_factory=dict)
    expected: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    paid: list[tuple[str, str, str, int]] = field(default_factory=list)  # payment, store, cur, left
    refunds: list[tuple[str, str, str, int]] = field(default_factory=list)  # pending ones
    destinations: dict[str, str] = field(default_factory=dict)
    payouts: list[tuple[str, str, int]] = field(default_factory=list)  # pending: id, store, amount


async def run(ops: list[tuple[object, ...]]) -> tuple[PayoutWorld, Model]:
    world, model = PayoutWorld(), Model()
    async with world.uow() as uow:
        for store in STORES:
            await uow.stores.add(make_store(id=store))
        await uow.commit()
    for store in STORES:
        model.destinations[store] = (await an_active_destination(world, store_id=store)).id
    for op in ops:
        await STEPS[str(op[0])](world, model, *op[1:])
    return world, model


async def do_sale(world: World, model: Model, store: str, currency: str, amount: int) -> None:
    order = await an_order(world, store_id=store, amount=amount, currency=currency)
    payment = await a_payment(world, order)
    await applying(world, PLATFORM_BPS)(payment.id, succeeded(amount, currency), Source.WEBHOOK)
    rate = model.rates.get(store)
    charged = fee_for(Money.of(amount, currency), PLATFORM_BPS if rate is None else rate)
    model.expected[(store, currency)] += amount - charged.amount
    model.paid.append((payment.id, store, currency, amount))


async def do_fee(world: World, model: Model, store: str, bps: int | None) -> None:
    await ChangeFee(world.uow, world.ids, world.clock)(StoreChange(store, OPERATOR), bps)
    model.rates[store] = bps


async def do_refund(world: World, model: Model, index: int, percent: int, answer: str) -> None:
    if not model.paid:
        return
    payment_id, store, currency, left = model.paid[index % len(model.paid)]
    amount = max(1, left * percent // 100)
    if left <= 0:
        return
    world.provider.refund_answer = {
        "pending": ProviderReport(ReportedStatus.PENDING),
        "refused": ProviderRejected("declined", "no"),
        "succeeded": ProviderReport(ReportedStatus.SUCCEEDED),
    }[answer]
    create = CreateRefund(uow=world.uow, providers=world.registry, ids=world.ids,
                          clock=world.clock, settle=world.settle_refund())  # fmt: skip
    made = await create(CreateRefundCommand(payment_id, store, amount))
    if made.status is RefundStatus.FAILED:
        return
    model.expected[(store, currency)] -= amount
    model.paid[index % len(model.paid)] = (payment_id, store, currency, left - amount)
    if made.status is RefundStatus.PENDING:
        model.refunds.append((made.id, store, currency, amount))


async def do_fail(world: World, model: Model, index: int) -> None:
    if not model.refunds:
        return
    refund_id, store, currency, amount = model.refunds.pop(index % len(model.refunds))
    failed = ProviderReport(ReportedStatus.FAILED, failure_code="declined")
    await applying_to_refund(world)(refund_id, failed, Source.WEBHOOK)
    model.expected[(store, currency)] += amount
    for i, (payment_id, s, c, left) in enumerate(model.paid):  # the refund's payment
        refund = world.db.tables["refunds"][refund_id]
        if payment_id == refund.payment_id:
            model.paid[i] = (payment_id, s, c, left + amount)


async def do_adjust(world: World, model: Model, store: str, currency: str, amount: int) -> None:
    command = AdjustmentCommand(store, Money.of(amount, currency), "correction", OPERATOR)
    await AdjustBalance(world.uow, world.ids, world.clock)(command)
    model.expected[(store, currency)] += amount


async def do_payout(
    world: PayoutWorld, model: Model, store: str, percent: int, answer: str
) -> None:
    held = model.expected[(store, "XOF")]
    amount = max(1, held * percent // 100)
    world.gateways.gateway.answers.clear()
    world.gateways.gateway.queue(report(answer))
    command = CreatePayoutCommand(store, Money.of(amount, "XOF"), model.destinations[store])
    try:
        made = await world.create(command)
    except InsufficientBalance:
        assert amount > held
        return
    assert amount <= held
    if made.status is not PayoutStatus.FAILED:
        model.expected[(store, "XOF")] -= amount
    if made.status is PayoutStatus.PENDING:
        model.payouts.append((made.id, store, amount))


async def do_settle(world: PayoutWorld, model: Model, index: int, how: str) -> None:
    if not model.payouts:
        return
    payout_id, store, amount = model.payouts.pop(index % len(model.payouts))
    if how.startswith("person"):
        world.clock.advance(FOLLOW_UP + timedelta(seconds=1))
        world.gateways.gateway.answers.clear()
        await world.reconcile.check(payout_id)
        paid = how == "person_paid"
        await world.record(payout_id, paid=paid, reference="OP-1", actor=OPERATOR, note=None)
        failed = not paid
    else:
        world.gateways.gateway.answers.clear()
        world.gateways.gateway.queue(report(how))
        await world.verify_payout(payout_id, Source.VERIFICATION)
        failed = how == "failed"
    if failed:
        model.expected[(store, "XOF")] += amount


STEPS = {
    "sale": do_sale,
    "fee": do_fee,
    "refund": do_refund,
    "fail_refund": do_fail,
    "adjust": do_adjust,
    "payout": do_payout,
    "settle_payout": do_settle,
}


async def balances(world: World) -> dict[tuple[str, str], int]:
    queries = BalanceQueries(world.uow, world.clock)
    found = {}
    for store in STORES:
        for line in await queries.balances(store):
            found[(store, line.currency.value)] = line.available
            last = await queries.export(store, EntryFilter(currency=line.currency))
            assert last[0].balance_after == line.available  # newest first
    return found


@settings(max_examples=60, deadline=None)
@given(operations)
def test_the_ledger_sums_to_zero_and_to_every_balance(ops: list[tuple[object, ...]]) -> None:
    world, model = asyncio.run(run(ops))
    assert set(sums_per_movement(world).values()) <= {0}
    totals: dict[Currency, int] = defaultdict(int)
    for b in booked(world):
        totals[b.entry.amount.currency] += b.entry.amount.amount
    assert set(totals.values()) <= {0}
    expected = {key: total for key, total in model.expected.items()}
    found = asyncio.run(balances(world))
    assert {k: v for k, v in found.items()} == {k: v for k, v in expected.items() if k in found}
    assert all(v == 0 for k, v in expected.items() if k not in found)
