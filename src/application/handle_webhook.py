"""Receiving a provider callback: authenticate, store, confirm, apply."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from application.errors import NotFound, ProviderUnavailable
from application.ports import Clock, ProviderRegistry, UnitOfWorkFactory, WebhookDelivery
from application.timeouts import retry_delay
from application.verify_payment import VerifyPayment
from domain.events import Source


@dataclass(frozen=True, slots=True)
class WebhookResult:
    """`duplicate`: this delivery was seen before and changed nothing.
    `outcome`: what processing did (`applied`, `unknown_payment`, `deferred`, ...)."""

    delivery_id: str | None
    duplicate: bool
    outcome: str


APPLIED = "applied:"
FIRST_RETRY = timedelta(seconds=15)
LONGEST_WAIT = timedelta(minutes=10)
LEASE = timedelta(minutes=2)


class HandleWebhook:
    """Rules:
    - a callback that fails its provider's authentication is refused and stores nothing;
    - the raw delivery is stored (de-duplicated on the provider's event id) before anything else;
    - the callback is only a hint: the status is confirmed with the provider's own API, so a
      forged or stale body cannot move a payment;
    - when the provider cannot confirm now, the delivery stays unprocessed for a retry.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        providers: ProviderRegistry,
        verify: VerifyPayment,
        clock: Clock,
    ) -> None:
        self._uow, self._providers, self._verify, self._clock = uow, providers, verify, clock

    async def __call__(
        self, provider: str, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]
    ) -> WebhookResult:
        authenticator = self._providers.webhook_authenticator(provider)
        delivery = await authenticator.authenticate(body, headers, query)
        async with self._uow() as uow:
            delivery_id = await uow.webhooks.record(delivery, self._clock.now())
            await uow.commit()
        if delivery_id is None:
            return WebhookResult(None, duplicate=True, outcome="duplicate")
        return await self.process(delivery_id, delivery)

    async def process(
        self, delivery_id: str, delivery: WebhookDelivery, attempts: int = 0
    ) -> WebhookResult:
        """Confirm and apply a stored delivery; safe to run again for the same delivery.
        When the provider cannot confirm now, the delivery is retried later with backoff."""
        outcome = await self._confirm(delivery_id, delivery)
        if outcome.startswith(APPLIED):
            return WebhookResult(delivery_id, duplicate=False, outcome=outcome)
        now = self._clock.now()
        async with self._uow() as uow:
            if outcome == "deferred":
                retry_at = now + retry_delay(attempts, FIRST_RETRY, LONGEST_WAIT)
                await uow.webhooks.defer(delivery_id, retry_at, "provider unavailable")
            else:
                await uow.webhooks.mark_processed(delivery_id, now, outcome)
            await uow.commit()
        return WebhookResult(delivery_id, duplicate=False, outcome=outcome)

    async def _confirm(self, delivery_id: str, delivery: WebhookDelivery) -> str:
        """The outcome; when verification applied it, the delivery is already marked
        processed in the same transaction as the change."""
        if delivery.payment_id is None:
            return "no_payment"
        try:
            payment = await self._verify(delivery.payment_id, Source.WEBHOOK, inbox=delivery_id)
        except NotFound:
            return "unknown_payment"
        except ProviderUnavailable:
            return "deferred"
        return f"{APPLIED}{payment.status}"


class RetryWebhooks:
    """One pass over the inbox: deliveries whose processing was deferred (provider down) or
    lost (their process died after storing them) are processed again from the stored row."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        handle: HandleWebhook,
        clock: Clock,
        batch: int = 50,
        *,
        lease: timedelta | None = None,
    ) -> None:
        self._uow, self._handle, self._clock, self._batch = uow, handle, clock, batch
        self._lease = lease or LEASE

    async def __call__(self) -> int:
        now = self._clock.now()
        async with self._uow() as uow:
            due = await uow.webhooks.claim_unprocessed(now, now + self._lease, self._batch)
            await uow.commit()
        for stored in due:
            await self._handle.process(stored.id, stored.delivery, stored.attempts)
        return len(due)
