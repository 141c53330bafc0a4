"""The payout gateways against the operator simulators (`payments simulate`), in process:
MTN transfers, Wave payouts and Moov transfers with the amount scenarios (02 fails, 03 stays
pending, anything else succeeds), and the wallets' balances (payments in, payouts and Wave's
fee out)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
import pytest
from tests.integration.payouts.build import gateways
from tests.integration.payouts.orders import order

from adapters.providers.payout_gateways import PayoutGatewaySet
from application.payouts.gateway import PayoutGateway, PayoutOrder, PayoutReport
from domain.money import Money
from entrypoints.simulators.app import create_simulator_app
from entrypoints.simulators.config import SimulatorConfig
from entrypoints.simulators.ledger import Ledger, State, Transaction
from entrypoints.simulators.scenarios import Outcome

SIMULATORS = "http://sim.test"
DELAY = 0.05
PHONES = {"mtn_momo": "+2250700000001", "wave": "+2250700000001", "moov_money": "+22995181010"}
PROVIDERS = pytest.mark.parametrize("provider", sorted(PHONES))


@pytest.fixture
async def simulated() -> AsyncIterator[tuple[PayoutGatewaySet, Ledger]]:
    config = SimulatorConfig.from_env({}, SIMULATORS, approve_delay=DELAY)
    ledger = Ledger(DELAY)
    app = create_simulator_app(config, ledger)
    env = {**config.service_env(), "WAVE_WEBHOOK_SECRET": "x" * 32}
    async with gateways(env, transport=httpx.ASGITransport(app=app)) as (found, _):
        yield found, ledger
    await ledger.close()


def gateway(found: PayoutGatewaySet, provider: str) -> PayoutGateway:
    chosen = found.payout_gateway(provider, None)
    assert chosen is not None
    return chosen


async def settled(gateway: PayoutGateway, po: PayoutOrder, sent: PayoutReport) -> PayoutReport:
    """The payout's report once the simulator's delay has passed."""
    await asyncio.sleep(DELAY * 4)
    return await gateway.look_up(replace(po, provider_reference=sent.provider_reference))


@PROVIDERS
async def test_a_payout_succeeds_at_each_simulated_operator(
    simulated: tuple[PayoutGatewaySet, Ledger], provider: str
) -> None:
    found, _ = simulated
    chosen, po = gateway(found, provider), order(amount=5000, phone=PHONES[provider])
    sent = await chosen.send(po)
    assert sent.status in ("pending", "succeeded"), sent
    assert (await settled(chosen, po, sent)).status == "succeeded"


@PROVIDERS
async def test_an_amount_ending_in_02_fails(
    simulated: tuple[PayoutGatewaySet, Ledger], provider: str
) -> None:
    found, _ = simulated
    chosen, po = gateway(found, provider), order(amount=5002, phone=PHONES[provider])
    report = await settled(chosen, po, await chosen.send(po))
    assert report.status == "failed"
    assert report.failure_code


@PROVIDERS
async def test_an_amount_ending_in_03_stays_pending(
    simulated: tuple[PayoutGatewaySet, Ledger], provider: str
) -> None:
    found, _ = simulated
    chosen, po = gateway(found, provider), order(amount=5003, phone=PHONES[provider])
    assert (await settled(chosen, po, await chosen.send(po))).status == "pending"


async def test_the_wallets_hold_payments_less_payouts_and_waves_fee(
    simulated: tuple[PayoutGatewaySet, Ledger],
) -> None:
    found, ledger = simulated
    for operator in ("mtn", "wave", "moov"):
        paid = Transaction(operator, f"{operator}-1", 20000, "XOF", Outcome.CUSTOMER_DECIDES)
        paid.state = State.SUCCEEDED
        ledger.add(paid)
    for provider in PHONES:
        chosen, po = gateway(found, provider), order(amount=5000, phone=PHONES[provider])
        await settled(chosen, po, await chosen.send(po))
    balances = {g.provider: await g.balance() for g in found.balance_gateways()}
    assert balances == {
        "mtn_momo": [Money.of(15000, "XOF")],
        "wave": [Money.of(14950, "XOF")],  # 1 % fee on 5,000
        "moov_money": [Money.of(15000, "XOF")],
    }
