"""The ledger: double-entry bookkeeping of the marketplace's money.

Every movement of money is one `Movement`: entries on accounts that sum to zero per currency.
Accounts: each store's balance (`store`), the platform's own money (`platform`: its fees, the
operators' payout fees it pays, adjustments), what each provider account holds for the
marketplace (`clearing`, per provider and country) and payouts sent but not yet confirmed
(`in_flight`). An entry's amount is signed as its account sees it: a sale is +10000 on the
store, its fee -250; the clearing account is the other side, so a provider account holding
money shows a negative sum. A movement has a `key` naming its cause (`payment:pay_...`): a
cause is booked once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.errors import PaymentError
from domain.money import Currency, Money
from domain.payment import Payment
from domain.payout import Payout
from domain.refund import Refund

MAX_BPS = 10_000


class Account(StrEnum):
    STORE = "store"
    PLATFORM = "platform"
    CLEARING = "clearing"
    IN_FLIGHT = "in_flight"


class EntryType(StrEnum):
    PAYMENT = "payment"
    FEE = "fee"
    REFUND = "refund"
    REFUND_REVERSAL = "refund_reversal"
    PAYOUT = "payout"
    PAYOUT_SENT = "payout_sent"
    PAYOUT_REVERSAL = "payout_reversal"
    PROVIDER_FEE = "provider_fee"
    ADJUSTMENT = "adjustment"


class UnbalancedMovement(PaymentError):
    """A movement's entries do not sum to zero in each currency, or one of them is zero."""


class InvalidFee(PaymentError):
    """A fee rate is not a whole number of basis points between 0 and 10,000."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """One line of a movement on one account; the ids say what it is about."""

    account: Account
    type: EntryType
    amount: Money
    store_id: str | None = None
    provider: str | None = None
    country: str | None = None
    payment_id: str | None = None
    refund_id: str | None = None
    payout_id: str | None = None
    adjustment_id: str | None = None


@dataclass(frozen=True, slots=True)
class Movement:
    """Entries that sum to zero per currency, none of them zero (`UnbalancedMovement`)."""

    key: str
    at: datetime
    entries: tuple[Entry, ...]

    def __post_init__(self) -> None:
        if not self.entries or any(e.amount.amount == 0 for e in self.entries):
            raise UnbalancedMovement(f"{self.key}: a movement has entries, none of them zero")
        totals: dict[Currency, int] = defaultdict(int)
        for entry in self.entries:
            totals[entry.amount.currency] += entry.amount.amount
        if any(totals.values()):
            raise UnbalancedMovement(f"{self.key}: entries do not sum to zero: {dict(totals)}")


def check_bps(bps: int) -> int:
    if type(bps) is not int or not 0 <= bps <= MAX_BPS:
        raise InvalidFee(f"a fee is 0 to {MAX_BPS} basis points, not {bps!r}")
    return bps


def fee_for(amount: Money, bps: int) -> Money:
    """`amount × bps / 10,000`, rounded half up to the minor unit, in integers only."""
    check_bps(bps)
    return Money((amount.amount * bps * 2 + MAX_BPS) // (2 * MAX_BPS), amount.currency)


@dataclass(frozen=True, slots=True, kw_only=True)
class Refs:
    """What a movement's entries are about (copied on each of them)."""

    store_id: str | None = None
    provider: str | None = None
    country: str | None = None
    payment_id: str | None = None
    refund_id: str | None = None
    payout_id: str | None = None
    adjustment_id: str | None = None


def entry(account: Account, kind: EntryType, amount: int, currency: Currency, refs: Refs) -> Entry:
    return Entry(
        account=account,
        type=kind,
        amount=Money(amount, currency),
        store_id=refs.store_id,
        provider=refs.provider,
        country=refs.country,
        payment_id=refs.payment_id,
        refund_id=refs.refund_id,
        payout_id=refs.payout_id,
        adjustment_id=refs.adjustment_id,
    )


def transfer(
    source: Account, target: Account, kind: EntryType, amount: Money, refs: Refs
) -> tuple[Entry, Entry]:
    """`amount` from `source` to `target`: `target` +amount, `source` -amount."""
    return (
        entry(target, kind, amount.amount, amount.currency, refs),
        entry(source, kind, -amount.amount, amount.currency, refs),
    )


def sale(payment: Payment, fee: Money, at: datetime) -> Movement:
    """A payment succeeded: the store `+amount` (`payment`) against the clearing account of
    the provider account it came through (provider and country); its fee moves from the store
    to the platform (`fee`; none when it is zero)."""
    refs = Refs(
        store_id=payment.store_id, provider=payment.provider, country=payment.country,
        payment_id=payment.id,
    )  # fmt: skip
    entries: tuple[Entry, ...] = transfer(
        Account.CLEARING, Account.STORE, EntryType.PAYMENT, payment.amount, refs
    )
    if fee.amount:
        entries += transfer(Account.STORE, Account.PLATFORM, EntryType.FEE, fee, refs)
    return Movement(f"payment:{payment.id}", at, entries)


def _refund_refs(refund: Refund, country: str | None) -> Refs:
    return Refs(
        store_id=refund.store_id, provider=refund.provider, country=country,
        payment_id=refund.payment_id, refund_id=refund.id,
    )  # fmt: skip


def refund_booked(refund: Refund, at: datetime, country: str | None) -> Movement:
    """A refund was created: the store `-amount` (`refund`); the money leaves the provider
    account it came in through. The platform keeps its fee on the payment."""
    refs = _refund_refs(refund, country)
    entries = transfer(Account.STORE, Account.CLEARING, EntryType.REFUND, refund.amount, refs)
    return Movement(f"refund:{refund.id}", at, entries)


def refund_reversed(refund: Refund, at: datetime, country: str | None) -> Movement:
    """A refund failed: the store gets its amount back (`refund_reversal`). `country`: the
    payment's provider account, as for `refund_booked`."""
    refs = _refund_refs(refund, country)
    kind = EntryType.REFUND_REVERSAL
    entries = transfer(Account.CLEARING, Account.STORE, kind, refund.amount, refs)
    return Movement(f"refund_reversal:{refund.id}", at, entries)


def adjustment(adjustment_id: str, store_id: str, amount: Money, at: datetime) -> Movement:
    """An operator's correction of a store's balance by `amount` (signed, `adjustment`), at
    the platform's expense (or to its profit when negative)."""
    refs = Refs(store_id=store_id, adjustment_id=adjustment_id)
    entries = transfer(Account.PLATFORM, Account.STORE, EntryType.ADJUSTMENT, amount, refs)
    return Movement(f"adjustment:{adjustment_id}", at, entries)


def _payout_refs(payout: Payout) -> Refs:
    return Refs(
        store_id=payout.store_id, provider=payout.provider, country=payout.country,
        payout_id=payout.id,
    )  # fmt: skip


def payout_booked(payout: Payout, at: datetime) -> Movement:
    """A payout was created: the store `-amount` (`payout`), in flight `+amount`."""
    kind = EntryType.PAYOUT
    entries = transfer(Account.STORE, Account.IN_FLIGHT, kind, payout.amount, _payout_refs(payout))
    return Movement(f"payout:{payout.id}", at, entries)


def payout_sent(payout: Payout, at: datetime) -> Movement:
    """A payout succeeded: the money leaves the provider account (in flight to clearing,
    `payout_sent`); the operator's fee, when it charged one, is the platform's expense
    (`provider_fee`): the vendor receives the amount asked."""
    refs = _payout_refs(payout)
    entries: tuple[Entry, ...] = transfer(
        Account.IN_FLIGHT, Account.CLEARING, EntryType.PAYOUT_SENT, payout.amount, refs
    )
    if payout.provider_fee:
        fee = Money(payout.provider_fee, payout.amount.currency)
        entries += transfer(Account.PLATFORM, Account.CLEARING, EntryType.PROVIDER_FEE, fee, refs)
    return Movement(f"payout_sent:{payout.id}", at, entries)


def payout_reversed(payout: Payout, at: datetime) -> Movement:
    """A payout failed: the store gets its amount back (`payout_reversal`), once."""
    kind = EntryType.PAYOUT_REVERSAL
    entries = transfer(Account.IN_FLIGHT, Account.STORE, kind, payout.amount, _payout_refs(payout))
    return Movement(f"payout_reversal:{payout.id}", at, entries)
