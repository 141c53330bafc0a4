"""What the simulated operators' payouts share: the scenario of a payout's amount (the same
endings as payments: `02` fails, `03` stays pending, anything else succeeds), and what an
operator's simulated wallet holds.

A simulated wallet holds what its customers paid into it, less the refunds and payouts it
sent and the fees it charged for them. It starts empty and never refuses a payout for lack
of funds, so a demo can pay out before it has collected."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from entrypoints.simulators.ledger import Ledger, State, Transaction
from entrypoints.simulators.scenarios import Outcome


def payout_outcome(amount: int) -> Outcome:
    """The scenario of a payout of `amount` whole currency units."""
    return {2: Outcome.FAILS, 3: Outcome.NEVER_RESOLVES}.get(amount % 100, Outcome.SUCCEEDS)


def holdings(
    ledger: Ledger,
    currency: str,
    received: str,
    sent: Iterable[str],
    mine: Callable[[Transaction], bool] = lambda t: True,
) -> int:
    """The wallet of the operator whose payments are recorded as `received` (less what was
    refunded on them) and whose money out as `sent`: succeeded payments less succeeded
    money out and its fees (`fee` in a transaction's data), in `currency`. `mine`: which
    transactions are the wallet's own, when the operator serves several wallets."""
    total = sum(
        t.amount - t.refunded
        for t in ledger.find(received)
        if t.state is State.SUCCEEDED and t.currency == currency and mine(t)
    )
    for operator in sent:
        for t in filter(mine, ledger.find(operator)):
            if t.state is State.SUCCEEDED and t.currency == currency:
                total -= t.amount + int(t.data.get("fee") or 0)
    return total
