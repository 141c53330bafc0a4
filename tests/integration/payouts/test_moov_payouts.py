"""Moov Money payouts against respx routes written from the payouts reference (4.1, 4.2):
transferFlooz's final answer, an unknown outcome never sent again, getTransactionStatus,
getBalance with the merchant's number."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import respx
from tests.integration.payouts.build import gateways
from tests.integration.payouts.fake_moov_payouts import BASE_URL, ENV, FakeMoovPayouts
from tests.integration.payouts.orders import order

from adapters.providers.moov_money_payouts import MoovPayouts
from application.errors import ProviderUnavailable
from domain.money import Money

PHONE = "+22995181010"


@pytest.fixture
def fake() -> Iterator[FakeMoovPayouts]:
    with respx.mock(using="stream", base_url=BASE_URL, assert_all_called=False) as router:
        yield FakeMoovPayouts(router)


@pytest.fixture
async def moov(fake: FakeMoovPayouts) -> AsyncIterator[MoovPayouts]:
    async with gateways(ENV) as (found, _):
        gateway = found.payout_gateway("moov_money", None)
        assert isinstance(gateway, MoovPayouts)
        yield gateway


async def test_a_transfer_answered_0_succeeded(moov: MoovPayouts, fake: FakeMoovPayouts) -> None:
    po = order(amount=10000, phone=PHONE)
    report = await moov.send(po)
    assert (report.status, report.provider_reference) == ("succeeded", "920190600000000")
    (call,) = fake.calls
    assert call["operation"] == "transferFlooz"
    assert (call["destination"], call["amount"]) == ("22995181010", "10000")
    assert (call["referenceid"], call["extendeddata"]) == (po.reference, "po_0001")


async def test_a_refused_transfer_fails_with_a_named_code(
    moov: MoovPayouts, fake: FakeMoovPayouts
) -> None:
    fake.mode = "8"
    report = await moov.send(order(phone=PHONE))
    assert (report.status, report.failure_code) == ("failed", "merchant_balance_insufficient")


@pytest.mark.parametrize("mode", ["timeout", "fault"])
async def test_an_unknown_outcome_stays_pending_and_is_only_looked_up(
    moov: MoovPayouts, fake: FakeMoovPayouts, mode: str
) -> None:
    fake.mode = mode
    po = order(phone=PHONE)
    assert (await moov.send(po)).status == "pending"
    fake.mode = "ok"
    assert (await moov.look_up(po)).status == "pending"  # 94: Moov does not know it
    assert [c["operation"] for c in fake.calls] == ["transferFlooz", "getTransactionStatus"]


async def test_a_pending_transfer_is_settled_by_its_status(
    moov: MoovPayouts, fake: FakeMoovPayouts
) -> None:
    fake.mode = "pending"
    po = order(phone=PHONE)
    sent = await moov.send(po)
    assert sent.status == "pending"
    known = order(phone=PHONE, provider_reference=sent.provider_reference)
    fake.settle("0")
    assert (await moov.look_up(known)).status == "succeeded"
    fake.settle("7")
    report = await moov.look_up(known)
    assert (report.status, report.failure_code) == ("failed", "recipient_locked")


async def test_a_payout_in_another_currency_is_refused_without_a_call(
    moov: MoovPayouts, fake: FakeMoovPayouts
) -> None:
    report = await moov.send(order(amount=500, currency="XAF", phone=PHONE))
    assert (report.status, report.failure_code) == ("failed", "unsupported_currency")
    assert fake.calls == []


async def test_the_merchant_balance_with_its_own_number(
    moov: MoovPayouts, fake: FakeMoovPayouts
) -> None:
    assert await moov.balance() == [Money.of(382222, "XOF")]
    fake.mode = "fault"
    with pytest.raises(ProviderUnavailable):
        await moov.balance()


async def test_without_the_merchant_number_moov_pays_out_but_tells_no_balance(
    fake: FakeMoovPayouts,
) -> None:
    env = {k: v for k, v in ENV.items() if k != "MOOV_MONEY_MERCHANT_MSISDN"}
    async with gateways(env) as (found, _):
        assert found.payout_gateway("moov_money", None) is not None
        assert found.balance_gateways() == ()


async def test_a_country_whose_account_cannot_pay_out_never_falls_back_to_the_default(
    fake: FakeMoovPayouts,
) -> None:
    togo = {
        "MOOV_MONEY_TG_MERCHANT_NAME": "BOUTIQUE-AWA",
        "MOOV_MONEY_TG_URL": "https://flooz.test/togo",
        "MOOV_MONEY_TG_CALLBACK_IPS": "203.0.113.0/24",
    }
    async with gateways({**ENV, **togo}) as (found, built):
        assert "moov_money:TG" in built  # Togo's dialect takes payments, has no payout API
        assert found.payout_gateway("moov_money", "TG") is None
        assert isinstance(found.payout_gateway("moov_money", "BJ"), MoovPayouts)  # default
