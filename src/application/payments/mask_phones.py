"""Personal data is kept only as long as needed: the full phone number of a payment serves to
push the request to the customer's phone and to settle the payment; after the retention period
(`PHONE_RETENTION_DAYS`, 90 days by default) counted from the payment's creation it is replaced
by its masked form (`+225 07 •• •• 01`) wherever it was stored: the payment, its event history
and the provider callbacks kept for it. The history stays (nothing is deleted); only the number
is masked. The pass is periodic, in batches, and safe to run on many workers at once."""

from __future__ import annotations

from datetime import timedelta

from application.payments.ports import PhoneArchive
from application.shared.ports import Clock

BATCH = 500


class MaskOldPhones:
    def __init__(
        self, archive: PhoneArchive, clock: Clock, retention: timedelta, batch: int = BATCH
    ) -> None:
        self._archive, self._clock = archive, clock
        self._retention, self._batch = retention, batch

    async def __call__(self) -> int:
        """Mask every payment past the retention period; return how many were masked."""
        cutoff = self._clock.now() - self._retention
        total = 0
        while True:
            done = await self._archive.mask_payments_before(cutoff, self._batch)
            total += done
            if done < self._batch:
                return total
