"""The ports of orders and payments: their repositories, the webhook inbox, the
reconciliation schedule, the payment providers and the read models."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from application.payments.figures import Period, Stats
from application.shared.ports import Page, PageRequest, RecordedEvent
from domain.accounts import Account
from domain.order import Order, OrderStatus
from domain.payment import NextAction, Payment, PaymentStatus
from domain.provider_report import ProviderReport


@dataclass(frozen=True, slots=True)
class OrderFilter:
    status: OrderStatus | None = None
    reference: str | None = None
    customer_reference: str | None = None


@dataclass(frozen=True, slots=True)
class PaymentFilter:
    """`customer_reference` selects the payments of that customer's orders."""

    order_id: str | None = None
    status: PaymentStatus | None = None
    provider: str | None = None
    customer_reference: str | None = None


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """An authenticated provider callback: who it is about and its de-duplication key."""

    provider: str
    event_id: str
    payment_id: str | None
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


class DeliveryOutcome(StrEnum):
    """What processing a stored callback came to."""

    APPLIED = "applied"  # the provider's confirmed answer was applied (or the payment is final)
    DUPLICATE = "duplicate"  # seen before: nothing stored, nothing done
    NO_PAYMENT = "no_payment"  # the callback names no payment
    UNKNOWN_PAYMENT = "unknown_payment"  # it names a payment we do not have
    DEFERRED = "deferred"  # the provider could not confirm now: retried later

    def recorded(self, status: PaymentStatus | None = None) -> str:
        """The inbox's `outcome` column: `applied:<status>` for an applied one."""
        return f"{self.value}:{status.value}" if status is not None else self.value


@dataclass(frozen=True, slots=True)
class StoredDelivery:
    """A delivery in the inbox that still has to be processed."""

    id: str
    delivery: WebhookDelivery
    attempts: int


@dataclass(frozen=True, slots=True)
class StartResult:
    """The provider accepted the request: the customer now has something to do."""

    reference: str | None
    next_action: NextAction | None
    provider_data: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)


class PhoneNormalizer(Protocol):
    def normalize(self, raw: str, country: str | None) -> str:
        """E.164 form of `raw`, read for `country` (ISO 3166 alpha-2) when it has no `+`.
        Raises `InvalidPhone`."""
        ...

    def country_of(self, e164: str) -> str | None:
        """The country (ISO 3166 alpha-2) an E.164 number belongs to; None when unknown."""
        ...


class OrderRepository(Protocol):
    async def expired_ids(self, now: datetime, limit: int) -> list[tuple[str, str]]:
        """(store id, order id) of orders waiting for payment past their time-to-live."""
        ...

    async def add(self, order: Order) -> None:
        """Insert the order and its recorded events."""
        ...

    async def get(self, store_id: str, order_id: str, *, for_update: bool = False) -> Order | None:
        """The store's order; `for_update` locks its row until the transaction ends."""
        ...

    async def save(self, order: Order) -> None:
        """Write the order's changes and append its new events."""
        ...

    async def search(
        self, store_id: str, filters: OrderFilter, page: PageRequest
    ) -> Page[Order]: ...


#: A payment, its order and its store's own fee rate in basis points (None: the platform's),
#: read together.
PaymentWithOrder = tuple[Payment, Order, int | None]


class PaymentRepository(Protocol):
    async def add(self, payment: Payment) -> None: ...

    async def get(self, payment_id: str, *, for_update: bool = False) -> Payment | None:
        """Any store's payment (used by callbacks and jobs); `for_update` locks the row."""
        ...

    async def lock_with_order(self, payment_id: str) -> PaymentWithOrder | None:
        """The payment and its order, both locked until the transaction ends, and its store's
        own fee rate in basis points (None: the platform's), in one read."""
        ...

    async def with_order(self, payment_id: str) -> PaymentWithOrder | None:
        """As `lock_with_order`, without locking anything."""
        ...

    async def get_for_store(self, store_id: str, payment_id: str) -> Payment | None: ...

    async def save(self, payment: Payment) -> None:
        """Write the payment's changes and append its new events."""
        ...

    async def for_order(self, order_id: str) -> list[Payment]: ...

    async def lock_order_with_payments(
        self, store_id: str, order_id: str
    ) -> tuple[Order, list[Payment]] | None:
        """The store's order, locked until the transaction ends, and its payments, oldest
        first, read once the lock is held (a payment that the lock's previous holder added is
        seen); the two reads leave together, one round trip."""
        ...

    async def for_orders(self, order_ids: list[str]) -> list[Payment]:
        """The payments of several orders at once, oldest first."""
        ...

    async def search(
        self, store_id: str, filters: PaymentFilter, page: PageRequest
    ) -> Page[Payment]: ...

    async def history(self, payment_id: str) -> list[RecordedEvent]:
        """Every event of the payment, oldest first."""
        ...


class WebhookInbox(Protocol):
    async def record(self, delivery: WebhookDelivery, at: datetime) -> str | None:
        """Store the raw delivery; its id, or None when (provider, event_id) was seen before."""
        ...

    async def record_and_read(
        self, delivery: WebhookDelivery, at: datetime
    ) -> tuple[str | None, PaymentWithOrder | None]:
        """`record`, and in the same statement, when the delivery is new, the payment it names
        as `PaymentRepository.with_order` reads it (None: no such payment, or none named)."""
        ...

    async def mark_processed(
        self,
        delivery_id: str,
        at: datetime,
        outcome: DeliveryOutcome,
        status: PaymentStatus | None = None,
    ) -> None:
        """Processing is over; `status`: the payment's status once an outcome was applied."""
        ...

    async def claim_unprocessed(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[StoredDelivery]:
        """Deliveries due for (another) processing attempt, leased until `lease_until` so
        that no other worker takes them meanwhile."""
        ...

    async def defer(self, delivery_id: str, next_attempt_at: datetime, error: str) -> None: ...


class ReconciliationSchedule(Protocol):
    """When each open payment is next checked with its provider."""

    async def plan(self, payment_id: str, at: datetime | None, attempts: int) -> None:
        """Next check at `at` (None: never again); `attempts` checks were made so far."""
        ...

    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[tuple[str, int]]:
        """(payment id, attempts) of payments whose check is due, leased meanwhile."""
        ...


class OrderLocator(Protocol):
    async def store_of(self, order_id: str) -> str | None:
        """The id of the store that owns the order, None when there is no such order."""
        ...


class StatsReader(Protocol):
    async def stats(self, store_id: str, period: Period) -> Stats:
        """The store's figures over `period`: orders and payments created in it, revenue
        (succeeded payments, per currency and per UTC day) received in it."""
        ...


class PendingAges(Protocol):
    async def __call__(self, now: datetime) -> dict[str, int]:
        """Open payments counted by age bucket name; empty buckets omitted."""
        ...


class PaymentLookup(Protocol):
    async def __call__(self, payment_id: str) -> Payment | None:
        """One payment by id (any store), read outside any transaction."""
        ...


class PaymentProvider(Protocol):
    """One mobile-money operator behind one adapter."""

    name: str
    requires_phone: bool

    def reference_for(self, payment_id: str) -> str | None:
        """The provider-side id to store on the payment before the provider is called
        (so a lost answer can be looked up by it), or None when the provider assigns one."""
        ...

    async def start(self, payment: Payment, order: Order) -> StartResult:
        """Ask the provider to collect `payment`. Raises `ProviderRejected` when it refuses,
        `ProviderUnavailable` when the outcome is unknown (timeout, network error, 5xx)."""
        ...

    async def fetch_status(self, payment: Payment) -> ProviderReport:
        """Ask the provider's own API. Raises `ProviderUnavailable` when it cannot answer."""
        ...


class WebhookAuthenticator(Protocol):
    """Checks one provider's callbacks and reads who they are about."""

    async def authenticate(
        self, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]
    ) -> WebhookDelivery:
        """Raises `WebhookRejected` (authentication) or `MalformedWebhook` (unreadable)."""
        ...


class ProviderRegistry(Protocol):
    """The configured provider accounts (domain/accounts.py): one per provider and country,
    and each provider's default account (country None)."""

    def get(self, name: str, country: str | None = None) -> PaymentProvider:
        """The provider of exactly that account (a payment's recorded one); raises
        `ProviderNotAvailable` when it is not configured (any more)."""
        ...

    def choose(self, name: str, country: str | None) -> tuple[Account, PaymentProvider]:
        """The account a new payment in `country` goes through: the provider's account of
        that country, else its default account; `ProviderNotAvailable` (naming provider and
        country) when it has neither."""
        ...

    def webhook_authenticator(self, name: str) -> WebhookAuthenticator:
        """By callback route: `mtn` (default account) or `mtn/cm` (an account's)."""
        ...

    def available(self) -> Sequence[str]:
        """The providers' names (each once, whatever its accounts)."""
        ...

    def accounts(self) -> Sequence[Account]:
        """Every configured account, sorted by provider then country (default first)."""
        ...


class PhoneArchive(Protocol):
    """Where personal data is kept, for the retention pass (`MaskOldPhones`)."""

    async def mask_payments_before(self, cutoff: datetime, limit: int) -> int:
        """Mask the full numbers of at most `limit` payments created before `cutoff` (in the
        payment, its events, the callbacks stored for it and the notifications about it), in
        one transaction; return how many payments were masked."""
        ...

    async def mask_orders_before(self, cutoff: datetime, limit: int) -> int:
        """Mask the customer (name, phone, email) of at most `limit` orders created before
        `cutoff` (in the order and the notifications about it), in one transaction; return
        how many orders were masked."""
        ...

    async def mask_payouts_before(self, cutoff: datetime, limit: int) -> int:
        """Mask the payee (number and name) of at most `limit` settled payouts created before
        `cutoff` (in the payout, its events and the notifications about it), in one
        transaction; return how many payouts were masked. A pending payout is kept: it may
        be sent again."""
        ...

    async def mask_destinations_disabled_before(self, cutoff: datetime, limit: int) -> int:
        """Mask the number and name of at most `limit` payout destinations disabled before
        `cutoff` (in the destination and the notifications about it), in one transaction;
        return how many were masked. An active destination is kept: it is needed to pay."""
        ...

    async def purge_idempotency_before(self, cutoff: datetime) -> int:
        """Delete the idempotency records created before `cutoff` (they hold whole answers,
        personal data included); return how many were deleted."""
        ...


@runtime_checkable
class CallbackReports(Protocol):
    """A provider with no status query, whose authenticated callback is its only word (Moov
    Money in Togo): what a stored callback says of the payment; None: ask `fetch_status`."""

    def callback_report(self, body: bytes, payment: Payment) -> ProviderReport | None: ...
