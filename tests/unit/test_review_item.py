"""The queue's items: which action resolves which kind, and what each action needs."""

from datetime import UTC, datetime

import pytest

from domain.money import Money
from domain.operator import BOOTSTRAP
from domain.review import (
    ResolutionIncomplete,
    ResolutionNotAllowed,
    ReviewAction,
    ReviewItem,
    ReviewKind,
)

AT = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def an_item(kind: ReviewKind, subject_id: str = "pay_1") -> ReviewItem:
    return ReviewItem(
        subject_id=subject_id, kind=kind, store_id="str_1", store_name="Boutique Awa",
        flagged_at=AT, payment_id="pay_1", amount=Money.of(5000, "XOF"),
    )  # fmt: skip


def resolve(item: ReviewItem, action: ReviewAction, **extra: str) -> object:
    return item.resolve(id="rsl_1", action=action, by=BOOTSTRAP, at=AT, **extra)


def test_each_kind_offers_its_own_actions() -> None:
    assert an_item(ReviewKind.NEEDS_REFUND).actions == [
        ReviewAction.REFUND,
        ReviewAction.MANUAL_REFUND,
        ReviewAction.DISMISS,
    ]
    assert an_item(ReviewKind.AMOUNT_MISMATCH).actions == [ReviewAction.DISMISS]
    assert an_item(ReviewKind.REFUND_REQUIRES_ACTION, "rfd_1").actions == [
        ReviewAction.MANUAL_REFUND,
        ReviewAction.DISMISS,
    ]
    notification = an_item(ReviewKind.NOTIFICATION_FAILED, "evt_1")
    assert notification.actions == [ReviewAction.REDELIVER, ReviewAction.DISMISS]
    assert notification.subject_type == "notification"


@pytest.mark.parametrize(
    ("kind", "action"),
    [
        (ReviewKind.AMOUNT_MISMATCH, ReviewAction.REFUND),
        (ReviewKind.NOTIFICATION_FAILED, ReviewAction.MANUAL_REFUND),
        (ReviewKind.REFUND_REQUIRES_ACTION, ReviewAction.REFUND),
    ],
)
def test_an_action_that_does_not_fit_the_kind_is_refused(
    kind: ReviewKind, action: ReviewAction
) -> None:
    with pytest.raises(ResolutionNotAllowed):
        resolve(an_item(kind), action, reason="x", reference="OM-1")


def test_a_dismissal_needs_a_reason_and_a_manual_refund_its_reference() -> None:
    item = an_item(ReviewKind.NEEDS_REFUND)
    with pytest.raises(ResolutionIncomplete) as missing:
        resolve(item, ReviewAction.DISMISS, reason="   ")
    assert missing.value.field == "reason"
    with pytest.raises(ResolutionIncomplete) as missing:
        resolve(item, ReviewAction.MANUAL_REFUND)
    assert missing.value.field == "reference"


def test_a_resolution_keeps_what_was_given_trimmed() -> None:
    item = an_item(ReviewKind.LATE_SUCCESS)
    resolution = item.resolve(
        id="rsl_1", action=ReviewAction.MANUAL_REFUND, by=BOOTSTRAP, at=AT,
        reference="  OM-778812 ", reason="",
    )  # fmt: skip
    assert (resolution.reference, resolution.reason) == ("OM-778812", None)
    assert resolution.item == item and resolution.by == BOOTSTRAP
