"""The operator's queue: listing what needs a person, and resolving an item with a recorded
action (refund it, record a manual refund, dismiss with a reason).

Rules: only an item still in the queue can be resolved (else `NotFound`); the action must be
allowed for its kind and carry what it needs (checked before anything is done). The item is
then claimed in the database (its own transaction) before anything is done about it: two
operators resolving one item at once, the second gets `AlreadyResolved` at once and nothing of
theirs is done (no refund asked of the provider, nothing recorded). With the claim held, a
refund is asked of the refunds use cases, and only once it exists is the resolution recorded,
with its audit entry, in one transaction that also drops the claim. When the refund step
fails, the claim is dropped and the item stays in the queue; a claim left by a crash is taken
over after `CLAIM_TTL`. A notification that gave up may be sent once more (`redeliver`)
instead of being dismissed."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Protocol

from application.errors import NotFound
from application.shared.ports import Clock, IdGenerator, Page
from application.stores.audit import write_audit
from application.unit_of_work import UnitOfWorkFactory
from domain.operator import Actor
from domain.review import (
    AlreadyResolved,
    Resolution,
    ResolutionNotAllowed,
    ReviewAction,
    ReviewItem,
    ReviewKind,
)

REFUND_ACTIONS = frozenset({ReviewAction.REFUND, ReviewAction.MANUAL_REFUND})
#: A claim older than this was left by a crash (a provider call lasts well under a minute).
CLAIM_TTL = timedelta(minutes=5)


class RefundDesk(Protocol):
    """What resolving an item needs of refunds (the refunds use cases behind it)."""

    async def refund(self, item: ReviewItem, amount: int | None, reason: str | None) -> str:
        """Ask the provider to refund the item's payment; the refund's id."""
        ...

    async def record_manual(
        self, item: ReviewItem, reference: str, actor: Actor, amount: int | None = None
    ) -> str:
        """Record that the money went back by hand (the transfer's `reference`; `amount`
        None: all that is left): the id of the refund recorded as succeeded."""
        ...


@dataclass(frozen=True, slots=True)
class ResolveCommand:
    subject_id: str
    action: ReviewAction
    actor: Actor
    reason: str | None = None
    reference: str | None = None
    amount: int | None = None  # for the refunds: the default is what is left to refund


class ReviewQueueQueries:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, kind: ReviewKind | None = None, limit: int = 50) -> Page[ReviewItem]:
        async with self._uow(read_only=True) as uow:
            return await uow.review.open_items(kind, limit)


class ResolveItem:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        ids: IdGenerator,
        clock: Clock,
        refunds: RefundDesk | None = None,
    ) -> None:
        self._uow, self._ids, self._clock, self._refunds = uow, ids, clock, refunds

    def actions(self, item: ReviewItem) -> list[ReviewAction]:
        """The actions offered for `item` here (refund actions need refunds wired in)."""
        offered = item.actions
        return offered if self._refunds else [a for a in offered if a not in REFUND_ACTIONS]

    async def __call__(self, command: ResolveCommand) -> Resolution:
        async with self._uow(read_only=True) as uow:
            item = await uow.review.open_item(command.subject_id)
        if item is None:
            raise NotFound(f"no open item for {command.subject_id}")
        if command.action not in self.actions(item):
            raise ResolutionNotAllowed(f"{command.action} does not resolve a {item.kind} item")
        resolution = item.resolve(
            id=self._ids.new("rsl"),
            action=command.action,
            by=command.actor,
            at=self._clock.now(),
            reason=command.reason,
            reference=command.reference,
        )
        await self._claim(resolution)
        try:
            refund_id = await self._refund(resolution, command)
        except BaseException:
            await self._release(resolution.item)
            raise
        return await self._record(replace(resolution, refund_id=refund_id))

    async def _claim(self, resolution: Resolution) -> None:
        """The item is this operator's to resolve, and still open; else `AlreadyResolved`."""
        item = resolution.item
        async with self._uow() as uow:
            claimed = await uow.review.claim(
                item, resolution.by, resolution.at, resolution.at - CLAIM_TTL
            )
            if not claimed or await uow.review.open_item(item.subject_id) is None:
                raise AlreadyResolved(f"{item.subject_id} is being resolved by someone else")
            await uow.commit()

    async def _release(self, item: ReviewItem) -> None:
        async with self._uow() as uow:
            await uow.review.release(item)
            await uow.commit()

    async def _refund(self, resolution: Resolution, command: ResolveCommand) -> str | None:
        if self._refunds is None or resolution.action not in REFUND_ACTIONS:
            return None
        if resolution.action is ReviewAction.REFUND:
            return await self._refunds.refund(resolution.item, command.amount, resolution.reason)
        assert resolution.reference is not None
        return await self._refunds.record_manual(
            resolution.item, resolution.reference, resolution.by, command.amount
        )

    async def _record(self, resolution: Resolution) -> Resolution:
        item = resolution.item
        sent_again = resolution.action is ReviewAction.REDELIVER
        after = {
            "status": "sent_again" if sent_again else "resolved",
            "action": str(resolution.action),
            "reference": resolution.reference,
            "refund_id": resolution.refund_id,
        }
        async with self._uow() as uow:
            if sent_again:
                # Back to `pending`: it leaves the queue, and comes back if it gives up again.
                await uow.notifications.redeliver(item.store_id, item.subject_id, resolution.at)
            else:
                await uow.review.record(resolution)
            await write_audit(
                uow, self._ids, actor=resolution.by, action=f"review.{resolution.action}",
                subject=(item.subject_type, item.subject_id), at=resolution.at,
                before={"status": "open", "kind": str(item.kind), "store_id": item.store_id},
                after={k: v for k, v in after.items() if v is not None},
                reason=resolution.reason,
            )  # fmt: skip
            await uow.commit()
        return resolution
