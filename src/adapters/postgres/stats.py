"""The store's figures in plain SQL (`StatsReader`), every query scoped to one store."""

from __future__ import annotations

from typing import Any

from psycopg_pool import AsyncConnectionPool

from application.payments.figures import (
    UNKNOWN_COUNTRY,
    CountryFigures,
    DailyRevenue,
    Outcomes,
    Period,
    Stats,
)
from domain.money import Money

REVENUE = """
SELECT currency, sum(amount)::bigint AS amount
FROM payments
WHERE store_id = %(store_id)s AND status = 'succeeded'
  AND succeeded_at >= %(start)s AND succeeded_at < %(end)s
GROUP BY currency
ORDER BY currency
"""

ORDERS_BY_STATUS = """
SELECT status, count(*) AS n
FROM orders
WHERE store_id = %(store_id)s AND created_at >= %(start)s AND created_at < %(end)s
GROUP BY status
ORDER BY status
"""

PAYMENTS_BY_STATUS = """
SELECT status, count(*) AS n
FROM payments
WHERE store_id = %(store_id)s AND created_at >= %(start)s AND created_at < %(end)s
GROUP BY status
ORDER BY status
"""

PAYMENTS_BY_PROVIDER = """
SELECT provider,
       count(*) AS n,
       count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
       count(*) FILTER (WHERE status = 'failed') AS failed,
       count(*) FILTER (WHERE status = 'expired') AS expired
FROM payments
WHERE store_id = %(store_id)s AND created_at >= %(start)s AND created_at < %(end)s
GROUP BY provider
ORDER BY provider
"""

DAILY_REVENUE = """
SELECT (succeeded_at AT TIME ZONE 'UTC')::date AS day, currency,
       sum(amount)::bigint AS amount, count(*) AS n
FROM payments
WHERE store_id = %(store_id)s AND status = 'succeeded'
  AND succeeded_at >= %(start)s AND succeeded_at < %(end)s
GROUP BY day, currency
ORDER BY day, currency
"""

#: Per country (the payment's account's, else its order's) and currency: the payments created
#: in the period and their outcomes, and the money received in the period.
BY_COUNTRY = """
SELECT coalesce(p.country, o.country, '') AS country, p.currency,
       count(*) FILTER (WHERE p.created_at >= %(start)s AND p.created_at < %(end)s) AS n,
       count(*) FILTER (WHERE p.created_at >= %(start)s AND p.created_at < %(end)s
                          AND p.status = 'succeeded') AS succeeded,
       count(*) FILTER (WHERE p.created_at >= %(start)s AND p.created_at < %(end)s
                          AND p.status = 'failed') AS failed,
       count(*) FILTER (WHERE p.created_at >= %(start)s AND p.created_at < %(end)s
                          AND p.status = 'expired') AS expired,
       coalesce(sum(p.amount) FILTER (WHERE p.status = 'succeeded'
                  AND p.succeeded_at >= %(start)s AND p.succeeded_at < %(end)s), 0)::bigint
           AS revenue
FROM payments p JOIN orders o ON o.id = p.order_id
WHERE p.store_id = %(store_id)s
  AND ((p.created_at >= %(start)s AND p.created_at < %(end)s)
       OR (p.succeeded_at >= %(start)s AND p.succeeded_at < %(end)s))
GROUP BY 1, 2
ORDER BY 1, 2
"""

REFUNDED = """
SELECT currency, sum(amount)::bigint AS amount
FROM refunds
WHERE store_id = %(store_id)s AND status = 'succeeded'
  AND succeeded_at >= %(start)s AND succeeded_at < %(end)s
GROUP BY currency
ORDER BY currency
"""


class PostgresStatsReader:
    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        self._pool = pool

    async def stats(self, store_id: str, period: Period) -> Stats:
        params = {"store_id": store_id, "start": period.start, "end": period.end}
        async with self._pool.connection() as conn:
            revenue = await (await conn.execute(REVENUE, params)).fetchall()
            orders = await (await conn.execute(ORDERS_BY_STATUS, params)).fetchall()
            statuses = await (await conn.execute(PAYMENTS_BY_STATUS, params)).fetchall()
            providers = await (await conn.execute(PAYMENTS_BY_PROVIDER, params)).fetchall()
            daily = await (await conn.execute(DAILY_REVENUE, params)).fetchall()
            refunded = await (await conn.execute(REFUNDED, params)).fetchall()
            countries = await (await conn.execute(BY_COUNTRY, params)).fetchall()
        by_provider = {row[0]: _outcomes(row[2:]) for row in providers}
        return Stats(
            period=period,
            revenue=[_money(amount, currency) for currency, amount in revenue],
            orders_by_status={status: n for status, n in orders},
            payments_by_status={status: n for status, n in statuses},
            payments_by_provider={row[0]: row[1] for row in providers},
            outcomes=_outcomes([sum(row[i] for row in providers) for i in (2, 3, 4)]),
            outcomes_by_provider=by_provider,
            daily=[DailyRevenue(day, _money(amount, cur), n) for day, cur, amount, n in daily],
            refunded=[_money(amount, currency) for currency, amount in refunded],
            by_country=_by_country(countries),
        )


def _by_country(rows: list[Any]) -> dict[str, CountryFigures]:
    """One `CountryFigures` per country, its currencies' rows added up."""
    found: dict[str, CountryFigures] = {}
    for country, currency, n, succeeded, failed, expired, revenue in rows:
        key = country or UNKNOWN_COUNTRY
        before = found.get(key, CountryFigures())
        outcomes = _outcomes([before.outcomes.succeeded + succeeded,
                              before.outcomes.failed + failed,
                              before.outcomes.expired + expired])  # fmt: skip
        money = [*before.revenue, _money(revenue, currency)] if revenue else before.revenue
        found[key] = CountryFigures(before.payments + int(n), outcomes, money)
    return found


def _money(amount: int, currency: str) -> Money:
    return Money.of(int(amount), currency.strip())


def _outcomes(counts: Any) -> Outcomes:
    succeeded, failed, expired = (int(n) for n in counts)
    return Outcomes(succeeded, failed, expired)
