"""In-memory fakes of the operator's desk ports (operators, audit log, review queue), used by
`tests/fakes.py`'s unit of work. The queue is derived from the fake's payments, notifications
and refunds, like the Postgres view of it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from application.errors import OperatorNameRefused
from application.shared.ports import Page, PageRequest
from application.stores.ports import AuditFilter, Notification, StoreFilter
from domain.audit import AuditEntry
from domain.operator import Actor, Operator
from domain.payment import ACCOUNT_MISSING, AMOUNT_MISMATCH, OPEN_STATUSES, Payment
from domain.payout import Payout, PayoutStatus
from domain.payout_destination import PayoutDestination
from domain.refund import HOLDING, Refund, RefundStatus
from domain.review import AlreadyResolved, Resolution, ReviewItem, ReviewKind
from domain.store import Store

if TYPE_CHECKING:
    from tests.fakes import InMemoryUnitOfWork

DESK_TABLES = ("operators", "audit", "resolutions", "claims")


class InMemoryOperatorRepository:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(self, operator: Operator) -> None:
        if await self.by_name(operator.name):
            raise OperatorNameRefused(f"an operator is already named {operator.name!r}")
        self._uow.tx.put("operators", operator.id, operator)

    async def by_token_hash(self, token_hash: str) -> Operator | None:
        return self._find(lambda o: o.token_hash == token_hash)

    async def by_name(self, name: str) -> Operator | None:
        return self._find(lambda o: o.name == name)

    async def get(self, operator_id: str) -> Operator | None:
        found: Operator | None = self._uow.tx.get("operators", operator_id)
        return found

    async def all(self) -> list[Operator]:
        return sorted(self._uow.tx.all("operators"), key=lambda o: o.id)

    async def save(self, operator: Operator) -> None:
        self._uow.tx.put("operators", operator.id, operator)

    def _find(self, match: object) -> Operator | None:
        assert callable(match)
        return next((o for o in self._uow.tx.all("operators") if match(o)), None)


class InMemoryAuditLog:
    """Append-only: an id seen before is refused, as the database's trigger refuses UPDATE."""

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    async def append(self, entry: AuditEntry) -> None:
        if self._uow.tx.get("audit", entry.id) is not None:
            raise ValueError(f"audit entry {entry.id} exists: the log is append-only")
        self._uow.tx.put("audit", entry.id, entry)

    async def search(self, filters: AuditFilter, page: PageRequest) -> Page[AuditEntry]:
        rows = [
            e
            for e in self._uow.tx.all("audit")
            if filters.subject_id in (None, e.subject_id) and filters.actor_id in (None, e.actor.id)
        ]
        newest = sorted(rows, key=lambda e: e.id, reverse=True)
        if page.starting_after:
            newest = [e for e in newest if e.id < page.starting_after]
        return Page(newest[: page.limit], has_more=len(newest) > page.limit)


class InMemoryReviewQueue:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    async def open_items(self, kind: ReviewKind | None, limit: int) -> Page[ReviewItem]:
        items = [i for i in self._open() if kind in (None, i.kind)]
        return Page(items[:limit], has_more=len(items) > limit)

    async def open_item(self, subject_id: str) -> ReviewItem | None:
        return next((i for i in self._open() if i.subject_id == subject_id), None)

    async def record(self, resolution: Resolution) -> None:
        key = (resolution.item.subject_id, resolution.item.kind)
        if self._uow.tx.latest("resolutions", key) is not None:
            raise AlreadyResolved(f"{key[0]} was resolved by someone else")
        self._uow.tx.put("resolutions", key, resolution)
        await self.release(resolution.item)

    async def claim(
        self, item: ReviewItem, by: Actor, at: datetime, stale_before: datetime
    ) -> bool:
        key = (item.subject_id, item.kind)
        held = self._uow.tx.latest("claims", key)
        if held is not None and held[1] >= stale_before:
            return False
        self._uow.tx.put("claims", key, (by.id, at))
        return True

    async def release(self, item: ReviewItem) -> None:
        self._uow.tx.delete("claims", (item.subject_id, item.kind))

    def _open(self) -> list[ReviewItem]:
        tx = self._uow.tx
        stores = {s.id: s for s in tx.all("stores")}
        refunds = tx.all("refunds")
        held: dict[str, int] = {}
        for refund in refunds:
            if refund.status in HOLDING:
                held[refund.payment_id] = held.get(refund.payment_id, 0) + refund.amount.amount
        payments = [p for p in tx.all("payments") if held.get(p.id, 0) < p.amount.amount]
        items = [_payment_item(p, stores) for p in payments]
        items += [_notification_item(n, stores) for n in tx.all("notifications")]
        items += [_refund_item(r, stores) for r in refunds]
        items += [_payout_item(p, stores) for p in tx.all("payouts")]
        items += [_destination_item(d, stores) for d in tx.all("payout_destinations")]
        open_items = [
            i for i in items if i and tx.get("resolutions", (i.subject_id, i.kind)) is None
        ]
        return sorted(open_items, key=lambda i: (i.flagged_at, i.subject_id))


def _payment_item(payment: Payment, stores: dict[str, Store]) -> ReviewItem | None:
    if payment.flagged_reason == AMOUNT_MISMATCH:
        kind = ReviewKind.AMOUNT_MISMATCH
    elif payment.flagged_reason == ACCOUNT_MISSING and payment.status in OPEN_STATUSES:
        kind = ReviewKind.ACCOUNT_MISSING
    elif payment.needs_refund:
        kind = ReviewKind.NEEDS_REFUND
    elif payment.late_success:
        kind = ReviewKind.LATE_SUCCESS
    else:
        return None
    store = stores[payment.store_id]
    return ReviewItem(
        subject_id=payment.id, kind=kind, store_id=store.id, store_name=store.name,
        flagged_at=payment.updated_at, payment_id=payment.id, amount=payment.amount,
        detail=payment.provider,
    )  # fmt: skip


def _notification_item(row: Notification, stores: dict[str, Store]) -> ReviewItem | None:
    if row.state != "failed":
        return None
    store = stores[row.store_id]
    payment_id = row.subject_id if row.subject_id.startswith("pay_") else None
    return ReviewItem(
        subject_id=row.id, kind=ReviewKind.NOTIFICATION_FAILED, store_id=store.id,
        store_name=store.name, flagged_at=row.created_at, payment_id=payment_id, detail=row.type,
    )  # fmt: skip


def _refund_item(refund: Refund, stores: dict[str, Store]) -> ReviewItem | None:
    if refund.status is not RefundStatus.REQUIRES_ACTION:
        return None
    store = stores[refund.store_id]
    return ReviewItem(
        subject_id=refund.id, kind=ReviewKind.REFUND_REQUIRES_ACTION, store_id=store.id,
        store_name=store.name, flagged_at=refund.updated_at, payment_id=refund.payment_id,
        amount=refund.amount, detail=refund.provider,
    )  # fmt: skip


def search_stores(stores: list[Store], page: PageRequest, filters: StoreFilter) -> Page[Store]:
    """The fake's `StoreRepository.search`: by name or exact id, and status, newest first."""
    query = (filters.query or "").strip().lower()
    rows = [
        s
        for s in stores
        if (not query or query in s.name.lower() or query == s.id.lower())
        and filters.status in (None, s.status)
    ]
    newest = sorted(rows, key=lambda s: s.id, reverse=True)
    if page.starting_after:
        newest = [s for s in newest if s.id < page.starting_after]
    return Page(newest[: page.limit], has_more=len(newest) > page.limit)


def _payout_item(payout: Payout, stores: dict[str, Store]) -> ReviewItem | None:
    if payout.status is not PayoutStatus.REQUIRES_ACTION:
        return None
    store = stores[payout.store_id]
    return ReviewItem(
        subject_id=payout.id, kind=ReviewKind.PAYOUT_REQUIRES_ACTION, store_id=store.id,
        store_name=store.name, flagged_at=payout.updated_at, amount=payout.amount,
        detail=payout.provider,
    )  # fmt: skip


def _destination_item(
    destination: PayoutDestination, stores: dict[str, Store]
) -> ReviewItem | None:
    """Waiting out its hold (the fake has no clock: until approved or disabled)."""
    if destination.approved_at is not None or destination.disabled_at is not None:
        return None
    store = stores[destination.store_id]
    return ReviewItem(
        subject_id=destination.id, kind=ReviewKind.DESTINATION_PENDING, store_id=store.id,
        store_name=store.name, flagged_at=destination.created_at, detail=destination.provider,
    )  # fmt: skip
