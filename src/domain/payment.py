"""The payment aggregate and its state machine.

created -> pending -> succeeded | failed | expired | cancelled; created -> failed;
expired -> succeeded (a late success the provider verified: the customer paid).
The same status twice is a no-op. Anything else is an illegal transition.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum, StrEnum
from typing import Any, ClassVar

from domain.errors import InvalidTransition
from domain.events import DomainEvent, Source
from domain.lifecycle import Lifecycle
from domain.money import Money
from domain.provider_report import ProviderReport, ReportedStatus


class PaymentStatus(StrEnum):
    CREATED = "created"
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


S = PaymentStatus
TRANSITIONS: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    S.CREATED: frozenset({S.PENDING, S.FAILED}),
    S.PENDING: frozenset({S.SUCCEEDED, S.FAILED, S.EXPIRED, S.CANCELLED}),
    S.EXPIRED: frozenset({S.SUCCEEDED}),
    S.SUCCEEDED: frozenset(),
    S.FAILED: frozenset(),
    S.CANCELLED: frozenset(),
}
OPEN_STATUSES = frozenset({S.CREATED, S.PENDING})


class Outcome(Enum):
    """What applying a provider report did to the payment."""

    CHANGED = "changed"
    UNCHANGED = "unchanged"
    REFUSED = "refused"
    FLAGGED = "flagged"


@dataclass(frozen=True, slots=True)
class NextAction:
    """What the customer must do: follow a `redirect` url or `approve_on_phone`."""

    type: str
    url: str | None = None
    message: str | None = None


AMOUNT_MISMATCH = "amount_mismatch"
#: The provider account the payment went through is no longer configured: nobody can ask
#: about it until an operator restores the account or settles it by other means.
ACCOUNT_MISSING = "account_missing"


@dataclass(slots=True, kw_only=True)
class Payment(Lifecycle[PaymentStatus]):
    """One attempt to collect an order's amount through one provider.

    Rules: the amount and currency are the order's; the status only moves along TRANSITIONS;
    every change appends a `DomainEvent`; a success whose reported amount or currency differs
    from the payment's is flagged and never marked succeeded.
    """

    KIND: ClassVar[str] = "payment"
    TRANSITIONS: ClassVar[Mapping[Any, frozenset[Any]]] = TRANSITIONS

    id: str
    order_id: str
    store_id: str
    provider: str
    amount: Money
    status: PaymentStatus
    created_at: datetime
    updated_at: datetime
    phone: str | None = None
    provider_reference: str | None = None
    provider_data: dict[str, str] = field(default_factory=dict)
    failure_code: str | None = None
    failure_message: str | None = None
    needs_refund: bool = False
    late_success: bool = False
    flagged_reason: str | None = None
    next_action: NextAction | None = None
    #: The country of the provider account it goes through (None: the default account); every
    #: later call about it (status, callbacks, refunds) uses that account.
    country: str | None = None
    succeeded_at: datetime | None = None
    expires_at: datetime | None = None
    version: int = 0
    events: list[DomainEvent] = field(default_factory=list)
    #: Read from the payment's refunds (never written with the payment): the total of its
    #: refunds that succeeded or are under way, and whether the succeeded ones cover it all.
    amount_refunded: int = 0
    refunded: bool = False
    #: Read from the ledger: the platform's fee, fixed when the payment succeeded (None
    #: before). Booking the sale sets it (application/ledger/book.py).
    fee: int | None = None

    @property
    def net(self) -> int | None:
        """What the sale added to the store's balance: the amount less the fee."""
        return None if self.fee is None else self.amount.amount - self.fee

    @classmethod
    def create(
        cls,
        *,
        id: str,
        order_id: str,
        store_id: str,
        provider: str,
        amount: Money,
        at: datetime,
        phone: str | None = None,
        reference: str | None = None,
        expires_at: datetime | None = None,
        source: Source = Source.API,
        country: str | None = None,
    ) -> Payment:
        """A new attempt, `created`. `reference` is the provider's id for it when we choose
        it ourselves (MTN's X-Reference-Id): it is stored before the provider is called."""
        payment = cls(
            id=id,
            order_id=order_id,
            store_id=store_id,
            provider=provider,
            amount=amount,
            status=S.CREATED,
            created_at=at,
            updated_at=at,
            phone=phone,
            provider_reference=reference,
            expires_at=expires_at,
            country=country,
        )
        payment._record("payment.created", at, source, None, {})
        return payment

    def is_past_ttl(self, now: datetime) -> bool:
        """The time-to-live has passed: an open payment may now be expired."""
        return self.expires_at is not None and now >= self.expires_at

    @property
    def is_final(self) -> bool:
        """Succeeded, failed and cancelled never change again; expired may still succeed."""
        return not TRANSITIONS[self.status]

    # -- transitions -------------------------------------------------------------------

    def mark_pending(
        self,
        at: datetime,
        source: Source,
        *,
        reference: str | None = None,
        next_action: NextAction | None = None,
        data: dict[str, Any] | None = None,
    ) -> bool:
        """The provider has the request (or its outcome is unknown). Returns False on a no-op."""
        changed = self._move(S.PENDING, at, source, data)  # raises before anything is touched
        if reference:
            self.provider_reference = reference
        if next_action:
            self.next_action = next_action
        return changed

    def mark_succeeded(
        self, at: datetime, source: Source, *, data: dict[str, Any] | None = None
    ) -> bool:
        late = self.status is S.EXPIRED
        changed = self._move(S.SUCCEEDED, at, source, {**(data or {}), "late": late})
        if changed:
            self.succeeded_at = at
            self.late_success = late
            self.next_action = None
        return changed

    def mark_failed(
        self,
        at: datetime,
        source: Source,
        *,
        code: str | None,
        message: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> bool:
        changed = self._move(S.FAILED, at, source, data)  # raises before anything is touched
        if changed:
            self.failure_code, self.failure_message = code, message
        return changed

    def expire(self, at: datetime, source: Source = Source.RECONCILIATION) -> bool:
        return self._move(S.EXPIRED, at, source, {})

    def cancel(self, at: datetime, source: Source = Source.API) -> bool:
        return self._move(S.CANCELLED, at, source, {})

    def flag_double_payment(self, at: datetime, source: Source) -> None:
        """The order was already settled when this payment succeeded: the money is real and
        must be refunded. Recorded once."""
        if not self.needs_refund:
            self.needs_refund = True
            self._record("payment.needs_refund", at, source, self.status, {})

    def flag_account_missing(self, at: datetime, source: Source, detail: str) -> bool:
        """Its account was removed from the configuration while it was open: flagged for the
        operator's queue, once (True when this call flagged it)."""
        if self.flagged_reason is not None or self.status not in OPEN_STATUSES:
            return False
        self.flagged_reason = ACCOUNT_MISSING
        self._record("payment.account_missing", at, source, self.status, {"error": detail})
        return True

    # -- provider reports --------------------------------------------------------------

    def apply(self, report: ProviderReport, at: datetime, source: Source) -> Outcome:
        """Apply what the provider's API confirmed. Never raises on an illegal move: it is
        refused and reported through the returned `Outcome`, and changes nothing."""
        try:
            return self._apply(report, at, source)
        except InvalidTransition:
            return Outcome.REFUSED

    def _apply(self, report: ProviderReport, at: datetime, source: Source) -> Outcome:
        raw = {"provider": report.raw} if report.raw else {}
        if report.status is ReportedStatus.SUCCEEDED:
            if report.amount is not None and report.amount != self.amount:
                return self._flag_mismatch(report, at, source)
            if self.status is S.CREATED:
                self.mark_pending(at, source, data=raw)
            return _changed(self.mark_succeeded(at, source, data=raw))
        if report.status is ReportedStatus.FAILED and self.status is S.EXPIRED:
            return Outcome.UNCHANGED  # the provider gave up too: nothing new
        if report.status is ReportedStatus.FAILED:
            changed = self.mark_failed(
                at, source, code=report.failure_code, message=report.failure_message, data=raw
            )
            return _changed(changed)
        if report.status is ReportedStatus.PENDING and self.status is S.CREATED:
            return _changed(self.mark_pending(at, source, data=raw))
        if report.status is ReportedStatus.PENDING and self.status in (S.SUCCEEDED, S.FAILED):
            return Outcome.REFUSED
        return Outcome.UNCHANGED

    def _flag_mismatch(self, report: ProviderReport, at: datetime, source: Source) -> Outcome:
        if self.flagged_reason == AMOUNT_MISMATCH:
            return Outcome.UNCHANGED
        self.flagged_reason = AMOUNT_MISMATCH
        reported = report.amount
        data: dict[str, Any] = {
            "expected": {"amount": self.amount.amount, "currency": self.amount.currency},
            "reported": {"amount": reported.amount, "currency": reported.currency}
            if reported
            else None,
            "provider": report.raw,
        }
        self._record("payment.amount_mismatch", at, source, self.status, data)
        return Outcome.FLAGGED


def _changed(changed: bool) -> Outcome:
    return Outcome.CHANGED if changed else Outcome.UNCHANGED
