"""The sandbox operator's payouts and balance, decided by the payout's amount (its last two
digits, in minor units), like test card numbers:

- `02`: refused at once (`payout_rejected`);
- `03`: stays pending (every look-up answers pending; the follow-up hands it to a person);
- anything else: succeeds `PAYOUT_DELAY` (2 s) after it was sent: a look-up before then
  answers pending, after it succeeded.

Sending the same reference twice records it once (the first send decides); a look-up of a
payout the operator never received sends it, as MTN's rule does. Its balance is
what its own records say the marketplace holds there: settled successful payments, less
settled refunds and payouts, per currency. Records live in Postgres, so any server or worker
process answers the same; time comes from the clock, so tests move it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from adapters.providers.payout_reports import failed, pending, succeeded
from application.errors import ProviderUnavailable
from application.payouts.gateway import PayoutOrder, PayoutReport
from application.shared.ports import Clock
from domain.money import Currency, Money

NAME = "sandbox"
PAYOUT_DELAY = timedelta(seconds=2)
REJECTED = "payout_rejected"

_INSERT = """
INSERT INTO sandbox_payouts (reference, payout_id, amount, currency, final_status,
                             failure_code, settles_at, created_at)
VALUES (%(reference)s, %(payout_id)s, %(amount)s, %(currency)s, %(final_status)s,
        %(failure_code)s, %(settles_at)s, %(at)s)
ON CONFLICT (reference) DO NOTHING
"""
_SELECT = """
SELECT reference, payout_id, amount, currency, final_status, failure_code, settles_at
FROM sandbox_payouts WHERE reference = %(reference)s
"""
_BALANCE = """
SELECT currency, sum(amount)::bigint AS amount FROM (
    SELECT currency, amount FROM sandbox_transactions
     WHERE final_status = 'succeeded' AND settles_at <= %(now)s
    UNION ALL
    SELECT currency, -amount FROM sandbox_refunds
     WHERE final_status = 'succeeded' AND settles_at <= %(now)s
    UNION ALL
    SELECT currency, -amount FROM sandbox_payouts
     WHERE final_status = 'succeeded' AND settles_at <= %(now)s
) AS moves
GROUP BY currency ORDER BY currency
"""


def outcome_for(amount: int) -> tuple[str | None, str | None]:
    """(final status, failure code) the sandbox gives a payout of `amount` minor units."""
    ending = f"{amount:02d}"[-2:]
    if ending == "02":
        return "failed", REJECTED
    if ending == "03":
        return None, None
    return "succeeded", None


class SandboxPayouts:
    """`PayoutGateway` and `BalanceGateway` of the sandbox operator."""

    provider = NAME
    country: str | None = None

    def __init__(self, pool: AsyncConnectionPool[Any], clock: Clock) -> None:
        self._pool, self._clock = pool, clock

    async def send(self, order: PayoutOrder) -> PayoutReport:
        status, code = outcome_for(order.amount.amount)
        now = self._clock.now()
        settles_at = now if status == "failed" else now + PAYOUT_DELAY if status else None
        params = {
            "reference": order.reference,
            "payout_id": order.payout_id,
            "amount": order.amount.amount,
            "currency": order.amount.currency.value,
            "final_status": status,
            "failure_code": code,
            "settles_at": settles_at,
            "at": now,
        }
        try:
            async with self._pool.connection() as conn:
                await conn.execute(_INSERT, params)
        except psycopg.Error as error:
            return pending({"error": f"sandbox operator unreachable: {error}"})
        return await self.look_up(order)

    async def look_up(self, order: PayoutOrder) -> PayoutReport:
        try:
            record = await self._fetch(_SELECT, {"reference": order.reference})
        except ProviderUnavailable as error:
            return pending({"error": str(error)}, order.reference)
        if not record:  # never received (the send's answer was lost): sent now, once
            return await self.send(order)
        return _report(record[0], self._clock.now())

    async def balance(self) -> list[Money]:
        rows = await self._fetch(_BALANCE, {"now": self._clock.now()})
        return [Money(int(row["amount"]), Currency.parse(row["currency"])) for row in rows]

    async def _fetch(self, sql: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        try:
            async with self._pool.connection() as conn:
                cursor = await conn.cursor(row_factory=dict_row).execute(sql, params)
                rows: list[dict[str, Any]] = await cursor.fetchall()
                return rows
        except psycopg.Error as error:
            raise ProviderUnavailable("sandbox operator unreachable") from error


def _report(record: Mapping[str, Any], now: datetime) -> PayoutReport:
    status, settles_at = record["final_status"], record["settles_at"]
    reference = record["reference"]
    data = {"payout_id": record["payout_id"], "amount": record["amount"],
            "currency": record["currency"]}  # fmt: skip
    if status is None or settles_at is None or settles_at > now:
        return pending({**data, "status": "pending"}, reference)
    if status == "succeeded":
        return succeeded({**data, "status": status}, reference)
    message = "The sandbox operator refused the payout"
    return failed(record["failure_code"], message, {**data, "status": status}, reference)
