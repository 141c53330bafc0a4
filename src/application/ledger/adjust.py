"""An operator's adjustment of a store's balance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from application.errors import NotFound
from application.shared.ports import Clock, IdGenerator
from application.stores.audit import write_audit
from application.unit_of_work import UnitOfWorkFactory
from domain.errors import InvalidAmount, PaymentError
from domain.ledger import adjustment
from domain.money import Money
from domain.operator import Actor


class AdjustmentReasonRequired(PaymentError):
    """An adjustment of a store's balance says why."""


@dataclass(frozen=True, slots=True)
class AdjustmentCommand:
    store_id: str
    amount: Money  # signed: + credits the store, - debits it
    reason: str
    actor: Actor


@dataclass(frozen=True, slots=True)
class Adjustment:
    id: str
    store_id: str
    amount: Money
    reason: str
    actor: Actor
    created_at: datetime


class AdjustBalance:
    """Rules: a reason is required (`AdjustmentReasonRequired`) and the amount is not zero
    (`InvalidAmount`); the store's entry (`adjustment`, against the platform's account) and
    the audit entry are written in one transaction."""

    def __init__(self, uow: UnitOfWorkFactory, ids: IdGenerator, clock: Clock) -> None:
        self._uow, self._ids, self._clock = uow, ids, clock

    async def __call__(self, command: AdjustmentCommand) -> Adjustment:
        reason = command.reason.strip()
        if not reason:
            raise AdjustmentReasonRequired("an adjustment needs a reason")
        if command.amount.amount == 0:
            raise InvalidAmount("an adjustment is not zero")
        made = Adjustment(
            self._ids.new("adj"), command.store_id, command.amount, reason, command.actor,
            self._clock.now(),
        )  # fmt: skip
        async with self._uow() as uow:
            if await uow.stores.get(command.store_id) is None:
                raise NotFound(f"store {command.store_id} not found")
            await uow.ledger.record(
                adjustment(made.id, made.store_id, made.amount, made.created_at)
            )
            after = {"amount": made.amount.amount, "currency": made.amount.currency.value}
            await write_audit(
                uow, self._ids, actor=made.actor, action="ledger.adjusted",
                subject=("store", made.store_id), at=made.created_at,
                after={"adjustment_id": made.id, **after}, reason=reason,
            )  # fmt: skip
            await uow.commit()
        return made
