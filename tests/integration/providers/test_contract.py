"""One contract, run against every provider's fake (respx routes written from
reference/providers.md): what a storefront sees must not depend on the provider.

Starting: a lost answer leaves the payment pending (unknown, never failed); a 4xx fails it
with the provider's code. Status: a provider that answers 5xx is unavailable (503) and
changes nothing. Callbacks: bad authentication is a 401 that changes nothing; the same
callback twice changes the payment once; a success of another amount is flagged, never
succeeded. Refunds: succeed, fail with the provider's code, stay pending on a timeout; a
provider with no refund API is never called and waits for a person (`requires_action`)."""

from __future__ import annotations

from tests.integration.helpers import problem
from tests.integration.providers.kit import Kit

from application.refunds.record_manual_refund import RecordManualRefundCommand
from entrypoints.container import resolve

# -- payments --------------------------------------------------------------------------------


async def test_a_start_whose_answer_is_lost_is_pending(kit: Kit) -> None:
    kit.fake.start_mode = "timeout"
    payment = await kit.start()
    assert payment["status"] == "pending"
    assert (await kit.state(payment["id"]))["events"] == ["payment.created", "payment.pending"]


async def test_a_status_query_answered_5xx_is_unavailable_and_changes_nothing(kit: Kit) -> None:
    payment = await kit.start()
    kit.fake.settle(payment)
    kit.fake.status_down = True
    problem(await kit.verify(payment["id"]), 503, "provider_unavailable")
    assert (await kit.state(payment["id"]))["status"] == "pending"


async def test_a_start_refused_with_a_4xx_fails_with_the_providers_code(kit: Kit) -> None:
    kit.fake.start_mode = "refuse"
    payment = await kit.start()
    assert (payment["status"], payment["failure_code"]) == ("failed", kit.fake.refusal_code)


async def test_a_callback_failing_authentication_is_401_and_changes_nothing(kit: Kit) -> None:
    payment = await kit.start()
    kit.fake.settle(payment)
    answer = await kit.deliver(kit.fake.forged_callback(payment))
    problem(answer, 401, "invalid_signature")
    assert (await kit.state(payment["id"]))["status"] == "pending"


async def test_the_same_callback_twice_changes_the_payment_once(kit: Kit) -> None:
    payment = await kit.start()
    kit.fake.settle(payment)
    for _ in range(2):
        answer = await kit.deliver(kit.fake.callback(payment))
        assert answer.status_code == 200, answer.text
    state = await kit.state(payment["id"])
    assert state["status"] == "succeeded"
    assert state["events"].count("payment.succeeded") == 1


async def test_a_success_of_another_amount_is_flagged_never_succeeded(kit: Kit) -> None:
    payment = await kit.start()
    kit.fake.settle(payment, amount=4000)
    await kit.verify(payment["id"])
    state = await kit.state(payment["id"])
    assert (state["status"], state["flagged_reason"]) == ("pending", "amount_mismatch")
    assert "payment.amount_mismatch" in state["events"]


# -- refunds ---------------------------------------------------------------------------------


async def test_a_refund_succeeds(kit: Kit) -> None:
    payment = await kit.paid()
    created = await kit.refund(payment["id"])
    assert created.status_code == 201, created.text
    refund = created.json()
    if kit.fake.refunds == "manual":
        assert refund["status"] == "requires_action"
        record = await resolve(kit.container.record_manual_refund)
        done = await record(RecordManualRefundCommand(refund["id"], "MP-MANUAL-1", "ops"))
        assert done.status.value == "succeeded"
    else:
        assert refund["status"] in ("pending", "succeeded")
        kit.fake.settle_refunds()
        assert (await kit.verify_refund(refund["id"]))["status"] == "succeeded"
    state = await kit.state(payment["id"])
    assert (state["status"], state["amount_refunded"], state["refunded"]) == (
        "succeeded",
        5000,
        True,
    )


async def test_a_refund_the_provider_refuses_fails_with_its_code(kit: Kit) -> None:
    payment = await kit.paid()
    kit.fake.refund_mode = "refuse"
    refund = (await kit.refund(payment["id"])).json()
    if kit.fake.refunds == "manual":
        assert kit.fake.calls["refund"] == 0
        record = await resolve(kit.container.record_manual_refund)
        command = RecordManualRefundCommand(refund["id"], "", "ops", succeeded=False)
        refund = {"status": (await record(command)).status.value}
    else:
        assert refund["failure_code"] == kit.fake.refund_refusal_code
    assert refund["status"] == "failed"
    assert (await kit.state(payment["id"]))["amount_refunded"] == 0


async def test_a_refund_whose_answer_is_lost_is_pending_never_failed(kit: Kit) -> None:
    payment = await kit.paid()
    kit.fake.refund_mode = "timeout"
    refund = (await kit.refund(payment["id"])).json()
    expected = "requires_action" if kit.fake.refunds == "manual" else "pending"
    assert refund["status"] == expected
    assert (await kit.state(payment["id"]))["amount_refunded"] == 5000


async def test_a_partial_refund_follows_the_providers_capability(kit: Kit) -> None:
    payment = await kit.paid()
    answer = await kit.refund(payment["id"], amount=1000)
    if kit.fake.refunds == "full":
        problem(answer, 422, "partial_refund_not_supported")
        assert kit.fake.calls["refund"] == 0  # refused before anything was sent
    else:
        assert (answer.status_code, answer.json()["amount"]) == (201, 1000)
    if kit.fake.refunds == "manual":
        assert kit.fake.calls["refund"] == 0
