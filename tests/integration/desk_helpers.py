"""Making the items of the operator's queue on the test database, through the domain's own
behaviour: a payment that succeeded on an order already paid (to refund), a success whose
amount differs, a late success, a notification that gave up."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from adapters.ids import UlidGenerator
from adapters.postgres.uow import PostgresUnitOfWorkFactory
from domain.events import Source
from domain.money import Money
from domain.provider_report import ProviderReport, ReportedStatus
from domain.refund import Refund

ORDER = {"amount": 5000, "currency": "XOF", "description": "Pagne wax"}


async def open_payment(client: Any, headers: dict[str, str], reference: str) -> str:
    """A sandbox payment that stays pending (its phone ends in 03)."""
    order = await client.post(
        "/api/v1/orders", json={**ORDER, "reference": reference}, headers=headers
    )
    assert order.status_code == 201, order.text
    body = {"provider": "sandbox", "phone": "+2250700000003"}
    payment = await client.post(
        f"/api/v1/orders/{order.json()['id']}/payments", json=body, headers=headers
    )
    assert payment.status_code == 201, payment.text
    payment_id: str = payment.json()["id"]
    return payment_id


async def flag(pool: Any, payment_id: str, how: str) -> None:
    """Make the payment an item of the queue: `needs_refund`, `amount_mismatch` or `late`."""
    uow_factory = PostgresUnitOfWorkFactory(pool, UlidGenerator())
    now = datetime.now(UTC)
    async with uow_factory() as uow:
        payment = await uow.payments.get(payment_id, for_update=True)
        assert payment is not None
        if how == "amount_mismatch":
            wrong = Money(payment.amount.amount - 1, payment.amount.currency)
            report = ProviderReport(status=ReportedStatus.SUCCEEDED, amount=wrong)
            payment.apply(report, now, Source.RECONCILIATION)
        elif how == "late":
            payment.expire(now)
            payment.mark_succeeded(now, Source.RECONCILIATION)
        else:
            payment.mark_succeeded(now, Source.RECONCILIATION)
            payment.flag_double_payment(now, Source.RECONCILIATION)
        await uow.payments.save(payment)
        await uow.commit()


async def give_up_a_notification(pool: Any, store_id: str) -> str:
    """The store's oldest notification, marked as given up (what 25 h of retries end in)."""
    async with pool.connection() as conn:
        cursor = await conn.execute(
            "UPDATE notifications SET state = 'failed', last_error = 'connect timeout' "
            "WHERE id = (SELECT min(id) FROM notifications WHERE store_id = %s) RETURNING id",
            (store_id,),
        )
        row = await cursor.fetchone()
    assert row is not None, "the store has no notification"
    return str(row[0])


async def refund_awaiting_a_person(pool: Any, payment_id: str) -> str:
    """A refund of the (succeeded) payment that waits for a person, as a provider without a
    refund API leaves it."""
    uow_factory = PostgresUnitOfWorkFactory(pool, UlidGenerator())
    now = datetime.now(UTC)
    async with uow_factory() as uow:
        payment = await uow.payments.get(payment_id)
        assert payment is not None
        refund = Refund.create(
            id=UlidGenerator().new("rfd"),
            payment=payment,
            amount=payment.amount,
            at=now,
            reason="double paiement",
            manual=True,
        )
        await uow.refunds.add(refund)
        await uow.commit()
    return refund.id
