"""Personal data is kept only as long as needed: the full phone number of a payment serves to
push the request to the customer's phone and to settle the payment, the customer of an order
(name, phone, email) to serve the store; after the retention period (`PHONE_RETENTION_DAYS`,
90 days by default) counted from the payment's or the order's creation, each is replaced by
its masked form (`+225 07 •• •• 01`, `A•• D•••••`, `a•••@example.com`) wherever it was stored:
the payment, its event history, the provider callbacks kept for it, the order and the
notifications about either (what `GET /api/v1/events` shows). The history stays (nothing is
deleted); only the data is masked.

Payouts: a settled payout's payee (number and name) once the retention has passed since it
was made (a pending one may still be sent again, to that number); a disabled destination's
once it has passed since it was disabled. An active or pending destination keeps its number
and name: they are needed to pay.

Idempotency records hold whole answers (an order's customer included) and serve 24 hours
(docs/api.md): each pass deletes those older than that.

The pass is periodic, in batches, and safe to run on many workers at once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from application.payments.ports import PhoneArchive
from application.shared.ports import Clock

BATCH = 500
IDEMPOTENCY_KEPT = timedelta(hours=24)


class MaskOldPhones:
    def __init__(
        self, archive: PhoneArchive, clock: Clock, retention: timedelta, batch: int = BATCH
    ) -> None:
        self._archive, self._clock = archive, clock
        self._retention, self._batch = retention, batch

    async def __call__(self) -> int:
        """Mask every payment, order, settled payout and disabled destination past the
        retention period, delete the idempotency records past theirs; return how many
        payments, orders, payouts and destinations were masked."""
        now = self._clock.now()
        cutoff = now - self._retention
        total = await self._drain(self._archive.mask_payments_before, cutoff)
        total += await self._drain(self._archive.mask_orders_before, cutoff)
        total += await self._drain(self._archive.mask_payouts_before, cutoff)
        total += await self._drain(self._archive.mask_destinations_disabled_before, cutoff)
        await self._archive.purge_idempotency_before(now - IDEMPOTENCY_KEPT)
        return total

    async def _drain(
        self, mask: Callable[[datetime, int], Awaitable[int]], cutoff: datetime
    ) -> int:
        total = 0
        while True:
            done = await mask(cutoff, self._batch)
            total += done
            if done < self._batch:
                return total
