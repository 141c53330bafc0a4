"""The payout aggregate: money sent from a store's balance to its destination.

pending -> succeeded | failed | requires_action; requires_action -> succeeded | failed.
`pending` means the provider has (or may have) the order: a timeout or a 5xx is pending,
never failed. `requires_action` means nobody could confirm it in time: a person checks with
the operator and records it paid (with the operator's reference) or failed. The same status
twice is a no-op."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from domain.errors import PaymentError
from domain.events import DomainEvent, Source
from domain.lifecycle import Lifecycle
from domain.money import Money


class PayoutStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REQUIRES_ACTION = "requires_action"


P = PayoutStatus
TRANSITIONS: dict[PayoutStatus, frozenset[PayoutStatus]] = {
    P.PENDING: frozenset({P.SUCCEEDED, P.FAILED, P.REQUIRES_ACTION}),
    P.REQUIRES_ACTION: frozenset({P.SUCCEEDED, P.FAILED}),
    P.SUCCEEDED: frozenset(),
    P.FAILED: frozenset(),
}


class InsufficientBalance(PaymentError):
    """A payout may not take more than the store's available balance."""


class PayoutNotAwaitingAction(PaymentError):
    """A person may only settle a payout that waits for them (`requires_action`)."""


class PayoutReferenceRequired(PaymentError):
    """A payout recorded as paid by a person names the operator's reference."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a provider (or a person) said: `status` is pending, succeeded or failed."""

    status: str
    provider_reference: str | None = None
    provider_fee: int | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(slots=True, kw_only=True)
class Payout(Lifecycle[PayoutStatus]):
    """Rules: its status only moves along TRANSITIONS, each change with its event; the
    reference the provider knows it by is chosen and stored before it is sent."""

    KIND: ClassVar[str] = "payout"
    TRANSITIONS: ClassVar[Mapping[Any, frozenset[Any]]] = TRANSITIONS

    id: str
    store_id: str
    destination_id: str
    provider: str
    country: str | None
    phone: str
    name: str | None
    amount: Money
    reference: str
    status: PayoutStatus
    created_at: datetime
    updated_at: datetime
    description: str | None = None
    provider_reference: str | None = None
    provider_fee: int | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    succeeded_at: datetime | None = None
    schedule_key: str | None = None
    version: int = 0
    events: list[DomainEvent] = field(default_factory=list)

    @classmethod
    def create(cls, *, at: datetime, source: Source = Source.API, **fields: Any) -> Payout:
        payout = cls(status=P.PENDING, created_at=at, updated_at=at, **fields)
        payout._record("payout.created", at, source, None, {})
        return payout

    @property
    def is_final(self) -> bool:
        return not TRANSITIONS[self.status]

    def apply(self, outcome: Outcome, at: datetime, source: Source) -> bool:
        """What the provider confirmed. Pending changes nothing (but a reference or a fee
        learnt is kept); a settled payout is never reopened. Returns whether it changed."""
        self.provider_reference = self.provider_reference or outcome.provider_reference
        if outcome.provider_fee is not None:
            self.provider_fee = outcome.provider_fee
        if self.status is not P.PENDING or outcome.status == "pending":
            return False
        data = {"provider": dict(outcome.data)} if outcome.data else {}
        if outcome.status == "succeeded":
            return self._succeed(at, source, data)
        return self._fail(at, source, outcome.failure_code, outcome.failure_message, data)

    def require_action(self, at: datetime, why: str) -> bool:
        if self.status is not P.PENDING:
            return False
        return self._move(P.REQUIRES_ACTION, at, Source.RECONCILIATION, {"why": why})

    def record_manual(
        self, at: datetime, *, paid: bool, reference: str, operator: str, note: str | None
    ) -> bool:
        """A person settled a payout waiting for them: paid (the operator's reference is
        required) or failed (the money goes back to the store)."""
        if self.status is not P.REQUIRES_ACTION:
            raise PayoutNotAwaitingAction(f"payout {self.id} is {self.status}")
        if paid and not reference.strip():
            raise PayoutReferenceRequired("the operator's reference is required")
        data: dict[str, Any] = {"operator": operator, "reference": reference, "note": note}
        if paid:
            self.provider_reference = reference.strip()
            return self._succeed(at, Source.SYSTEM, data)
        return self._fail(at, Source.SYSTEM, "manual_payout_failed", note, data)

    def _succeed(self, at: datetime, source: Source, data: dict[str, Any]) -> bool:
        changed = self._move(P.SUCCEEDED, at, source, data)
        if changed:
            self.succeeded_at = at
        return changed

    def _fail(
        self, at: datetime, source: Source, code: str | None, message: str | None,
        data: dict[str, Any],
    ) -> bool:  # fmt: skip
        changed = self._move(P.FAILED, at, source, data)
        if changed:
            self.failure_code, self.failure_message = code or "payout_failed", message
        return changed
