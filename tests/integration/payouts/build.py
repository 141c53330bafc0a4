"""The payout gateways of a provider configuration, built as the container builds them:
each configured provider's own module, its HTTP client on its base URL, then
`gateway_set` (MTN's payouts share the Disbursement product of the provider's refunds)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import httpx
from tests.fakes import FakeClock

from adapters.providers import catalog
from adapters.providers.deps import ProviderDeps
from adapters.providers.http import LogObserver
from adapters.providers.payout_gateways import PayoutGatewaySet, RealProvider, gateway_set
from adapters.providers.transport import StreamTransport
from adapters.signing import UrlSigner
from adapters.urls import ServiceUrls
from domain.payment import Payment
from entrypoints.settings import SANDBOX_SECRET

URLS = ServiceUrls("http://testserver.local", UrlSigner(SANDBOX_SECRET.encode()))


async def no_payment(payment_id: str) -> Payment | None:
    return None


@asynccontextmanager
async def gateways(
    env: Mapping[str, str],
    clock: FakeClock | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> AsyncIterator[tuple[PayoutGatewaySet, dict[str, Any]]]:
    """The gateway set, and the payment providers by account (`mtn_momo`, `moov_money:TG`:
    refunds share MTN's token); `transport` carries their calls (an in-process simulator),
    else the providers' own transport (answered by `respx.mock(using="stream")`)."""
    async with AsyncExitStack() as stack:
        real, built = [], {}
        for account in catalog.accounts(env):
            config = account.config
            client = await stack.enter_async_context(
                httpx.AsyncClient(
                    base_url=config.base_url,
                    timeout=config.timeout,
                    transport=transport or StreamTransport(),
                )
            )
            deps = ProviderDeps(client, URLS, clock or FakeClock(), LogObserver(), no_payment)
            provider, _ = config.build(deps)
            built[account.id.key] = provider
            http = deps.http(account.module.NAME)
            real.append(RealProvider(config, provider, http, account.country))
        yield gateway_set(real), built
