"""The refund aggregate and its state machine: money given back on a succeeded payment.

pending -> succeeded | failed | requires_action; requires_action -> succeeded | failed.
`pending` means the provider has (or may have) the request and will confirm it;
`requires_action` means a person must act (no refund API, no credentials, or nobody could
confirm the outcome in time) and record what was done. The same status twice is a no-op.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from domain.errors import PaymentError
from domain.events import DomainEvent, Source
from domain.lifecycle import Lifecycle
from domain.money import Money
from domain.payment import Payment, PaymentStatus
from domain.provider_report import ProviderReport, ReportedStatus


class RefundStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REQUIRES_ACTION = "requires_action"


class RefundSupport(StrEnum):
    """What a provider can give back through its API: the whole payment only (`full`), any
    amount (`partial`), or nothing (`manual`: a person refunds by hand)."""

    FULL = "full"
    PARTIAL = "partial"
    MANUAL = "manual"


R = RefundStatus
TRANSITIONS: dict[RefundStatus, frozenset[RefundStatus]] = {
    R.PENDING: frozenset({R.SUCCEEDED, R.FAILED, R.REQUIRES_ACTION}),
    R.REQUIRES_ACTION: frozenset({R.SUCCEEDED, R.FAILED}),
    R.SUCCEEDED: frozenset(),
    R.FAILED: frozenset(),
}
#: Refunds that hold part of the payment: counted against what is left to refund.
HOLDING = frozenset({R.PENDING, R.SUCCEEDED, R.REQUIRES_ACTION})


class PaymentNotRefundable(PaymentError):
    """Only a succeeded payment can be refunded."""


class RefundExceedsPayment(PaymentError):
    """The refunds of a payment would together exceed what was paid."""


class PartialRefundNotSupported(PaymentError):
    """The provider only refunds whole payments, and a smaller amount was asked."""


class RefundNotPending(PaymentError):
    """A person may only settle a refund that waits for them (`requires_action`)."""


class ManualReferenceRequired(PaymentError):
    """A refund done by hand is recorded with the reference of the manual transfer."""


def refundable(payment: Payment, held: int, asked: int | None, support: RefundSupport) -> Money:
    """The amount of a new refund of `payment`, of which `held` (minor units) is already
    refunded or being refunded. `asked` None means all that is left.

    Raises `PaymentNotRefundable` unless the payment succeeded, `RefundExceedsPayment` past
    what is left, `PartialRefundNotSupported` when the provider refunds whole payments only
    and the refund would not be the whole payment."""
    if payment.status is not PaymentStatus.SUCCEEDED:
        raise PaymentNotRefundable(f"payment {payment.id} is {payment.status}, not succeeded")
    paid = payment.amount
    left = paid.amount - held
    amount = left if asked is None else asked
    if amount <= 0 or amount > left:
        raise RefundExceedsPayment(
            f"{amount} cannot be refunded: {left} of {paid.amount} is left to refund"
        )
    if support is RefundSupport.FULL and amount != paid.amount:
        raise PartialRefundNotSupported("this provider only refunds the whole payment")
    return Money(amount, paid.currency)


@dataclass(slots=True, kw_only=True)
class Refund(Lifecycle[RefundStatus]):
    """Money given back on one payment, through the payment's provider or by hand.

    Rules: its status only moves along TRANSITIONS; every change appends a `DomainEvent`;
    a success is only recorded from the provider's confirmation or a person's record (with
    the reference of the transfer); a provider that does not answer changes nothing.
    """

    KIND: ClassVar[str] = "refund"
    TRANSITIONS: ClassVar[Mapping[Any, frozenset[Any]]] = TRANSITIONS

    id: str
    payment_id: str
    order_id: str
    store_id: str
    provider: str
    amount: Money
    status: RefundStatus
    created_at: datetime
    updated_at: datetime
    reason: str | None = None
    provider_reference: str | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    succeeded_at: datetime | None = None
    version: int = 0
    events: list[DomainEvent] = field(default_factory=list)

    @classmethod
    def create(
        cls,
        *,
        id: str,
        payment: Payment,
        amount: Money,
        at: datetime,
        reason: str | None,
        manual: bool,
        reference: str | None = None,
        source: Source = Source.API,
    ) -> Refund:
        """A new refund of `payment`: `pending`, or `requires_action` when `manual`."""
        refund = cls(
            id=id,
            payment_id=payment.id,
            order_id=payment.order_id,
            store_id=payment.store_id,
            provider=payment.provider,
            amount=amount,
            status=R.REQUIRES_ACTION if manual else R.PENDING,
            created_at=at,
            updated_at=at,
            reason=reason,
            provider_reference=reference,
        )
        refund._record("refund.created", at, source, None, {"manual": manual})
        return refund

    @property
    def is_final(self) -> bool:
        return not TRANSITIONS[self.status]

    # -- transitions -------------------------------------------------------------------

    def mark_succeeded(
        self, at: datetime, source: Source, *, data: dict[str, Any] | None = None
    ) -> bool:
        changed = self._move(R.SUCCEEDED, at, source, data)
        if changed:
            self.succeeded_at = at
        return changed

    def mark_failed(
        self,
        at: datetime,
        source: Source,
        *,
        code: str | None,
        message: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> bool:
        changed = self._move(R.FAILED, at, source, data)
        if changed:
            self.failure_code, self.failure_message = code, message
        return changed

    def require_action(self, at: datetime, source: Source, *, why: str) -> bool:
        """A person must now act: the provider cannot refund it, or nobody could confirm it."""
        return self._move(R.REQUIRES_ACTION, at, source, {"why": why})

    def record_manual(
        self, at: datetime, *, succeeded: bool, reference: str, operator: str, note: str | None
    ) -> bool:
        """A person settled a refund waiting for them: done by hand (with the reference of
        the manual transfer) or given up. Raises `RefundNotPending` otherwise."""
        if self.status is not R.REQUIRES_ACTION:
            raise RefundNotPending(f"refund {self.id} is {self.status}, not requires_action")
        if succeeded and not reference.strip():
            raise ManualReferenceRequired("the reference of the manual transfer is required")
        data = {"operator": operator, "reference": reference, "note": note, "manual": True}
        if succeeded:
            self.provider_reference = reference or self.provider_reference
            return self.mark_succeeded(at, Source.SYSTEM, data=data)
        return self.mark_failed(
            at, Source.SYSTEM, code="manual_refund_failed", message=note, data=data
        )

    def apply(self, report: ProviderReport, at: datetime, source: Source) -> bool:
        """Apply what the provider's API confirmed; a report that does not fit the state
        machine (or is unknown or still pending) changes nothing. Returns whether it changed."""
        raw = {"provider": report.raw} if report.raw else {}
        if self.is_final or self.status is R.REQUIRES_ACTION:
            return False
        if report.status is ReportedStatus.SUCCEEDED:
            return self.mark_succeeded(at, source, data=raw)
        if report.status is ReportedStatus.FAILED:
            code, message = report.failure_code, report.failure_message
            return self.mark_failed(at, source, code=code, message=message, data=raw)
        return False
