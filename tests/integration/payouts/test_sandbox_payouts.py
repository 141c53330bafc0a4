"""The sandbox operator's payouts (decided by the amount's last two digits) and its balance,
on the real database with a fake clock; and the gateways the container wires."""

from __future__ import annotations

from typing import Any

from psycopg_pool import AsyncConnectionPool
from tests.fakes import FakeClock
from tests.integration.payouts.build import gateways
from tests.integration.payouts.orders import order

from adapters.providers.sandbox_payouts import SandboxPayouts
from domain.money import Money
from entrypoints.container import Container, resolve


async def test_a_sandbox_payout_succeeds_two_seconds_after_it_was_sent(
    pool: AsyncConnectionPool[Any], clean_db: None
) -> None:
    clock = FakeClock()
    sandbox = SandboxPayouts(pool, clock)
    po = order(amount=5000)
    sent = await sandbox.send(po)
    assert (sent.status, sent.provider_reference) == ("pending", po.reference)
    clock.advance(seconds=1.9)
    assert (await sandbox.look_up(po)).status == "pending"
    clock.advance(seconds=0.1)
    assert (await sandbox.look_up(po)).status == "succeeded"


async def test_an_amount_ending_in_02_is_rejected_at_once(
    pool: AsyncConnectionPool[Any], clean_db: None
) -> None:
    report = await SandboxPayouts(pool, FakeClock()).send(order(amount=5002))
    assert (report.status, report.failure_code) == ("failed", "payout_rejected")


async def test_an_amount_ending_in_03_stays_pending(
    pool: AsyncConnectionPool[Any], clean_db: None
) -> None:
    clock = FakeClock()
    sandbox = SandboxPayouts(pool, clock)
    po = order(amount=5003)
    await sandbox.send(po)
    clock.advance(days=2)
    assert (await sandbox.look_up(po)).status == "pending"


async def test_sending_one_reference_twice_records_one_payout(
    pool: AsyncConnectionPool[Any], clean_db: None
) -> None:
    clock = FakeClock()
    sandbox = SandboxPayouts(pool, clock)
    po = order(amount=7000)
    await sandbox.send(po)
    clock.advance(seconds=5)
    assert (await sandbox.send(po)).status == "succeeded"  # the first send decided
    assert await sandbox.balance() == [Money.of(-7000, "XOF")]


async def test_the_sandbox_balance_is_payments_less_refunds_and_payouts_settled(
    pool: AsyncConnectionPool[Any], clean_db: None
) -> None:
    clock = FakeClock()
    now = clock.now()
    async with pool.connection() as conn:
        await conn.execute(
            "INSERT INTO sandbox_transactions (payment_id, amount, currency, scenario,"
            " final_status, settles_at, created_at) VALUES"
            " ('pay_1', 20000, 'XOF', 'succeeds', 'succeeded', %(now)s, %(now)s),"
            " ('pay_2', 9000, 'XOF', 'fails', 'failed', %(now)s, %(now)s),"
            " ('pay_3', 1500, 'GHS', 'succeeds', 'succeeded', %(now)s, %(now)s)",
            {"now": now},
        )
        await conn.execute(
            "INSERT INTO sandbox_refunds (refund_id, payment_id, amount, currency,"
            " final_status, settles_at, created_at)"
            " VALUES ('re_1', 'pay_1', 3000, 'XOF', 'succeeded', %(now)s, %(now)s)",
            {"now": now},
        )
    sandbox = SandboxPayouts(pool, clock)
    await sandbox.send(order(amount=5000))
    await sandbox.send(order(amount=4002, payout_id="po_0002"))  # rejected: not paid
    assert await sandbox.balance() == [Money.of(1500, "GHS"), Money.of(17000, "XOF")]
    clock.advance(seconds=2)
    assert await sandbox.balance() == [Money.of(1500, "GHS"), Money.of(12000, "XOF")]


async def test_orange_money_has_no_payout_gateway() -> None:
    env = {
        "ORANGE_MONEY_CLIENT_ID": "id",
        "ORANGE_MONEY_CLIENT_SECRET": "secret",
        "ORANGE_MONEY_MERCHANT_KEY": "key",
    }
    async with gateways(env) as (found, built):
        assert "orange_money" in built
        assert found.payout_gateway("orange_money", None) is None
        assert found.providers() == []


async def test_the_container_offers_the_sandbox_operator_outside_production(
    container: Container,
) -> None:
    found = await resolve(container.payout_gateways)
    assert isinstance(found.payout_gateway("sandbox", None), SandboxPayouts)
    assert found.payout_gateway("orange_money", None) is None
    assert [g.provider for g in found.balance_gateways()] == ["sandbox"]


async def test_a_look_up_of_a_payout_never_received_sends_it(
    pool: AsyncConnectionPool[Any], clean_db: None
) -> None:
    clock = FakeClock()
    sandbox = SandboxPayouts(pool, clock)
    po = order(amount=6000)  # its send was lost before the operator recorded it
    assert (await sandbox.look_up(po)).status == "pending"
    clock.advance(seconds=2)
    assert (await sandbox.look_up(po)).status == "succeeded"
    assert await sandbox.balance() == [Money.of(-6000, "XOF")]
