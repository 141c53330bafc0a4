"""Operator use cases on stores: create, rotate a key, authenticate, list. Creating a store and
rotating its key are operator actions: each writes its audit entry in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass

from application.errors import NotFound, StoreSuspended, Unauthorized
from application.shared.ports import Clock, IdGenerator, Page, PageRequest
from application.stores.audit import write_audit
from application.stores.ports import Credentials, NotificationUrls, StoreFilter
from application.stores.sign_in_sessions import SessionKind, SignInSessions
from application.unit_of_work import UnitOfWorkFactory
from domain.operator import COMMAND_LINE, Actor
from domain.store import Store

SUBJECT = "store"


@dataclass(frozen=True, slots=True)
class CreateStoreCommand:
    name: str
    notification_url: str | None = None


@dataclass(frozen=True, slots=True)
class NewStore:
    """A created store with its API key, shown this once and never stored in clear."""

    store: Store
    api_key: str


class CreateStore:
    """A store gets a fresh API key (kept hashed) and a webhook secret for its notifications.
    Its notification URL must pass the service's outbound rules (`InvalidNotificationUrl`):
    in production an https URL whose host is a public address."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        ids: IdGenerator,
        clock: Clock,
        credentials: Credentials,
        urls: NotificationUrls | None = None,
    ) -> None:
        self._uow, self._ids, self._clock, self._credentials = uow, ids, clock, credentials
        self._urls = urls

    async def __call__(self, command: CreateStoreCommand, actor: Actor = COMMAND_LINE) -> NewStore:
        if command.notification_url is not None and self._urls is not None:
            await self._urls.check(command.notification_url)
        api_key = self._credentials.new_api_key()
        store = Store(
            id=self._ids.new("str"),
            name=command.name,
            api_key_hash=self._credentials.hash_api_key(api_key),
            api_key_prefix=api_key[:12],
            webhook_secret=self._credentials.new_webhook_secret(),
            created_at=self._clock.now(),
            notification_url=command.notification_url,
        )
        async with self._uow() as uow:
            await uow.stores.add(store)
            await write_audit(
                uow, self._ids, actor=actor, action="store.created", subject=(SUBJECT, store.id),
                at=store.created_at, after=store.audit_view(),
            )  # fmt: skip
            await uow.commit()
        return NewStore(store, api_key)


class RotateApiKey:
    """A new API key replaces the old one, which stops working at once (audited); the
    vendors signed in with the old one are signed out."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        credentials: Credentials,
        ids: IdGenerator,
        clock: Clock,
        sessions: SignInSessions | None = None,
    ) -> None:
        self._uow, self._credentials, self._ids, self._clock = uow, credentials, ids, clock
        self._sessions = sessions

    async def __call__(self, store_id: str, actor: Actor = COMMAND_LINE) -> NewStore:
        api_key = self._credentials.new_api_key()
        key_hash = self._credentials.hash_api_key(api_key)
        async with self._uow() as uow:
            before = await uow.stores.get(store_id)
            if not await uow.stores.replace_api_key(store_id, key_hash, api_key[:12]):
                raise NotFound(f"store {store_id} not found")
            store = await uow.stores.get(store_id)
            assert before is not None and store is not None
            await write_audit(
                uow, self._ids, actor=actor, action="store.api_key_rotated",
                subject=(SUBJECT, store_id), at=self._clock.now(),
                before=before.audit_view(), after=store.audit_view(),
            )  # fmt: skip
            await uow.commit()
        if self._sessions is not None:
            await self._sessions.end_all(SessionKind.VENDOR, store_id)
        return NewStore(store, api_key)


class AuthenticateStore:
    """A bearer API key identifies exactly one store; anything else is unauthorized. The key
    of a suspended store is refused (`StoreSuspended`) until an operator reactivates it."""

    def __init__(self, uow: UnitOfWorkFactory, credentials: Credentials) -> None:
        self._uow, self._credentials = uow, credentials

    async def __call__(self, api_key: str | None) -> Store:
        if not api_key:
            raise Unauthorized("missing API key")
        async with self._uow(read_only=True) as uow:
            store = await uow.stores.by_api_key_hash(self._credentials.hash_api_key(api_key))
        if store is None:
            raise Unauthorized("invalid API key")
        if store.is_suspended:
            raise StoreSuspended(f"store {store.id} is suspended")
        return store


class ListStores:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, page: PageRequest, filters: StoreFilter | None = None) -> Page[Store]:
        async with self._uow(read_only=True) as uow:
            return await uow.stores.search(page, filters)

    async def one(self, store_id: str) -> Store:
        async with self._uow(read_only=True) as uow:
            store = await uow.stores.get(store_id)
        if store is None:
            raise NotFound(f"store {store_id} not found")
        return store
