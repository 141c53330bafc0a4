"""In-memory fakes of every port of the application (`application/*/ports.py` and
`application/unit_of_work.py`), for unit tests.

They behave like the real adapters wherever a use case could tell the difference:
- repositories hand out copies, so a change that is not saved is lost;
- `add`/`save` give each new event an `evt_` id, append it to the history and clear the
  aggregate's `events`; `save` checks and bumps `version` (a stale copy raises
  `ConcurrentUpdate`, like the Postgres repositories; `for_update` locks nothing);
- a unit of work works on a private copy of the committed state: `commit()` publishes what it
  wrote, leaving the block without `commit()` throws it away. Ids drawn from the database's
  sequences are not given back on rollback, as in Postgres.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import deque
from collections.abc import Mapping, Sequence
from copy import deepcopy
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar

from tests.desk_fakes import (
    DESK_TABLES,
    InMemoryAuditLog,
    InMemoryOperatorRepository,
    InMemoryReviewQueue,
    search_stores,
)
from tests.ledger_fakes import LEDGER_TABLES, InMemoryLedger
from tests.payout_doubles import (
    PAYOUT_TABLES,
    InMemoryPayoutDestinationRepository,
    InMemoryPayoutRepository,
    InMemoryPayoutScheduleRepository,
)

from application.dispatch import Dispatch, EventHandlers
from application.errors import (
    ConcurrentChange,
    MalformedWebhook,
    ProviderNotAvailable,
    ProviderUnavailable,
    WebhookRejected,
)
from application.event_handlers import event_handlers
from application.ledger.ports import Ledger
from application.payments.ports import (
    DeliveryOutcome,
    OrderFilter,
    OrderRepository,
    PaymentFilter,
    PaymentRepository,
    PaymentWithOrder,
    ReconciliationSchedule,
    StartResult,
    StoredDelivery,
    WebhookDelivery,
    WebhookInbox,
)
from application.refunds.ports import RefundFilter, RefundRepository, RefundStarted
from application.shared.ports import (
    Change,
    IdempotencyRecord,
    IdempotencyRepository,
    Page,
    PageRequest,
    RecordedEvent,
    StoredResponse,
)
from application.stores.ports import (
    AuditLog,
    DeliveryAttempt,
    Notification,
    NotificationOutbox,
    OperatorRepository,
    ReviewQueue,
    StoreFilter,
    StoreRepository,
)
from domain.accounts import Account, AccountId
from domain.errors import InvalidPhone
from domain.events import DomainEvent
from domain.order import Order
from domain.payment import NextAction, Payment, PaymentStatus
from domain.provider_report import ProviderReport, ReportedStatus
from domain.refund import HOLDING, Refund, RefundSupport
from domain.store import Store

# -- clock, ids, credentials, phones, log ----------------------------------------------------


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, now: datetime = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now

    def set(self, now: datetime) -> None:
        self._now = now

    def advance(self, delta: timedelta | None = None, **parts: float) -> datetime:
        """`advance(timedelta(minutes=5))` or `advance(minutes=5)`; returns the new time."""
        self._now += (delta or timedelta()) + timedelta(**parts)
        return self._now


class SequentialIds:
    """`pay_0001`, `pay_0002`, `ord_0001`...: one counter per prefix, sortable."""

    def __init__(self) -> None:
        self._counters: dict[str, int] = {}

    def new(self, prefix: str) -> str:
        self._counters[prefix] = self._counters.get(prefix, 0) + 1
        return f"{prefix}_{self._counters[prefix]:04d}"


class FakeCredentials:
    """Predictable keys (`sk_test_0001kkkk...`, prefix `sk_test_0001`) hashed with SHA-256."""

    def __init__(self) -> None:
        self._count = 0

    def new_api_key(self) -> str:
        self._count += 1
        return f"sk_test_{self._count:04d}" + "k" * 24

    def hash_api_key(self, key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def new_webhook_secret(self) -> str:
        self._count += 1
        return f"whsec_test_{self._count:04d}"

    def new_operator_token(self) -> str:
        self._count += 1
        return f"op_test_{self._count:04d}" + "t" * 24


_E164 = re.compile(r"\+\d{8,15}")


class FakePhoneNormalizer:
    """Accepts `+` and 8 to 15 digits (spaces ignored); anything else is `InvalidPhone`."""

    def normalize(self, raw: str, country: str | None) -> str:
        number = raw.replace(" ", "")
        if not _E164.fullmatch(number):
            raise InvalidPhone(f"{raw!r} is not an international number")
        return number

    def country_of(self, e164: str) -> str | None:
        """By calling code: the few countries the tests use."""
        codes = {"+225": "CI", "+237": "CM", "+221": "SN", "+228": "TG", "+229": "BJ"}
        codes |= {"+233": "GH", "+256": "UG", "+223": "ML", "+226": "BF"}
        return next((cc for code, cc in codes.items() if e164.startswith(code)), None)


@dataclass(frozen=True, slots=True)
class LoggedAnomaly:
    payment_id: str
    what: str
    detail: dict[str, Any]


class RecordingPaymentLog:
    """Keeps what would have been logged: `changes` (events) and `anomalies`."""

    def __init__(self) -> None:
        self.changes: list[DomainEvent] = []
        self.anomalies: list[LoggedAnomaly] = []

    def changed(self, subject: Payment | Refund, event: DomainEvent) -> None:
        self.changes.append(event)

    def anomaly(self, subject: Payment | Refund, what: str, detail: Mapping[str, Any]) -> None:
        self.anomalies.append(LoggedAnomaly(subject.id, what, dict(detail)))

    @property
    def change_types(self) -> list[str]:
        return [event.type for event in self.changes]


# -- the database and its transactions -------------------------------------------------------

TABLES = (
    "stores",
    "orders",
    "payments",
    "events",
    "webhooks",
    "idempotency",
    "schedule",
    "notifications",
    "attempts",
    "refunds",
    "refund_checks",
    *DESK_TABLES,
    *LEDGER_TABLES,
    *PAYOUT_TABLES,
)
IDEMPOTENCY_TTL = timedelta(hours=24)


@dataclass(slots=True)
class InboxEntry:
    """A stored provider callback."""

    id: str
    delivery: WebhookDelivery
    received_at: datetime
    processed_at: datetime | None = None
    outcome: str | None = None
    next_attempt_at: datetime | None = None
    attempts: int = 0


class InMemoryDatabase:
    """The committed state, shared by every unit of work made from it. Its read helpers
    return copies, for assertions."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[Any, Any]] = {name: {} for name in TABLES}
        self.commits = 0
        self._sequences: dict[str, int] = {}

    def next_id(self, prefix: str) -> str:
        self._sequences[prefix] = self._sequences.get(prefix, 0) + 1
        return f"{prefix}_{self._sequences[prefix]:06d}"

    def rows(self, table: str) -> list[Any]:
        return [deepcopy(row) for _, row in sorted(self.tables[table].items())]

    def events_of(self, subject_id: str) -> list[RecordedEvent]:
        return [e for e in self.rows("events") if e.event.subject_id == subject_id]


class _Transaction:
    """A private copy of the tables plus the keys written, published by `commit`."""

    def __init__(self, database: InMemoryDatabase) -> None:
        self.database = database
        self.tables = deepcopy(database.tables)
        self.written: set[tuple[str, Any]] = set()

    def get(self, table: str, key: Any) -> Any | None:
        return deepcopy(self.tables[table].get(key))

    def latest(self, table: str, key: Any) -> Any | None:
        """The row as an UPDATE sees it: this transaction's write, else the last commit."""
        rows = self.tables if (table, key) in self.written else self.database.tables
        return deepcopy(rows[table].get(key))

    def all(self, table: str) -> list[Any]:
        return [deepcopy(row) for row in self.tables[table].values()]

    def put(self, table: str, key: Any, row: Any) -> None:
        self.tables[table][key] = deepcopy(row)
        self.written.add((table, key))

    def delete(self, table: str, key: Any) -> None:
        self.tables[table].pop(key, None)
        self.written.add((table, key))

    def commit(self) -> None:
        committed = self.database.tables
        for table, key in self.written:
            if key in self.tables[table]:
                committed[table][key] = deepcopy(self.tables[table][key])
            else:
                committed[table].pop(key, None)
        self.written.clear()
        self.database.commits += 1


class InMemoryUnitOfWork:
    """`UnitOfWork` over an `InMemoryDatabase`; may be entered again after it is left. Its
    commit runs the same dispatch as the Postgres one (by default the application's table
    with no after-commit ports: the store notifications), so unit tests see the outbox."""

    def __init__(
        self,
        database: InMemoryDatabase | None = None,
        *,
        autocommit: bool = False,
        dispatch: Dispatch | None = None,
    ) -> None:
        self.database = database or InMemoryDatabase()
        self._autocommit = autocommit  # what it wrote is kept when it is left cleanly
        self._dispatch = dispatch or Dispatch(event_handlers())
        self._tx: _Transaction | None = None
        self.changes: list[Change] = []
        self.stores: StoreRepository = InMemoryStoreRepository(self)
        self.orders: OrderRepository = InMemoryOrderRepository(self)
        self.payments: PaymentRepository = InMemoryPaymentRepository(self)
        self.webhooks: WebhookInbox = InMemoryWebhookInbox(self)
        self.idempotency: IdempotencyRepository = InMemoryIdempotencyRepository(self)
        self.schedule: ReconciliationSchedule = InMemoryReconciliationSchedule(self)
        self.notifications: NotificationOutbox = InMemoryNotificationOutbox(self)
        self.refunds: RefundRepository = InMemoryRefundRepository(self)
        self.operators: OperatorRepository = InMemoryOperatorRepository(self)
        self.audit: AuditLog = InMemoryAuditLog(self)
        self.review: ReviewQueue = InMemoryReviewQueue(self)
        self.ledger: Ledger = InMemoryLedger(self)
        self.payouts = InMemoryPayoutRepository(self)
        self.payout_destinations = InMemoryPayoutDestinationRepository(self)
        self.payout_schedules = InMemoryPayoutScheduleRepository(self)

    @property
    def tx(self) -> _Transaction:
        if self._tx is None:
            raise RuntimeError("repositories are only usable inside `async with uow:`")
        return self._tx

    async def __aenter__(self) -> Self:
        if self._tx is not None:
            raise RuntimeError("this unit of work is already open")
        self._tx = _Transaction(self.database)
        self.changes.clear()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._autocommit and exc is None and self._tx is not None:
            self._tx.commit()
        self._tx = None  # whatever was not committed is gone

    def collect(self) -> list[Change]:
        collected, self.changes[:] = list(self.changes), []
        return collected

    async def commit(self) -> None:
        tx = self.tx

        async def send() -> None:
            tx.commit()

        await self._dispatch.commit(self, send)


class InMemoryUnitOfWorkFactory:
    """`UnitOfWorkFactory`: every unit of work it makes shares `database` and `dispatch`
    (`handlers`: the dispatch's table; default: the application's, notifications only)."""

    def __init__(
        self, database: InMemoryDatabase | None = None, *, handlers: EventHandlers | None = None
    ) -> None:
        self.database = database or InMemoryDatabase()
        self.dispatch = Dispatch(handlers or event_handlers())

    def __call__(self, *, read_only: bool = False, autocommit: bool = False) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.database, autocommit=autocommit, dispatch=self.dispatch)


# -- repositories ----------------------------------------------------------------------------


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


Row = TypeVar("Row", bound=_HasId)


def _page(rows: list[Row], page: PageRequest) -> Page[Row]:
    """Newest first by id, after the `starting_after` cursor."""
    newest = sorted(rows, key=lambda row: row.id, reverse=True)
    if page.starting_after is not None:
        newest = [row for row in newest if row.id < page.starting_after]
    return Page(newest[: page.limit], has_more=len(newest) > page.limit)


def _append_events(uow: InMemoryUnitOfWork, aggregate: Order | Payment | Refund) -> None:
    for event in aggregate.events:
        event_id = uow.tx.database.next_id("evt")
        uow.tx.put("events", event_id, RecordedEvent(event_id, event))
        uow.changes.append(Change(event_id, event, aggregate))
    aggregate.events.clear()


def _insert(uow: InMemoryUnitOfWork, table: str, aggregate: Order | Payment | Refund) -> None:
    if uow.tx.get(table, aggregate.id) is not None:
        raise ValueError(f"{table}: {aggregate.id} already exists")
    _append_events(uow, aggregate)
    uow.tx.put(table, aggregate.id, aggregate)


class ConcurrentUpdate(ConcurrentChange):
    """The row is missing or changed since it was read (the fake's twin of the Postgres
    adapter's `ConcurrentUpdate`)."""


def _update(uow: InMemoryUnitOfWork, table: str, aggregate: Order | Payment | Refund) -> None:
    stored = uow.tx.latest(table, aggregate.id)
    if stored is None or stored.version != aggregate.version:
        raise ConcurrentUpdate(f"{table} {aggregate.id} changed since version {aggregate.version}")
    _append_events(uow, aggregate)
    aggregate.version += 1
    uow.tx.put(table, aggregate.id, aggregate)


class InMemoryStoreRepository:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(self, store: Store) -> None:
        tx = self._uow.tx
        if tx.get("stores", store.id) or await self.by_api_key_hash(store.api_key_hash):
            raise ValueError(f"store {store.id} or its API key already exists")
        tx.put("stores", store.id, store)

    async def get(self, store_id: str) -> Store | None:
        found: Store | None = self._uow.tx.get("stores", store_id)
        return found

    async def by_api_key_hash(self, key_hash: str) -> Store | None:
        matches = [s for s in self._uow.tx.all("stores") if s.api_key_hash == key_hash]
        return matches[0] if matches else None

    async def search(self, page: PageRequest, filters: StoreFilter | None = None) -> Page[Store]:
        return search_stores(self._uow.tx.all("stores"), page, filters or StoreFilter())

    async def get_for_update(self, store_id: str) -> Store | None:
        return await self.get(store_id)

    async def save(self, store: Store) -> None:
        self._uow.tx.put("stores", store.id, store)

    async def replace_api_key(self, store_id: str, key_hash: str, prefix: str) -> bool:
        store = await self.get(store_id)
        if store is None:
            return False
        self._uow.tx.put(
            "stores", store_id, replace(store, api_key_hash=key_hash, api_key_prefix=prefix)
        )
        return True


class InMemoryOrderRepository:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    async def expired_ids(self, now: datetime, limit: int) -> list[tuple[str, str]]:
        orders = sorted(self._uow.tx.all("orders"), key=lambda o: o.id)
        due = [
            (o.store_id, o.id)
            for o in orders
            if o.status.value == "pending_payment" and o.expires_at and o.expires_at <= now
        ]
        return due[:limit]

    async def add(self, order: Order) -> None:
        _insert(self._uow, "orders", order)

    async def get(self, store_id: str, order_id: str, *, for_update: bool = False) -> Order | None:
        order: Order | None = self._uow.tx.get("orders", order_id)
        return order if order is not None and order.store_id == store_id else None

    async def save(self, order: Order) -> None:
        _update(self._uow, "orders", order)

    async def search(self, store_id: str, filters: OrderFilter, page: PageRequest) -> Page[Order]:
        orders = [
            o
            for o in self._uow.tx.all("orders")
            if o.store_id == store_id
            and filters.status in (None, o.status)
            and filters.reference in (None, o.reference)
            and filters.customer_reference in (None, o.customer_reference)
        ]
        return _page(orders, page)


class InMemoryPaymentRepository:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(self, payment: Payment) -> None:
        _insert(self._uow, "payments", payment)

    async def get(self, payment_id: str, *, for_update: bool = False) -> Payment | None:
        found: Payment | None = self._uow.tx.get("payments", payment_id)
        return found

    async def lock_with_order(self, payment_id: str) -> tuple[Payment, Order, int | None] | None:
        return await self.with_order(payment_id)

    async def with_order(self, payment_id: str) -> tuple[Payment, Order, int | None] | None:
        payment = await self.get(payment_id)
        order = self._uow.tx.get("orders", payment.order_id) if payment else None
        store = self._uow.tx.get("stores", payment.store_id) if payment else None
        fee_bps = store.fee_bps if store else None
        return (payment, order, fee_bps) if payment and order else None

    async def get_for_store(self, store_id: str, payment_id: str) -> Payment | None:
        payment = await self.get(payment_id)
        return payment if payment is not None and payment.store_id == store_id else None

    async def save(self, payment: Payment) -> None:
        _update(self._uow, "payments", payment)

    async def for_order(self, order_id: str) -> list[Payment]:
        payments = [p for p in self._uow.tx.all("payments") if p.order_id == order_id]
        return sorted(payments, key=lambda p: p.id)

    async def lock_order_with_payments(
        self, store_id: str, order_id: str
    ) -> tuple[Order, list[Payment]] | None:
        order = await InMemoryOrderRepository(self._uow).get(store_id, order_id)
        return None if order is None else (order, await self.for_order(order_id))

    async def for_orders(self, order_ids: list[str]) -> list[Payment]:
        payments = [p for p in self._uow.tx.all("payments") if p.order_id in order_ids]
        return sorted(payments, key=lambda p: p.id)

    async def search(
        self, store_id: str, filters: PaymentFilter, page: PageRequest
    ) -> Page[Payment]:
        payments = [
            p
            for p in self._uow.tx.all("payments")
            if p.store_id == store_id
            and filters.order_id in (None, p.order_id)
            and filters.status in (None, p.status)
            and filters.provider in (None, p.provider)
            and filters.customer_reference in (None, self._customer_of(p))
        ]
        return _page(payments, page)

    def _customer_of(self, payment: Payment) -> str | None:
        order: Order | None = self._uow.tx.get("orders", payment.order_id)
        return order.customer_reference if order else None

    async def history(self, payment_id: str) -> list[RecordedEvent]:
        events = [e for e in self._uow.tx.all("events") if e.event.subject_id == payment_id]
        return sorted(events, key=lambda e: e.id)


class InMemoryWebhookInbox:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    async def record(self, delivery: WebhookDelivery, at: datetime) -> str | None:
        tx = self._uow.tx
        key = (delivery.provider, delivery.event_id)
        if any((e.delivery.provider, e.delivery.event_id) == key for e in tx.all("webhooks")):
            return None
        delivery_id = tx.database.next_id("whd")
        tx.put("webhooks", delivery_id, InboxEntry(delivery_id, delivery, at))
        return delivery_id

    async def record_and_read(
        self, delivery: WebhookDelivery, at: datetime
    ) -> tuple[str | None, PaymentWithOrder | None]:
        delivery_id = await self.record(delivery, at)
        if delivery_id is None or delivery.payment_id is None:
            return delivery_id, None
        return delivery_id, await self._uow.payments.with_order(delivery.payment_id)

    async def mark_processed(
        self,
        delivery_id: str,
        at: datetime,
        outcome: DeliveryOutcome,
        status: PaymentStatus | None = None,
    ) -> None:
        entry: InboxEntry | None = self._uow.tx.get("webhooks", delivery_id)
        if entry is None:
            raise LookupError(f"no webhook delivery {delivery_id}")
        entry.processed_at, entry.outcome = at, outcome.recorded(status)
        entry.attempts += 1
        self._uow.tx.put("webhooks", delivery_id, entry)

    async def claim_unprocessed(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[StoredDelivery]:
        """Unprocessed rows due now (or never tried and 30 s old), leased until `lease_until`."""
        tx, claimed = self._uow.tx, []
        for entry in sorted(tx.all("webhooks"), key=lambda e: e.received_at)[:limit]:
            due_at = entry.next_attempt_at or entry.received_at + timedelta(seconds=30)
            if entry.processed_at is None and due_at <= now:
                entry.next_attempt_at = lease_until
                tx.put("webhooks", entry.id, entry)
                claimed.append(StoredDelivery(entry.id, entry.delivery, entry.attempts))
        return claimed

    async def defer(self, delivery_id: str, next_attempt_at: datetime, error: str) -> None:
        entry: InboxEntry = self._uow.tx.get("webhooks", delivery_id)
        entry.next_attempt_at, entry.attempts = next_attempt_at, entry.attempts + 1
        self._uow.tx.put("webhooks", delivery_id, entry)


class InMemoryReconciliationSchedule:
    """Rows of `schedule`: payment id -> (next check or None, attempts)."""

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    async def plan(self, payment_id: str, at: datetime | None, attempts: int) -> None:
        self._uow.tx.put("schedule", payment_id, (at, attempts))

    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[tuple[str, int]]:
        tx = self._uow.tx
        rows = sorted(tx.tables["schedule"].items(), key=lambda item: str(item[1][0]))
        due = [(pid, attempts) for pid, (at, attempts) in rows if at is not None and at <= now]
        for payment_id, attempts in due[:limit]:
            tx.put("schedule", payment_id, (lease_until, attempts))
        return due[:limit]


class InMemoryNotificationOutbox:
    """Rows of `notifications` (written by the dispatch's `notify_store`, or seeded with
    `put`) and their `attempts`. A row's body is the event with a small rendering of its
    subject (id, object, status), as the Postgres outbox writes the API's."""

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(self, change: Change) -> None:
        subject, event = change.subject, change.event
        status = str(getattr(subject, "status", None) or subject.status_at(event.at))  # type: ignore[union-attr]
        body = {
            "id": change.id,
            "type": event.type,
            "data": {"object": {"id": subject.id, "object": change.kind, "status": status}},
        }
        self.put(
            Notification(
                id=change.id,
                store_id=subject.store_id,
                type=event.type,
                subject_id=event.subject_id,
                body=json.dumps(body).encode(),
                created_at=event.at,
                state="pending",
                attempts=0,
                next_attempt_at=event.at,
                delivered_at=None,
                last_status_code=None,
                last_error=None,
            )
        )

    def put(self, notification: Notification) -> None:
        self._uow.tx.put("notifications", notification.id, notification)

    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[Notification]:
        tx, claimed = self._uow.tx, []
        for row in sorted(tx.all("notifications"), key=lambda n: n.id):
            due = row.next_attempt_at is not None and row.next_attempt_at <= now
            if row.state == "pending" and due and len(claimed) < limit:
                tx.put("notifications", row.id, replace(row, next_attempt_at=lease_until))
                claimed.append(row)
        return claimed

    async def record_attempt(
        self,
        notification_id: str,
        attempt: DeliveryAttempt | None,
        state: str,
        next_attempt_at: datetime | None,
    ) -> None:
        tx = self._uow.tx
        row: Notification = tx.get("notifications", notification_id)
        tried = 1 if attempt else 0
        tx.put(
            "notifications",
            notification_id,
            replace(
                row,
                state=state,
                next_attempt_at=next_attempt_at,
                attempts=row.attempts + tried,
                delivered_at=attempt.at if attempt and state == "delivered" else row.delivered_at,
                last_status_code=attempt.status_code if attempt else row.last_status_code,
                last_error=attempt.error if attempt else row.last_error,
            ),
        )
        if attempt is not None:
            previous = tx.get("attempts", notification_id) or []
            tx.put("attempts", notification_id, [*previous, attempt])

    async def search(self, store_id: str, page: PageRequest) -> Page[Notification]:
        rows = [n for n in self._uow.tx.all("notifications") if n.store_id == store_id]
        return _page(rows, page)

    async def history(self, notification_id: str) -> list[DeliveryAttempt]:
        return list(self._uow.tx.get("attempts", notification_id) or [])

    async def redeliver(self, store_id: str, notification_id: str, at: datetime) -> bool:
        row: Notification | None = self._uow.tx.get("notifications", notification_id)
        if row is None or row.store_id != store_id:
            return False
        self._uow.tx.put(
            "notifications", notification_id, replace(row, state="pending", next_attempt_at=at)
        )
        return True


class InMemoryIdempotencyRepository:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    async def claim(
        self, store_id: str, key: str, request_hash: str, at: datetime
    ) -> IdempotencyRecord | None:
        existing: IdempotencyRecord | None = self._uow.tx.get("idempotency", (store_id, key))
        if existing is not None and at - existing.created_at < IDEMPOTENCY_TTL:
            return existing
        self._uow.tx.put("idempotency", (store_id, key), IdempotencyRecord(request_hash, None, at))
        return None

    async def complete(self, store_id: str, key: str, response: StoredResponse) -> None:
        record: IdempotencyRecord | None = self._uow.tx.get("idempotency", (store_id, key))
        if record is None:
            raise LookupError(f"idempotency key {key!r} was never claimed")
        self._uow.tx.put("idempotency", (store_id, key), replace(record, response=response))

    async def release(self, store_id: str, key: str) -> None:
        """Forgets a claim still in flight; a completed one stays."""
        record: IdempotencyRecord | None = self._uow.tx.get("idempotency", (store_id, key))
        if record is not None and record.response is None:
            self._uow.tx.delete("idempotency", (store_id, key))


# -- providers -------------------------------------------------------------------------------

Answer = ProviderReport | Exception


class FakeProvider:
    """A payment provider that answers what it is told to.

    `start` raises `start_error` when set, else returns `start_result`, else a default result
    (reference `<name>_<payment id>`, approve on the phone). `fetch_status` answers what was
    queued with `queue(...)`, in order, the last answer repeating; an exception is raised;
    with nothing queued the provider is unavailable.
    """

    def __init__(
        self,
        name: str = "fake",
        *,
        requires_phone: bool = True,
        start_result: StartResult | None = None,
        start_error: Exception | None = None,
    ) -> None:
        self.name, self.requires_phone = name, requires_phone
        self.start_result, self.start_error = start_result, start_error
        self.started: list[str] = []
        self.fetched: list[str] = []
        self._answers: deque[Answer] = deque()
        self.refunded: list[str] = []
        self._refund_answers: deque[Answer] = deque()

    def queue(self, *answers: Answer) -> None:
        self._answers.extend(answers)

    @property
    def start_calls(self) -> int:
        return len(self.started)

    @property
    def fetch_calls(self) -> int:
        return len(self.fetched)

    def reference_for(self, payment_id: str) -> str | None:
        return f"ref_{payment_id}"

    # refunds: `refunds` says what it can do; `refund` answers `refund_answer` (a report, or
    # an exception to raise), `fetch_refund` the answers queued with `queue_refund(...)`
    refunds = RefundSupport.PARTIAL
    refund_answer: Answer = ProviderReport(ReportedStatus.PENDING)

    def refund_reference_for(self, refund_id: str) -> str | None:
        return f"ref_{refund_id}"

    async def refund(self, refund: Refund, payment: Payment) -> RefundStarted:
        self.refunded.append(refund.id)
        if isinstance(self.refund_answer, Exception):
            raise self.refund_answer
        return RefundStarted(refund.provider_reference, self.refund_answer)

    async def fetch_refund(self, refund: Refund, payment: Payment) -> ProviderReport:
        answers = self._refund_answers
        if not answers:
            raise ProviderUnavailable(f"{self.name} has no refund answer queued")
        answer = answers.popleft() if len(answers) > 1 else answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def queue_refund(self, *answers: Answer) -> None:
        self._refund_answers.extend(answers)

    async def start(self, payment: Payment, order: Order) -> StartResult:
        self.started.append(payment.id)
        if self.start_error is not None:
            raise self.start_error
        return self.start_result or StartResult(
            reference=f"{self.name}_{payment.id}",
            next_action=NextAction("approve_on_phone", message="Confirm on your phone"),
        )

    async def fetch_status(self, payment: Payment) -> ProviderReport:
        self.fetched.append(payment.id)
        if not self._answers:
            raise ProviderUnavailable(f"{self.name} has no answer queued")
        answer = self._answers.popleft() if len(self._answers) > 1 else self._answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


class FakeWebhookAuthenticator:
    """Accepts a JSON body `{"event_id": ..., "payment_id": ...}` whose `X-Signature` header
    equals `secret`. `signed(...)` builds such a body and its headers."""

    def __init__(self, provider: str = "fake", *, secret: str = "whsec_fake") -> None:
        self.provider, self.secret = provider, secret

    def signed(
        self, event_id: str, payment_id: str | None, **extra: Any
    ) -> tuple[bytes, dict[str, str]]:
        body = {"event_id": event_id, "payment_id": payment_id, **extra}
        return json.dumps(body).encode(), {"X-Signature": self.secret}

    async def authenticate(
        self, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]
    ) -> WebhookDelivery:
        lowered = {name.lower(): value for name, value in headers.items()}
        if lowered.get("x-signature") != self.secret:
            raise WebhookRejected("bad signature")
        try:
            payload = json.loads(body)
            event_id, payment_id = str(payload["event_id"]), payload.get("payment_id")
        except (ValueError, KeyError, TypeError, AttributeError):
            raise MalformedWebhook("unreadable webhook body") from None
        return WebhookDelivery(self.provider, event_id, payment_id, body, dict(headers))


class FakeRegistry:
    """`ProviderRegistry` over fake providers; each gets a `FakeWebhookAuthenticator` unless
    one is given for its name. Each is the default account of its name (taking any currency),
    unless `accounts` gives country accounts: `{("mtn_momo", "CM"): (provider, "XAF")}`."""

    def __init__(
        self,
        *providers: FakeProvider,
        authenticators: Mapping[str, FakeWebhookAuthenticator] | None = None,
        accounts: Mapping[tuple[str, str], tuple[FakeProvider, str]] | None = None,
    ) -> None:
        self.providers = {provider.name: provider for provider in providers}
        self.authenticators = {name: FakeWebhookAuthenticator(name) for name in self.providers}
        self.authenticators.update(authenticators or {})
        self.countries = dict(accounts or {})

    def get(self, name: str, country: str | None = None) -> FakeProvider:
        if country is not None:
            if (name, country) not in self.countries:
                raise ProviderNotAvailable(f"provider {name!r} is not configured in {country}")
            return self.countries[name, country][0]
        if name not in self.providers:
            raise ProviderNotAvailable(f"provider {name!r} is not configured")
        return self.providers[name]

    def choose(self, name: str, country: str | None) -> tuple[Account, FakeProvider]:
        if country is not None and (name, country) in self.countries:
            provider, currency = self.countries[name, country]
            return Account(AccountId(name, country), currency), provider
        if name not in self.providers:
            raise ProviderNotAvailable(f"provider {name!r} is not available in {country}")
        return Account(AccountId(name), None), self.providers[name]

    def webhook_authenticator(self, name: str) -> FakeWebhookAuthenticator:
        if name not in self.authenticators:
            raise ProviderNotAvailable(f"provider {name!r} takes no webhooks here")
        return self.authenticators[name]

    def available(self) -> Sequence[str]:
        return sorted(set(self.providers) | {name for name, _ in self.countries})

    def accounts(self) -> Sequence[Account]:
        defaults = [Account(AccountId(name), None) for name in self.providers]
        countries = [Account(AccountId(n, cc), cur) for (n, cc), (_, cur) in self.countries.items()]
        return sorted(defaults + countries, key=lambda a: (a.id.provider, a.id.country or ""))

    def refunder(self, name: str, country: str | None = None) -> FakeProvider:
        return self.get(name, country)


# -- refunds -----------------------------------------------------------------------------------


class InMemoryRefundRepository:
    """`RefundRepository`; its checks live in the `refund_checks` table (`(at, attempts)`)."""

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(self, refund: Refund) -> None:
        _insert(self._uow, "refunds", refund)

    async def get(self, refund_id: str, *, for_update: bool = False) -> Refund | None:
        found: Refund | None = self._uow.tx.get("refunds", refund_id)
        return found

    async def get_for_store(self, store_id: str, refund_id: str) -> Refund | None:
        refund = await self.get(refund_id)
        return refund if refund is not None and refund.store_id == store_id else None

    async def save(self, refund: Refund) -> None:
        _update(self._uow, "refunds", refund)

    async def held(self, payment_id: str) -> int:
        refunds = self._uow.tx.all("refunds")
        return sum(
            r.amount.amount for r in refunds if r.payment_id == payment_id and r.status in HOLDING
        )

    async def search(
        self, store_id: str | None, filters: RefundFilter, page: PageRequest
    ) -> Page[Refund]:
        refunds = [
            r
            for r in self._uow.tx.all("refunds")
            if store_id in (None, r.store_id)
            and filters.payment_id in (None, r.payment_id)
            and filters.status in (None, r.status)
        ]
        return _page(refunds, page)

    async def history(self, refund_id: str) -> list[RecordedEvent]:
        events = [e for e in self._uow.tx.all("events") if e.event.subject_id == refund_id]
        return sorted(events, key=lambda e: e.id)

    async def plan(self, refund_id: str, at: datetime | None, attempts: int) -> None:
        self._uow.tx.put("refund_checks", refund_id, (at, attempts))

    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[tuple[str, int]]:
        tx = self._uow.tx
        due = sorted(
            (at, refund_id, attempts)
            for refund_id, (at, attempts) in tx.tables["refund_checks"].items()
            if at is not None and at <= now
        )[:limit]
        for _, refund_id, attempts in due:
            tx.put("refund_checks", refund_id, (lease_until, attempts))
        return [(refund_id, attempts) for _, refund_id, attempts in due]
