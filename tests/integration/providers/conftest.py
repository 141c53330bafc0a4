"""The kit's fixtures: `kit` runs each test once per provider (its fake, its app)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import respx
from litestar.testing import AsyncTestClient
from tests.integration.conftest import create_store
from tests.integration.provider_app import provider_app
from tests.integration.providers.fake_moov_money import FakeMoovMoney
from tests.integration.providers.fake_mtn_momo import FakeMtnMomo
from tests.integration.providers.fake_orange_money import FakeOrangeMoney
from tests.integration.providers.fake_wave import FakeWave
from tests.integration.providers.kit import Kit, ProviderFake

from entrypoints.settings import Settings

FAKES: tuple[type[ProviderFake], ...] = (FakeWave, FakeMtnMomo, FakeMoovMoney, FakeOrangeMoney)


@pytest.fixture(scope="module", params=FAKES, ids=[fake.name for fake in FAKES])
def fake_kind(request: pytest.FixtureRequest) -> type[ProviderFake]:
    kind: type[ProviderFake] = request.param
    return kind


@pytest.fixture(scope="module")
async def provider_client(
    settings: Settings, fake_kind: type[ProviderFake]
) -> AsyncIterator[AsyncTestClient[Any]]:
    async with provider_app(settings, fake_kind.env) as client:
        yield client


@pytest.fixture
def fake(fake_kind: type[ProviderFake]) -> Iterator[ProviderFake]:
    with respx.mock(using="stream", base_url=fake_kind.base_url, assert_all_called=False) as router:
        yield fake_kind(router)


@pytest.fixture
async def kit(provider_client: AsyncTestClient[Any], clean_db: None, fake: ProviderFake) -> Kit:
    return Kit(provider_client, await create_store(provider_client), fake)
