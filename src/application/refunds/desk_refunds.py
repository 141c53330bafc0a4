"""The refunds an operator starts from the queue, over the refunds use cases.

Rules:
- "refund it" asks the payment's provider, like a store's refund (same rules: only a
  succeeded payment, never more than was paid, whole payments for full-only providers);
  a refund the provider refused (`failed`) does not resolve the item (`RefundNotMade`);
- "record a manual refund" of a payment writes a refund done by hand: created and settled
  at once with the manual transfer's reference, the operator's name in its history, within
  the same limits (never more than is left to refund), the store notified;
- "record a manual refund" of a refund awaiting a person settles that refund.
"""

from __future__ import annotations

from application.errors import NotFound
from application.refunds.create_refund import CreateRefund, CreateRefundCommand
from application.refunds.record_manual_refund import (
    RecordManualRefund,
    RecordManualRefundCommand,
)
from application.shared.ports import Clock, IdGenerator
from application.unit_of_work import UnitOfWorkFactory
from domain.errors import PaymentError
from domain.events import Source
from domain.operator import Actor
from domain.refund import Refund, RefundStatus, RefundSupport, refundable
from domain.review import ReviewItem, ReviewKind


class RefundNotMade(PaymentError):
    """The provider refused the refund: the item stays in the queue."""

    def __init__(self, refund: Refund) -> None:
        super().__init__(f"refund {refund.id} failed: {refund.failure_code}")
        self.refund = refund


class DeskRefunds:
    """`RefundDesk` for `ResolveItem`."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        ids: IdGenerator,
        clock: Clock,
        create_refund: CreateRefund,
        record_manual_refund: RecordManualRefund,
    ) -> None:
        self._uow, self._ids, self._clock = uow, ids, clock
        self._create, self._record = create_refund, record_manual_refund

    async def refund(self, item: ReviewItem, amount: int | None, reason: str | None) -> str:
        payment_id = _payment_of(item)
        command = CreateRefundCommand(payment_id, None, amount, reason, Source.SYSTEM)
        refund = await self._create(command)
        if refund.status is RefundStatus.FAILED:
            raise RefundNotMade(refund)
        return refund.id

    async def record_manual(
        self, item: ReviewItem, reference: str, actor: Actor, amount: int | None = None
    ) -> str:
        if item.kind is ReviewKind.REFUND_REQUIRES_ACTION:
            command = RecordManualRefundCommand(item.subject_id, reference, actor.name)
            return (await self._record(command)).id
        return await self._manual_refund_of_payment(_payment_of(item), reference, actor, amount)

    async def _manual_refund_of_payment(
        self, payment_id: str, reference: str, actor: Actor, amount: int | None
    ) -> str:
        now = self._clock.now()
        async with self._uow() as uow:
            payment = await uow.payments.get(payment_id, for_update=True)
            if payment is None:
                raise NotFound(f"payment {payment_id} not found")
            held = await uow.refunds.held(payment.id)
            money = refundable(payment, held, amount, RefundSupport.PARTIAL)
            refund = Refund.create(
                id=self._ids.new("rfd"),
                payment=payment,
                amount=money,
                at=now,
                reason="manual refund",
                manual=True,
                source=Source.SYSTEM,
            )
            refund.record_manual(
                now, succeeded=True, reference=reference, operator=actor.name, note=None
            )
            await uow.refunds.add(refund)
            await uow.commit()
        return refund.id


def _payment_of(item: ReviewItem) -> str:
    if item.payment_id is None:
        raise NotFound(f"{item.subject_id} is not about a payment")
    return item.payment_id
