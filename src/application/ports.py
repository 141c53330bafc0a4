"""The ports the use cases need, as Protocols. Adapters implement them; fakes stand in for
them in unit tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Protocol, Self, TypeVar

from application.figures import Period, Stats
from domain.accounts import Account
from domain.audit import AuditEntry
from domain.events import DomainEvent
from domain.operator import Operator
from domain.order import Order, OrderStatus
from domain.payment import NextAction, Payment, PaymentStatus
from domain.provider_report import ProviderReport
from domain.refund import Refund, RefundStatus, RefundSupport
from domain.review import Resolution, ReviewItem, ReviewKind
from domain.store import Store, StoreStatus

if TYPE_CHECKING:  # the ledger's and payouts' ports use this module's Page
    from application.ledger.ports import Ledger
    from application.payouts.ports import (
        PayoutDestinationRepository,
        PayoutRepository,
        PayoutScheduleRepository,
    )

# -- small value types crossing the ports ----------------------------------------------------

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list, newest first; `next_cursor` is the last id when there is more."""

    data: list[T]
    has_more: bool

    @property
    def next_cursor(self) -> str | None:
        last = self.data[-1] if self.data else None
        return getattr(last, "id", None) if self.has_more else None


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int = 20
    starting_after: str | None = None


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
class RefundFilter:
    payment_id: str | None = None
    status: RefundStatus | None = None


@dataclass(frozen=True, slots=True)
class StoreFilter:
    """`query` matches a store's name (case-insensitive, anywhere) or its exact id."""

    query: str | None = None
    status: StoreStatus | None = None


@dataclass(frozen=True, slots=True)
class AuditFilter:
    subject_id: str | None = None
    actor_id: str | None = None


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """A domain event as stored, with its id (`evt_...`)."""

    id: str
    event: DomainEvent


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
class DeliveryAttempt:
    """One try to deliver a notification to a store: a status code, or the error."""

    at: datetime
    url: str
    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True, slots=True)
class Notification:
    """An event announced to a store (the outbox row), with its delivery state:
    `pending`, `delivered`, `failed` (gave up) or `no_endpoint`."""

    id: str
    store_id: str
    type: str
    subject_id: str
    body: bytes
    created_at: datetime
    state: str
    attempts: int
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    last_status_code: int | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status: int
    body: bytes


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    request_hash: str
    response: StoredResponse | None  # None while the first request is still in flight
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StartResult:
    """The provider accepted the request: the customer now has something to do."""

    reference: str | None
    next_action: NextAction | None
    provider_data: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RefundStarted:
    """The provider's answer to a refund request: its id for the refund (when it names
    one) and what it says of it (usually pending)."""

    reference: str | None
    report: ProviderReport


# -- infrastructure ports --------------------------------------------------------------------


class Clock(Protocol):
    def now(self) -> datetime: ...


class IdGenerator(Protocol):
    def new(self, prefix: str) -> str:
        """A new opaque, sortable id such as `pay_01J...`."""
        ...


class PhoneNormalizer(Protocol):
    def normalize(self, raw: str, country: str | None) -> str:
        """E.164 form of `raw`, read for `country` (ISO 3166 alpha-2) when it has no `+`.
        Raises `InvalidPhone`."""
        ...

    def country_of(self, e164: str) -> str | None:
        """The country (ISO 3166 alpha-2) an E.164 number belongs to; None when unknown."""
        ...


class NotificationUrls(Protocol):
    async def check(self, url: str) -> None:
        """Raises `InvalidNotificationUrl` when the service must not send to `url`."""
        ...


class Throttle(Protocol):
    def take(self, key: str) -> int | None:
        """None when a request for `key` may go on now (it is counted); else the whole
        seconds to wait before the next one may."""
        ...


class PaymentLog(Protocol):
    def changed(self, payment: Payment, event: DomainEvent) -> None:
        """Write one line per payment change (phones masked, no secrets)."""
        ...

    def anomaly(self, payment: Payment, what: str, detail: Mapping[str, Any]) -> None:
        """Report something that changed nothing but must be looked at (illegal transition)."""
        ...


class Credentials(Protocol):
    """Makes store secrets. API keys are only ever stored as `hash_api_key(key)`."""

    def new_api_key(self) -> str: ...
    def hash_api_key(self, key: str) -> str: ...
    def new_webhook_secret(self) -> str: ...
    def new_operator_token(self) -> str: ...


# -- repositories and the unit of work -------------------------------------------------------


class StoreRepository(Protocol):
    async def add(self, store: Store) -> None: ...
    async def get(self, store_id: str) -> Store | None: ...
    async def by_api_key_hash(self, key_hash: str) -> Store | None: ...
    async def search(
        self, page: PageRequest, filters: StoreFilter | None = None
    ) -> Page[Store]: ...
    async def replace_api_key(self, store_id: str, key_hash: str, prefix: str) -> bool: ...

    async def get_for_update(self, store_id: str) -> Store | None:
        """The store, its row locked until the transaction ends."""
        ...

    async def save(self, store: Store) -> None:
        """Write the store's name, notification URL, webhook secret and suspension."""
        ...


# -- the operator's desk ---------------------------------------------------------------------


class OperatorRepository(Protocol):
    async def add(self, operator: Operator) -> None:
        """Raises `OperatorNameTaken` when the name is in use."""
        ...

    async def by_token_hash(self, token_hash: str) -> Operator | None: ...
    async def by_name(self, name: str) -> Operator | None: ...
    async def get(self, operator_id: str) -> Operator | None: ...
    async def all(self) -> list[Operator]: ...
    async def save(self, operator: Operator) -> None: ...


class AuditLog(Protocol):
    """Append-only: there is no way to change or remove an entry."""

    async def append(self, entry: AuditEntry) -> None: ...
    async def search(self, filters: AuditFilter, page: PageRequest) -> Page[AuditEntry]: ...


class ReviewQueue(Protocol):
    """The items that need a person, derived from payments, refunds and notifications,
    less those resolved."""

    async def open_items(self, kind: ReviewKind | None, limit: int) -> Page[ReviewItem]:
        """Oldest first, at most `limit` (with `has_more`)."""
        ...

    async def open_item(self, subject_id: str) -> ReviewItem | None:
        """The subject's unresolved item, None when it has none (or it left the queue)."""
        ...

    async def record(self, resolution: Resolution) -> None:
        """Take the item out of the queue. Raises `AlreadyResolved` when it has left it."""
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


class PaymentRepository(Protocol):
    async def add(self, payment: Payment) -> None: ...

    async def get(self, payment_id: str, *, for_update: bool = False) -> Payment | None:
        """Any store's payment (used by callbacks and jobs); `for_update` locks the row."""
        ...

    async def lock_with_order(self, payment_id: str) -> tuple[Payment, Order] | None:
        """The payment and its order, both locked until the transaction ends (one read)."""
        ...

    async def get_for_store(self, store_id: str, payment_id: str) -> Payment | None: ...

    async def save(self, payment: Payment) -> None:
        """Write the payment's changes and append its new events."""
        ...

    async def for_order(self, order_id: str) -> list[Payment]: ...

    async def for_orders(self, order_ids: list[str]) -> list[Payment]:
        """The payments of several orders at once, oldest first."""
        ...

    async def search(
        self, store_id: str, filters: PaymentFilter, page: PageRequest
    ) -> Page[Payment]: ...

    async def history(self, payment_id: str) -> list[RecordedEvent]:
        """Every event of the payment, oldest first."""
        ...


class RefundRepository(Protocol):
    async def add(self, refund: Refund) -> None:
        """Insert the refund and its recorded events (announced to the store)."""
        ...

    async def get(self, refund_id: str, *, for_update: bool = False) -> Refund | None:
        """Any store's refund (jobs, operators); `for_update` locks the row."""
        ...

    async def get_for_store(self, store_id: str, refund_id: str) -> Refund | None: ...

    async def save(self, refund: Refund) -> None:
        """Write the refund's changes and append its new events."""
        ...

    async def held(self, payment_id: str) -> int:
        """What the payment's pending, succeeded and requires_action refunds add up to."""
        ...

    async def search(
        self, store_id: str | None, filters: RefundFilter, page: PageRequest
    ) -> Page[Refund]:
        """A store's refunds (every store's when `store_id` is None), newest first."""
        ...

    async def history(self, refund_id: str) -> list[RecordedEvent]: ...

    async def plan(self, refund_id: str, at: datetime | None, attempts: int) -> None:
        """Next check of a pending refund with its provider (None: never again)."""
        ...

    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[tuple[str, int]]:
        """(refund id, attempts) of pending refunds whose check is due, leased meanwhile."""
        ...


class WebhookInbox(Protocol):
    async def record(self, delivery: WebhookDelivery, at: datetime) -> str | None:
        """Store the raw delivery; its id, or None when (provider, event_id) was seen before."""
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


class NotificationOutbox(Protocol):
    """Notifications are written by the repositories with the changes they announce."""

    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[Notification]: ...

    async def record_attempt(
        self,
        notification_id: str,
        attempt: DeliveryAttempt | None,
        state: str,
        next_attempt_at: datetime | None,
    ) -> None:
        """Store the attempt (when one was made) and the new delivery state."""
        ...

    async def search(self, store_id: str, page: PageRequest) -> Page[Notification]: ...

    async def history(self, notification_id: str) -> list[DeliveryAttempt]: ...

    async def redeliver(self, store_id: str, notification_id: str, at: datetime) -> bool:
        """Send the store's notification again from `at`; False when it is not the store's."""
        ...


class IdempotencyRepository(Protocol):
    async def claim(
        self, store_id: str, key: str, request_hash: str, at: datetime
    ) -> IdempotencyRecord | None:
        """Claim the key for a new request. Returns None when claimed, else the existing
        record (same key seen before, within its 24 h)."""
        ...

    async def complete(self, store_id: str, key: str, response: StoredResponse) -> None: ...

    async def release(self, store_id: str, key: str) -> None:
        """Forget a claim whose request failed unexpectedly, so it can be retried."""
        ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the block without `commit()` rolls everything back."""

    stores: StoreRepository
    orders: OrderRepository
    payments: PaymentRepository
    webhooks: WebhookInbox
    idempotency: IdempotencyRepository
    schedule: ReconciliationSchedule
    notifications: NotificationOutbox
    refunds: RefundRepository
    operators: OperatorRepository
    audit: AuditLog
    review: ReviewQueue
    ledger: Ledger
    payout_destinations: PayoutDestinationRepository
    payouts: PayoutRepository
    payout_schedules: PayoutScheduleRepository

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, read_only: bool = False, autocommit: bool = False) -> UnitOfWork:
        """A new unit of work. `read_only`: it only reads (and cannot commit), so the
        adapter may skip the transaction: each read then sees the latest committed data.
        `autocommit`: no transaction either; each statement stands alone and is kept when it
        succeeds (for one atomic write, such as recording a callback). It cannot commit."""
        ...


# -- read models (outside the unit of work: one statement each) -----------------------------


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


class DatabaseProbe(Protocol):
    async def __call__(self) -> bool:
        """True when the database answers now."""
        ...


# -- payment providers -----------------------------------------------------------------------


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


class RefundProvider(Protocol):
    """Giving money back through one provider. `refunds` says what it can refund."""

    name: str
    refunds: RefundSupport

    def refund_reference_for(self, refund_id: str) -> str | None:
        """The provider-side id of a refund, stored before the provider is called (MTN's
        X-Reference-Id), or None when the provider names it."""
        ...

    async def refund(self, refund: Refund, payment: Payment) -> RefundStarted:
        """Ask the provider to refund. Returns what it said (pending, succeeded, failed).
        Raises `ProviderRejected` when it refuses, `ProviderUnavailable` when the outcome is
        unknown (timeout, network error, 5xx): the refund then stays pending."""
        ...

    async def fetch_refund(self, refund: Refund, payment: Payment) -> ProviderReport:
        """Ask the provider's own API about the refund. Raises `ProviderUnavailable`."""
        ...


class NotificationSender(Protocol):
    async def send(self, url: str, body: bytes, secret: str) -> DeliveryAttempt:
        """POST `body` signed with `Payments-Signature`; never raises for HTTP failures."""
        ...


class Metrics(Protocol):
    """Counters the use cases feed (Prometheus behind the adapter)."""

    def double_payment(self, provider: str) -> None: ...
    def reconciliation_error(self, provider: str) -> None: ...
    def notification_delivery(self, outcome: str) -> None: ...
    def payment_final(self, provider: str, status: str, failure_code: str | None) -> None: ...


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


class RefundProviders(Protocol):
    """The configured providers' refunds, by account: the providers themselves, never
    behind anything that guards new payments (a circuit breaker must not block refunds)."""

    def refunder(self, name: str, country: str | None = None) -> RefundProvider:
        """Raises `ProviderNotAvailable` when the account is not configured here."""
        ...


class PhoneArchive(Protocol):
    """Where full phone numbers are kept, for the retention pass (`MaskOldPhones`)."""

    async def mask_payments_before(self, cutoff: datetime, limit: int) -> int:
        """Mask the full numbers of at most `limit` payments created before `cutoff` (in the
        payment, its events and the callbacks stored for it), in one transaction; return how
        many payments were masked."""
        ...
