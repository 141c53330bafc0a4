"""Operator use cases on stores: create, rotate a key, authenticate, list."""

from __future__ import annotations

from dataclasses import dataclass

from application.errors import NotFound, Unauthorized
from application.ports import (
    Clock,
    Credentials,
    IdGenerator,
    NotificationUrls,
    Page,
    PageRequest,
    UnitOfWorkFactory,
)
from domain.store import Store


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

    async def __call__(self, command: CreateStoreCommand) -> NewStore:
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
            await uow.commit()
        return NewStore(store, api_key)


class RotateApiKey:
    """A new API key replaces the old one, which stops working at once."""

    def __init__(self, uow: UnitOfWorkFactory, credentials: Credentials) -> None:
        self._uow, self._credentials = uow, credentials

    async def __call__(self, store_id: str) -> NewStore:
        api_key = self._credentials.new_api_key()
        key_hash = self._credentials.hash_api_key(api_key)
        async with self._uow() as uow:
            if not await uow.stores.replace_api_key(store_id, key_hash, api_key[:12]):
                raise NotFound(f"store {store_id} not found")
            store = await uow.stores.get(store_id)
            await uow.commit()
        assert store is not None
        return NewStore(store, api_key)


class AuthenticateStore:
    """A bearer API key identifies exactly one store; anything else is unauthorized."""

    def __init__(self, uow: UnitOfWorkFactory, credentials: Credentials) -> None:
        self._uow, self._credentials = uow, credentials

    async def __call__(self, api_key: str | None) -> Store:
        if not api_key:
            raise Unauthorized("missing API key")
        async with self._uow(read_only=True) as uow:
            store = await uow.stores.by_api_key_hash(self._credentials.hash_api_key(api_key))
        if store is None:
            raise Unauthorized("invalid API key")
        return store


class ListStores:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, page: PageRequest) -> Page[Store]:
        async with self._uow(read_only=True) as uow:
            return await uow.stores.search(page)
