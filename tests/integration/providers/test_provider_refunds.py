"""What is specific to each provider's refunds, beyond the shared contract: MTN's own
Disbursement credentials and its lookup-then-resend, Wave's whole-session refund asked
again when its answer was lost, Moov's transfer back to the payer's number."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from tests.integration.provider_app import provider_app
from tests.integration.providers.fake_moov_money import FakeMoovMoney
from tests.integration.providers.fake_mtn_momo import FakeMtnMomo
from tests.integration.providers.fake_wave import FakeWave
from tests.integration.providers.kit import Kit

from entrypoints.settings import Settings

mtn = pytest.mark.parametrize("fake_kind", [FakeMtnMomo], indirect=True, ids=["mtn_momo"])
wave = pytest.mark.parametrize("fake_kind", [FakeWave], indirect=True, ids=["wave"])
moov = pytest.mark.parametrize("fake_kind", [FakeMoovMoney], indirect=True, ids=["moov_money"])


@mtn
async def test_mtn_refunds_through_disbursement_with_a_reference_of_their_own(kit: Kit) -> None:
    payment = await kit.paid()
    refund = (await kit.refund(payment["id"], amount=2000, reason="retour")).json()
    assert refund["status"] == "pending"
    (sent,) = kit.fake.refund_requests  # type: ignore[attr-defined]
    body = json.loads(sent.content)
    assert body["referenceIdToRefund"] == payment["provider_reference"]
    assert (body["amount"], body["currency"], body["externalId"]) == ("2000", "XOF", refund["id"])
    assert sent.headers["X-Reference-Id"] == refund["provider_reference"]
    assert refund["provider_reference"] != payment["provider_reference"]
    assert sent.headers["Authorization"] == "Bearer jwt-disbursement"


@mtn
async def test_mtn_a_lost_refund_answer_is_looked_up_not_sent_twice(kit: Kit) -> None:
    payment = await kit.paid()
    kit.fake.refund_mode = "lost_once"
    refund = (await kit.refund(payment["id"])).json()
    assert refund["status"] == "pending"
    assert kit.fake.calls["refund"] == 1  # MTN had it: found by its reference
    kit.fake.settle_refunds()
    assert (await kit.verify_refund(refund["id"]))["status"] == "succeeded"


@mtn
async def test_mtn_a_refund_mtn_never_received_is_resent_with_the_same_reference(
    kit: Kit,
) -> None:
    payment = await kit.paid()
    kit.fake.refund_mode = "timeout_once"
    refund = (await kit.refund(payment["id"])).json()
    assert refund["status"] == "pending"
    first, again = kit.fake.refund_requests  # type: ignore[attr-defined]
    assert first.headers["X-Reference-Id"] == again.headers["X-Reference-Id"]
    assert len(kit.fake.refund_records) == 1  # type: ignore[attr-defined]


@pytest.fixture
async def mtn_without_disbursement(
    settings: Settings,
) -> AsyncIterator[AsyncTestClient[Any]]:
    env = {k: v for k, v in FakeMtnMomo.env.items() if "DISBURSEMENT" not in k}
    async with provider_app(settings, env) as client:
        yield client


@mtn
async def test_mtn_without_disbursement_credentials_refunds_wait_for_a_person(
    kit: Kit, mtn_without_disbursement: AsyncTestClient[Any]
) -> None:
    payment = await kit.paid()
    other = Kit(mtn_without_disbursement, kit.store, kit.fake)
    refund = (await other.refund(payment["id"], amount=1000)).json()
    assert refund["status"] == "requires_action"
    assert kit.fake.calls["refund"] == 0


@wave
async def test_wave_a_refund_whose_answer_was_lost_is_asked_again_and_confirmed(
    kit: Kit,
) -> None:
    payment = await kit.paid()
    kit.fake.refund_mode = "timeout"
    refund = (await kit.refund(payment["id"])).json()
    assert refund["status"] == "pending"
    kit.fake.refund_mode = "ok"
    assert (await kit.verify_refund(refund["id"]))["status"] == "succeeded"
    kit.fake.refund_mode = "refuse"  # a session is refunded once: nothing reopens it
    assert (await kit.verify_refund(refund["id"]))["status"] == "succeeded"


@wave
async def test_wave_a_refusal_when_asked_again_is_not_taken_as_a_failure(kit: Kit) -> None:
    payment = await kit.paid()
    kit.fake.refund_mode = "timeout"
    refund = (await kit.refund(payment["id"])).json()
    kit.fake.refund_mode = "refuse"  # may mean "already refunded": unknown
    assert (await kit.verify_refund(refund["id"]))["status"] == "pending"


@moov
async def test_moov_sends_the_refund_back_to_the_payers_number(kit: Kit) -> None:
    payment = await kit.paid()
    refund = (await kit.refund(payment["id"], amount=1500)).json()
    record = kit.fake.transactions[refund["provider_reference"]]  # type: ignore[attr-defined]
    assert (record["destination"], record["amount"]) == ("2290195901234", "1500")
    assert refund["status"] == "pending"
    kit.fake.settle_refunds()
    assert (await kit.verify_refund(refund["id"]))["status"] == "succeeded"


@moov
async def test_moov_a_refund_moov_does_not_know_stays_pending(kit: Kit) -> None:
    payment = await kit.paid()
    kit.fake.refund_mode = "timeout"
    refund = (await kit.refund(payment["id"])).json()
    assert refund["status"] == "pending"
    assert (await kit.verify_refund(refund["id"]))["status"] == "pending"  # 94: unknown


@moov
async def test_moov_never_sends_a_refund_to_a_number_the_retention_pass_masked(
    kit: Kit, pool: Any
) -> None:
    payment = await kit.paid()
    async with pool.connection() as conn:
        await conn.execute(
            "UPDATE payments SET phone = '+229 01 •• •• 34' WHERE id = %s", (payment["id"],)
        )
    refund = (await kit.refund(payment["id"])).json()
    assert (refund["status"], refund["failure_code"]) == ("failed", "payer_number_unavailable")
    assert kit.fake.calls["refund"] == 0
