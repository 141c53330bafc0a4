"""The operator's queue: what needs a person, and how each item is resolved.

Items are derived from the state of payments, refunds and notifications (a payment flagged
`needs_refund`, an amount mismatch, a late success, a refund in `requires_action`, a
notification whose delivery gave up). An item leaves the queue once an operator records its
resolution; each kind allows its own actions, with what each action needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.errors import PaymentError
from domain.money import Money
from domain.operator import Actor


class ReviewKind(StrEnum):
    NEEDS_REFUND = "needs_refund"
    AMOUNT_MISMATCH = "amount_mismatch"
    LATE_SUCCESS = "late_success"
    REFUND_REQUIRES_ACTION = "refund_requires_action"
    NOTIFICATION_FAILED = "notification_failed"
    ACCOUNT_MISSING = "account_missing"  # an open payment whose provider account was removed
    PAYOUT_REQUIRES_ACTION = "payout_requires_action"  # nobody could confirm it in time
    DESTINATION_PENDING = "payout_destination_pending"  # new, in its hold: a person may look


class ReviewAction(StrEnum):
    REFUND = "refund"  # ask the provider to give the money back
    MANUAL_REFUND = "manual_refund"  # the money went back by hand: its transfer's reference
    REDELIVER = "redeliver"  # send a notification that gave up once more
    DISMISS = "dismiss"  # nothing to do, with the reason why


K, A = ReviewKind, ReviewAction
ALLOWED: dict[ReviewKind, frozenset[ReviewAction]] = {
    K.NEEDS_REFUND: frozenset({A.REFUND, A.MANUAL_REFUND, A.DISMISS}),
    K.LATE_SUCCESS: frozenset({A.REFUND, A.MANUAL_REFUND, A.DISMISS}),
    K.AMOUNT_MISMATCH: frozenset({A.DISMISS}),
    K.REFUND_REQUIRES_ACTION: frozenset({A.MANUAL_REFUND, A.DISMISS}),
    K.NOTIFICATION_FAILED: frozenset({A.REDELIVER, A.DISMISS}),
    K.ACCOUNT_MISSING: frozenset({A.DISMISS}),
    # settled on their own routes (record the payout, approve the destination); they leave
    # the queue by themselves once settled
    K.PAYOUT_REQUIRES_ACTION: frozenset({A.DISMISS}),
    K.DESTINATION_PENDING: frozenset({A.DISMISS}),
}


class ResolutionNotAllowed(PaymentError):
    """This action does not resolve this kind of item."""


class ResolutionIncomplete(PaymentError):
    """The action lacks what it needs: a reason to dismiss, a reference for a manual refund."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class AlreadyResolved(PaymentError):
    """Another operator resolved the item first."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewItem:
    """One thing that needs a person. `subject_id` is the payment, refund or notification;
    `payment_id` the payment it is about (None for a notification of an order)."""

    subject_id: str
    kind: ReviewKind
    store_id: str
    store_name: str
    flagged_at: datetime
    payment_id: str | None = None
    amount: Money | None = None
    detail: str | None = None

    @property
    def id(self) -> str:
        return self.subject_id

    @property
    def subject_type(self) -> str:
        """What the subject is: a `payment`, a `refund` or a `notification`."""
        if self.kind is ReviewKind.REFUND_REQUIRES_ACTION:
            return "refund"
        if self.kind is ReviewKind.NOTIFICATION_FAILED:
            return "notification"
        return "payment"

    @property
    def actions(self) -> list[ReviewAction]:
        """The allowed actions, in a stable order (the pages list them so)."""
        return [action for action in ReviewAction if action in ALLOWED[self.kind]]

    def resolve(
        self,
        *,
        id: str,
        action: ReviewAction,
        by: Actor,
        at: datetime,
        reason: str | None = None,
        reference: str | None = None,
        refund_id: str | None = None,
    ) -> Resolution:
        """The resolution of this item, checked: the action must be allowed for its kind, a
        dismissal needs a reason and a manual refund the reference of the manual transfer."""
        if action not in ALLOWED[self.kind]:
            raise ResolutionNotAllowed(f"{action} does not resolve a {self.kind} item")
        reason, reference = (reason or "").strip() or None, (reference or "").strip() or None
        if action is ReviewAction.DISMISS and reason is None:
            raise ResolutionIncomplete("reason", "a dismissal needs a reason")
        if action is ReviewAction.MANUAL_REFUND and reference is None:
            raise ResolutionIncomplete("reference", "a manual refund needs its transfer reference")
        return Resolution(
            id=id,
            item=self,
            action=action,
            by=by,
            at=at,
            reason=reason,
            reference=reference,
            refund_id=refund_id,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Resolution:
    """What an operator did about an item; recording it takes the item out of the queue."""

    id: str
    item: ReviewItem
    action: ReviewAction
    by: Actor
    at: datetime
    reason: str | None = None
    reference: str | None = None
    refund_id: str | None = None
