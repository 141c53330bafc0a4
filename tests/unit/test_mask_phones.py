"""The retention pass masks what is older than the retention period, batch after batch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.fakes import FakeClock

from application.payments.mask_phones import MaskOldPhones

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


class Archive:
    """Payments by creation time; masks the oldest first, at most `limit` at a time."""

    def __init__(self, created: list[datetime]) -> None:
        self.unmasked = sorted(created)
        self.cutoffs: list[datetime] = []

    async def mask_payments_before(self, cutoff: datetime, limit: int) -> int:
        self.cutoffs.append(cutoff)
        due = [at for at in self.unmasked if at < cutoff][:limit]
        self.unmasked = [at for at in self.unmasked if at not in due]
        return len(due)


async def test_everything_past_the_retention_period_is_masked_in_batches() -> None:
    old = [NOW - timedelta(days=91, minutes=i) for i in range(5)]
    recent = [NOW - timedelta(days=89)]
    archive = Archive(old + recent)
    masked = await MaskOldPhones(archive, FakeClock(NOW), timedelta(days=90), batch=2)()
    assert masked == 5
    assert archive.unmasked == recent
    assert set(archive.cutoffs) == {NOW - timedelta(days=90)}
