"""MTN MoMo payouts through Disbursement, against respx routes written from the payouts
reference (1.2 to 1.9): the transfer, its status, the lookup-then-resend rule, MTN's error
shapes, the balance."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import respx
from tests.integration.payouts.build import gateways
from tests.integration.payouts.fake_mtn_disbursement import (
    BASE_URL,
    KEY,
    SECRET,
    USER,
    FakeMtnDisbursement,
)
from tests.integration.payouts.orders import order

from adapters.providers.mtn_momo_payouts import MtnPayouts
from application.errors import ProviderUnavailable
from domain.money import Money

ENV = {
    "MTN_MOMO_SUBSCRIPTION_KEY": "collection-key-123",
    "MTN_MOMO_API_USER": "0f1e2d3c-4b5a-4978-8877-665544332211",
    "MTN_MOMO_API_KEY": "collection-secret",
    "MTN_MOMO_DISBURSEMENT_SUBSCRIPTION_KEY": KEY,
    "MTN_MOMO_DISBURSEMENT_API_USER": USER,
    "MTN_MOMO_DISBURSEMENT_API_KEY": SECRET,
    "MTN_MOMO_TARGET_ENVIRONMENT": "mtnivorycoast",
    "MTN_MOMO_BASE_URL": BASE_URL,
}


@pytest.fixture
def fake() -> Iterator[FakeMtnDisbursement]:
    with respx.mock(using="stream", base_url=BASE_URL, assert_all_called=False) as router:
        yield FakeMtnDisbursement(router)


@pytest.fixture
async def mtn(fake: FakeMtnDisbursement) -> AsyncIterator[Any]:
    async with gateways(ENV) as (found, _):
        gateway = found.payout_gateway("mtn_momo", None)
        assert isinstance(gateway, MtnPayouts)
        yield gateway


async def test_a_transfer_is_sent_with_our_reference_then_confirmed_by_its_status(
    mtn: MtnPayouts, fake: FakeMtnDisbursement
) -> None:
    po = order(amount=5000)
    sent = await mtn.send(po)
    assert (sent.status, sent.provider_reference) == ("pending", po.reference)
    (request,) = fake.requests
    assert request.headers["X-Reference-Id"] == po.reference
    body = json.loads(request.content)
    assert (body["amount"], body["currency"], body["externalId"]) == ("5000", "XOF", "po_0001")
    assert body["payee"] == {"partyIdType": "MSISDN", "partyId": "2250700000001"}
    assert (await mtn.look_up(po)).status == "pending"
    fake.settle()
    settled = await mtn.look_up(po)
    assert (settled.status, settled.failure_code) == ("succeeded", None)
    assert "2250700000001" not in json.dumps(settled.data)  # the payee's number is masked


@pytest.mark.parametrize(
    "reason", ["NOT_ENOUGH_FUNDS", {"code": "NOT_ENOUGH_FUNDS", "message": "No money"}]
)
async def test_a_failed_transfer_carries_mtns_reason_either_shape(
    mtn: MtnPayouts, fake: FakeMtnDisbursement, reason: object
) -> None:
    po = order()
    await mtn.send(po)
    fake.settle("FAILED", reason)
    report = await mtn.look_up(po)
    assert (report.status, report.failure_code) == ("failed", "not_enough_funds")
    assert report.failure_message


async def test_a_lost_answer_is_looked_up_and_not_sent_twice(
    mtn: MtnPayouts, fake: FakeMtnDisbursement
) -> None:
    fake.transfer_mode = "lost_once"
    po = order()
    report = await mtn.send(po)
    assert report.status == "pending"
    assert len(fake.requests) == 1  # MTN had it: found by its reference
    assert report.data["lost_answer"]


async def test_a_transfer_mtn_never_received_is_resent_with_the_same_reference(
    mtn: MtnPayouts, fake: FakeMtnDisbursement
) -> None:
    fake.transfer_mode = "timeout_once"
    po = order()
    assert (await mtn.send(po)).status == "pending"
    first, again = fake.requests
    assert first.headers["X-Reference-Id"] == again.headers["X-Reference-Id"] == po.reference
    assert first.content == again.content
    assert list(fake.transfers) == [po.reference]


async def test_a_look_up_that_finds_nothing_resends_once_with_the_same_reference(
    mtn: MtnPayouts, fake: FakeMtnDisbursement
) -> None:
    po = order()  # its send never reached MTN (the process stopped before the answer)
    assert (await mtn.look_up(po)).status == "pending"
    assert list(fake.transfers) == [po.reference]
    assert (await mtn.look_up(po)).status == "pending"
    assert len(fake.requests) == 1  # found the second time: not sent again


async def test_mtns_business_refusal_on_a_500_fails_with_its_code(
    mtn: MtnPayouts, fake: FakeMtnDisbursement
) -> None:
    fake.transfer_mode = "refuse"
    report = await mtn.send(order())
    assert (report.status, report.failure_code) == ("failed", "payee_not_found")


@pytest.mark.parametrize("mode", ["down", "busy"])
async def test_a_5xx_or_429_without_a_business_code_stays_pending(
    mtn: MtnPayouts, fake: FakeMtnDisbursement, mode: str
) -> None:
    fake.transfer_mode = mode
    report = await mtn.send(order())
    assert (report.status, report.failure_code) == ("pending", None)
    assert len(fake.requests) == 2  # looked up (404), sent again once, still unknown


async def test_a_transfer_for_another_payout_or_amount_is_never_a_success(
    mtn: MtnPayouts, fake: FakeMtnDisbursement
) -> None:
    po = order(amount=5000)
    await mtn.send(po)
    fake.transfers[po.reference].update(status="SUCCESSFUL", amount=9000)
    assert (await mtn.look_up(po)).status == "pending"
    fake.transfers[po.reference].update(amount=5000, externalId="po_other")
    assert (await mtn.look_up(po)).status == "pending"


async def test_refused_credentials_fail_the_payout_nothing_sent(
    fake: FakeMtnDisbursement,
) -> None:
    env = {**ENV, "MTN_MOMO_DISBURSEMENT_API_KEY": "wrong"}
    async with gateways(env) as (found, _):
        gateway = found.payout_gateway("mtn_momo", None)
        assert gateway is not None
        report = await gateway.send(order())
    assert (report.status, report.failure_code) == ("failed", "provider_credentials_rejected")
    assert fake.transfers == {}


async def test_payouts_and_refunds_share_one_disbursement_token(
    fake: FakeMtnDisbursement,
) -> None:
    async with gateways(ENV) as (found, providers):
        gateway = found.payout_gateway("mtn_momo", None)
        assert gateway is not None
        await gateway.send(order())
        assert providers["mtn_momo"].disbursement is gateway._api  # type: ignore[attr-defined]
        await gateway.send(order(payout_id="po_0002"))
    assert fake.token_calls == 1


async def test_without_disbursement_credentials_mtn_pays_nothing_out() -> None:
    env = {k: v for k, v in ENV.items() if "DISBURSEMENT" not in k}
    async with gateways(env) as (found, _):
        assert found.payout_gateway("mtn_momo", None) is None
        assert found.balance_gateways() == ()


@pytest.mark.parametrize("amount", ["1000000", 1000000])
async def test_the_disbursement_balance_is_read_as_a_string_or_a_number(
    mtn: MtnPayouts, fake: FakeMtnDisbursement, amount: object
) -> None:
    fake.balance = {"availableBalance": amount, "currency": "XOF"}
    assert await mtn.balance() == [Money.of(1000000, "XOF")]


async def test_a_balance_in_a_currency_we_do_not_hold_is_unavailable(
    mtn: MtnPayouts, fake: FakeMtnDisbursement
) -> None:
    fake.balance = {"availableBalance": 0, "currency": "EUR"}  # MTN's sandbox
    with pytest.raises(ProviderUnavailable):
        await mtn.balance()
