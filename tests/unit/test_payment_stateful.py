"""Random sequences of provider reports and of our own expire/cancel calls on one payment.

Whatever the order of events (duplicate webhooks, stale reports, wrong amounts, our own
expiry racing the provider), the payment keeps its invariants after every step.
"""

from collections.abc import Callable
from copy import deepcopy
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from domain.errors import InvalidTransition
from domain.events import DomainEvent, Source
from domain.money import Currency, Money
from domain.payment import Outcome, Payment, PaymentStatus
from domain.provider_report import ProviderReport, ReportedStatus

S = PaymentStatus
FINAL = frozenset({S.SUCCEEDED, S.FAILED, S.CANCELLED})
PRICE = Money(5000, Currency.XOF)
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

reported_amounts = st.sampled_from(
    [PRICE, PRICE, PRICE, None, Money(4999, Currency.XOF), Money(5000, Currency.XAF)]
)


def is_status_change(event: DomainEvent) -> bool:
    """Creation, or a move from one status to another (flags keep the status)."""
    return event.from_status != event.to_status


class PaymentUnderFire(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.now = T0
        self.payment = Payment.create(
            id="pay_0001",
            order_id="ord_0001",
            store_id="str_0001",
            provider="mtn",
            amount=PRICE,
            at=self.now,
        )
        self.status_changes = 0
        self.flags = 0
        self.first_final: PaymentStatus | None = None

    def tick(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now

    # -- what happens to the payment ---------------------------------------------------------

    @rule(
        status=st.sampled_from(ReportedStatus),
        amount=reported_amounts,
        source=st.sampled_from([Source.WEBHOOK, Source.VERIFICATION, Source.RECONCILIATION]),
    )
    def provider_reports(
        self, status: ReportedStatus, amount: Money | None, source: Source
    ) -> None:
        report = ProviderReport(status, amount=amount, failure_code="declined", raw={"s": status})
        before = deepcopy(self.payment)

        outcome = self.payment.apply(report, self.tick(), source)

        self.check_outcome(before, outcome)
        if self.payment.status is S.SUCCEEDED and before.status is not S.SUCCEEDED:
            assert amount is None or amount == PRICE, "succeeded on a mismatched amount"
        if amount not in (None, PRICE) and status is ReportedStatus.SUCCEEDED:
            assert outcome in (Outcome.FLAGGED, Outcome.UNCHANGED)

    @rule()
    def we_expire_it(self) -> None:
        self.our_own_move(self.payment.expire)

    @rule()
    def we_cancel_it(self) -> None:
        self.our_own_move(self.payment.cancel)

    def our_own_move(self, move: Callable[[datetime], bool]) -> None:
        before = deepcopy(self.payment)
        try:
            changed = move(self.tick())
        except InvalidTransition:
            assert self.payment == before
            return
        self.check_outcome(before, Outcome.CHANGED if changed else Outcome.UNCHANGED)

    # -- bookkeeping done independently of the payment's own events ----------------------------

    def check_outcome(self, before: Payment, outcome: Outcome) -> None:
        after = self.payment
        if outcome is Outcome.FLAGGED:
            self.flags += 1
        if outcome is Outcome.CHANGED:
            assert after.status is not before.status
            # A success reported on a created payment passes through pending.
            via_pending = before.status is S.CREATED and after.status is S.SUCCEEDED
            self.status_changes += 2 if via_pending else 1
        else:
            assert after.status is before.status
        if outcome in (Outcome.UNCHANGED, Outcome.REFUSED):
            assert after == before, f"{outcome} changed the payment"
        if self.first_final is None and after.status in FINAL:
            self.first_final = after.status

    # -- invariants ------------------------------------------------------------------------

    @invariant()
    def a_final_outcome_never_changes(self) -> None:
        if self.first_final is not None:
            assert self.payment.status is self.first_final

    @invariant()
    def at_most_one_final_outcome_is_recorded(self) -> None:
        finals = [e for e in self.payment.events if is_status_change(e) and e.to_status in FINAL]
        assert len(finals) <= 1

    @invariant()
    def succeeded_only_with_its_timestamp(self) -> None:
        assert (self.payment.status is S.SUCCEEDED) == (self.payment.succeeded_at is not None)

    @invariant()
    def every_change_and_flag_has_exactly_one_event(self) -> None:
        assert len(self.payment.events) == 1 + self.status_changes + self.flags

    @invariant()
    def the_status_is_where_the_last_move_went(self) -> None:
        moves = [e for e in self.payment.events if is_status_change(e)]
        assert moves[-1].to_status == self.payment.status
        for previous, event in pairwise(moves):
            assert event.from_status == previous.to_status

    @invariant()
    def a_failure_keeps_the_providers_code(self) -> None:
        if self.payment.status is S.FAILED:
            assert self.payment.failure_code == "declined"


PaymentUnderFire.TestCase.settings = settings(
    max_examples=200, stateful_step_count=30, deadline=None, database=None
)
TestPaymentUnderFire = PaymentUnderFire.TestCase
