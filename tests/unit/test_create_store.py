"""Stores: a key shown once and kept hashed, rotation, authentication."""

from dataclasses import dataclass, field

import pytest
from tests.fakes import FakeClock, FakeCredentials, InMemoryUnitOfWorkFactory, SequentialIds

from application.errors import NotFound, Unauthorized
from application.shared.ports import PageRequest
from application.stores.stores import (
    AuthenticateStore,
    CreateStore,
    CreateStoreCommand,
    ListStores,
    NewStore,
    RotateApiKey,
)
from domain.store import Store


@dataclass
class Stores:
    """The store use cases of one test, sharing one database, id generator and key maker."""

    uow: InMemoryUnitOfWorkFactory = field(default_factory=InMemoryUnitOfWorkFactory)
    credentials: FakeCredentials = field(default_factory=FakeCredentials)
    ids: SequentialIds = field(default_factory=SequentialIds)

    async def create(self, name: str = "Boutique Awa") -> NewStore:
        create = CreateStore(self.uow, self.ids, FakeClock(), self.credentials)
        return await create(CreateStoreCommand(name, "https://shop.example/notify"))

    async def rotate(self, store_id: str) -> NewStore:
        return await RotateApiKey(self.uow, self.credentials, self.ids, FakeClock())(store_id)

    async def authenticate(self, api_key: str | None) -> Store:
        return await AuthenticateStore(self.uow, self.credentials)(api_key)

    @property
    def stored(self) -> list[Store]:
        return self.uow.database.rows("stores")


async def test_a_new_store_is_stored_with_its_key_hashed_never_in_clear() -> None:
    stores = Stores()
    new = await stores.create()
    [stored] = stores.stored
    assert stored == new.store
    assert (stored.name, stored.notification_url) == ("Boutique Awa", "https://shop.example/notify")
    assert stored.api_key_hash == FakeCredentials().hash_api_key(new.api_key)
    assert stored.api_key_prefix == new.api_key[:12]
    assert new.api_key not in repr(stored)
    assert stored.webhook_secret


async def test_the_key_shown_once_authenticates_its_store() -> None:
    stores = Stores()
    new = await stores.create()
    assert (await stores.authenticate(new.api_key)).id == new.store.id


async def test_each_store_gets_its_own_key_and_secret() -> None:
    stores = Stores()
    first, second = await stores.create("A"), await stores.create("B")
    assert first.api_key != second.api_key
    assert first.store.webhook_secret != second.store.webhook_secret
    assert (await stores.authenticate(second.api_key)).id == second.store.id


@pytest.mark.parametrize("key", [None, "", "sk_test_wrong"])
async def test_a_missing_or_unknown_key_is_unauthorized(key: str | None) -> None:
    stores = Stores()
    await stores.create()
    with pytest.raises(Unauthorized):
        await stores.authenticate(key)


async def test_rotating_makes_the_old_key_fail_and_the_new_one_work() -> None:
    stores = Stores()
    old = await stores.create()
    new = await stores.rotate(old.store.id)
    assert new.api_key != old.api_key
    with pytest.raises(Unauthorized):
        await stores.authenticate(old.api_key)
    assert (await stores.authenticate(new.api_key)).id == old.store.id
    [stored] = stores.stored
    assert stored.api_key_prefix == new.api_key[:12]
    assert new.api_key not in repr(stored)


async def test_rotating_an_unknown_store_is_not_found_and_changes_nothing() -> None:
    stores = Stores()
    existing = await stores.create()
    with pytest.raises(NotFound):
        await stores.rotate("str_9999")
    assert stores.stored == [existing.store]


async def test_stores_are_listed_newest_first() -> None:
    stores = Stores()
    first, second = await stores.create("A"), await stores.create("B")
    page = await ListStores(stores.uow)(PageRequest(limit=10))
    assert [s.id for s in page.data] == [second.store.id, first.store.id]
