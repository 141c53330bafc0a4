"""The payout ports: what the payout use cases ask a mobile-money provider, and what the
operators' balance comparison ("where is the money") reads.

Rules every gateway keeps:
- `send` and `look_up` never raise for a provider's answer: a timeout, a network error, a
  5xx, a 429 or an answer the gateway cannot read is `pending` (the outcome is unknown),
  never `failed`; only a final refusal the provider documents is `failed`, with a stable
  snake_case `failure_code`.
- `order.reference` is made and stored before `send`; every retry of the same order sends
  the same reference (MTN's X-Reference-Id, Wave's Idempotency-Key is derived from it), so
  the provider never pays twice.
- `look_up` applies the provider's lookup-then-resend rule: when the provider says it never
  received the order (MTN's 404 after a timeout), it sends it again with the same reference.
- `data` is the provider's payload with phone numbers masked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from domain.money import Money


@dataclass(frozen=True, slots=True)
class PayoutOrder:
    """What we ask a provider to send. `payout_id` ("po_...") is Wave's client_reference
    and MTN's externalId; `reference` (a UUID4) is MTN's X-Reference-Id, the seed of Wave's
    Idempotency-Key and Moov's reference; `phone` is E.164; `country` selects the provider
    account (None: the provider's default account). `provider_reference` is what an earlier
    report of this payout named (Wave's "pt-..." id, Moov's transaction id): give it to
    `look_up` when it is known (Wave is then asked by id instead of searched)."""

    payout_id: str
    reference: str
    amount: Money
    phone: str
    name: str | None
    country: str | None
    provider_reference: str | None = None


PayoutStatus = Literal["pending", "succeeded", "failed"]


@dataclass(frozen=True, slots=True)
class PayoutReport:
    """What the provider said. `provider_reference`: MTN's X-Reference-Id, Wave's "pt-..."
    id, Moov's transaction id. `provider_fee`: minor units the operator charged (Wave's
    fee), None when unknown."""

    status: PayoutStatus
    provider_reference: str | None
    failure_code: str | None
    failure_message: str | None
    provider_fee: int | None
    data: Mapping[str, Any]


class PayoutGateway(Protocol):
    provider: str
    #: the provider account it pays from (None: the provider's default account): a payout
    #: is booked on, and followed through, that account
    country: str | None

    async def send(self, order: PayoutOrder) -> PayoutReport:
        """Ask the provider to send the order's money (same reference on every retry)."""
        ...

    async def look_up(self, order: PayoutOrder) -> PayoutReport:
        """Ask the provider where the order stands, resending it when the provider's rule
        says it was never received."""
        ...


class BalanceGateway(Protocol):
    provider: str
    country: str | None

    async def balance(self) -> list[Money]:
        """What the operator says this account holds, one amount per currency."""
        ...


class PayoutGateways(Protocol):
    def payout_gateway(self, provider: str, country: str | None) -> PayoutGateway | None:
        """The gateway of the provider's account for `country` (None: its default account);
        None when the provider has no payout API or is not configured for payouts
        (payouts_not_supported)."""
        ...

    def balance_gateways(self) -> Sequence[BalanceGateway]:
        """One per configured provider account that can tell its balance."""
        ...


ClearingKey = tuple[str, str | None]


class ClearingBalances(Protocol):
    async def clearing_balances(self) -> Mapping[ClearingKey, list[Money]]:
        """What the ledger says each provider account holds for the marketplace (its
        clearing account), keyed by (provider, country), one amount per currency."""
        ...

    async def provider_fees(self) -> Mapping[ClearingKey, list[Money]]:
        """The operators' fees the ledger booked on each provider account (Wave's payout
        fee), keyed and counted like `clearing_balances` (already inside them)."""
        ...
