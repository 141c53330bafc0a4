"""Starting a refund of a succeeded payment."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from application.errors import NotFound, ProviderRejected, ProviderUnavailable
from application.refunds.ports import RefundProvider, RefundProviders, RefundStarted
from application.refunds.schedule import next_refund_check
from application.refunds.settlement import RefundSettlement
from application.shared.ports import Clock, IdGenerator
from application.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.events import Source
from domain.payment import Payment
from domain.provider_report import ProviderReport, ReportedStatus
from domain.refund import Refund, RefundStatus, RefundSupport, refundable


@dataclass(frozen=True, slots=True)
class CreateRefundCommand:
    """`store_id` None: an operator acting on any store's payment. `amount` None: all that
    is left to refund."""

    payment_id: str
    store_id: str | None
    amount: int | None = None
    reason: str | None = None
    source: Source = Source.API


class CreateRefund:
    """Rules:
    - only a succeeded payment can be refunded (`PaymentNotRefundable`);
    - its refunds that succeeded or are under way never add up to more than was paid
      (`RefundExceedsPayment`): the payment's row is locked while the refund is written, so
      concurrent requests serialise and each sees the others;
    - a provider that refunds whole payments only refuses a smaller amount before anything
      is sent (`PartialRefundNotSupported`);
    - a provider with no refund API gets a `requires_action` refund: a person refunds by
      hand and records it;
    - the refund is committed (`pending`) before the provider is called; the provider's
      refusal fails it with the provider's code; a timeout leaves it pending (unknown), and
      reconciliation follows every pending refund until the provider confirms it.
    """

    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        providers: RefundProviders,
        ids: IdGenerator,
        clock: Clock,
        settle: RefundSettlement,
    ) -> None:
        self._uow, self._providers, self._ids = uow, providers, ids
        self._clock, self._settle = clock, settle

    async def __call__(self, command: CreateRefundCommand) -> Refund:
        refund, provider, payment = await self._create(command)
        if refund.status is not RefundStatus.PENDING:
            return refund
        try:
            started = await provider.refund(refund, payment)
        except ProviderRejected as refusal:
            return await self._refused(refund.id, refusal)
        except ProviderUnavailable as error:
            started = RefundStarted(
                None, ProviderReport(ReportedStatus.PENDING, raw={"error": str(error)})
            )
        applied = await self._settle.apply(
            refund.id, started.report, command.source, _learn(started.reference)
        )
        return applied.subject

    async def _create(self, command: CreateRefundCommand) -> tuple[Refund, RefundProvider, Payment]:
        async with self._uow() as uow:
            payment = await uow.payments.get(command.payment_id, for_update=True)
            if payment is None or command.store_id not in (None, payment.store_id):
                raise NotFound(f"payment {command.payment_id} not found")
            provider = self._providers.refunder(payment.provider, payment.country)
            held = await uow.refunds.held(payment.id)
            amount = refundable(payment, held, command.amount, provider.refunds)
            refund_id, now = self._ids.new("rfd"), self._clock.now()
            refund = Refund.create(
                id=refund_id,
                payment=payment,
                amount=amount,
                at=now,
                reason=command.reason,
                manual=provider.refunds is RefundSupport.MANUAL,
                reference=provider.refund_reference_for(refund_id),
                source=command.source,
            )
            await uow.refunds.add(refund)
            if refund.status is RefundStatus.PENDING:
                await uow.refunds.plan(refund.id, next_refund_check(0, now), 0)
            await uow.commit()
        return refund, provider, payment

    async def _refused(self, refund_id: str, refusal: ProviderRejected) -> Refund:
        """The provider's refusal is its report: applied by the settlement template (a
        refund settled meanwhile, by a person or a quicker answer, is left alone)."""
        report = ProviderReport(
            ReportedStatus.FAILED,
            failure_code=refusal.code,
            failure_message=refusal.message,
            raw=dict(refusal.raw),
        )
        return (await self._settle.apply(refund_id, report, Source.API)).subject


def _learn(reference: str | None) -> Callable[[UnitOfWork, Refund], Awaitable[bool]]:
    """The provider's id for the refund, learnt from its answer, kept when none was known."""

    async def learn(uow: UnitOfWork, refund: Refund) -> bool:
        if not reference or refund.provider_reference:
            return False
        refund.provider_reference = reference
        return True

    return learn
