"""Request and response bodies of the operator's desk (`/api/v1/admin/...`), as msgspec
structs, and the presenters that fill them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from adapters.snapshots import timestamp
from application.shared.ports import Page
from application.stores.store_admin import RotatedSecret
from domain.audit import AuditEntry
from domain.operator import Actor
from domain.review import Resolution, ReviewAction, ReviewItem
from entrypoints.http import presenters
from entrypoints.http.wire import Amount, LongText, Out, Request, StoreOut, Url

Reference = Annotated[str, Meta(min_length=1, max_length=255)]


class StoreActionIn(Request, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Suspend or reactivate: the reason goes to the audit log."""

    reason: LongText | None = None


class StoreUpdateIn(Request, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The fields given change: `notification_url` (the new URL, or null for none);
    `fee_bps` (the platform's fee on the store's sales, 0 to 10,000 basis points, or null
    for the platform's rate)."""

    notification_url: Url | msgspec.UnsetType | None = msgspec.UNSET
    fee_bps: Annotated[int, Meta(ge=0, le=10000)] | msgspec.UnsetType | None = msgspec.UNSET
    reason: LongText | None = None


class ResolveIn(Request, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """`dismiss` needs a `reason`; `manual_refund` the `reference` of the manual transfer;
    `refund` may name an `amount` (default: what is left to refund); `redeliver` sends a
    notification that gave up once more."""

    action: Literal["refund", "manual_refund", "redeliver", "dismiss"]
    reason: LongText | None = None
    reference: Reference | None = None
    amount: Amount | None = None


class ActorOut(Out, frozen=True, kw_only=True):
    id: str
    name: str


class ReviewItemOut(Out, frozen=True, kw_only=True):
    id: str
    object: str = "review_item"
    kind: str
    subject_type: str
    subject_id: str
    store_id: str
    store_name: str
    payment_id: str | None
    amount: int | None
    currency: str | None
    detail: str | None
    flagged_at: str
    actions: list[str]


class ReviewItemList(Out, frozen=True, kw_only=True):
    data: list[ReviewItemOut]
    has_more: bool


class ResolutionOut(Out, frozen=True, kw_only=True):
    id: str
    object: str = "resolution"
    subject_id: str
    kind: str
    action: str
    reason: str | None
    reference: str | None
    refund_id: str | None
    resolved_by: ActorOut
    resolved_at: str


class AuditEntryOut(Out, frozen=True, kw_only=True):
    id: str
    object: str = "audit_entry"
    actor: ActorOut
    action: str
    subject_type: str
    subject_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None
    created_at: str


class AuditList(Out, frozen=True, kw_only=True):
    data: list[AuditEntryOut]
    has_more: bool
    next_cursor: str | None


class RotatedSecretOut(StoreOut, frozen=True, kw_only=True):
    webhook_secret: str


BODIES = (StoreActionIn, StoreUpdateIn, ResolveIn)


# -- presenters ------------------------------------------------------------------------------


def actor_out(actor: Actor) -> ActorOut:
    return ActorOut(id=actor.id, name=actor.name)


def item_out(item: ReviewItem, actions: list[ReviewAction]) -> ReviewItemOut:
    return ReviewItemOut(
        id=item.id,
        kind=str(item.kind),
        subject_type=item.subject_type,
        subject_id=item.subject_id,
        store_id=item.store_id,
        store_name=item.store_name,
        payment_id=item.payment_id,
        amount=item.amount.amount if item.amount else None,
        currency=str(item.amount.currency) if item.amount else None,
        detail=item.detail,
        flagged_at=timestamp(item.flagged_at),
        actions=[str(action) for action in actions],
    )


def resolution_out(resolution: Resolution) -> ResolutionOut:
    return ResolutionOut(
        id=resolution.id,
        subject_id=resolution.item.subject_id,
        kind=str(resolution.item.kind),
        action=str(resolution.action),
        reason=resolution.reason,
        reference=resolution.reference,
        refund_id=resolution.refund_id,
        resolved_by=actor_out(resolution.by),
        resolved_at=timestamp(resolution.at),
    )


def audit_out(entry: AuditEntry) -> AuditEntryOut:
    return AuditEntryOut(
        id=entry.id,
        actor=actor_out(entry.actor),
        action=entry.action,
        subject_type=entry.subject_type,
        subject_id=entry.subject_id,
        before=entry.before,
        after=entry.after,
        reason=entry.reason,
        created_at=timestamp(entry.at),
    )


def audit_list(page: Page[AuditEntry]) -> AuditList:
    return AuditList(
        data=[audit_out(e) for e in page.data], has_more=page.has_more, next_cursor=page.next_cursor
    )


def rotated_secret_out(rotated: RotatedSecret) -> RotatedSecretOut:
    fields = {**presenters.store_fields(rotated.store), "webhook_secret": rotated.webhook_secret}
    return msgspec.convert(fields, RotatedSecretOut)
