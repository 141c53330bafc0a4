"""Wave payouts against respx routes written from the payouts reference (2.3 to 2.8): the
mandatory Idempotency-Key and byte-identical retries, `fee` as the provider's fee, the
statuses, the error codes (final ones fail; 5xx, 429 and timeouts stay pending), the
look-up by id or by client_reference, the balance."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace

import pytest
import respx
from tests.integration.payouts.build import gateways
from tests.integration.payouts.fake_wave_payouts import API_KEY, BASE_URL, FakeWavePayouts
from tests.integration.payouts.orders import order

from adapters.providers.wave_payouts import WavePayouts
from application.errors import ProviderUnavailable
from domain.money import Money

ENV = {"WAVE_API_KEY": API_KEY, "WAVE_WEBHOOK_SECRET": "x" * 32, "WAVE_BASE_URL": BASE_URL}
PHONE = "+2250700000001"


@pytest.fixture
def fake() -> Iterator[FakeWavePayouts]:
    with respx.mock(using="stream", base_url=BASE_URL, assert_all_called=False) as router:
        yield FakeWavePayouts(router)


@pytest.fixture
async def wave(fake: FakeWavePayouts) -> AsyncIterator[WavePayouts]:
    async with gateways(ENV) as (found, _):
        gateway = found.payout_gateway("wave", "CI")  # no CI account: the default one
        assert isinstance(gateway, WavePayouts)
        yield gateway


async def test_a_payout_succeeds_with_wave_id_and_fee(
    wave: WavePayouts, fake: FakeWavePayouts
) -> None:
    po = order(amount=5000, phone=PHONE, name="Awa Traore")
    report = await wave.send(po)
    assert (report.status, report.provider_fee) == ("succeeded", 50)
    assert report.provider_reference == "pt-0000000000001"
    (request,) = fake.requests
    assert request.headers["Idempotency-Key"] == f"payout-{po.reference}"
    assert json.loads(request.content) == {
        "currency": "XOF",
        "receive_amount": "5000",
        "mobile": PHONE,
        "name": "Awa Traore",
        "client_reference": "po_0001",
    }
    assert PHONE not in json.dumps(report.data)


async def test_a_lost_answer_is_found_by_client_reference_and_never_paid_twice(
    wave: WavePayouts, fake: FakeWavePayouts
) -> None:
    fake.mode = "lost_once"
    po = order()
    assert (await wave.send(po)).status == "pending"
    found = await wave.look_up(po)
    assert (found.status, found.provider_reference) == ("succeeded", "pt-0000000000001")
    assert len(fake.payouts) == 1


async def test_a_payout_wave_never_received_is_sent_again_with_the_same_key_and_bytes(
    wave: WavePayouts, fake: FakeWavePayouts
) -> None:
    fake.mode = "timeout_once"
    po = order()
    assert (await wave.send(po)).status == "pending"
    assert (await wave.look_up(po)).status == "succeeded"
    first, again = fake.requests
    assert first.headers["Idempotency-Key"] == again.headers["Idempotency-Key"]
    assert first.content == again.content
    assert len(fake.payouts) == 1


async def test_sending_twice_answers_the_first_payout(
    wave: WavePayouts, fake: FakeWavePayouts
) -> None:
    po = order()
    first, again = await wave.send(po), await wave.send(po)
    assert first.provider_reference == again.provider_reference
    assert len(fake.payouts) == 1


async def test_a_processing_payout_is_pending_then_looked_up_by_its_id(
    wave: WavePayouts, fake: FakeWavePayouts
) -> None:
    fake.mode = "processing"
    po = order()
    sent = await wave.send(po)
    assert (sent.status, sent.provider_reference) == ("pending", "pt-0000000000001")
    fake.settle("failed", "recipient-limit-exceeded")
    known = order(provider_reference=sent.provider_reference)
    report = await wave.look_up(known)
    assert (report.status, report.failure_code) == ("failed", "recipient-limit-exceeded")
    assert report.provider_fee == 50


async def test_a_reversed_payout_is_failed_money_back_in_the_wallet(
    wave: WavePayouts, fake: FakeWavePayouts
) -> None:
    po = order()
    await wave.send(po)
    fake.settle("reversed")
    report = await wave.look_up(po)
    assert (report.status, report.failure_code) == ("failed", "payout_reversed")


@pytest.mark.parametrize("error_key", ["code", "error", "error_code"])
@pytest.mark.parametrize("code", ["insufficient-funds", "country-mismatch"])
async def test_final_errors_fail_the_payout_whatever_key_names_the_code(
    wave: WavePayouts, fake: FakeWavePayouts, code: str, error_key: str
) -> None:
    fake.mode, fake.error_key = code, error_key
    report = await wave.send(order())
    assert (report.status, report.failure_code) == ("failed", code)
    assert report.failure_message


@pytest.mark.parametrize(
    "code", ["internal-server-error", "service-unavailable", "too-many-requests"]
)
async def test_5xx_and_429_keep_the_payout_pending(
    wave: WavePayouts, fake: FakeWavePayouts, code: str
) -> None:
    fake.mode = code
    report = await wave.send(order())
    assert (report.status, report.failure_code) == ("pending", None)


async def test_an_idempotency_mismatch_is_not_taken_as_a_failure(
    wave: WavePayouts, fake: FakeWavePayouts
) -> None:
    po = order(amount=5000)
    await wave.send(po)
    changed = replace(po, amount=Money.of(6000, "XOF"))
    report = await wave.send(changed)  # same key, other bytes: a bug on our side
    assert (report.status, report.failure_code) == ("pending", None)


async def test_a_payout_for_another_amount_is_never_a_success(
    wave: WavePayouts, fake: FakeWavePayouts
) -> None:
    po = order(amount=5000)
    await wave.send(po)
    next(iter(fake.payouts.values()))["receive_amount"] = "500"
    assert (await wave.look_up(po)).status == "pending"


async def test_the_wallet_balance(wave: WavePayouts, fake: FakeWavePayouts) -> None:
    assert await wave.balance() == [Money.of(1250000, "XOF")]
    fake.balance = {"amount": "not a number", "currency": "XOF"}
    with pytest.raises(ProviderUnavailable):
        await wave.balance()
