"""Saving aggregates and reporting their changes once the transaction has committed."""

from __future__ import annotations

from application.errors import NotFound
from application.shared.ports import PaymentLog
from application.unit_of_work import UnitOfWork
from domain.events import DomainEvent
from domain.payment import Payment


async def add_payment(uow: UnitOfWork, payment: Payment) -> list[DomainEvent]:
    """Insert a new payment with its creation event; returns the events for logging."""
    changes = list(payment.events)
    await uow.payments.add(payment)
    return changes


async def save_payment(uow: UnitOfWork, payment: Payment) -> list[DomainEvent]:
    """Save the payment with its new events; returns those events for logging after commit."""
    changes = list(payment.events)
    await uow.payments.save(payment)
    return changes


async def locked_payment(uow: UnitOfWork, payment_id: str) -> Payment:
    """The payment, locked until the transaction ends."""
    payment = await uow.payments.get(payment_id, for_update=True)
    if payment is None:
        raise NotFound(f"payment {payment_id} not found")
    return payment


def log_changes(log: PaymentLog, payment: Payment, changes: list[DomainEvent]) -> None:
    for event in changes:
        log.changed(payment, event)
