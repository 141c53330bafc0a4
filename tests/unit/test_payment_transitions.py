"""The payment state machine, provider reports, the order aggregate and settlement.

The transition tests walk the whole status x target matrix, so a change to TRANSITIONS or to a
`mark_*` method cannot slip through untested.
"""

from collections.abc import Callable
from copy import deepcopy
from datetime import UTC, datetime, timedelta
from itertools import product

import pytest

from domain.errors import (
    InvalidAmount,
    InvalidTransition,
    ItemsTotalMismatch,
    OrderNotPayable,
)
from domain.events import Source
from domain.money import Currency, Money
from domain.order import Order, OrderItem, OrderStatus
from domain.payment import (
    AMOUNT_MISMATCH,
    TRANSITIONS,
    NextAction,
    Outcome,
    Payment,
    PaymentStatus,
)
from domain.provider_report import ProviderReport, ReportedStatus
from domain.settlement import settle

S = PaymentStatus
R = ReportedStatus
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
LATER = T0 + timedelta(minutes=5)
PRICE = Money(5000, Currency.XOF)

# -- arranging payments through legal moves only ---------------------------------------------

Move = Callable[[Payment, datetime], bool]

MOVES: dict[PaymentStatus, Move] = {
    S.PENDING: lambda p, at: p.mark_pending(
        at,
        Source.API,
        reference=f"wave_ref_{at:%H%M}",
        next_action=NextAction("redirect", url=f"https://pay.example/{at:%H%M}"),
    ),
    S.SUCCEEDED: lambda p, at: p.mark_succeeded(at, Source.WEBHOOK),
    S.FAILED: lambda p, at: p.mark_failed(
        at, Source.VERIFICATION, code="insufficient_funds", message="Solde insuffisant"
    ),
    S.EXPIRED: lambda p, at: p.expire(at),
    S.CANCELLED: lambda p, at: p.cancel(at),
}
SOURCES = {
    S.PENDING: Source.API,
    S.SUCCEEDED: Source.WEBHOOK,
    S.FAILED: Source.VERIFICATION,
    S.EXPIRED: Source.RECONCILIATION,
    S.CANCELLED: Source.API,
}
PATHS: dict[PaymentStatus, list[PaymentStatus]] = {
    S.CREATED: [],
    S.PENDING: [S.PENDING],
    S.SUCCEEDED: [S.PENDING, S.SUCCEEDED],
    S.FAILED: [S.FAILED],
    S.EXPIRED: [S.PENDING, S.EXPIRED],
    S.CANCELLED: [S.PENDING, S.CANCELLED],
}


def new_payment(payment_id: str = "pay_0001", amount: Money = PRICE) -> Payment:
    return Payment.create(
        id=payment_id,
        order_id="ord_0001",
        store_id="str_0001",
        provider="wave",
        amount=amount,
        at=T0,
        phone="+2250700000001",
    )


def payment_in(status: PaymentStatus, payment_id: str = "pay_0001") -> Payment:
    payment = new_payment(payment_id)
    for step in PATHS[status]:
        MOVES[step](payment, T0)
    assert payment.status is status
    return payment


def pair_id(pair: tuple[PaymentStatus, PaymentStatus]) -> str:
    return f"{pair[0]}->{pair[1]}"


ALL_PAIRS = list(product(PaymentStatus, MOVES))
LEGAL = [(a, b) for a, b in ALL_PAIRS if b in TRANSITIONS[a]]
SAME = [(a, b) for a, b in ALL_PAIRS if a is b]
ILLEGAL = [(a, b) for a, b in ALL_PAIRS if a is not b and b not in TRANSITIONS[a]]


# -- the transition matrix -------------------------------------------------------------------


def test_the_matrix_covers_every_status_and_every_move() -> None:
    assert set(TRANSITIONS) == set(PaymentStatus)
    assert set(MOVES) == set(PaymentStatus) - {S.CREATED}
    assert not any(S.CREATED in targets for targets in TRANSITIONS.values())
    assert sorted(LEGAL + SAME + ILLEGAL) == sorted(ALL_PAIRS)
    assert len(LEGAL) == 7 and len(SAME) == 5 and len(ILLEGAL) == 18


@pytest.mark.parametrize("pair", LEGAL, ids=pair_id)
def test_a_legal_move_records_exactly_one_event(pair: tuple[PaymentStatus, PaymentStatus]) -> None:
    current, target = pair
    payment = payment_in(current)
    before = len(payment.events)

    assert MOVES[target](payment, LATER) is True

    assert payment.status is target
    assert payment.updated_at == LATER
    assert len(payment.events) == before + 1
    event = payment.events[-1]
    assert event.type == f"payment.{target}"
    assert (event.from_status, event.to_status) == (current, target)
    assert event.source is SOURCES[target]
    assert (event.subject_id, event.at) == ("pay_0001", LATER)


@pytest.mark.parametrize("pair", ILLEGAL, ids=pair_id)
def test_an_illegal_move_raises_and_changes_nothing(
    pair: tuple[PaymentStatus, PaymentStatus],
) -> None:
    current, target = pair
    payment = payment_in(current)
    snapshot = deepcopy(payment)

    with pytest.raises(InvalidTransition) as raised:
        MOVES[target](payment, LATER)

    assert (raised.value.current, raised.value.target) == (current, target)
    assert payment == snapshot


@pytest.mark.parametrize("pair", SAME, ids=pair_id)
def test_the_same_status_twice_is_a_no_op(pair: tuple[PaymentStatus, PaymentStatus]) -> None:
    status, _ = pair
    payment = payment_in(status)
    events = list(payment.events)

    assert MOVES[status](payment, LATER) is False

    assert payment.status is status
    assert payment.events == events
    assert payment.updated_at == T0


@pytest.mark.parametrize("status", list(PaymentStatus))
def test_is_final(status: PaymentStatus) -> None:
    assert payment_in(status).is_final is (status in {S.SUCCEEDED, S.FAILED, S.CANCELLED})


def test_pending_keeps_the_provider_reference_and_next_action() -> None:
    payment = payment_in(S.PENDING)
    assert payment.provider_reference == "wave_ref_0900"
    assert payment.next_action == NextAction("redirect", url="https://pay.example/0900")


def test_a_success_clears_the_next_action_and_is_not_late() -> None:
    payment = payment_in(S.PENDING)
    payment.mark_succeeded(LATER, Source.WEBHOOK)
    assert (payment.succeeded_at, payment.late_success, payment.next_action) == (LATER, False, None)
    assert payment.events[-1].data["late"] is False


def test_a_success_after_expiry_is_a_late_success() -> None:
    payment = payment_in(S.EXPIRED)
    assert payment.mark_succeeded(LATER, Source.VERIFICATION) is True
    assert payment.status is S.SUCCEEDED
    assert (payment.succeeded_at, payment.late_success) == (LATER, True)
    assert payment.events[-1].data["late"] is True


def test_a_failure_keeps_the_provider_code_and_message() -> None:
    payment = payment_in(S.FAILED)
    assert (payment.failure_code, payment.failure_message) == (
        "insufficient_funds",
        "Solde insuffisant",
    )


def test_a_second_failure_does_not_overwrite_the_first_code() -> None:
    payment = payment_in(S.FAILED)
    assert payment.mark_failed(LATER, Source.WEBHOOK, code="timeout") is False
    assert payment.failure_code == "insufficient_funds"


# -- provider reports ------------------------------------------------------------------------


def report(
    status: ReportedStatus, amount: Money | None = PRICE, **kwargs: object
) -> ProviderReport:
    return ProviderReport(status, amount=amount, **kwargs)  # type: ignore[arg-type]


# What a report whose amount matches does, for every status the payment can be in.
APPLY: dict[tuple[PaymentStatus, ReportedStatus], tuple[Outcome, PaymentStatus]] = {
    (S.CREATED, R.PENDING): (Outcome.CHANGED, S.PENDING),
    (S.CREATED, R.SUCCEEDED): (Outcome.CHANGED, S.SUCCEEDED),
    (S.CREATED, R.FAILED): (Outcome.CHANGED, S.FAILED),
    (S.CREATED, R.UNKNOWN): (Outcome.UNCHANGED, S.CREATED),
    (S.PENDING, R.PENDING): (Outcome.UNCHANGED, S.PENDING),
    (S.PENDING, R.SUCCEEDED): (Outcome.CHANGED, S.SUCCEEDED),
    (S.PENDING, R.FAILED): (Outcome.CHANGED, S.FAILED),
    (S.PENDING, R.UNKNOWN): (Outcome.UNCHANGED, S.PENDING),
    (S.SUCCEEDED, R.PENDING): (Outcome.REFUSED, S.SUCCEEDED),
    (S.SUCCEEDED, R.SUCCEEDED): (Outcome.UNCHANGED, S.SUCCEEDED),
    (S.SUCCEEDED, R.FAILED): (Outcome.REFUSED, S.SUCCEEDED),
    (S.SUCCEEDED, R.UNKNOWN): (Outcome.UNCHANGED, S.SUCCEEDED),
    (S.FAILED, R.PENDING): (Outcome.REFUSED, S.FAILED),
    (S.FAILED, R.SUCCEEDED): (Outcome.REFUSED, S.FAILED),
    (S.FAILED, R.FAILED): (Outcome.UNCHANGED, S.FAILED),
    (S.FAILED, R.UNKNOWN): (Outcome.UNCHANGED, S.FAILED),
    (S.EXPIRED, R.PENDING): (Outcome.UNCHANGED, S.EXPIRED),
    (S.EXPIRED, R.SUCCEEDED): (Outcome.CHANGED, S.SUCCEEDED),
    (S.EXPIRED, R.FAILED): (Outcome.UNCHANGED, S.EXPIRED),  # the provider gave up too
    (S.EXPIRED, R.UNKNOWN): (Outcome.UNCHANGED, S.EXPIRED),
    (S.CANCELLED, R.PENDING): (Outcome.UNCHANGED, S.CANCELLED),
    (S.CANCELLED, R.SUCCEEDED): (Outcome.REFUSED, S.CANCELLED),
    (S.CANCELLED, R.FAILED): (Outcome.REFUSED, S.CANCELLED),
    (S.CANCELLED, R.UNKNOWN): (Outcome.UNCHANGED, S.CANCELLED),
}


def test_the_apply_table_covers_every_status_and_report() -> None:
    assert set(APPLY) == set(product(PaymentStatus, ReportedStatus))


@pytest.mark.parametrize(("status", "reported"), list(APPLY), ids=lambda v: str(v))
def test_apply_a_matching_report(status: PaymentStatus, reported: ReportedStatus) -> None:
    outcome, final = APPLY[status, reported]
    payment = payment_in(status)
    snapshot = deepcopy(payment)

    assert (
        payment.apply(report(reported, failure_code="declined"), LATER, Source.WEBHOOK) is outcome
    )

    assert payment.status is final
    if outcome is Outcome.CHANGED:
        assert payment.events[-1].to_status == final
        assert payment.events[-1].source is Source.WEBHOOK
    else:
        assert payment == snapshot


def test_a_success_on_a_created_payment_records_pending_then_succeeded() -> None:
    payment = new_payment()

    assert payment.apply(report(R.SUCCEEDED), LATER, Source.VERIFICATION) is Outcome.CHANGED

    moves = [(e.type, e.from_status, e.to_status, e.source) for e in payment.events[1:]]
    assert moves == [
        ("payment.pending", S.CREATED, S.PENDING, Source.VERIFICATION),
        ("payment.succeeded", S.PENDING, S.SUCCEEDED, Source.VERIFICATION),
    ]


def test_a_success_without_a_reported_amount_is_accepted() -> None:
    payment = payment_in(S.PENDING)
    assert payment.apply(report(R.SUCCEEDED, amount=None), LATER, Source.WEBHOOK) is Outcome.CHANGED
    assert payment.status is S.SUCCEEDED


def test_the_providers_raw_answer_is_kept_in_the_event() -> None:
    payment = payment_in(S.PENDING)
    raw = {"status": "SUCCESSFUL", "financialTransactionId": "123"}
    payment.apply(report(R.SUCCEEDED, raw=raw), LATER, Source.WEBHOOK)
    assert payment.events[-1].data["provider"] == raw


def test_a_reported_failure_keeps_its_code_and_message() -> None:
    payment = payment_in(S.PENDING)
    failed = report(R.FAILED, failure_code="insufficient_funds", failure_message="Solde")

    assert payment.apply(failed, LATER, Source.WEBHOOK) is Outcome.CHANGED

    assert (payment.failure_code, payment.failure_message) == ("insufficient_funds", "Solde")


@pytest.mark.parametrize(
    "reported",
    [Money(4999, Currency.XOF), Money(5000, Currency.XAF), Money(500000, Currency.GHS)],
    ids=["amount", "currency", "both"],
)
@pytest.mark.parametrize("status", [S.CREATED, S.PENDING, S.EXPIRED])
def test_a_success_with_another_amount_is_flagged_once_and_never_succeeds(
    status: PaymentStatus, reported: Money
) -> None:
    payment = payment_in(status)
    before = len(payment.events)
    mismatch = report(R.SUCCEEDED, amount=reported)

    assert payment.apply(mismatch, LATER, Source.WEBHOOK) is Outcome.FLAGGED
    assert payment.apply(mismatch, LATER, Source.WEBHOOK) is Outcome.UNCHANGED

    assert payment.status is status
    assert payment.succeeded_at is None
    assert payment.flagged_reason == AMOUNT_MISMATCH
    assert len(payment.events) == before + 1
    flag = payment.events[-1]
    assert flag.type == "payment.amount_mismatch"
    assert (flag.from_status, flag.to_status) == (status, status)
    assert flag.data["expected"] == {"amount": 5000, "currency": "XOF"}
    assert flag.data["reported"] == {"amount": reported.amount, "currency": reported.currency}


# -- orders ----------------------------------------------------------------------------------


def new_order(
    amount: Money = PRICE, items: tuple[OrderItem, ...] = (), order_id: str = "ord_0001"
) -> Order:
    return Order.create(
        id=order_id, store_id="str_0001", reference="CMD-1", amount=amount, at=T0, items=items
    )


def order_in(status: OrderStatus) -> Order:
    order = new_order()
    if status is OrderStatus.PAID:
        order.mark_paid(T0, Source.WEBHOOK, "pay_0001")
    elif status is OrderStatus.CANCELLED:
        order.cancel(T0)
    elif status is OrderStatus.EXPIRED:
        order.expire(T0)
    assert order.status is status
    return order


def test_a_new_order_waits_for_payment_and_records_its_creation() -> None:
    order = new_order()
    assert order.status is OrderStatus.PENDING_PAYMENT
    assert [(e.type, e.to_status, e.source) for e in order.events] == [
        ("order.created", OrderStatus.PENDING_PAYMENT, Source.API)
    ]


@pytest.mark.parametrize("amount", [0, -100])
def test_an_order_amount_must_be_positive(amount: int) -> None:
    with pytest.raises(InvalidAmount):
        new_order(Money(amount, Currency.XOF))


def test_items_must_add_up_to_the_amount() -> None:
    items = (OrderItem("Pagne wax", 2, 2000), OrderItem("Livraison", 1, 1000))
    assert new_order(items=items).items == items
    with pytest.raises(ItemsTotalMismatch):
        new_order(items=(OrderItem("Pagne wax", 2, 2000),))


@pytest.mark.parametrize(
    ("quantity", "unit_amount"), [(0, 100), (-1, 100), (1.5, 100), (1, -1), (1, 99.5)]
)
def test_an_item_needs_a_positive_quantity_and_an_integer_price(
    quantity: int, unit_amount: int
) -> None:
    with pytest.raises(InvalidAmount):
        OrderItem("Pagne wax", quantity, unit_amount)


@pytest.mark.parametrize("status", list(OrderStatus))
def test_only_a_pending_order_is_payable(status: OrderStatus) -> None:
    order = order_in(status)
    if status is OrderStatus.PENDING_PAYMENT:
        order.ensure_payable()
    else:
        with pytest.raises(OrderNotPayable):
            order.ensure_payable()


@pytest.mark.parametrize("action", ["cancel", "expire"])
@pytest.mark.parametrize("status", list(OrderStatus))
def test_only_a_pending_order_can_be_cancelled_or_expired(status: OrderStatus, action: str) -> None:
    order = order_in(status)
    snapshot = deepcopy(order)
    if status is not OrderStatus.PENDING_PAYMENT:
        with pytest.raises(InvalidTransition):
            getattr(order, action)(LATER)
        assert order == snapshot
        return
    getattr(order, action)(LATER)
    target = OrderStatus.CANCELLED if action == "cancel" else OrderStatus.EXPIRED
    assert order.status is target
    assert (order.events[-1].type, order.events[-1].from_status) == (
        f"order.{target}",
        OrderStatus.PENDING_PAYMENT,
    )


@pytest.mark.parametrize("status", [OrderStatus.PENDING_PAYMENT, OrderStatus.EXPIRED])
def test_mark_paid_pays_a_pending_or_expired_order(status: OrderStatus) -> None:
    order = order_in(status)

    assert order.mark_paid(LATER, Source.WEBHOOK, "pay_0002") is True

    assert (order.status, order.paid_at, order.paid_by) == (OrderStatus.PAID, LATER, "pay_0002")
    event = order.events[-1]
    assert (event.type, event.from_status, event.data) == (
        "order.paid",
        status,
        {"payment_id": "pay_0002"},
    )


@pytest.mark.parametrize("status", [OrderStatus.PAID, OrderStatus.CANCELLED])
def test_mark_paid_refuses_a_settled_order_and_changes_nothing(status: OrderStatus) -> None:
    order = order_in(status)
    snapshot = deepcopy(order)
    assert order.mark_paid(LATER, Source.WEBHOOK, "pay_0002") is False
    assert order == snapshot


# -- settlement ------------------------------------------------------------------------------


def succeeded(payment_id: str) -> Payment:
    return payment_in(S.SUCCEEDED, payment_id)


def test_the_first_success_pays_the_order() -> None:
    order, payment = new_order(), succeeded("pay_0001")

    settle(order, payment, LATER, Source.WEBHOOK)

    assert (order.status, order.paid_by) == (OrderStatus.PAID, "pay_0001")
    assert payment.needs_refund is False


def test_a_second_success_needs_a_refund() -> None:
    order, first, second = new_order(), succeeded("pay_0001"), succeeded("pay_0002")
    settle(order, first, LATER, Source.WEBHOOK)
    order_events = list(order.events)

    settle(order, second, LATER, Source.RECONCILIATION)

    assert order.paid_by == "pay_0001"
    assert order.events == order_events
    assert second.needs_refund is True
    assert second.status is S.SUCCEEDED
    flag = second.events[-1]
    assert (flag.type, flag.source, flag.to_status) == (
        "payment.needs_refund",
        Source.RECONCILIATION,
        S.SUCCEEDED,
    )


def test_settling_the_same_payment_twice_changes_nothing() -> None:
    order, payment = new_order(), succeeded("pay_0001")
    settle(order, payment, LATER, Source.WEBHOOK)
    snapshots = deepcopy((order, payment))

    settle(order, payment, LATER + timedelta(minutes=1), Source.RECONCILIATION)

    assert (order, payment) == snapshots


def test_a_double_payment_is_flagged_once() -> None:
    order, first, second = new_order(), succeeded("pay_0001"), succeeded("pay_0002")
    settle(order, first, LATER, Source.WEBHOOK)
    settle(order, second, LATER, Source.WEBHOOK)
    snapshot = deepcopy(second)

    settle(order, second, LATER, Source.WEBHOOK)

    assert second == snapshot


def test_a_success_on_a_cancelled_order_needs_a_refund() -> None:
    order, payment = order_in(OrderStatus.CANCELLED), succeeded("pay_0001")

    settle(order, payment, LATER, Source.WEBHOOK)

    assert order.status is OrderStatus.CANCELLED
    assert payment.needs_refund is True
    assert payment.events[-1].type == "payment.needs_refund"


def test_a_late_success_pays_an_expired_order() -> None:
    order, payment = order_in(OrderStatus.EXPIRED), payment_in(S.EXPIRED)
    payment.mark_succeeded(LATER, Source.VERIFICATION)

    settle(order, payment, LATER, Source.VERIFICATION)

    assert (order.status, order.paid_by) == (OrderStatus.PAID, "pay_0001")
    assert payment.needs_refund is False


@pytest.mark.parametrize("status", [s for s in PaymentStatus if s is not S.SUCCEEDED])
def test_only_a_succeeded_payment_settles(status: PaymentStatus) -> None:
    order, payment = new_order(), payment_in(status)
    snapshots = deepcopy((order, payment))

    settle(order, payment, LATER, Source.WEBHOOK)

    assert (order, payment) == snapshots
