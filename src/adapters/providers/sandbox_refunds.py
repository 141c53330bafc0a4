"""The sandbox operator's refunds, decided by the refund's amount (its last two digits, in
minor units), like test card numbers:

- `02`: refused at once (`refund_rejected`);
- `03`: stays pending (until verified again, or handed to a person after the follow-up);
- anything else: succeeds about 2 s after it was asked (the service learns it at its next
  check, or on `POST /api/v1/refunds/{id}/verify`).

Its records live in Postgres (`sandbox_refunds`), so any server process can answer.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from application.errors import ProviderUnavailable
from application.refunds.ports import RefundStarted
from application.shared.ports import Clock
from domain.provider_report import ProviderReport, ReportedStatus
from domain.refund import Refund

REFUND_DELAY = timedelta(seconds=2)
REJECTED = "refund_rejected"

_INSERT = """
INSERT INTO sandbox_refunds (refund_id, payment_id, amount, currency, final_status,
                             failure_code, settles_at, created_at)
VALUES (%(refund_id)s, %(payment_id)s, %(amount)s, %(currency)s, %(final_status)s,
        %(failure_code)s, %(settles_at)s, %(at)s)
ON CONFLICT (refund_id) DO NOTHING
"""
_SELECT = """
SELECT refund_id, amount, currency, final_status, failure_code, settles_at
FROM sandbox_refunds WHERE refund_id = %(refund_id)s
"""


def outcome_for(amount: int) -> tuple[str | None, str | None]:
    """(final status, failure code) the sandbox gives a refund of `amount` minor units."""
    ending = f"{amount:02d}"[-2:]
    if ending == "02":
        return "failed", REJECTED
    if ending == "03":
        return None, None
    return "succeeded", None


class SandboxRefunds:
    def __init__(self, pool: AsyncConnectionPool[Any], clock: Clock) -> None:
        self._pool, self._clock = pool, clock

    async def open(self, refund: Refund) -> RefundStarted:
        status, code = outcome_for(refund.amount.amount)
        now = self._clock.now()
        settles_at = now if status == "failed" else now + REFUND_DELAY if status else None
        params = {
            "refund_id": refund.id,
            "payment_id": refund.payment_id,
            "amount": refund.amount.amount,
            "currency": refund.amount.currency.value,
            "final_status": status,
            "failure_code": code,
            "settles_at": settles_at,
            "at": now,
        }
        try:
            async with self._pool.connection() as conn:
                await conn.execute(_INSERT, params)
        except psycopg.Error as error:
            raise ProviderUnavailable("sandbox operator unreachable") from error
        return RefundStarted(refund.id, await self.report(refund))

    async def report(self, refund: Refund) -> ProviderReport:
        try:
            async with self._pool.connection() as conn:
                cursor = await conn.cursor(row_factory=dict_row).execute(
                    _SELECT, {"refund_id": refund.id}
                )
                record = await cursor.fetchone()
        except psycopg.Error as error:
            raise ProviderUnavailable("sandbox operator unreachable") from error
        if record is None:
            return ProviderReport(ReportedStatus.UNKNOWN, raw={"error": "not_found"})
        status, settles_at = record["final_status"], record["settles_at"]
        raw = {"refund_id": refund.id, "status": status or "pending"}
        if status is None or settles_at is None or settles_at > self._clock.now():
            return ProviderReport(ReportedStatus.PENDING, raw={**raw, "status": "pending"})
        if status == "succeeded":
            return ProviderReport(ReportedStatus.SUCCEEDED, raw=raw)
        return ProviderReport(
            ReportedStatus.FAILED,
            failure_code=record["failure_code"],
            failure_message="The sandbox operator refused the refund",
            raw=raw,
        )
