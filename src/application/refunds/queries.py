"""Reading refunds: a store's (another store's ids are not found), and every store's refunds
awaiting a person, for the operators."""

from __future__ import annotations

from application.errors import NotFound
from application.refunds.ports import RefundFilter
from application.shared.ports import Page, PageRequest, RecordedEvent
from application.unit_of_work import UnitOfWorkFactory
from domain.refund import Refund, RefundStatus


class RefundQueries:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def refund(self, store_id: str, refund_id: str) -> Refund:
        async with self._uow(read_only=True) as uow:
            refund = await uow.refunds.get_for_store(store_id, refund_id)
        if refund is None:
            raise NotFound(f"refund {refund_id} not found")
        return refund

    async def refunds(
        self, store_id: str, filters: RefundFilter, page: PageRequest
    ) -> Page[Refund]:
        async with self._uow(read_only=True) as uow:
            return await uow.refunds.search(store_id, filters, page)

    async def of_payment(self, store_id: str, payment_id: str) -> list[Refund]:
        """Every refund of the store's payment, newest first (NotFound for another's)."""
        async with self._uow(read_only=True) as uow:
            if await uow.payments.get_for_store(store_id, payment_id) is None:
                raise NotFound(f"payment {payment_id} not found")
            page = await uow.refunds.search(
                store_id, RefundFilter(payment_id=payment_id), PageRequest(limit=100)
            )
        return page.data

    async def history(self, store_id: str, refund_id: str) -> list[RecordedEvent]:
        async with self._uow(read_only=True) as uow:
            if await uow.refunds.get_for_store(store_id, refund_id) is None:
                raise NotFound(f"refund {refund_id} not found")
            return await uow.refunds.history(refund_id)


class AwaitingAction:
    """Every store's refunds in `requires_action`, newest first: what an operator must
    refund by hand (then `RecordManualRefund`)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, page: PageRequest | None = None) -> Page[Refund]:
        filters = RefundFilter(status=RefundStatus.REQUIRES_ACTION)
        async with self._uow(read_only=True) as uow:
            return await uow.refunds.search(None, filters, page or PageRequest())
