"""What the simulated operators' payouts share: the scenario of a payout's amount (the same
endings as payments: `02` fails, `03` stays pending, anything else succeeds), and what an
operator's simulated wallet holds.

A simulated wallet holds what its customers paid into it, less the refunds and payouts it
sent and the fees it charged for them. It starts empty and never refuses a payout for lack
of funds, so a demo can pay out before it has collected."""

from __future__ import annotations

from collections.abc import Iterable

from entrypoints.simulators.ledger import Ledger, State
from entrypoints.simulators.scenarios import Outcome


def payout_outcome(amount: int) -> Outcome:
    """The scenario of a payout of `amount` whole currency units."""
    return {2: Outcome.FAILS, 3: Outcome.NEVER_RESOLVES}.get(amount % 100, Outcome.SUCCEEDS)


def holdings(ledger: Ledger, currency: str, received: str, sent: Iterable[str]) -> int:
    """The wallet of the operator whose payments are recorded as `received` (less what was
    refunded on them) and whose money out as `sent`: succeeded payments less succeeded
    money out and its fees (`fee` in a transaction's data), in `currency`."""
    total = sum(
        t.amount - t.refunded
        for t in ledger.find(received)
        if t.state is State.SUCCEEDED and t.currency == currency
    )
    for operator in sent:
        for t in ledger.find(operator):
            if t.state is State.SUCCEEDED and t.currency == currency:
                total -= t.amount + int(t.data.get("fee") or 0)
    return total
