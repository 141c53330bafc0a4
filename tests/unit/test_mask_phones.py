"""The retention pass masks what is older than the retention period, batch after batch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.fakes import FakeClock

from application.payments.mask_phones import MaskOldPhones

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


class Archive:
    """Payments, orders and settled payouts by creation time, disabled destinations by the
    time they were disabled; masks the oldest first, at most `limit` at a time; idempotency
    records by creation time."""

    def __init__(
        self,
        created: list[datetime],
        orders: list[datetime] | None = None,
        keys: list[datetime] | None = None,
        payouts: list[datetime] | None = None,
        disabled: list[datetime] | None = None,
    ) -> None:
        self.unmasked = sorted(created)
        self.orders = sorted(orders or [])
        self.keys = list(keys or [])
        self.payouts = sorted(payouts or [])
        self.disabled = sorted(disabled or [])
        self.cutoffs: list[datetime] = []

    async def mask_payments_before(self, cutoff: datetime, limit: int) -> int:
        self.cutoffs.append(cutoff)
        due = [at for at in self.unmasked if at < cutoff][:limit]
        self.unmasked = [at for at in self.unmasked if at not in due]
        return len(due)

    async def mask_orders_before(self, cutoff: datetime, limit: int) -> int:
        self.cutoffs.append(cutoff)
        due = [at for at in self.orders if at < cutoff][:limit]
        self.orders = [at for at in self.orders if at not in due]
        return len(due)

    async def mask_payouts_before(self, cutoff: datetime, limit: int) -> int:
        self.cutoffs.append(cutoff)
        due = [at for at in self.payouts if at < cutoff][:limit]
        self.payouts = [at for at in self.payouts if at not in due]
        return len(due)

    async def mask_destinations_disabled_before(self, cutoff: datetime, limit: int) -> int:
        self.cutoffs.append(cutoff)
        due = [at for at in self.disabled if at < cutoff][:limit]
        self.disabled = [at for at in self.disabled if at not in due]
        return len(due)

    async def purge_idempotency_before(self, cutoff: datetime) -> int:
        kept = [at for at in self.keys if at >= cutoff]
        purged, self.keys = len(self.keys) - len(kept), kept
        return purged


async def test_everything_past_the_retention_period_is_masked_in_batches() -> None:
    old = [NOW - timedelta(days=91, minutes=i) for i in range(5)]
    recent = [NOW - timedelta(days=89)]
    archive = Archive(old + recent)
    masked = await MaskOldPhones(archive, FakeClock(NOW), timedelta(days=90), batch=2)()
    assert masked == 5
    assert archive.unmasked == recent
    assert set(archive.cutoffs) == {NOW - timedelta(days=90)}


async def test_orders_are_masked_too_and_idempotency_records_go_after_24_hours() -> None:
    orders = [NOW - timedelta(days=95, minutes=i) for i in range(3)] + [NOW - timedelta(days=1)]
    keys = [NOW - timedelta(hours=25), NOW - timedelta(hours=23)]
    archive = Archive([NOW - timedelta(days=91)], orders, keys)
    masked = await MaskOldPhones(archive, FakeClock(NOW), timedelta(days=90), batch=2)()
    assert masked == 4  # one payment, three orders
    assert archive.orders == [NOW - timedelta(days=1)]
    assert archive.keys == [NOW - timedelta(hours=23)]


async def test_settled_payouts_and_disabled_destinations_are_masked_too() -> None:
    old = [NOW - timedelta(days=91, minutes=i) for i in range(3)]
    archive = Archive([], payouts=[*old, NOW - timedelta(days=2)], disabled=old[:2])
    masked = await MaskOldPhones(archive, FakeClock(NOW), timedelta(days=90), batch=2)()
    assert masked == 5  # three payouts, two destinations
    assert archive.payouts == [NOW - timedelta(days=2)] and archive.disabled == []
