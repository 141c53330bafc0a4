"""Starting a payment of an order through one provider."""

from __future__ import annotations

from dataclasses import dataclass

from application.errors import (
    ConcurrentChange,
    NotFound,
    PhoneRequired,
    ProviderNotAvailable,
    ProviderRejected,
    ProviderUnavailable,
    RateLimited,
)
from application.payments.ports import (
    PaymentProvider,
    PhoneNormalizer,
    ProviderRegistry,
    StartResult,
)
from application.payments.settlement import PaymentSettlement
from application.shared.ports import Clock, IdGenerator, Throttle
from application.shared.timeouts import TimeToLive, next_check
from application.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.accounts import Account
from domain.errors import PaymentInProgress
from domain.events import Source
from domain.order import Order
from domain.payment import OPEN_STATUSES, Payment, PaymentStatus
from domain.provider_report import ProviderReport, ReportedStatus


@dataclass(frozen=True, slots=True)
class InitiatePaymentCommand:
    store_id: str
    order_id: str
    provider: str
    phone: str | None = None


class InitiatePayment:
    """Rules:
    - only an order waiting for payment can be paid, one attempt in flight at a time;
    - amount and currency are copied from the order, never taken from the client;
    - the phone is normalised to E.164 for the order's country, and required by push providers;
    - the payment goes through one account of the provider (domain/accounts.py): the one of
      its country (the order's, else the payer's phone number's), else the provider's default
      account; with neither it is refused (`ProviderNotAvailable`, naming the country), and an
      account that takes another currency than the order's refuses it
      (`CurrencyNotAccepted`): nothing is written or sent. The payment records the account's
      country, and every later call about it goes through that account;
    - the payment row exists (`created`) and is committed before the provider is called;
    - the provider's refusal makes it `failed` with the provider's code; a timeout or network
      error leaves it `pending` (outcome unknown) for verification to settle;
    - every payment is scheduled for reconciliation from the start and expires after its
      provider's time-to-live;
    - so that nobody can spam a customer's phone or burn the provider's quotas, payments
      started per order and per (normalised) phone number are rate limited (`RateLimited`);
      only a payment that would really start counts.
    """

    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        providers: ProviderRegistry,
        phones: PhoneNormalizer,
        ids: IdGenerator,
        clock: Clock,
        settle: PaymentSettlement,
        ttl: TimeToLive | None = None,
        per_order: Throttle | None = None,
        per_phone: Throttle | None = None,
    ) -> None:
        self._uow, self._providers, self._phones = uow, providers, phones
        self._ids, self._clock, self._settle = ids, clock, settle
        self._ttl = ttl or TimeToLive()
        self._per_order, self._per_phone = per_order, per_phone

    async def __call__(self, command: InitiatePaymentCommand) -> Payment:
        if command.provider not in self._providers.available():
            raise ProviderNotAvailable(f"provider {command.provider!r} is not available")
        payment, order, provider = await self._create(command)
        try:
            result = await provider.start(payment, order)
        except ProviderRejected as refusal:
            return await self._record_refusal(payment.id, refusal)
        except ProviderUnavailable as error:
            result = StartResult(reference=None, next_action=None, raw={"error": str(error)})
        return await self._record_start(payment, result)

    async def _create(
        self, command: InitiatePaymentCommand
    ) -> tuple[Payment, Order, PaymentProvider]:
        async with self._uow() as uow:
            found = await uow.payments.lock_order_with_payments(command.store_id, command.order_id)
            if found is None:
                raise NotFound(f"order {command.order_id} not found")
            order, payments = found
            order.ensure_payable()
            phone = self._phone(command, order)
            account, provider = self._account(command.provider, order, phone)
            if phone is None and provider.requires_phone:
                raise PhoneRequired(f"{provider.name} needs the payer's phone number")
            await self._admit(account)
            if any(self._in_flight(p) for p in payments):
                raise PaymentInProgress(f"order {order.id} already has a payment in progress")
            await self._throttle(order.id, phone)
            payment_id, now = self._ids.new("pay"), self._clock.now()
            payment = Payment.create(
                id=payment_id,
                order_id=order.id,
                store_id=order.store_id,
                provider=provider.name,
                amount=order.amount,
                at=now,
                phone=phone,
                reference=provider.reference_for(payment_id),
                expires_at=now + self._ttl.payment(provider.name),
                country=account.id.country,
            )
            await uow.payments.add(payment)
            await uow.schedule.plan(payment_id, next_check(0, now, payment.expires_at), 0)
            await uow.commit()
        return payment, order, provider

    def _account(
        self, name: str, order: Order, phone: str | None
    ) -> tuple[Account, PaymentProvider]:
        """The order's country, else the payer's number's; its account, else the default."""
        country = order.country or (self._phones.country_of(phone) if phone else None)
        account, provider = self._providers.choose(name, country)
        account.ensure_accepts(order.amount.currency.value)
        return account, provider

    async def _admit(self, account: Account) -> None:
        """Whether a new payment may start with this account now (always, here)."""

    def _in_flight(self, payment: Payment) -> bool:
        """Whether `payment` is an attempt still in flight that blocks a new one."""
        return payment.status in OPEN_STATUSES

    async def _throttle(self, order_id: str, phone: str | None) -> None:
        checks = (("order", self._per_order, order_id), ("phone", self._per_phone, phone))
        for what, throttle, key in checks:
            wait = await throttle.take(key) if throttle is not None and key else None
            if wait is not None:
                raise RateLimited(f"payments per {what}", wait)

    def _phone(self, command: InitiatePaymentCommand, order: Order) -> str | None:
        raw = command.phone or (order.customer.phone if order.customer else None)
        if not raw:
            return None
        return self._phones.normalize(raw, order.country)

    async def _record_start(self, created: Payment, result: StartResult) -> Payment:
        """Recorded on the copy written at creation, without reading it again; when it
        changed meanwhile (its callback came first), on a fresh copy read under its lock."""
        try:
            return await self._mark_started(created.id, result, written=created)
        except ConcurrentChange:
            return await self._mark_started(created.id, result)

    async def _mark_started(
        self, payment_id: str, result: StartResult, written: Payment | None = None
    ) -> Payment:
        """`written`: the payment as this use case last wrote it, saved without a read (its
        version is checked); otherwise the payment is read under its lock."""
        async with self._uow() as uow:
            payment = written or await _locked(uow, payment_id)
            payment.provider_data.update(result.provider_data)
            if payment.status is PaymentStatus.CREATED:
                payment.mark_pending(
                    self._clock.now(),
                    Source.API,
                    reference=result.reference,
                    next_action=result.next_action,
                    data={"provider": result.raw} if result.raw else {},
                )
            await uow.payments.save(payment)
            await uow.commit()
        return payment

    async def _record_refusal(self, payment_id: str, refusal: ProviderRejected) -> Payment:
        """The provider's refusal is its report: applied by the settlement template."""
        report = ProviderReport(
            ReportedStatus.FAILED,
            failure_code=refusal.code,
            failure_message=refusal.message,
            raw=dict(refusal.raw),
        )
        applied = await self._settle.apply(payment_id, report, Source.API)
        return applied.subject


async def _locked(uow: UnitOfWork, payment_id: str) -> Payment:
    """The payment, locked until the transaction ends."""
    payment = await uow.payments.get(payment_id, for_update=True)
    if payment is None:
        raise NotFound(f"payment {payment_id} not found")
    return payment
