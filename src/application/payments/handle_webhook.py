"""Receiving a provider callback: authenticate, store, confirm, apply."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from application.errors import ProviderUnavailable
from application.payments.ports import (
    CallbackReports,
    DeliveryOutcome,
    PaymentWithOrder,
    ProviderRegistry,
    WebhookDelivery,
)
from application.payments.settlement import PaymentSettlement
from application.shared.ports import Clock
from application.shared.timeouts import retry_delay
from application.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.events import Source
from domain.payment import Payment, PaymentStatus
from domain.provider_report import ProviderReport

FIRST_RETRY = timedelta(seconds=15)
LONGEST_WAIT = timedelta(minutes=10)


class _Unread(Enum):
    UNREAD = "unread"


#: `process` was given no read of the payment: it reads it itself.
UNREAD = _Unread.UNREAD


@dataclass(frozen=True, slots=True)
class WebhookResult:
    """What became of one delivery. `status`: the payment's status when it was applied."""

    delivery_id: str | None
    outcome: DeliveryOutcome
    status: PaymentStatus | None = None

    @property
    def duplicate(self) -> bool:
        """This delivery was seen before and changed nothing."""
        return self.outcome is DeliveryOutcome.DUPLICATE

    @property
    def recorded(self) -> str:
        """The outcome as the inbox records it (`applied:succeeded`, `deferred`...)."""
        return self.outcome.recorded(self.status)


@dataclass(frozen=True, slots=True)
class Received:
    """A delivery stored in the inbox (`delivery_id` None: a duplicate), still to process;
    `found`: the payment it names with its order and fee rate, read with it (None: none
    found), to be decided on as read."""

    delivery_id: str | None
    delivery: WebhookDelivery
    found: PaymentWithOrder | None = None

    @property
    def duplicate(self) -> bool:
        return self.delivery_id is None


class HandleWebhook:
    """Rules:
    - a callback that fails its provider's authentication is refused and stores nothing;
    - the raw delivery is stored (de-duplicated on the provider's event id) before anything
      else, so that it can be acknowledged as soon as it is stored (`receive`) and processed
      right after (`process`), by this process or, when it dies, by the inbox's retries;
    - the callback is only a hint: the status is confirmed with the provider's own API,
      outside any transaction, so a forged or stale body cannot move a payment; except for a
      provider with no status query (`CallbackReports`), whose callback, authenticated and
      matched to the payment when received, is its word;
    - the confirmed answer goes through the settlement template, and the delivery is marked
      processed in the same transaction as the change it causes;
    - when the provider cannot confirm now, the delivery stays unprocessed for a retry,
      after `first_retry` doubling up to `longest_wait`.
    """

    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        providers: ProviderRegistry,
        settle: PaymentSettlement,
        clock: Clock,
        first_retry: timedelta = FIRST_RETRY,
        longest_wait: timedelta = LONGEST_WAIT,
    ) -> None:
        self._uow, self._providers, self._settle, self._clock = uow, providers, settle, clock
        self._first_retry, self._longest_wait = first_retry, longest_wait

    async def __call__(
        self, provider: str, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]
    ) -> WebhookResult:
        """Receive and process at once."""
        received = await self.receive(provider, body, headers, query)
        if received.delivery_id is None:
            return WebhookResult(None, DeliveryOutcome.DUPLICATE)
        return await self.process(received.delivery_id, received.delivery, read=received.found)

    async def receive(
        self, provider: str, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]
    ) -> Received:
        """Authenticate and store the delivery, reading the payment it names in the same
        statement (no transaction around it)."""
        authenticator = self._providers.webhook_authenticator(provider)
        delivery = await authenticator.authenticate(body, headers, query)
        async with self._uow(autocommit=True) as uow:
            delivery_id, found = await uow.webhooks.record_and_read(delivery, self._clock.now())
        return Received(delivery_id, delivery, found)

    async def process(
        self,
        delivery_id: str,
        delivery: WebhookDelivery,
        attempts: int = 0,
        *,
        read: PaymentWithOrder | _Unread | None = UNREAD,
    ) -> WebhookResult:
        """Confirm and apply a stored delivery; safe to run again for the same delivery.
        When the provider cannot confirm now, the delivery is retried later with backoff.
        `read`: the payment as `receive` read it (with its order and fee rate), None when it
        found none (not read again); by default it is read here."""
        if delivery.payment_id is None:
            return await self._close(delivery_id, DeliveryOutcome.NO_PAYMENT)

        async def mark(uow: UnitOfWork, payment: Payment) -> bool:
            outcome, now = DeliveryOutcome.APPLIED, self._clock.now()
            await uow.webhooks.mark_processed(delivery_id, now, outcome, payment.status)
            return False

        found = await self._settle.read(delivery.payment_id) if read is UNREAD else read
        if found is None:
            return await self._close(delivery_id, DeliveryOutcome.UNKNOWN_PAYMENT)
        payment = self._settle.subject(found)
        if payment.is_final:
            return await self._close(delivery_id, DeliveryOutcome.APPLIED, payment.status)
        try:
            word = self._callback_word(delivery, payment)
            if word is not None:
                applied = await self._settle.apply(
                    payment.id, word, Source.WEBHOOK, mark, read=found
                )
            else:
                applied = await self._settle.ask_and_apply(found, Source.WEBHOOK, mark)
        except ProviderUnavailable:
            return await self._defer(delivery_id, attempts)
        return WebhookResult(delivery_id, DeliveryOutcome.APPLIED, applied.subject.status)

    def _callback_word(self, delivery: WebhookDelivery, payment: Payment) -> ProviderReport | None:
        provider = self._providers.get(payment.provider, payment.country)
        if isinstance(provider, CallbackReports):
            return provider.callback_report(delivery.body, payment)
        return None

    async def _close(
        self, delivery_id: str, outcome: DeliveryOutcome, status: PaymentStatus | None = None
    ) -> WebhookResult:
        async with self._uow() as uow:
            await uow.webhooks.mark_processed(delivery_id, self._clock.now(), outcome, status)
            await uow.commit()
        return WebhookResult(delivery_id, outcome, status)

    async def _defer(self, delivery_id: str, attempts: int) -> WebhookResult:
        retry_at = self._clock.now() + retry_delay(attempts, self._first_retry, self._longest_wait)
        async with self._uow() as uow:
            await uow.webhooks.defer(delivery_id, retry_at, "provider unavailable")
            await uow.commit()
        return WebhookResult(delivery_id, DeliveryOutcome.DEFERRED)
