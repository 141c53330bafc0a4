"""An operator records what was done by hand about a refund awaiting a person."""

from __future__ import annotations

from dataclasses import dataclass

from application.refunds.settlement import locked_refund
from application.shared.ports import Clock
from application.unit_of_work import UnitOfWorkFactory
from domain.refund import Refund


@dataclass(frozen=True, slots=True)
class RecordManualRefundCommand:
    """`reference`: the provider's reference of the manual transfer (required when it was
    done); `succeeded` False records that it could not be done (`note` says why)."""

    refund_id: str
    reference: str
    operator: str
    succeeded: bool = True
    note: str | None = None


class RecordManualRefund:
    """Rules: only a `requires_action` refund can be settled by hand (`RefundNotPending`
    otherwise); a refund done by hand needs the reference of the transfer
    (`ManualReferenceRequired`); the operator's
    name, the reference and the note are kept in the refund's history, and the store is
    notified (`refund.succeeded` or `refund.failed`) like any other change."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, command: RecordManualRefundCommand) -> Refund:
        reference = command.reference.strip()
        async with self._uow() as uow:
            refund = await locked_refund(uow, command.refund_id)
            refund.record_manual(
                self._clock.now(),
                succeeded=command.succeeded,
                reference=reference,
                operator=command.operator,
                note=command.note,
            )
            await uow.refunds.save(refund)
            await uow.commit()
        return refund
