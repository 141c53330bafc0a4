"""`payments check`'s look at the ledger: every movement sums to zero per currency, every
succeeded payment, every refund and every payout is booked exactly as its status says, and
each store's balance equals what its payments, refunds and payouts, and the ledger's own fees
and adjustments, add up to."""

from __future__ import annotations

from typing import Any

import psycopg

#: (what is wrong, the query listing the culprits)
CHECKS: tuple[tuple[str, str], ...] = (
    (
        "movements not summing to zero",
        """SELECT transaction_id || ' ' || currency FROM ledger_entries
           GROUP BY transaction_id, currency HAVING sum(amount) <> 0""",
    ),
    (
        "succeeded payments not booked",
        """SELECT p.id FROM payments p WHERE p.status = 'succeeded' AND NOT EXISTS (
               SELECT 1 FROM ledger_transactions t WHERE t.key = 'payment:' || p.id)""",
    ),
    (
        "sales booked for payments that did not succeed",
        """SELECT t.key FROM ledger_transactions t WHERE t.key LIKE 'payment:%' AND NOT EXISTS (
               SELECT 1 FROM payments p
               WHERE 'payment:' || p.id = t.key AND p.status = 'succeeded')""",
    ),
    (
        "refunds not booked",
        """SELECT r.id FROM refunds r WHERE NOT EXISTS (
               SELECT 1 FROM ledger_transactions t WHERE t.key = 'refund:' || r.id)""",
    ),
    (
        "failed refunds not given back, or given back without failing",
        """SELECT r.id FROM refunds r
           WHERE (r.status = 'failed') <> EXISTS (
               SELECT 1 FROM ledger_transactions t WHERE t.key = 'refund_reversal:' || r.id)""",
    ),
    (
        "payouts not booked",
        """SELECT po.id FROM payouts po WHERE NOT EXISTS (
               SELECT 1 FROM ledger_transactions t WHERE t.key = 'payout:' || po.id)""",
    ),
    (
        "failed payouts not given back, or given back without failing",
        """SELECT po.id FROM payouts po
           WHERE (po.status = 'failed') <> EXISTS (
               SELECT 1 FROM ledger_transactions t WHERE t.key = 'payout_reversal:' || po.id)""",
    ),
    (
        "succeeded payouts not sent from their provider account, or sent without succeeding",
        """SELECT po.id FROM payouts po
           WHERE (po.status = 'succeeded') <> EXISTS (
               SELECT 1 FROM ledger_transactions t WHERE t.key = 'payout_sent:' || po.id)""",
    ),
    (
        "store balances that differ from their payments, refunds, fees and adjustments",
        """WITH expected AS (
               SELECT store_id, currency, amount FROM payments WHERE status = 'succeeded'
               UNION ALL
               SELECT store_id, currency, -amount FROM refunds WHERE status <> 'failed'
               UNION ALL
               SELECT store_id, currency, -amount FROM payouts WHERE status <> 'failed'
               UNION ALL
               SELECT store_id, currency, amount FROM ledger_entries
               WHERE account = 'store' AND type NOT IN
                     ('payment', 'refund', 'refund_reversal', 'payout', 'payout_reversal')
           ),
           wanted AS (SELECT store_id, currency, sum(amount) AS total FROM expected
                      GROUP BY store_id, currency),
           booked AS (SELECT store_id, currency, sum(amount) AS total FROM ledger_entries
                      WHERE account = 'store' GROUP BY store_id, currency)
           SELECT coalesce(w.store_id, b.store_id) || ' ' || coalesce(w.currency, b.currency)
           FROM wanted w FULL JOIN booked b
                ON b.store_id = w.store_id AND b.currency = w.currency
           WHERE coalesce(w.total, 0) <> coalesce(b.total, 0)""",
    ),
)


def ledger_problems(conn: psycopg.Connection[Any], shown: int = 5) -> list[str]:
    """One line per failed check, naming a few culprits; empty when the ledger holds."""
    problems = []
    for what, query in CHECKS:
        culprits = [row[0] for row in conn.execute(query).fetchall()]
        if culprits:
            more = f" and {len(culprits) - shown} more" if len(culprits) > shown else ""
            problems.append(f"{len(culprits)} {what}: {', '.join(culprits[:shown])}{more}")
    return problems
