"""The refund aggregate: its state machine, its events, and the amount rules."""

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import InvalidTransition
from domain.events import Source
from domain.money import Money
from domain.payment import Payment, PaymentStatus
from domain.provider_report import ProviderReport, ReportedStatus
from domain.refund import (
    ManualReferenceRequired,
    PartialRefundNotSupported,
    PaymentNotRefundable,
    Refund,
    RefundExceedsPayment,
    RefundNotPending,
    RefundStatus,
    RefundSupport,
    refundable,
)

AT = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def a_payment(status: PaymentStatus = PaymentStatus.SUCCEEDED) -> Payment:
    return Payment(
        id="pay_1",
        order_id="ord_1",
        store_id="str_1",
        provider="wave",
        amount=Money.of(5000, "XOF"),
        status=status,
        created_at=AT,
        updated_at=AT,
    )


def a_refund(manual: bool = False, amount: int = 2000) -> Refund:
    return Refund.create(
        id="rfd_1",
        payment=a_payment(),
        amount=Money.of(amount, "XOF"),
        at=AT,
        reason="retour",
        manual=manual,
    )


def test_a_new_refund_copies_its_payment_and_records_its_creation() -> None:
    refund = a_refund()
    assert (refund.payment_id, refund.order_id, refund.store_id) == ("pay_1", "ord_1", "str_1")
    assert (refund.provider, refund.status) == ("wave", RefundStatus.PENDING)
    [event] = refund.events
    assert (event.type, event.from_status, event.to_status) == ("refund.created", None, "pending")
    assert a_refund(manual=True).status is RefundStatus.REQUIRES_ACTION


@pytest.mark.parametrize(
    ("held", "asked", "expected"), [(0, None, 5000), (0, 1200, 1200), (3000, None, 2000)]
)
def test_the_default_amount_is_what_is_left(held: int, asked: int | None, expected: int) -> None:
    amount = refundable(a_payment(), held, asked, RefundSupport.PARTIAL)
    assert amount == Money.of(expected, "XOF")


@pytest.mark.parametrize(("held", "asked"), [(0, 5001), (4000, 1001), (5000, None), (0, 0)])
def test_refunds_never_exceed_the_payment(held: int, asked: int | None) -> None:
    with pytest.raises(RefundExceedsPayment):
        refundable(a_payment(), held, asked, RefundSupport.PARTIAL)


@pytest.mark.parametrize("status", [s for s in PaymentStatus if s is not PaymentStatus.SUCCEEDED])
def test_only_a_succeeded_payment_is_refundable(status: PaymentStatus) -> None:
    with pytest.raises(PaymentNotRefundable):
        refundable(a_payment(status), 0, None, RefundSupport.PARTIAL)


def test_a_full_only_provider_refuses_anything_but_the_whole_payment() -> None:
    assert refundable(a_payment(), 0, None, RefundSupport.FULL).amount == 5000
    with pytest.raises(PartialRefundNotSupported):
        refundable(a_payment(), 0, 4999, RefundSupport.FULL)
    with pytest.raises(PartialRefundNotSupported):
        refundable(a_payment(), 1000, None, RefundSupport.FULL)


def test_a_confirmed_success_and_its_event() -> None:
    refund = a_refund()
    later = AT + timedelta(seconds=5)
    report = ProviderReport(ReportedStatus.SUCCEEDED, raw={"ok": True})
    assert refund.apply(report, later, Source.RECONCILIATION) is True
    assert (refund.status, refund.succeeded_at) == (RefundStatus.SUCCEEDED, later)
    event = refund.events[-1]
    assert (event.type, event.from_status, event.source) == (
        "refund.succeeded",
        "pending",
        Source.RECONCILIATION,
    )
    assert refund.apply(report, later, Source.WEBHOOK) is False  # the same answer again
    assert len(refund.events) == 2


def test_a_confirmed_failure_keeps_the_providers_code() -> None:
    refund = a_refund()
    report = ProviderReport(ReportedStatus.FAILED, failure_code="refund_rejected")
    refund.apply(report, AT, Source.API)
    assert (refund.status, refund.failure_code) == (RefundStatus.FAILED, "refund_rejected")
    assert refund.apply(ProviderReport(ReportedStatus.SUCCEEDED), AT, Source.API) is False
    assert refund.status is RefundStatus.FAILED


@pytest.mark.parametrize("status", [ReportedStatus.PENDING, ReportedStatus.UNKNOWN])
def test_pending_and_unknown_answers_change_nothing(status: ReportedStatus) -> None:
    refund = a_refund()
    assert refund.apply(ProviderReport(status), AT, Source.API) is False
    assert (refund.status, len(refund.events)) == (RefundStatus.PENDING, 1)


def test_a_refund_awaiting_a_person_is_settled_by_hand_only() -> None:
    refund = a_refund()
    refund.require_action(AT, Source.RECONCILIATION, why="unconfirmed")
    assert refund.apply(ProviderReport(ReportedStatus.SUCCEEDED), AT, Source.API) is False
    with pytest.raises(ManualReferenceRequired):
        refund.record_manual(AT, succeeded=True, reference=" ", operator="awa", note=None)
    refund.record_manual(AT, succeeded=True, reference="MP1", operator="awa", note="portail")
    assert (refund.status, refund.provider_reference) == (RefundStatus.SUCCEEDED, "MP1")
    assert refund.events[-1].data["operator"] == "awa"
    with pytest.raises(RefundNotPending):
        refund.record_manual(AT, succeeded=False, reference="", operator="awa", note="no")


def test_a_person_may_record_that_it_could_not_be_done() -> None:
    refund = a_refund(manual=True)
    refund.record_manual(AT, succeeded=False, reference="", operator="awa", note="numéro fermé")
    assert (refund.status, refund.failure_code) == (RefundStatus.FAILED, "manual_refund_failed")


def test_illegal_moves_are_refused() -> None:
    refund = a_refund()
    refund.mark_failed(AT, Source.API, code="x")
    with pytest.raises(InvalidTransition):
        refund.require_action(AT, Source.SYSTEM, why="late")
