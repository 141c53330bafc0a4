"""The ports of stores and operators: their repositories, the audit log, the review
queue, and the notifications sent to stores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from application.shared.ports import Change, Page, PageRequest
from domain.audit import AuditEntry
from domain.operator import Actor, Operator
from domain.review import Resolution, ReviewItem, ReviewKind
from domain.store import Store, StoreStatus


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


class NotificationUrls(Protocol):
    async def check(self, url: str) -> None:
        """Raises `InvalidNotificationUrl` when the service must not send to `url`."""
        ...


class Credentials(Protocol):
    """Makes store secrets. API keys are only ever stored as `hash_api_key(key)`."""

    def new_api_key(self) -> str: ...
    def hash_api_key(self, key: str) -> str: ...
    def new_webhook_secret(self) -> str: ...
    def new_operator_token(self) -> str: ...


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
        """Take the item out of the queue (and drop its claim). Raises `AlreadyResolved` when
        it has left it."""
        ...

    async def claim(
        self, item: ReviewItem, by: Actor, at: datetime, stale_before: datetime
    ) -> bool:
        """Hold `item` for `by`'s resolution: False when someone else holds it with a claim
        made at or after `stale_before` (an older one, left by a crash, is taken over)."""
        ...

    async def release(self, item: ReviewItem) -> None:
        """Drop the claim on `item` (what was to be done was not done)."""
        ...


class NotificationOutbox(Protocol):
    """Notifications to stores, written in the transaction of the change they announce (by
    the dispatch's `notify_store`), delivered by the worker."""

    async def add(self, change: Change) -> None:
        """Write the notification of `change` to its subject's store: the event with the
        subject as the API shows it; its id is the event's."""
        ...

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


class NotificationSender(Protocol):
    async def send(self, url: str, body: bytes, secret: str) -> DeliveryAttempt:
        """POST `body` signed with `Payments-Signature`; never raises for HTTP failures."""
        ...
